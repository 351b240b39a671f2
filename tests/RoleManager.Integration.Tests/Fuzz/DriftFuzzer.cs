using Npgsql;
using RoleManager.Check;
using RoleManager.Model;

namespace RoleManager.Integration.Tests.Fuzz;

/// <summary>An assertion that failed, and what it saw.</summary>
public sealed record FuzzFailure(string Assertion, string Detail);

/// <summary>The names one run used: its database, its role prefix and its config (YAML).</summary>
public sealed record RunNames(string Database, string Prefix, string Config);

/// <summary>One seed's run: every statement with its outcome, the first failed assertion (null when all held), the findings that were fixed.</summary>
public sealed record FuzzOutcome(int Seed, int VersionNum, IReadOnlyList<FuzzStep> Steps, FuzzFailure? Failure, IReadOnlyList<string> Findings, TimeSpan Elapsed)
{
    /// <summary>The run's database, role prefix and config, so a repro names what the run named.</summary>
    public required RunNames Names { get; init; }

    public bool Passed => Failure is null;
}

/// <summary>
/// The differential drift fuzzer: a fresh database per seed with <see cref="TestDatabase.RichLayout"/> applied, the
/// setup (<see cref="FuzzRoles.Setup"/>), then the seed's statements (<see cref="DriftGrammar"/>) run as whoever the
/// grammar chose, each in its own transaction (a failed one changes nothing, and is recorded). Then, in order:
/// <list type="number">
/// <item><b>plan sees what check sees</b> — on the drifted database, a failing check means a plan with changes or findings;</item>
/// <item><b>apply succeeds</b> — drift is never an error;</item>
/// <item><b>findings only for a superuser's doing</b> — a finding after apply is allowed only when a statement ran as the
/// superuser (the master cannot undo what only a superuser may do); its fix SQL is run as the superuser and apply runs again;</item>
/// <item><b>plan is empty</b> — no changes and no findings;</item>
/// <item><b>check passes</b>;</item>
/// <item><b>has_privilege equals the config</b> — <see cref="ExpectedPrivileges"/>.</item>
/// </list>
/// </summary>
public static class DriftFuzzer
{
    public const string PlanSeesCheck = "plan sees what check sees";
    public const string ApplySucceeds = "apply succeeds";
    public const string FindingsOnlyFromSuperuser = "findings only for a superuser's doing";
    public const string PlanIsEmpty = "plan is empty";
    public const string CheckPasses = "check passes";
    public const string OracleAgrees = "has_privilege equals the config";

    /// <summary>Runs one seed: its statements are drawn as it goes, each from the model the statements before it left.</summary>
    public static async Task<FuzzOutcome> RunSeedAsync(int seed, PostgresServer? server = null)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var db = await TestDatabase.CreateAsync(server);
        try
        {
            var model = new FuzzModel(db.Server.VersionNum);
            var (steps, failure, findings) = await RunAsync(db, async () =>
            {
                var run = new List<FuzzStep>();
                foreach (var statement in FuzzRoles.Setup(model).Concat(DriftGrammar.Statements(seed, model)))
                {
                    var step = await ExecuteAsync(db, statement);
                    if (statement.Kind == "setup" && !step.Succeeded) throw new InvalidOperationException($"the fuzzer's setup failed ({step.SqlState}): {statement.Sql}");
                    if (step.Succeeded) statement.OnSuccess?.Invoke(model);
                    run.Add(step);
                }
                return run;
            });
            return new FuzzOutcome(seed, db.Server.VersionNum, steps, failure, findings, clock.Elapsed) { Names = new(db.Name, db.Prefix, db.RichConfigYaml) };
        }
        finally
        {
            await db.DropAsync();
        }
    }

    /// <summary>Runs a fixed list of statements (a repro, or a shrinking candidate) on a fresh database, with the same assertions.</summary>
    public static async Task<FuzzOutcome> ReplayAsync(int seed, IReadOnlyList<FuzzStatement> statements, PostgresServer? server = null)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var db = await TestDatabase.CreateAsync(server);
        try
        {
            var (steps, failure, findings) = await RunAsync(db, async () =>
            {
                var run = new List<FuzzStep>();
                foreach (var statement in statements) run.Add(await ExecuteAsync(db, statement));
                return run;
            });
            return new FuzzOutcome(seed, db.Server.VersionNum, steps, failure, findings, clock.Elapsed) { Names = new(db.Name, db.Prefix, db.RichConfigYaml) };
        }
        finally
        {
            await db.DropAsync();
        }
    }

    private static async Task<(List<FuzzStep>, FuzzFailure?, List<string>)> RunAsync(TestDatabase db, Func<Task<List<FuzzStep>>> drift)
    {
        var desired = db.RichLayout();
        await db.ApplyAsync(desired);
        var steps = await drift();
        var findings = new List<string>();
        var failure = await AssertAsync(db, desired, steps, findings);
        return (steps, failure, findings);
    }

    /// <summary>
    /// Runs a statement as its actor (SET ROLE in a superuser's session: the actor's rights, and the actor as grantor)
    /// in a transaction and a session of its own (a statement may end its session, and none inherits another's
    /// settings); returns its SQLSTATE when it failed.
    /// </summary>
    public static async Task<FuzzStep> ExecuteAsync(TestDatabase db, FuzzStatement statement)
    {
        string sql = FuzzRoles.Fill(db, statement.Sql);
        if (statement.Actor != FuzzRoles.Superuser) sql = $"SET ROLE {FuzzRoles.Fill(db, statement.Actor)}; {sql}; RESET ROLE";
        await using var superuser = await db.SuperuserAsync();
        try
        {
            await TestDatabase.Exec(superuser, $"BEGIN; {sql}; COMMIT");
            return new FuzzStep(statement, null);
        }
        catch (PostgresException ex)
        {
            return new FuzzStep(statement, ex.SqlState); // the transaction is rolled back with the session
        }
    }

    private static async Task<FuzzFailure?> AssertAsync(TestDatabase db, DesiredState desired, IReadOnlyList<FuzzStep> steps, List<string> findings)
    {
        var engine = db.Engine();
        var credentials = new PasswordLoginCredentials();
        string stage = PlanSeesCheck;
        try
        {
            var (drifted, driftedCheck) = await engine.CheckAsync(desired, credentials, db.MasterSettings, CancellationToken.None);
            if (!driftedCheck.Passed && drifted.Plan.IsConverged)
                return new(PlanSeesCheck, "check fails but plan says no changes and names no finding: " + Failures(driftedCheck));

            stage = ApplySucceeds;
            await db.ApplyAsync(desired);
            var plan = (await db.PlanAsync(desired)).Plan;
            if (!plan.Findings.IsDefaultOrEmpty)
            {
                stage = FindingsOnlyFromSuperuser;
                findings.AddRange(plan.Findings.Select(f => $"{f.Subject}: {f.FixSql}"));
                if (!steps.Any(s => s.Succeeded && s.Statement.Actor == FuzzRoles.Superuser && s.Statement.Kind != "setup"))
                    return new(FindingsOnlyFromSuperuser, "no statement ran as the superuser, yet the master cannot fix: " +
                        string.Join("; ", plan.Findings.Select(f => $"{f.Subject}: {f.Problem} Fix: {f.FixSql}")));
                await using (var su = await db.SuperuserAsync())
                    foreach (var finding in plan.Findings)
                        await TestDatabase.Exec(su, finding.FixSql);
                stage = ApplySucceeds;
                await db.ApplyAsync(desired);
                plan = (await db.PlanAsync(desired)).Plan;
            }
            stage = PlanIsEmpty;
            if (!plan.IsConverged)
                return new(PlanIsEmpty, "after apply the plan still has: " + string.Join("; ", plan.Changes.Select(c => c.Sql).Concat(plan.Findings.Select(f => $"finding {f.Subject}: {f.FixSql}"))));

            stage = CheckPasses;
            var (_, check) = await engine.CheckAsync(desired, credentials, db.MasterSettings, CancellationToken.None);
            if (!check.Passed) return new(CheckPasses, Failures(check));

            stage = OracleAgrees;
            await using var superuser = await db.SuperuserAsync();
            var disagreements = await ExpectedPrivileges.DisagreementsAsync(superuser, desired, db.Server.VersionNum);
            return disagreements.Count == 0 ? null
                : new(OracleAgrees, $"{disagreements.Count} answers differ: " + string.Join("; ", disagreements.Take(12)));
        }
        catch (Exception ex)
        {
            // Drift is never an error: a refusal or a failure at any stage is the failure of that stage's assertion.
            return new(stage, $"stopped with {ex.GetType().Name}: {ex.Message}");
        }
    }

    private static string Failures(CheckResult check) => string.Join("; ", check.Failures.Select(f => $"{f.Role}: {f.Name}: {f.Detail}"));
}
