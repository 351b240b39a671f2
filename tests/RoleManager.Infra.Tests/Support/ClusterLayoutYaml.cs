namespace RoleManager.Infra.Tests.Support;

/// <summary>Cluster configs (issue 28) as the tests hand them to the module (JSON is YAML too).</summary>
public static class ClusterLayoutYaml
{
    /// <summary>
    /// Two databases of one cluster from one layout: three IAM login roles, a password role, a NOLOGIN group, a role
    /// with auth none and a dropped role declared once, each database with its own schemas and grants.
    /// </summary>
    public const string TwoDatabases = """
        {
          "auth": "iam",
          "roles": [
            { "name": "orders_migrator" },
            { "name": "orders_app", "settings": { "statement_timeout": "30s" } },
            { "name": "reporting" },
            { "name": "bi_tool", "auth": "password", "password_secret": "role-manager/roles/bi_tool" },
            { "name": "readers", "login": false },
            { "name": "batch", "auth": "none" },
            { "name": "legacy", "drop": true }
          ],
          "databases": [
            {
              "name": "orders",
              "schemas": [ { "name": "orders", "owner": "orders_migrator" } ],
              "roles": [
                { "name": "orders_app", "search_path": ["orders"], "grants": [ { "schema": "orders", "profile": "readwrite",
                  "tables": [ { "name": "invoices", "privileges": ["select"] } ] } ] },
                { "name": "reporting", "grants": [ { "schema": "orders", "profile": "readonly" } ] }
              ]
            },
            {
              "name": "billing",
              "grant_mode": "direct",
              "schemas": [ { "name": "billing", "owner": "orders_migrator" } ],
              "extensions": ["pgcrypto"],
              "roles": [
                { "name": "orders_app", "search_path": ["billing"], "database_settings": { "work_mem": "64MB" },
                  "grants": [ { "schema": "billing", "profile": "readonly" } ] },
                { "name": "bi_tool", "grants": [ { "schema": "billing", "profile": "readonly",
                  "columns": [ { "table": "accounts", "columns": ["id"], "privileges": ["select"] } ] } ] }
              ]
            }
          ]
        }
        """;
}
