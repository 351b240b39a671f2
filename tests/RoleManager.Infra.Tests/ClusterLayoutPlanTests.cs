using System.Text.Json.Nodes;
using RoleManager.Infra.Tests.Support;

namespace RoleManager.Infra.Tests;

/// <summary>
/// Issue 28, the module side, planned through Fixtures/moto-root (which adds "reporting" in additional_iam_db_users): the
/// rds-db:connect list follows the layout's IAM login roles (a cluster config's cluster-wide roles), the run on apply's
/// triggers name the layout's databases, and a bad cluster layout stops the plan before anything is created.
/// The function running a cluster layout end to end is tested with the engine, not here.
/// </summary>
public sealed class ClusterLayoutPlanTests(MotoRootPlanner planner) : IClassFixture<MotoRootPlanner>, IDisposable
{
    private readonly TempDirectory _temp = new("rm-infra-cluster-");

    public void Dispose() => _temp.Dispose();

    private static List<string> IamDbUsers(JsonNode plan) =>
        plan["output_changes"]!["iam_db_users"]!["after"]!.AsArray().Select(u => u!.ToString()).ToList();

    private static JsonNode RunTriggers(JsonNode plan) => plan["output_changes"]!["run_triggers"]!["after"]!;

    [Fact]
    public async Task A_cluster_layout_lets_the_function_connect_as_its_iam_login_roles_only_and_its_run_names_both_databases()
    {
        var layout = _temp.Combine("cluster.json");
        await File.WriteAllTextAsync(layout, ClusterLayoutYaml.TwoDatabases);

        var plan = await planner.PlanJsonAsync("-var", $"layout_file={layout}");

        // orders_migrator, orders_app and reporting log in with IAM; bi_tool (password), readers (NOLOGIN), batch (auth none)
        // and legacy (dropped) never ask for a token. "reporting" is in the layout and in additional_iam_db_users: once.
        Assert.Equal(["orders_migrator", "orders_app", "reporting"], IamDbUsers(plan));
        Assert.Equal("orders,billing", RunTriggers(plan)["databases"]!.ToString());
        Assert.Matches("^[0-9a-f]{64}$", RunTriggers(plan)["config_hash"]!.ToString());
    }

    [Fact]
    public async Task Without_a_layout_the_function_connects_as_app_migrator_and_the_additional_users_and_its_run_names_db_name()
    {
        var plan = await planner.PlanJsonAsync();

        Assert.Equal(["app", "migrator", "reporting"], IamDbUsers(plan));
        Assert.Equal("appdb", RunTriggers(plan)["databases"]!.ToString());
        Assert.Equal("default layout", RunTriggers(plan)["config_hash"]!.ToString());
    }

    [Fact]
    public async Task A_one_database_layout_gives_its_own_iam_roles_and_database_whatever_the_app_and_migrator_names()
    {
        var layout = _temp.Combine("one.yaml");
        await File.WriteAllTextAsync(layout, """
            database: orders
            auth: password
            roles:
              - { name: owner_role, auth: iam }
              - { name: service, password_env: SERVICE_PASSWORD }
            """);

        var plan = await planner.PlanJsonAsync("-var", $"layout_file={layout}");

        Assert.Equal(["owner_role", "reporting"], IamDbUsers(plan));
        Assert.Equal("orders", RunTriggers(plan)["databases"]!.ToString());
    }

    [Fact]
    public async Task A_role_of_a_database_that_is_not_declared_for_the_cluster_fails_the_plan()
    {
        var layout = _temp.Combine("ghost.yaml");
        await File.WriteAllTextAsync(layout, """
            roles: [ { name: orders_app } ]
            databases:
              - name: orders
                roles: [ { name: orders_ap, grants: [ { schema: orders, profile: readwrite } ] } ]
            """);

        var plan = await planner.PlanAsync("-var", $"layout_file={layout}");

        Assert.Equal(1, plan.ExitCode);
        var stderr = string.Join(' ', plan.Stderr.Split((char[])[' ', '\n', '\r', '│'], StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains("databases[0].roles[0].name: role \"orders_ap\" is not declared under the top-level 'roles'", stderr);
    }
}
