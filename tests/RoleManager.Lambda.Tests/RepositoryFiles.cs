using System.Diagnostics;
using System.Text.RegularExpressions;

namespace RoleManager.Lambda.Tests;

/// <summary>Paths in the repository, found by walking up from the test assembly to the folder holding RoleManager.sln.</summary>
internal static partial class RepositoryFiles
{
    public static string Root => Testing.RepositoryRoot.Path;

    /// <summary>The published x86_64 binary; fails the test with what to do when it is missing.</summary>
    public static string PublishedBootstrap()
    {
        var path = Path.Combine(Root, "artifacts", "lambda", "bootstrap");
        Assert.True(File.Exists(path), $"{path} is missing: run bin/build-lambda-zip first.");
        return path;
    }

    public static string PublishedZip()
    {
        var path = Path.Combine(Root, "artifacts", "lambda", "role-manager-lambda-x86_64.zip");
        Assert.True(File.Exists(path), $"{path} is missing: run bin/build-lambda-zip first.");
        return path;
    }

    /// <summary>The highest <c>GLIBC_x.y</c> symbol version an ELF binary requires, read with <c>objdump -T</c>.</summary>
    public static Version HighestRequiredGlibc(string binary)
    {
        var start = new ProcessStartInfo("objdump", ["-T", binary]) { RedirectStandardOutput = true, RedirectStandardError = true };
        using var objdump = Process.Start(start) ?? throw new InvalidOperationException("objdump did not start (apt-get install binutils)");
        var output = objdump.StandardOutput.ReadToEnd();
        objdump.WaitForExit();
        Assert.True(objdump.ExitCode == 0, "objdump -T failed: " + objdump.StandardError.ReadToEnd());
        var versions = GlibcVersion().Matches(output).Select(m => Version.Parse(m.Groups[1].Value)).ToList();
        Assert.NotEmpty(versions);
        return versions.Max()!;
    }

    [GeneratedRegex(@"GLIBC_(\d+\.\d+(?:\.\d+)?)")]
    private static partial Regex GlibcVersion();
}
