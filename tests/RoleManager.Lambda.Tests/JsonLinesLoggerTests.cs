using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using RoleManager.Lambda.Events;
using RoleManager.Lambda.Logging;

namespace RoleManager.Lambda.Tests;

public sealed partial class JsonLinesLoggerTests
{
    [Fact]
    public void Each_record_is_one_JSON_line_with_timestamp_level_request_id_message_and_fields()
    {
        var time = new FakeTimeProvider(DateTimeOffset.Parse("2026-03-04T05:06:07.089Z", System.Globalization.CultureInfo.InvariantCulture));
        using var logs = new TestLogs(time);

        using (RequestContext.Begin("req-9"))
        {
            RoleGranted(logs.Logger, "app", 3, true);
        }

        var line = Assert.Single(logs.Lines);
        Assert.Equal("2026-03-04T05:06:07.089Z", line.GetProperty("timestamp").GetString());
        Assert.Equal("INFO", line.GetProperty("level").GetString());
        Assert.Equal("req-9", line.GetProperty("requestId").GetString());
        Assert.Equal("Granted app 3 privileges (new True)", line.GetProperty("message").GetString());
        Assert.Equal("app", line.GetProperty("role").GetString());
        Assert.Equal(3, line.GetProperty("count").GetInt64());
        Assert.True(line.GetProperty("isNew").GetBoolean());
        Assert.False(line.TryGetProperty("{OriginalFormat}", out _));
        Assert.Equal(1, logs.Text.Count(c => c == '\n'));
    }

    [Fact]
    public void Outside_an_invocation_the_request_id_is_null()
    {
        using var logs = new TestLogs();

        RoleGranted(logs.Logger, "app", 1, false);

        Assert.Equal(JsonValueKind.Null, Assert.Single(logs.Lines).GetProperty("requestId").ValueKind);
    }

    [Fact]
    public async Task The_request_id_flows_with_the_async_call_and_stops_at_its_scope()
    {
        using var logs = new TestLogs();

        using (RequestContext.Begin("req-a"))
        {
            await Task.Yield();
            RoleGranted(logs.Logger, "a", 1, false);
        }

        RoleGranted(logs.Logger, "b", 1, false);

        Assert.Equal(["req-a", null], logs.Lines.Select(l => l.GetProperty("requestId").GetString()));
    }

    [Fact]
    public void A_Secret_field_is_masked_and_a_registered_secret_is_masked_everywhere()
    {
        using var logs = new TestLogs();
        var password = new Secret("s3cr3t-master-pw");
        logs.Redactor.Register(password);

        ConnectedWith(logs.Logger, "db.internal", password);
        logs.Logger.LogError(new InvalidOperationException("bad password s3cr3t-master-pw"), "Failed for s3cr3t-master-pw");

        Assert.DoesNotContain("s3cr3t", logs.Text);
        var lines = logs.Lines;
        Assert.Equal("***", lines[0].GetProperty("password").GetString());
        Assert.Equal("Failed for ***", lines[1].GetProperty("message").GetString());
        Assert.Contains("bad password ***", lines[1].GetProperty("exception").GetString());
    }

    [Fact]
    public void A_RoleManager_exception_adds_its_error_type()
    {
        using var logs = new TestLogs();

        logs.Logger.LogError(new EventInvalidException("The event is empty."), "Invocation failed");

        Assert.Equal("RoleManager.EventInvalid", Assert.Single(logs.Lines).GetProperty("errorType").GetString());
    }

    [Fact]
    public void Records_below_the_minimum_level_are_not_written()
    {
        using var logs = new TestLogs(minimumLevel: LogLevel.Warning);

        RoleGranted(logs.Logger, "app", 1, false);
        logs.Logger.LogWarning("careful");

        Assert.Equal("WARN", Assert.Single(logs.Lines).GetProperty("level").GetString());
    }

    [Theory]
    [InlineData("DEBUG", LogLevel.Debug)]
    [InlineData("warn", LogLevel.Warning)]
    [InlineData("FATAL", LogLevel.Critical)]
    [InlineData(null, LogLevel.Information)]
    [InlineData("nonsense", LogLevel.Information)]
    public void The_level_follows_Lambda_level_names(string? name, LogLevel expected)
    {
        Assert.Equal(expected, JsonLinesLoggerProvider.ParseLevel(name));
    }

    [Fact]
    public void A_field_named_like_a_reserved_key_does_not_replace_it()
    {
        using var logs = new TestLogs();

        logs.Logger.LogInformation("Level is {level}", "custom");

        var line = Assert.Single(logs.Lines);
        Assert.Equal("INFO", line.GetProperty("level").GetString());
        Assert.Equal("custom", line.GetProperty("level_").GetString());
    }

    [Fact]
    public async Task Lines_written_at_once_from_many_tasks_never_interleave()
    {
        using var logs = new TestLogs();

        await Task.WhenAll(Enumerable.Range(0, 8).Select(i => Task.Run(() =>
        {
            for (var j = 0; j < 50; j++)
            {
                RoleGranted(logs.Logger, new string((char)('a' + i), 200), j, false);
            }
        })));

        Assert.Equal(400, logs.Lines.Count);
    }

    [LoggerMessage(LogLevel.Information, "Granted {role} {count} privileges (new {isNew})")]
    private static partial void RoleGranted(ILogger logger, string role, int count, bool isNew);

    [LoggerMessage(LogLevel.Information, "Connected to {host} with {password}")]
    private static partial void ConnectedWith(ILogger logger, string host, Secret password);
}
