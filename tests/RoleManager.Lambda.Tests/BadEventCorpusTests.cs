using System.Text;
using RoleManager.Errors;
using RoleManager.Lambda.Events;

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
        // The corpus's configs name database "x", so that is the function's database here.
        var (refusal, connected, logs) = await BeforeAnyConnection.InvokeAsync("req-" + file, payload,
            ("DB_NAME", "x"), (EventConfigGate.AllowVariable, "true"));

        var config = Assert.IsType<ConfigException>(refusal);
        Assert.Equal(errorType, config.ErrorType);
        Assert.Contains(fragment, config.Message);
        Assert.False(connected, "the function connected to the database");
        Assert.DoesNotContain(BeforeAnyConnection.MasterPassword, config.Message + logs);
    }
}
