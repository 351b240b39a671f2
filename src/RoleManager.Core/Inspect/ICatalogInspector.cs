using System.Collections.Immutable;
using Npgsql;
using RoleManager.Model;

namespace RoleManager.Inspect;

/// <summary>The names that bound what is read: declared roles and the schemas to manage (public included).</summary>
public sealed record InspectionScope(ImmutableArray<string> Roles, ImmutableArray<string> Schemas)
{
    /// <summary>
    /// Groups named in <c>member_of</c> that the config does not declare: read only for the protected-role rule
    /// (is the group a superuser, has it CREATEROLE, does it lead into <c>rds_superuser</c> or a <c>pg_*</c> role?).
    /// </summary>
    public ImmutableArray<string> Groups { get; init; } = ImmutableArray<string>.Empty;

    public static InspectionScope For(DesiredState desired) => new(
        desired.Roles.Select(r => r.Name).ToImmutableArray(),
        desired.Schemas.Select(s => s.Name).Append("public").Distinct().ToImmutableArray())
    {
        Groups = desired.Roles.SelectMany(r => r.MemberOf).Where(g => desired.FindRole(g) is null).Distinct().ToImmutableArray(),
    };
}

/// <summary>Reads the current state of the managed scope from the live catalog.</summary>
public interface ICatalogInspector
{
    Task<CurrentState> InspectAsync(NpgsqlConnection connection, InspectionScope scope, CancellationToken cancellationToken);
}
