using System.Net;
using System.Net.Sockets;
using RoleManager.Lambda.Function;
using RoleManager.Lambda.Runtime;

namespace RoleManager.Lambda.Tests;

/// <summary>
/// Runs the function on one event with its database pointed at a port that listens but is never served, so a test
/// can show that the event was refused before any connection: <c>Connected</c> is whether the function dialled it.
/// The one set-up the bad-event corpus and the event-config gate tests share.
/// </summary>
internal static class BeforeAnyConnection
{
    /// <summary>The master password in the environment; no error message or log line may contain it.</summary>
    public const string MasterPassword = "hunter2-master-pw";

    /// <param name="variables">Set on top of a plaintext-allowed connection to database appdb as master (DB_PORT here wins over the listener's).</param>
    public static async Task<(Exception Error, bool Connected, string Logs)> InvokeAsync(string requestId, byte[] payload, params (string Name, string Value)[] variables)
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var environment = new Dictionary<string, string>
        {
            ["DB_HOST"] = "127.0.0.1", ["DB_PORT"] = ((IPEndPoint)listener.LocalEndpoint).Port.ToString(), ["DB_NAME"] = "appdb",
            ["DB_USER"] = "master", ["PGPASSWORD"] = MasterPassword, ["PGSSLMODE"] = "disable",
            ["ROLE_MANAGER_ALLOW_INSECURE_TLS"] = "true",
        };
        foreach (var (name, value) in variables) environment[name] = value;
        using var logs = new TestLogs();
        var function = RoleManagerFunction.Create(new HostServices(logs.Provider, logs.Redactor, TimeProvider.System), name => environment.GetValueOrDefault(name));
        var invocation = new Invocation(requestId, DateTimeOffset.UtcNow.AddMinutes(1), null, null, payload);
        var error = await Assert.ThrowsAnyAsync<Exception>(() => function.HandleAsync(invocation, CancellationToken.None));
        return (error, listener.Pending(), logs.Text);
    }
}
