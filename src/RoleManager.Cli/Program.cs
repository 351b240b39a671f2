using System.CommandLine;
using System.Text.Json;
using RoleManager.Aws;
using RoleManager.Cli;
using RoleManager.Cli.Commands;
using RoleManager.Connect;
using RoleManager.Errors;
using RoleManager.Execute;
using RoleManager.Reporting;
using RoleManager.UseCases;

// The CLI host: parse flags into a RunRequest, run it (RoleManagerRun), render the RunReport, map to an exit code.

// First, before any TLS: the machine's CA store is read only by what needs it (AWS calls, --sslrootcert system), not by
// every certificate chain .NET builds, the RDS bundle's included (Connect/MachineTrust.cs: ~50 ms of every run).
MachineTrust.DetachFromProcess();

var options = new GlobalOptions();
List<RunSummary>? clusterSummaries = null; // set while a cluster run's JSON is gathered into one document
Func<string, string?> environment = Environment.GetEnvironmentVariable;

var detailedExitCode = new Option<bool>("--detailed-exitcode") { Description = "Exit 0 when there is nothing to do, 2 when the plan has changes (1 on error)." };
var dryRun = new Option<bool>("--dry-run") { Description = "Run every statement, then roll back: the server validates the plan and nothing changes." };
var lockTimeout = new Option<string>("--lock-timeout") { Description = "How long to wait for a lock (another run, a migration) before failing cleanly: 500ms, 10s, 5m; 0 waits without limit.", DefaultValueFactory = _ => "10s" };
var evidence = new EvidenceOption(); // issue #31: check and apply only
var statementTimeout = new Option<string>("--statement-timeout") { Description = "Longest time one statement may run: 30s, 5m; 0 for no limit.", DefaultValueFactory = _ => "5m" };

var plan = new Command("plan", "Show the SQL that would converge the database, without changing anything.");
options.AddTo(plan);
plan.Options.Add(detailedExitCode);
plan.Options.Add(lockTimeout);
plan.Options.Add(statementTimeout);
plan.SetAction((result, ct) => Run(result, RunAction.Plan, ct, report =>
{
    Print(result, () => TextReport.WritePlan(Console.Out, report), report);
    return result.GetValue(detailedExitCode) && !report.Plan.IsEmpty ? ExitCodes.ChangesPending : ExitCodes.Success;
}));

var apply = new Command("apply", "Converge the database to the layout in one transaction (all or nothing).");
options.AddTo(apply);
apply.Options.Add(dryRun);
apply.Options.Add(lockTimeout);
apply.Options.Add(statementTimeout);
apply.Options.Add(evidence.Option);
apply.SetAction((result, ct) => Run(result, RunAction.Apply, ct, report =>
{
    Print(result, () => TextReport.WriteApply(Console.Out, report), report);
    return ExitCodes.Success;
}));

var inspect = new Command("inspect", "Print the current roles, schemas and privileges of the managed scope as config YAML.");
options.AddTo(inspect);
inspect.Options.Add(lockTimeout);
inspect.Options.Add(statementTimeout);
inspect.SetAction((result, ct) => Run(result, RunAction.Inspect, ct, report =>
{
    // The same config either way: YAML, or (--output json) a JSON document of it.
    if (options.Json(result)) Console.Out.WriteLine(InspectYaml.WriteJson(report.Desired, report.Before));
    else Console.Out.Write(InspectYaml.Write(report.Desired, report.Before));
    return ExitCodes.Success;
}));

var check = new Command("check", "Prove that each role can do what it should and nothing more, and that nothing has drifted. Changes nothing.");
options.AddTo(check);
check.Options.Add(lockTimeout);
check.Options.Add(statementTimeout);
check.Options.Add(evidence.Option);
check.SetAction((result, ct) => Run(result, RunAction.Check, ct, report =>
{
    Print(result, () => TextReport.WriteCheck(Console.Out, report.Target, report.Check!), report);
    return report.Check!.Passed ? ExitCodes.Success : ExitCodes.CheckFailed;
}));

var root = new RootCommand(
    "role-manager: provisions PostgreSQL roles and privileges (RDS/Aurora or any PostgreSQL 13+) for an application and its migrations.\n" +
    "Exit codes: 0 success, 1 error, 2 changes pending (plan --detailed-exitcode), 3 check failed, 130 interrupted (Ctrl-C).");
root.Subcommands.Add(plan);
root.Subcommands.Add(apply);
root.Subcommands.Add(inspect);
root.Subcommands.Add(check);
root.Subcommands.Add(ReportCommand.Create(options, environment)); // issue #17: role-manager report
// psql's conventions: -h is the host (GlobalOptions); help is --help or -? only.
foreach (var help in root.Options.OfType<System.CommandLine.Help.HelpOption>())
{
    help.Aliases.Remove("-h");
    help.Aliases.Remove("/h");
}
var parsed = root.Parse(args);
// Parse errors are ours to word (ParseErrors): one sentence each, then where to read more, instead of the help page.
if (parsed.Errors.Count > 0 && parsed.Action is not System.CommandLine.Help.HelpAction)
{
    foreach (string sentence in ParseErrors.Sentences(parsed)) Console.Error.WriteLine($"error: {sentence}");
    return ExitCodes.Error;
}
// Ctrl-C (SIGINT) and SIGTERM cancel the run's token: Npgsql then sends PostgreSQL a cancel request for the statement
// in flight (a lock wait stops at once), the transaction rolls back, and Run says what happened. System.CommandLine's
// own handler would exit after 2 s without a word; a second Ctrl-C still ends the process at once.
using var interrupt = new CancellationTokenSource();
Action<System.Runtime.InteropServices.PosixSignalContext> OnSignal = context =>
{
    if (interrupt.IsCancellationRequested) return;
    context.Cancel = true;
    interrupt.Cancel();
};
using var sigint = System.Runtime.InteropServices.PosixSignalRegistration.Create(System.Runtime.InteropServices.PosixSignal.SIGINT, OnSignal);
using var sigterm = System.Runtime.InteropServices.PosixSignalRegistration.Create(System.Runtime.InteropServices.PosixSignal.SIGTERM, OnSignal);
return await parsed.InvokeAsync(new InvocationConfiguration { ProcessTerminationTimeout = null }, interrupt.Token);

async Task<int> Run(ParseResult result, RunAction action, CancellationToken ct, Func<RunReport, int> render)
{
    bool debug = environment("ROLE_MANAGER_DEBUG") == "1";
    // Progress on stderr (stdout stays the report, JSON or text): an apply on a terminal shows its steps.
    var progress = new ProgressLogger(Console.Error, ProgressLogger.Choose(debug, result.GetValue(options.Quiet), options.Json(result),
        action == RunAction.Apply, !Console.IsErrorRedirected));
    try
    {
        // Every command's transactions (apply's, plan's and inspect's reads, check's sessions) take these timeouts.
        var execution = new ExecutionOptions(Durations.Parse(result.GetValue(lockTimeout), "--lock-timeout", unitRequired: true),
            Durations.Parse(result.GetValue(statementTimeout), "--statement-timeout", unitRequired: true));
        var request = new RunRequest(action, action == RunAction.Apply && result.GetValue(dryRun),
            options.LayoutInputs(result), options.ConnectionInputs(result), environment, execution,
            MasterSecret.FromEnvironment(environment), new RdsIamLoginCredentials(environment))
        {
            RolePasswordSecrets = RolePasswords.SecretsFrom(environment),
        };
        var evidenceStore = action is RunAction.Check or RunAction.Apply ? evidence.Store(result, environment) : null;
        var runner = new RoleManagerRun(progress);
        // A check changes nothing: the reports its evidence holds are read while it runs.
        var reports = evidenceStore is not null && action == RunAction.Check ? RoleManager.Evidence.EvidenceRecorder.StartReports(runner, request, DateTimeOffset.UtcNow, ct) : null;
        var run = await runner.RunClusterAsync(request, ct);
        int code;
        if (run.Single is { } report) code = render(report);
        else if (action == RunAction.Inspect) // the cluster as one cluster config (YAML); one chosen database also as JSON
        {
            ClusterRunException.ThrowIfFailed(run);
            if (options.Json(result)) return render(ClusterOutput.ChosenForJson(run, options.ChoosesDatabase(result)));
            Console.Out.Write(ClusterInspectYaml.Write(run));
            return ExitCodes.Success;
        }
        else
        {
            // A cluster config: every database under its name; with --output json one document for all (ClusterSummary).
            clusterSummaries = options.Json(result) ? [] : null;
            code = ClusterOutput.Render(Console.Out, Console.Error, run, !options.Json(result), render);
            if (clusterSummaries is not null)
                Console.Out.WriteLine(Printable.Json(JsonSerializer.Serialize(ClusterSummary.From(run, clusterSummaries), ReportJson.Readable.ClusterSummary)));
        }
        if (evidenceStore is not null)
        {
            // After the report is printed: a failed upload must not hide the run's result, but it is an error (exit 1).
            // One evidence object per database that ran (a cluster config: each under its own database's key).
            try
            {
                foreach (var database in run.Databases)
                    if (database.Report is { } ran)
                        await EvidenceOption.RecordAsync(evidenceStore, ran, run.IsCluster ? request with { OnlyDatabase = database.Database } : request, runner,
                            reports?.GetValueOrDefault(database.Database), ct);
            }
            catch (RoleManager.Evidence.EvidenceException ex)
            {
                Console.Error.WriteLine($"error: {Printable.Message(ex.Message)}");
                return ExitCodes.Error;
            }
            finally { (evidenceStore as IDisposable)?.Dispose(); }
        }
        return code;
    }
    // A cancelled run may surface as the cancellation, or as the error the cancelled statement became (57014).
    catch (Exception ex) when (ct.IsCancellationRequested && ex is OperationCanceledException or RoleManagerException or Npgsql.NpgsqlException)
    {
        Console.Error.WriteLine(progress.Committed
            ? "interrupted after the commit: the changes were committed (the report was not printed; run plan to see the state)."
            : "interrupted: rolled back, nothing changed.");
        return ExitCodes.Cancelled;
    }
    catch (RoleManagerException ex)
    {
        if (options.Json(result)) Console.Out.WriteLine(Printable.Json(JsonSerializer.Serialize(new ErrorSummary(ex.ErrorType, ex.Message), ReportJson.Readable.ErrorSummary)));
        Console.Error.WriteLine($"error: {Printable.Message(ex.Message)}");
        return ExitCodes.Error;
    }
    catch (Exception ex) when (ex is not OutOfMemoryException)
    {
        // A bug of ours: the engine's one policy (Errors/InternalError.cs), its type only; the message and stack trace
        // (which could carry values) only when asked for.
        string message = InternalError.Message(ex, "Please report it; set ROLE_MANAGER_DEBUG=1 for the details.");
        if (options.Json(result)) Console.Out.WriteLine(Printable.Json(JsonSerializer.Serialize(new ErrorSummary(InternalError.ErrorType, message), ReportJson.Readable.ErrorSummary)));
        Console.Error.WriteLine($"error: {message}");
        if (debug) Console.Error.WriteLine(ex);
        return ExitCodes.Error;
    }
}

void Print(ParseResult result, Action text, RunReport report)
{
    if (clusterSummaries is not null) clusterSummaries.Add(RunSummary.From(report));
    else if (options.Json(result)) Console.Out.WriteLine(Printable.Json(JsonSerializer.Serialize(RunSummary.From(report), ReportJson.Readable.RunSummary)));
    else text();
}
