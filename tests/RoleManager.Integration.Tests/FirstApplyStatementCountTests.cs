using RoleManager.Testing;

namespace RoleManager.Integration.Tests;

/// <summary>
/// README: "a first apply runs the same number of statements whatever the number of tables". The bench measures it at
/// 1,000 to 100,000 tables (docs/performance.md, "678 statements at every size"); this pins it on every run: the same
/// layout's first apply on a database with a handful of tables and on one with a hundred times more sends exactly
/// as many statements, because grants on existing objects are one <c>GRANT ... ON ALL ... IN SCHEMA</c> per kind.
/// </summary>
public sealed class FirstApplyStatementCountTests
{
    [Fact]
    public async Task A_first_apply_runs_as_many_statements_on_a_schema_of_400_tables_as_on_one_of_4()
    {
        int few = await FirstApplyStatementsAsync(tables: 4);
        int many = await FirstApplyStatementsAsync(tables: 400);

        Assert.True(few > 10, $"the first apply ran only {few} statements: the layout did not apply");
        Assert.Equal(few, many);
    }

    [Fact]
    public async Task Objects_another_role_owns_are_handed_to_the_schema_owner_one_statement_each()
    {
        int few = await FirstApplyStatementsAsync(tables: 4, ownedByTheMaster: true);
        int many = await FirstApplyStatementsAsync(tables: 40, ownedByTheMaster: true);

        // 36 more tables in each of the two schemas and 9 more functions: one ALTER ... OWNER each, nothing else.
        Assert.Equal(few + 36 * 2 + 9, many);
    }

    /// <summary>
    /// The migrator (or, with <paramref name="ownedByTheMaster"/>, the master, as a first migration run by it leaves
    /// them) already owns schemas app and reports and the tables, sequences and functions its migrations made
    /// there (a team adopting the tool on a live database); the first apply declares the owner, a readwrite and a
    /// readonly role (<see cref="TestDatabase.RichLayout"/>).
    /// </summary>
    private static async Task<int> FirstApplyStatementsAsync(int tables, bool ownedByTheMaster = false)
    {
        var db = await TestDatabase.CreateAsync();
        string owner = ownedByTheMaster ? PostgresServer.MasterUser : db.Migrator;
        if (!ownedByTheMaster)
        {
            // Created by the master, as the tool's own first apply would have: on 16+ that gives the master ADMIN on it.
            await using var master = await db.MasterAsync();
            await TestDatabase.Exec(master, $"""CREATE ROLE "{db.Migrator}" LOGIN""");
        }
        await using (var super = await db.SuperuserAsync())
        {
            await TestDatabase.Exec(super, $"""
                CREATE SCHEMA app AUTHORIZATION "{owner}";
                CREATE SCHEMA reports AUTHORIZATION "{owner}";
                SET ROLE "{owner}";
                DO $$ BEGIN
                  FOR i IN 1..{tables} LOOP
                    EXECUTE format('CREATE TABLE app.t%s (id bigserial PRIMARY KEY, v text)', i);
                    EXECUTE format('CREATE TABLE reports.r%s (id int)', i);
                    IF i % 4 = 0 THEN
                      EXECUTE format('CREATE FUNCTION app.f%s() RETURNS int LANGUAGE sql AS ''SELECT 1''', i);
                    END IF;
                  END LOOP;
                END $$;
                RESET ROLE;
                """);
        }

        var result = await db.ApplyAsync(db.RichLayout());

        Assert.True(result.Committed);
        Assert.Empty((await db.PlanAsync(db.RichLayout())).Plan.Changes);
        return result.StatementsExecuted;
    }
}
