using System.Text.RegularExpressions;
using RoleManager.Testing;

namespace RoleManager.Core.Tests.Docs;

/// <summary>
/// The README says the invoke scripts (`bin/*-database-roles`) exit with role-manager's codes; every other page that
/// states a script's or the CLI's exit code must say the same, and so must the scripts' own --help text. (What the
/// scripts really exit with is run in Infra.Tests: ScriptsOnMotoTests, 3 on a failed check; ScriptsOnStubLambdaTests, 1
/// on a function error.)
/// </summary>
public partial class DocsExitCodeTests
{
    public static TheoryData<string, string, string> StatedExitCodes() => new()
    {
        // file, the sentence with the code as group v, the README's meaning it must equal
        { "docs/aws-setup.md", @"`--detailed-exitcode` makes it exit (?<v>\d+) when there are changes", "`plan --detailed-exitcode` found changes" },
        { "docs/aws-setup.md", @"When a check assertion fails the script exits (?<v>\d+) \(as `role-manager check`\) and lists it", "`check` ran and an assertion failed" },
        { "docs/aws-setup.md", @"prints its `errorType` and `errorMessage` \(e\.g\. `RoleManager\.ConfigInvalid: \.\.\.`\) and exits (?<v>\d+)", "any error" },
        { "docs/aws-setup.md", @"echo \$\? # (?<v>\d+): passed", "success" },
        { "README.md", @"Before the first apply it reports failed assertions \(exit (?<v>\d+)\)", "`check` ran and an assertion failed" },
        { "README.md", @"plan shows the revocation \(exit (?<v>\d+)\)", "`plan --detailed-exitcode` found changes" },
        { "docs/compliance.md", @"a check that failed is still exit (?<v>\d+) when the evidence was written", "`check` ran and an assertion failed" },
        { "docs/compliance.md", @"A failure to read or write the evidence is exit (?<v>\d+)", "any error" },
        { "docs/architecture.md", @"`(?<v>\d+)` a check ran and failed", "`check` ran and an assertion failed" },
        { "docs/architecture.md", @"`(?<v>\d+)` `plan --detailed-exitcode` found changes", "`plan --detailed-exitcode` found changes" },
        { "docs/architecture.md", @"`(?<v>\d+)` error, a usage error included", "any error" },
        { "docs/architecture.md", @"`(?<v>\d+)` interrupted \(Ctrl-C\)", "interrupted" },
    };

    [Theory]
    [MemberData(nameof(StatedExitCodes))]
    public void An_exit_code_a_page_states_is_the_readmes(string file, string sentence, string meaning)
    {
        var said = DocText.Says(file, sentence);
        Assert.True(int.Parse(said.Groups["v"].Value) == Readme.ExitCodeFor(meaning),
            $"{file} says exit {said.Groups["v"].Value} (/{sentence}/); the README gives {Readme.ExitCodeFor(meaning)} for \"{meaning}\"");
    }

    [Fact]
    public void The_invoke_scripts_help_gives_the_readmes_exit_codes()
    {
        // invoke_function.py's usage text: "Exit status (the same as role-manager's): 0 success; 1 when ...; 2 ...; 3 a check ran and failed ...; 130 interrupted".
        string help = Regex.Replace(File.ReadAllText(Path.Combine(DocText.Root, "bin/lib/invoke_function.py")), @"\s+", " ");
        var status = Regex.Match(help, @"Exit status \(the same as role-manager's\): (?<list>.+?)\. A usage error of the script is (?<usage>\d+)");
        Assert.True(status.Success, "bin/lib/invoke_function.py no longer states its exit status");
        var codes = Regex.Matches(status.Groups["list"].Value, @"(?:^|; )(?<code>\d+) ").Select(m => int.Parse(m.Groups["code"].Value)).ToList();
        Assert.Equal(Readme.ExitCodes().Keys.Order(), codes.Order());
        Assert.Equal(Readme.ExitCodeFor("any error"), int.Parse(status.Groups["usage"].Value));
    }
}
