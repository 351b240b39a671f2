using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace RoleManager.Integration.Tests;

/// <summary>Runs the real <c>role-manager</c> program (built beside the tests) as a separate process.</summary>
public static class CliRunner
{
    public sealed record Result(int ExitCode, string StdOut, string StdErr)
    {
        public string All => StdOut + StdErr;
    }

    public static async Task<Result> RunAsync(IDictionary<string, string?> environment, params string[] args)
    {
        var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        psi.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "role-manager.dll"));
        foreach (var a in args) psi.ArgumentList.Add(a);
        foreach (var name in new[] { "PGHOST", "PGPORT", "PGUSER", "PGDATABASE", "PGPASSWORD", "PGSSLMODE", "DB_HOST", "DB_PORT", "DB_NAME", "DB_USER", "DB_PASSWORD_SECRET_ARN", "APP_PASSWORD", "MIGRATOR_PASSWORD", "APP_USER", "MIGRATOR_USER", "DB_SCHEMA" })
            psi.Environment.Remove(name);
        foreach (var (k, v) in environment) psi.Environment[k] = v;
        using var process = Process.Start(psi)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        await process.WaitForExitAsync(timeout.Token);
        return new Result(process.ExitCode, await stdout, await stderr);
    }

    /// <summary>The master user's environment for a test database (libpq variables, no TLS on loopback).</summary>
    public static Dictionary<string, string?> MasterEnvironment(TestDatabase db) => new()
    {
        ["PGHOST"] = "127.0.0.1", ["PGPORT"] = db.Server.Port.ToString(), ["PGUSER"] = Testing.PostgresServer.MasterUser,
        ["PGDATABASE"] = db.Name, ["PGPASSWORD"] = db.Server.MasterPassword, ["PGSSLMODE"] = "disable",
        ["APP_USER"] = db.App, ["MIGRATOR_USER"] = db.Migrator,
        ["APP_PASSWORD"] = TestDatabase.Password(db.App), ["MIGRATOR_PASSWORD"] = TestDatabase.Password(db.Migrator),
    };
}

/// <summary>A TCP listener that counts connection attempts: proves that a command never reached for the database.</summary>
public sealed class ConnectionCounter : IDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private int _accepted;

    public ConnectionCounter()
    {
        _listener.Start();
        _ = AcceptLoop();
    }

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;
    public int Accepted => Volatile.Read(ref _accepted);

    private async Task AcceptLoop()
    {
        try
        {
            while (true)
            {
                using var client = await _listener.AcceptTcpClientAsync();
                Interlocked.Increment(ref _accepted);
            }
        }
        catch (Exception) { /* stopped */ }
    }

    public void Dispose() => _listener.Stop();
}
