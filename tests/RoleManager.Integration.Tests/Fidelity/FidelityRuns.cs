using Npgsql;
using RoleManager.Check;
using RoleManager.Model;

namespace RoleManager.Integration.Tests.Fidelity;

/// <summary>What the fidelity regression tests share: a check through the engine, its failures in words, a yes/no question to PostgreSQL.</summary>
internal static class FidelityRuns
{
    public static Task<(RunResult Plan, CheckResult Check)> CheckAsync(TestDatabase db, DesiredState desired) =>
        db.Engine().CheckAsync(desired, new PasswordLoginCredentials(), db.MasterSettings, CancellationToken.None);

    public static string Failures(CheckResult check) => string.Join("; ", check.Failures.Select(f => $"{f.Role}: {f.Name}: {f.Detail}"));

    public static string Pending(Planning.Plan plan) =>
        string.Join("; ", plan.Changes.Select(c => c.Sql).Concat(plan.Findings.Select(f => $"finding {f.Subject}: {f.FixSql}")));

    /// <summary>The boolean answer of <paramref name="expression"/> (a has_*_privilege call), asked as the superuser.</summary>
    public static async Task<bool> AskAsync(NpgsqlConnection superuser, string expression)
    {
        await using var command = new NpgsqlCommand($"SELECT {expression}", superuser);
        return (bool)(await command.ExecuteScalarAsync())!;
    }
}
