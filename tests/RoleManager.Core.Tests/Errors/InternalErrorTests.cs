using RoleManager.Errors;

namespace RoleManager.Core.Tests;

/// <summary>Issue 29, one error policy: what both hosts say of an exception no one expected.</summary>
public class InternalErrorTests
{
    [Fact]
    public void An_unexpected_exception_is_named_by_its_type_only_and_the_message_says_how_to_learn_whether_anything_was_committed()
    {
        var bug = new InvalidOperationException("Host=db;Password=hunter2 was refused");
        string message = InternalError.Message(bug, "Set ROLE_MANAGER_DEBUG=1 for the details.");
        Assert.Equal("An internal error occurred (InvalidOperationException). It may have come before or after a commit: " +
                     "run plan to see what the database holds now. Set ROLE_MANAGER_DEBUG=1 for the details.", message);
        Assert.DoesNotContain("hunter2", message);
        Assert.DoesNotContain("nothing was", message, StringComparison.OrdinalIgnoreCase);
    }
}
