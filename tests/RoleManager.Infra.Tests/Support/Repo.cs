namespace RoleManager.Infra.Tests.Support;

/// <summary>Paths in the repository the tests run from.</summary>
public static class Repo
{
    /// <summary>The repository root (the one finder all test projects share: RoleManager.Testing).</summary>
    public static string Root => Testing.RepositoryRoot.Path;

    public static string Infra => Path.Combine(Root, "infra");

    public static string ModuleDirectory => Path.Combine(Infra, "modules", "role-manager");

    public static string ExampleDirectory => Path.Combine(Infra, "examples", "aurora-postgresql");

    public static string Fixtures => Path.Combine(Root, "tests", "RoleManager.Infra.Tests", "Fixtures");

    public static string Script(string name) => Path.Combine(Root, "bin", name);

    /// <summary>Copies a directory tree, leaving out Terraform's working files (.terraform, state).</summary>
    public static void CopyTree(string source, string destination)
    {
        Directory.CreateDirectory(destination);
        foreach (var file in Directory.EnumerateFiles(source))
        {
            var name = Path.GetFileName(file);
            if (name.StartsWith("terraform.tfstate", StringComparison.Ordinal) || name == ".terraform.lock.hcl")
                continue;
            File.Copy(file, Path.Combine(destination, name));
        }
        foreach (var dir in Directory.EnumerateDirectories(source))
        {
            if (Path.GetFileName(dir) == ".terraform")
                continue;
            CopyTree(dir, Path.Combine(destination, Path.GetFileName(dir)));
        }
    }

    /// <summary>A small zip with an executable <c>bootstrap</c>, standing in for the real build.</summary>
    public static string WriteDummyLambdaZip(string directory)
    {
        var path = Path.Combine(directory, "role-manager-lambda-x86_64.zip");
        using var zip = System.IO.Compression.ZipFile.Open(path, System.IO.Compression.ZipArchiveMode.Create);
        var entry = zip.CreateEntry("bootstrap");
        entry.ExternalAttributes = Convert.ToInt32("100755", 8) << 16;
        using var writer = new StreamWriter(entry.Open());
        writer.Write("#!/bin/sh\necho 'stand-in for the RoleManager bootstrap binary'\n");
        return path;
    }
}
