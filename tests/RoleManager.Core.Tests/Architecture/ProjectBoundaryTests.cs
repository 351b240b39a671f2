using System.Xml.Linq;
using RoleManager.Model;
using RoleManager.Planning;

namespace RoleManager.Core.Tests;

/// <summary>
/// Issue 29, "a pure engine the compiler guards": the config, the desired state, the privilege model and the planner
/// live in RoleManager.Engine, which cannot reach a database. The compiler enforces it (the project has no Npgsql
/// reference, so a line of I/O there does not build); these tests make the rule visible and keep anyone from
/// quietly adding the reference back.
/// </summary>
public class ProjectBoundaryTests
{
    private static readonly string[] AllowedEngineDependencies =
        ["System.", "Microsoft.Extensions.Logging.Abstractions", "YamlDotNet", "netstandard"];

    [Fact]
    public void The_planner_and_the_privilege_model_are_in_the_engine_assembly()
    {
        var engine = typeof(DesiredState).Assembly;
        Assert.Equal("RoleManager.Engine", engine.GetName().Name);
        Assert.Same(engine, typeof(Plan).Assembly);
        Assert.Same(engine, typeof(PrivilegeModel).Assembly);
    }

    [Fact]
    public void The_engine_assembly_references_no_database_driver_and_no_cloud_sdk()
    {
        var references = typeof(DesiredState).Assembly.GetReferencedAssemblies().Select(a => a.Name!).ToList();
        var unexpected = references.Where(name => !name.StartsWith("System", StringComparison.Ordinal)
            && !AllowedEngineDependencies.Any(allowed => name.StartsWith(allowed, StringComparison.Ordinal))).ToList();
        Assert.True(unexpected.Count == 0, "RoleManager.Engine references " + string.Join(", ", unexpected));
        Assert.DoesNotContain(references, name => name.StartsWith("Npgsql", StringComparison.Ordinal));
    }

    [Fact]
    public void The_engine_project_declares_no_database_package_and_no_project_reference()
    {
        string path = Path.Combine(RoleManager.Testing.RepositoryRoot.Path, "src", "RoleManager.Engine", "RoleManager.Engine.csproj");
        var project = XDocument.Load(path);
        var packages = project.Descendants("PackageReference").Select(p => (string?)p.Attribute("Include")).ToList();
        Assert.DoesNotContain(packages, p => p is not null && p.StartsWith("Npgsql", StringComparison.OrdinalIgnoreCase));
        Assert.DoesNotContain(packages, p => p is not null && p.StartsWith("AWSSDK", StringComparison.OrdinalIgnoreCase));
        Assert.Empty(project.Descendants("ProjectReference"));
    }

    [Fact]
    public void The_core_project_sees_the_database_only_through_the_engine_and_npgsql()
    {
        // RoleManager.Core is the PostgreSQL side (connect, inspect, execute, check, audit) and the use cases;
        // it depends on the engine, never the other way round.
        var core = typeof(RoleManager.Inspect.CatalogInspector).Assembly;
        var references = core.GetReferencedAssemblies().Select(a => a.Name).ToList();
        Assert.Contains("RoleManager.Engine", references);
        Assert.DoesNotContain("RoleManager.Core", typeof(DesiredState).Assembly.GetReferencedAssemblies().Select(a => a.Name));
    }

    [Fact]
    public void Only_the_transaction_owner_begins_a_transaction()
    {
        // Issue 29: the checker and the audit reader began their own and copied the settings in; rotation began one with
        // no logger. Every transaction now comes from Execute/PlanTransaction.cs (docs/architecture.md, "Transactions").
        string src = Path.Combine(RoleManager.Testing.RepositoryRoot.Path, "src");
        var beginners = Directory.EnumerateFiles(src, "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            .Where(f => File.ReadAllText(f).Contains("BeginTransaction", StringComparison.Ordinal))
            .Select(f => Path.GetRelativePath(src, f).Replace(Path.DirectorySeparatorChar, '/'))
            .ToList();
        Assert.Equal(["RoleManager.Core/Execute/PlanTransaction.cs"], beginners);
    }
}
