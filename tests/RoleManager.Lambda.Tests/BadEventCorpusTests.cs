using System.Net;
using System.Net.Sockets;
using System.Text;
using RoleManager.Errors;
using RoleManager.Lambda.Events;
using RoleManager.Lambda.Function;
using RoleManager.Lambda.Runtime;

namespace RoleManager.Lambda.Tests;

/// <summary>
/// The corpus of bad events in TestData/bad-events: each file's first line is
/// <c># expect: &lt;errorType&gt; &lt;message fragment&gt;</c> and the rest is the payload, byte for byte.
/// An EventInvalid event is refused by <see cref="EventParser"/>; a ConfigInvalid one passes the parser
/// and is refused by the function before it opens any connection.
/// </summary>
public sealed class BadEventCorpusTests
{
    private static string Folder => Path.Combine(RepositoryFiles.Root, "tests", "RoleManager.Lambda.Tests", "TestData", "bad-events");

    public static TheoryData<string> BadEvents() => new(Directory.GetFiles(Folder, "*.event").Select(Path.GetFileName).Order()!);

    private static (string ErrorType, string Fragment, byte[] Payload) Read(string file)
    {
        byte[] all = File.ReadAllBytes(Path.Combine(Folder, file));
        int newline = Array.IndexOf(all, (byte)'\n');
        string header = Encoding.UTF8.GetString(all, 0, newline);
        Assert.StartsWith("# expect: ", header);
        string[] parts = header["# expect: ".Length..].Split(' ', 2);
        return (parts[0], parts[1], all[(newline + 1)..]);
    }

    [Fact]
    public void The_corpus_holds_at_least_forty_bad_events() => Assert.True(BadEvents().Count >= 40);

    [Theory]
    [MemberData(nameof(BadEvents))]
    public async Task Each_bad_event_is_refused_with_its_error_type_and_a_clear_message_before_any_connection(string file)
    {
        var (errorType, fragment, payload) = Read(file);
        if (errorType == EventInvalidException.Type)
        {
            var error = Assert.Throws<EventInvalidException>(() => EventParser.Parse(payload));
            Assert.Contains(fragment, error.Message);
            Assert.EndsWith(EventInvalidException.Accepted, error.Message);
            Assert.True(error.Message.Length < 1000, $"a {error.Message.Length}-character message");
            return;
        }

        Assert.Equal("RoleManager.ConfigInvalid", errorType);
        EventParser.Parse(payload); // the event itself is well formed
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        int port = ((IPEndPoint)listener.LocalEndpoint).Port;
        var environment = new Dictionary<string, string>
        {
            ["DB_HOST"] = "127.0.0.1", ["DB_PORT"] = port.ToString(), ["DB_NAME"] = "x", ["DB_USER"] = "master",
            ["PGPASSWORD"] = "hunter2-master-pw", ["PGSSLMODE"] = "disable",
            ["ROLE_MANAGER_ALLOW_INSECURE_TLS"] = "true", ["ROLE_MANAGER_ALLOW_EVENT_CONFIG"] = "true",
        };
        using var logs = new TestLogs();
        var function = RoleManagerFunction.Create(new HostServices(logs.Provider, logs.Redactor, TimeProvider.System), name => environment.GetValueOrDefault(name));
        var invocation = new Invocation("req-" + file, DateTimeOffset.UtcNow.AddMinutes(1), null, null, payload);

        var config = await Assert.ThrowsAsync<ConfigException>(() => function.HandleAsync(invocation, CancellationToken.None));
        Assert.Equal(errorType, config.ErrorType);
        Assert.Contains(fragment, config.Message);
        Assert.False(listener.Pending(), "the function connected to the database");
        Assert.DoesNotContain("hunter2-master-pw", config.Message + logs.Text);
    }
}
