using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using RoleManager.Testing;

namespace RoleManager.Bench;

/// <summary>
/// Lambda cold starts: the <c>bootstrap</c> started as a new process against a loopback Runtime API with one event
/// queued; measured from process start to the arrival of its first response, with the peak RSS (VmHWM) read from
/// /proc at that moment. The master password comes from PGPASSWORD instead of Secrets Manager. The environment is the
/// Terraform module's where it matters for speed (SSL_CERT_FILE / SSL_CERT_DIR).
/// </summary>
internal sealed class ColdStartBench(PostgresServer server, BenchOptions options, Action<string> progress)
{
    public const string SmallDatabase = "bench_lambda";
    public const string AppUser = "bench_app";
    public const string MigratorUser = "bench_migrator";
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(5);

    public enum Build
    {
        Aot,
        Jit,
    }

    /// <summary>The default layout (app + migrator, auth none) applied with the CLI to a small database: converged.</summary>
    public async Task PrepareDefaultLayoutAsync()
    {
        await using (var su = await server.OpenSuperuserAsync("postgres"))
        {
            await Sql.Exec(su, $"DROP DATABASE IF EXISTS {SmallDatabase} WITH (FORCE)");
            await Sql.Exec(su, $"CREATE DATABASE {SmallDatabase} OWNER {PostgresServer.MasterUser}");
        }
        foreach (var command in new[] { "apply", "plan" })
        {
            var run = await ProcessMeter.RunAsync(options.Cli,
                [command, "--output", "json", "--sslmode", "disable", "--auth", "none", "--app-user", AppUser, "--migrator-user", MigratorUser,
                 "-h", "127.0.0.1", "-p", server.Port.ToString(), "-U", PostgresServer.MasterUser, "-d", SmallDatabase],
                new Dictionary<string, string?> { ["PGPASSWORD"] = server.MasterPassword }, Timeout);
            if (run.ExitCode != 0) throw new InvalidOperationException($"role-manager {command} on {SmallDatabase} exited {run.ExitCode}: {run.Stderr}");
            using var json = JsonDocument.Parse(run.Stdout);
            if (command == "plan" && json.RootElement.GetProperty("changes").GetArrayLength() != 0)
                throw new InvalidOperationException($"{SmallDatabase} is not converged after apply.");
        }
    }

    public async Task<ColdStartResult> MeasureAsync(Build build, string database, IReadOnlyDictionary<string, string> extra, string eventJson, int runs, string label)
    {
        var seconds = new List<double>();
        var rss = new List<double>();
        for (int r = 1; r <= runs; r++)
        {
            var (s, mib) = await OnceAsync(build, database, extra, eventJson, null);
            seconds.Add(s);
            rss.Add(mib);
            progress($"  {label} {build} cold start {r}/{runs}: {s * 1000:0} ms to first response, {mib:0.0} MiB peak RSS");
        }
        return new ColdStartResult(build.ToString().ToUpperInvariant(), eventJson, seconds, rss);
    }

    /// <summary>One cold start of an AOT bootstrap (<paramref name="aotFile"/>, else the one under test) or of the JIT build.</summary>
    public async Task<(double Seconds, double PeakRssMiB)> OnceAsync(Build build, string database, IReadOnlyDictionary<string, string> extra, string eventJson, string? aotFile)
    {
        await using var api = new FakeRuntimeApi();
        api.Enqueue(eventJson);
        var start = build == Build.Aot
            ? new ProcessStartInfo(aotFile ?? options.BootstrapAot)
            : new ProcessStartInfo("dotnet") { ArgumentList = { options.BootstrapJit } };
        start.RedirectStandardOutput = true;
        start.RedirectStandardError = true;
        start.UseShellExecute = false;
        foreach (var name in new[] { "PGHOST", "PGPORT", "PGUSER", "PGDATABASE", "PGSSLROOTCERT", "DB_PASSWORD_SECRET_ARN", "ROLE_MANAGER_CONFIG", "AWS_PROFILE" })
            start.Environment.Remove(name);
        var environment = new Dictionary<string, string>
        {
            ["AWS_LAMBDA_RUNTIME_API"] = api.Address,
            ["DB_HOST"] = "127.0.0.1", ["DB_PORT"] = server.Port.ToString(CultureInfo.InvariantCulture), ["DB_NAME"] = database,
            ["DB_USER"] = PostgresServer.MasterUser, ["PGPASSWORD"] = server.MasterPassword, ["PGSSLMODE"] = "disable", ["ROLE_MANAGER_ALLOW_INSECURE_TLS"] = "true",
            ["ROLE_MANAGER_AUTH"] = "none", ["APP_USER"] = AppUser, ["MIGRATOR_USER"] = MigratorUser,
            ["AWS_REGION"] = "eu-west-1",
            // As the Terraform module deploys it: the zip's Amazon Trust Services roots as the CA store (assets/README.md).
            ["SSL_CERT_FILE"] = Path.Combine(options.Repository, "assets", "aws-trust", "aws-roots.pem"),
            ["SSL_CERT_DIR"] = Path.Combine(options.Repository, "assets", "aws-trust"),
        };
        foreach (var (k, v) in extra) environment[k] = v;
        foreach (var (k, v) in environment)
        {
            if (v.Length == 0) start.Environment.Remove(k); // an empty value in extra unsets the variable
            else start.Environment[k] = v;
        }

        long started = Stopwatch.GetTimestamp();
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        try
        {
            var reply = await api.NextResultAsync(Timeout);
            double seconds = Stopwatch.GetElapsedTime(started, reply.ReceivedTimestamp).TotalSeconds;
            double peak = PeakRssMiB(process.Id);
            if (reply.Kind != RuntimeResultKind.Response) throw new InvalidOperationException($"The {build} bootstrap answered with an error: {reply.Body}");
            using var json = JsonDocument.Parse(reply.Body);
            int statements = json.RootElement.GetProperty("statementsExecuted").GetInt32();
            if (statements != 0) throw new InvalidOperationException($"The {build} bootstrap executed {statements} statements on a converged database.");
            return (seconds, peak);
        }
        catch (TimeoutException)
        {
            if (!process.HasExited) process.Kill(entireProcessTree: true);
            throw new TimeoutException($"The {build} bootstrap did not respond: {await stdout}{await stderr}");
        }
        finally
        {
            if (!process.HasExited) process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }
    }

    /// <summary>VmHWM ("high water mark"): the peak resident set size of the process so far.</summary>
    private static double PeakRssMiB(int pid)
    {
        foreach (var line in File.ReadLines($"/proc/{pid}/status"))
            if (line.StartsWith("VmHWM:", StringComparison.Ordinal))
                return double.Parse(line["VmHWM:".Length..].Trim().Split(' ')[0], CultureInfo.InvariantCulture) / 1024.0;
        throw new InvalidOperationException($"/proc/{pid}/status has no VmHWM line.");
    }
}
