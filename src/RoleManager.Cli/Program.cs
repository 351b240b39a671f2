using System.CommandLine;
using System.Text.Json;
using RoleManager.Cli;
using RoleManager.Cli.Commands;
using RoleManager.Aws;
using RoleManager.Connect;
using RoleManager.Errors;
using RoleManager.Inspect;
using RoleManager.Reporting;

var options = new GlobalOptions();
Func<string, string?> environment = Environment.GetEnvironmentVariable;

var detailedExitCode = new Option<bool>("--detailed-exitcode") { Description = "Exit 0 when there is nothing to do, 2 when the plan has changes (1 on error)." };
var dryRun = new Option<bool>("--dry-run") { Description = "Run every statement, then roll back: the server validates the plan and nothing changes." };
var lockTimeout = new Option<string>("--lock-timeout") { Description = "How long to wait for a lock (another run, a migration) before failing cleanly.", DefaultValueFactory = _ => "10s" };
var statementTimeout = new Option<string>("--statement-timeout") { Description = "Longest time one statement may run.", DefaultValueFactory = _ => "5m" };

var plan = new Command("plan", "Show the SQL that would converge the database, without changing anything.");
options.AddTo(plan);
plan.Options.Add(detailedExitCode);
plan.SetAction((result, ct) => Run(result, ct, async (desired, engine, _) =>
{
    var run = await engine.PlanAsync(desired, ct);
    Print(result, () => TextReport.WritePlan(Console.Out, engine.Connections.Target, run), RunSummary.From("plan", run, desired));
    return result.GetValue(detailedExitCode) && !run.Plan.IsEmpty ? ExitCodes.ChangesPending : ExitCodes.Success;
}));

var apply = new Command("apply", "Converge the database to the layout in one transaction (all or nothing).");
options.AddTo(apply);
apply.Options.Add(dryRun);
apply.Options.Add(lockTimeout);
apply.Options.Add(statementTimeout);
apply.SetAction((result, ct) => Run(result, ct, async (desired, engine, _) =>
{
    var execution = GlobalOptions.Execution(result.GetValue(lockTimeout)!, result.GetValue(statementTimeout)!);
    var run = await engine.ApplyAsync(desired, execution, result.GetValue(dryRun), ct);
    Print(result, () => TextReport.WriteApply(Console.Out, engine.Connections.Target, run), RunSummary.From(result.GetValue(dryRun) ? "dry-run" : "apply", run, desired));
    return ExitCodes.Success;
}));

var inspect = new Command("inspect", "Print the current roles, schemas and privileges of the managed scope as config YAML.");
options.AddTo(inspect);
inspect.SetAction((result, ct) => Run(result, ct, async (desired, engine, _) =>
{
    var current = await engine.InspectAsync(InspectionScope.For(desired), ct);
    string yaml = InspectYaml.Write(desired, current);
    if (options.Json(result)) Console.Out.WriteLine(JsonSerializer.Serialize(yaml, ReportJson.Default.String));
    else Console.Out.Write(yaml);
    return ExitCodes.Success;
}));

var check = new Command("check", "Prove that each role can do what it should and nothing more, and that nothing has drifted. Changes nothing.");
options.AddTo(check);
check.SetAction((result, ct) => Run(result, ct, async (desired, engine, target) =>
{
    var (planned, checkResult) = await engine.CheckAsync(desired, new RdsIamLoginCredentials(environment), target, ct);
    Print(result, () => TextReport.WriteCheck(Console.Out, engine.Connections.Target, checkResult), RunSummary.FromCheck(planned, checkResult, desired));
    return checkResult.Passed ? ExitCodes.Success : ExitCodes.CheckFailed;
}));

var root = new RootCommand(
    "role-manager: provisions PostgreSQL roles and privileges (RDS/Aurora or any PostgreSQL 13+) for an application and its migrations.\n" +
    "Exit codes: 0 success, 1 error, 2 changes pending (plan --detailed-exitcode), 3 check failed.");
root.Subcommands.Add(plan);
root.Subcommands.Add(apply);
root.Subcommands.Add(inspect);
root.Subcommands.Add(check);
root.Subcommands.Add(ReportCommand.Create(options, environment)); // issue #17: role-manager report
return await root.Parse(args).InvokeAsync();

async Task<int> Run(ParseResult result, CancellationToken ct, Func<RoleManager.Model.DesiredState, RoleManager.Engine, ConnectionSettings, Task<int>> body)
{
    try
    {
        var (desired, settings) = options.Resolve(result, environment);
        settings = await GlobalOptions.WithMasterPasswordAsync(settings, environment, ct);
        // Long applies report progress on stderr (stdout stays the report, JSON or text).
        var executor = new RoleManager.Execute.PlanExecutor
        {
            BeforeStatement = (index, change, _) =>
            {
                if (!options.Json(result) && index % 25 == 24) Console.Error.WriteLine($"  ... {index + 1} statements executed, now: {change.Description}");
                return Task.CompletedTask;
            },
        };
        return await body(desired, new RoleManager.Engine(new NpgsqlConnectionFactory(settings), executor: executor), settings);
    }
    catch (RoleManagerException ex)
    {
        if (options.Json(result)) Console.Out.WriteLine(JsonSerializer.Serialize(new ErrorSummary(ex.ErrorType, ex.Message), ReportJson.Default.ErrorSummary));
        Console.Error.WriteLine($"error: {ex.Message}");
        return ExitCodes.Error;
    }
    catch (OperationCanceledException) when (ct.IsCancellationRequested)
    {
        Console.Error.WriteLine("error: cancelled; the transaction was rolled back and nothing was changed.");
        return ExitCodes.Cancelled;
    }
    catch (Exception ex) when (ex is not OutOfMemoryException)
    {
        // A bug of ours: say so plainly, without a stack trace (which could carry values) unless asked for.
        if (options.Json(result)) Console.Out.WriteLine(JsonSerializer.Serialize(new ErrorSummary("RoleManager.InternalError", ex.GetType().Name), ReportJson.Default.ErrorSummary));
        Console.Error.WriteLine($"error: internal error ({ex.GetType().Name}: {ex.Message}). Nothing was committed. Please report it; set ROLE_MANAGER_DEBUG=1 for details.");
        if (environment("ROLE_MANAGER_DEBUG") == "1") Console.Error.WriteLine(ex);
        return ExitCodes.Error;
    }
}

void Print(ParseResult result, Action text, RunSummary summary)
{
    if (options.Json(result)) Console.Out.WriteLine(JsonSerializer.Serialize(summary, ReportJson.Default.RunSummary));
    else text();
}
