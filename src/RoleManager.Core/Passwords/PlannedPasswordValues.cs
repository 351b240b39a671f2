using System.Collections.Immutable;
using RoleManager.Errors;
using RoleManager.Model;

namespace RoleManager.Passwords;

/// <summary>
/// Between the inspection and the plan: reads the secret values the plan will set (<see cref="PasswordDecision.NeedsValue"/>:
/// a role created with its password, or one whose recorded version is not the secret's current one), and no other, so a
/// converged run reads no secret value. Secrets Manager, not the database: the run's one master login is not repeated.
/// </summary>
internal static class PlannedPasswordValues
{
    public static async Task<DesiredState> ReadAsync(DesiredState desired, CurrentState current, CancellationToken cancellationToken)
    {
        var values = new Dictionary<string, Secret>(StringComparer.Ordinal);
        foreach (var role in desired.PresentRoles.Where(r => PasswordDecision.NeedsValue(r, current.Roles.GetValueOrDefault(r.Name))))
            values[role.Name] = role.PasswordSource!.ReadValue is { } read
                ? await read(cancellationToken)
                : throw new PlanException(
                    $"Role {role.Name} takes its password from {role.PasswordSource.Describe()}, whose value the plan needs but nothing can read here. " +
                    "The host must resolve password secrets before planning; this is a defect in RoleManager: please report it.");
        return values.Count == 0 ? desired
            : desired with { Roles = desired.Roles.Select(r => values.TryGetValue(r.Name, out var value) && r.PasswordSource is not null ? r with { Password = value } : r).ToImmutableArray() };
    }
}
