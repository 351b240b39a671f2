using System.Text;
using RoleManager.Lambda.Events;

namespace RoleManager.Lambda.Tests;

public sealed class EventParserTests
{
    [Theory]
    [InlineData("\"manage\"", EventAction.Manage)]
    [InlineData("\"check\"", EventAction.Check)]
    [InlineData("\"plan\"", EventAction.Plan)]
    [InlineData("  \"plan\"\n", EventAction.Plan)]
    public void The_action_names_are_accepted_as_a_JSON_string(string json, EventAction expected)
    {
        var parsed = Parse(json);

        Assert.Equal(new LambdaEvent(expected), parsed);
    }

    [Theory]
    [InlineData("""{"action":"manage"}""", EventAction.Manage, null)]
    [InlineData("""{"action":"check","dryRun":false}""", EventAction.Check, false)]
    [InlineData("""{"action":"plan","dryRun":true}""", EventAction.Plan, true)]
    [InlineData("""{"dryRun":true,"action":"manage"}""", EventAction.Manage, true)]
    [InlineData("""{"action":"manage","dryRun":null,"config":null}""", EventAction.Manage, null)]
    public void An_object_with_an_action_and_an_optional_dry_run_is_accepted(string json, EventAction action, bool? dryRun)
    {
        var parsed = Parse(json);

        Assert.Equal(action, parsed.Action);
        Assert.Equal(dryRun, parsed.DryRun);
        Assert.Null(parsed.ConfigJson);
    }

    [Fact]
    public void The_config_object_is_kept_as_raw_JSON_text()
    {
        var parsed = Parse("""{"action":"manage","dryRun":true,"config":{"database":"app","roles":[{"name":"app","login":true}]}}""");

        Assert.Equal(EventAction.Manage, parsed.Action);
        Assert.Equal(true, parsed.DryRun);
        Assert.Equal("""{"database":"app","roles":[{"name":"app","login":true}]}""", parsed.ConfigJson);
    }

    [Fact]
    public void The_action_name_round_trips()
    {
        Assert.Equal(["manage", "check", "plan", "report"], Enum.GetValues<EventAction>().Select(EventParser.NameOf));
    }

    [Theory]
    [InlineData("", "The event is empty.")]
    [InlineData("  \n", "The event is empty.")]
    [InlineData("{\"action\":", "The event is not valid JSON (line 1, byte 11).")]
    [InlineData("\"plan\" \"check\"", "The event is not valid JSON")]
    [InlineData("\"deploy\"", "The event string \"deploy\" is not an action: the actions are \"manage\", \"check\", \"plan\" and \"report\" (lower case).")]
    [InlineData("\"Manage\"", "The event string \"Manage\" is not an action")]
    [InlineData("42", "The event is a number.")]
    [InlineData("null", "The event is null.")]
    [InlineData("[\"plan\"]", "The event is an array.")]
    [InlineData("true", "The event is a boolean.")]
    [InlineData("{}", "The event object has no \"action\".")]
    [InlineData("""{"dryRun":true}""", "The event object has no \"action\".")]
    [InlineData("""{"action":1}""", "\"action\" must be a string, not a number.")]
    [InlineData("""{"action":null}""", "\"action\" must be a string, not null.")]
    [InlineData("""{"action":"destroy"}""", "\"action\" \"destroy\" is not an action")]
    [InlineData("""{"action":"plan","dryRun":"yes"}""", "\"dryRun\" must be true or false, not a string.")]
    [InlineData("""{"action":"plan","dryRun":1}""", "\"dryRun\" must be true or false, not a number.")]
    [InlineData("""{"action":"plan","config":"app.yaml"}""", "\"config\" must be an object, not a string.")]
    [InlineData("""{"action":"plan","config":[]}""", "\"config\" must be an object, not an array.")]
    [InlineData("""{"action":"plan","force":true}""", "The event has an unknown key \"force\"; the keys are \"action\", \"dryRun\", \"config\" and \"database\".")]
    [InlineData("""{"action":"plan","dry_run":true}""", "The event has an unknown key \"dry_run\"; the keys are")]
    [InlineData("""{"Action":"plan"}""", "The event has an unknown key \"Action\"; keys are case-sensitive: did you mean \"action\"?")]
    [InlineData("""{"action":"plan","action":"manage"}""", "The event has the key \"action\" twice.")]
    public void A_bad_event_is_refused_with_a_message_that_says_what_is_wrong_and_what_is_accepted(string json, string problem)
    {
        var e = Assert.Throws<EventInvalidException>(() => Parse(json));

        Assert.StartsWith(problem, e.Problem, StringComparison.Ordinal);
        Assert.Equal("RoleManager.EventInvalid", e.ErrorType);
        Assert.EndsWith(EventInvalidException.Accepted, e.Message, StringComparison.Ordinal);
        Assert.Contains("\"manage\", \"check\" or \"plan\"", e.Message);
    }

    [Fact]
    public void A_long_action_is_quoted_only_in_part()
    {
        var e = Assert.Throws<EventInvalidException>(() => Parse("\"" + new string('a', 500) + "\""));

        Assert.Contains(new string('a', 40) + "...\"", e.Problem);
        Assert.True(e.Message.Length < 400);
    }

    [Fact]
    public void Malformed_JSON_is_not_echoed_in_the_message()
    {
        var e = Assert.Throws<EventInvalidException>(() => Parse("{\"password\": \"hunter2\" oops"));

        Assert.DoesNotContain("hunter2", e.Message);
    }

    /// <summary>Issue 29: the payload was parsed three times (rotation, event, gate); now once, into one of two kinds.</summary>
    [Fact]
    public void One_read_tells_a_rotation_step_from_an_action_and_keeps_the_config_for_the_gate()
    {
        var rotation = Assert.IsType<RoleManager.Lambda.Rotation.RotationEvent>(EventParser.Read(Encoding.UTF8.GetBytes(
            """{"Step":"setSecret","SecretId":"arn:aws:secretsmanager:eu-west-3:1:secret:x","ClientRequestToken":"t-1"}""")));
        Assert.Equal(RoleManager.Lambda.Rotation.RotationStep.SetSecret, rotation.Step);

        var action = Assert.IsType<LambdaEvent>(EventParser.Read(Encoding.UTF8.GetBytes("""{"action":"plan","config":{"roles":[]}}""")));
        Assert.Equal(System.Text.Json.JsonValueKind.Object, action.Config!.Value.ValueKind);
        Assert.Equal("""{"roles":[]}""", action.ConfigJson);

        // A rotation event with a bad field is refused as a rotation, and Parse (actions only) refuses a rotation step.
        Assert.Throws<RoleManager.Lambda.Rotation.RotationRefusedException>(() => EventParser.Read(Encoding.UTF8.GetBytes("""{"Step":"setSecret","Oops":1}""")));
        Assert.Throws<EventInvalidException>(() => EventParser.Parse(Encoding.UTF8.GetBytes("""{"Step":"setSecret","SecretId":"s","ClientRequestToken":"t"}""")));
    }

    private static LambdaEvent Parse(string json) => EventParser.Parse(Encoding.UTF8.GetBytes(json));
}
