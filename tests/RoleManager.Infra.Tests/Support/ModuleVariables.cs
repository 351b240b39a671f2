namespace RoleManager.Infra.Tests.Support;

/// <summary>Declarations of the module's variables.tf, copied out so that a test can evaluate them without the AWS provider.</summary>
public static class ModuleVariables
{
    /// <summary>The <c>variable "NAME" { ... }</c> blocks of these names, as written in variables.tf.</summary>
    public static IEnumerable<string> Declarations(params string[] names)
    {
        var text = File.ReadAllText(Path.Combine(Repo.ModuleDirectory, "variables.tf"));
        foreach (var name in names)
        {
            int start = text.IndexOf($"variable \"{name}\" {{", StringComparison.Ordinal);
            if (start < 0)
                throw new InvalidOperationException($"variables.tf declares no {name}");
            int end = text.IndexOf("\n}\n", start, StringComparison.Ordinal);
            yield return text[start..(end + 3)];
        }
    }
}
