namespace RoleManager.Integration.Tests.Drift;

/// <summary>How a drift must show up in the first plan.</summary>
public enum DriftOutcome
{
    /// <summary>Changes that the master applies; no finding.</summary>
    Corrected,
    /// <summary>A finding with the SQL a superuser must run.</summary>
    Finding,
    /// <summary>A change where the master may make it (PostgreSQL 15 and older), a finding where it may not (16+).</summary>
    CorrectedOrFinding,
    /// <summary>
    /// The drift made the role an administrator (CREATEROLE, a path into rds_superuser): the protected-role rule (issue 12)
    /// leaves it exactly as it is without adopt: true, and plan names it as a finding with both ways out (issue 27); the
    /// rest of the layout is planned. Once a superuser runs the finding's SQL, apply converges.
    /// </summary>
    Protected,
}

/// <summary>
/// Manual changes, each done as the superuser of the test cluster, that give a declared role more (or less) than the
/// layout declares. Placeholders: {app}, {migrator}, {reporting} (readonly), {db}, {p} (this test's role prefix), {master}.
/// </summary>
public static class DriftCorpus
{
    public static readonly (string Name, string Sql, DriftOutcome Outcome)[] Cases =
    [
        ("pg_write_all_data to app", "GRANT pg_write_all_data TO {app}", DriftOutcome.CorrectedOrFinding),
        ("pg_read_all_data to the readonly role", "GRANT pg_read_all_data TO {reporting}", DriftOutcome.CorrectedOrFinding),
        ("rds_superuser to app", "GRANT rds_superuser TO {app}", DriftOutcome.Protected),
        ("an undeclared group holding pg_write_all_data", "CREATE ROLE {p}_writers NOLOGIN; GRANT pg_write_all_data TO {p}_writers; GRANT {p}_writers TO {reporting}", DriftOutcome.CorrectedOrFinding),
        ("app made a member of migrator with ADMIN", "GRANT {migrator} TO {app} WITH ADMIN OPTION", DriftOutcome.CorrectedOrFinding),
        ("the readonly role made a member of app", "GRANT {app} TO {reporting}", DriftOutcome.CorrectedOrFinding),
        ("a table given to app", "ALTER TABLE app.orders OWNER TO {app}", DriftOutcome.Corrected),
        ("a function given to app", "ALTER FUNCTION app.order_count() OWNER TO {app}", DriftOutcome.Corrected),
        // A view is code run with its owner's rights: once reporting owns it, reporting may have rewritten it (issue 26).
        ("a view given to the readonly role", "ALTER VIEW app.order_notes OWNER TO {reporting}", DriftOutcome.Finding),
        ("a table made by the master", "CREATE TABLE app.master_made (id int); ALTER TABLE app.master_made OWNER TO {master}", DriftOutcome.Corrected),
        ("a table made by a superuser", "CREATE TABLE app.super_made (id int)", DriftOutcome.Finding),
        ("column UPDATE to the readonly role", "GRANT UPDATE (note) ON app.orders TO {reporting}", DriftOutcome.Corrected),
        ("column SELECT to PUBLIC", "GRANT SELECT (name) ON app.customers TO PUBLIC", DriftOutcome.Corrected),
        ("global default privileges for migrator to app", "ALTER DEFAULT PRIVILEGES FOR ROLE {migrator} GRANT ALL ON TABLES TO {app}", DriftOutcome.Corrected),
        ("global default EXECUTE to PUBLIC restored", "ALTER DEFAULT PRIVILEGES FOR ROLE {migrator} GRANT EXECUTE ON FUNCTIONS TO PUBLIC; SET ROLE {migrator}; CREATE FUNCTION app.later() RETURNS int LANGUAGE sql AS 'SELECT 1'; RESET ROLE", DriftOutcome.Corrected),
        ("schema default privileges granting PUBLIC", "ALTER DEFAULT PRIVILEGES FOR ROLE {migrator} IN SCHEMA app GRANT SELECT ON TABLES TO PUBLIC", DriftOutcome.Corrected),
        ("schema default privileges set by app", "ALTER DEFAULT PRIVILEGES FOR ROLE {app} IN SCHEMA app GRANT SELECT ON TABLES TO {reporting}", DriftOutcome.Corrected),
        ("search_path set for app in this database", "ALTER ROLE {app} IN DATABASE \"{db}\" SET search_path TO public", DriftOutcome.Corrected),
        ("a read-only default set globally", "ALTER ROLE {app} SET default_transaction_read_only = on", DriftOutcome.Corrected),
        ("PUBLIC EXECUTE on existing functions", "GRANT EXECUTE ON ALL FUNCTIONS IN SCHEMA app TO PUBLIC", DriftOutcome.Corrected),
        ("the readonly role executes a SECURITY DEFINER function", "GRANT EXECUTE ON FUNCTION app.wipe_orders() TO {reporting}", DriftOutcome.Corrected),
        ("the readonly role executes a procedure", "GRANT EXECUTE ON PROCEDURE app.touch() TO {reporting}", DriftOutcome.Corrected),
        ("a grant WITH GRANT OPTION", "GRANT SELECT ON app.orders TO {app} WITH GRANT OPTION", DriftOutcome.Corrected),
        ("a grant made by a non-owner grantor", "GRANT INSERT ON app.orders TO {app} WITH GRANT OPTION; SET ROLE {app}; GRANT INSERT ON app.orders TO {reporting}; RESET ROLE", DriftOutcome.Corrected),
        ("sequence UPDATE to the readonly role", "GRANT UPDATE ON SEQUENCE app.counter TO {reporting}", DriftOutcome.Corrected),
        ("view INSERT to the readonly role", "GRANT INSERT ON app.order_notes TO {reporting}", DriftOutcome.Corrected),
        ("materialized view SELECT to PUBLIC", "GRANT SELECT ON app.order_counts TO PUBLIC", DriftOutcome.Corrected),
        ("partitioned table DELETE to the readonly role", "GRANT DELETE ON app.events TO {reporting}", DriftOutcome.Corrected),
        ("a partition's TRUNCATE to app", "GRANT TRUNCATE ON app.events_2026 TO {app}", DriftOutcome.Corrected),
        ("USAGE and CREATE on the schema to PUBLIC", "GRANT USAGE, CREATE ON SCHEMA app TO PUBLIC", DriftOutcome.Corrected),
        ("CREATE on the schema to app", "GRANT CREATE ON SCHEMA app TO {app}", DriftOutcome.Corrected),
        ("the schema given to app", "ALTER SCHEMA app OWNER TO {app}", DriftOutcome.Corrected),
        ("TEMPORARY on the database to PUBLIC", "GRANT TEMPORARY ON DATABASE \"{db}\" TO PUBLIC", DriftOutcome.Corrected),
        ("CREATE on the database to app", "GRANT CREATE ON DATABASE \"{db}\" TO {app}", DriftOutcome.Corrected),
        ("CREATEDB and CREATEROLE on app", "ALTER ROLE {app} CREATEDB CREATEROLE", DriftOutcome.Protected),
        ("a connection limit on app", "ALTER ROLE {app} CONNECTION LIMIT 3", DriftOutcome.Corrected),
        ("BYPASSRLS on app", "ALTER ROLE {app} BYPASSRLS", DriftOutcome.Finding),
        ("REPLICATION on the readonly role", "ALTER ROLE {reporting} REPLICATION", DriftOutcome.Finding),
        ("a privilege revoked by hand", "REVOKE INSERT ON app.orders FROM {app}", DriftOutcome.Corrected),
        ("ALL on every table to PUBLIC", "GRANT ALL ON ALL TABLES IN SCHEMA app TO PUBLIC", DriftOutcome.Corrected),
    ];

    public static TheoryData<string> Names()
    {
        var data = new TheoryData<string>();
        foreach (var c in Cases) data.Add(c.Name);
        return data;
    }
}
