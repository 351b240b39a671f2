using RoleManager.Infra.Tests.Support;

namespace RoleManager.Infra.Tests;

/// <summary>
/// docs/aws-setup.md, "What you need": the invoke scripts are Python 3, standard library only (PyYAML is optional:
/// only a YAML --config needs it). Python itself tells which imported modules are its standard library.
/// </summary>
public sealed class InfraDocClaimsScriptTests
{
    private const string Imports = """
        import ast, sys
        tree = ast.parse(open(sys.argv[1]).read())
        names = {a.name.split('.')[0] for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names}
        names |= {n.module.split('.')[0] for n in ast.walk(tree) if isinstance(n, ast.ImportFrom) and n.module and n.level == 0}
        print(' '.join(sorted(n for n in names if n not in sys.stdlib_module_names)))
        """;

    [Fact]
    public async Task The_invoke_scripts_import_nothing_beyond_pythons_standard_library_but_an_optional_pyyaml()
    {
        foreach (string script in new[] { Scripts.Manage, Scripts.Plan, Scripts.Check })
            Assert.Contains("exec python3 \"$(dirname \"${BASH_SOURCE[0]}\")/lib/invoke_function.py\"", File.ReadAllText(Repo.Script(script)), StringComparison.Ordinal);
        string program = Path.Combine(Repo.Root, "bin", "lib", "invoke_function.py");

        var run = await ProcessRunner.RunAsync("python3", ["-c", Imports, program], Repo.Root);

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Equal("yaml", run.Stdout.Trim());
        // ... and only where a YAML --config is read, with a message for a machine without it.
        Assert.Contains("import yaml  # optional: PyYAML", File.ReadAllText(program), StringComparison.Ordinal);
        Assert.Contains("PyYAML is not installed to read it as YAML", File.ReadAllText(program), StringComparison.Ordinal);
    }
}
