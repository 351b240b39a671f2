-- Every table-like object, sequence and routine in the managed schemas ($1), with its owner and the
-- privileges of the declared roles ($2) and PUBLIC only, grouped: one row per schema, kind, owner and ACL, with the
-- names (and routine signatures) of the objects that share them. A large catalog, where most objects carry
-- the same grants, so sends a few rows instead of one per object, and each distinct ACL is exploded once.
-- Kinds match what GRANT ... ON ALL TABLES / SEQUENCES / ROUTINES IN SCHEMA covers: relkind r, v, m, f, p
-- are tables; S sequences; every pg_proc row (functions, procedures, aggregates) a routine. A NULL ACL is
-- the owner-only default, and for routines that default also lets PUBLIC execute (acldefault('f', ...)).
-- Each catalog is grouped on its own raw columns (namespace oid, relkind/prokind, owner oid, aclitem[]), and
-- names and kinds are made text only for the few groups: at 10,000 tables that is 21,000 rows hashed on fixed
-- values instead of text made per row. Grouping by the raw aclitem[] (hashable on PostgreSQL 13+) puts objects
-- whose ACLs differ only in undeclared grantees in separate groups with the same filtered privileges: harmless.
-- A privilege held WITH GRANT OPTION ends with '*'. Also per group: the exact relkind/prokind (ALTER ... OWNER TO names it), whether the owner is a superuser
-- (the master cannot act for it), and for sequences whether one belongs to a table column (serial/identity:
-- its owner follows the table's). That last one is read only for a sequence whose owner is not its schema's declared
-- owner ($3, parallel to $1; '' for an undeclared schema, which is never handed over), the only case the planner
-- asks: the AND stops before the pg_depend lookup, so a converged schema never scans pg_depend (83,000 rows and
-- ~40 % of this query at 10,000 tables).
-- Two more per-group facts (issue 26, 27):
-- * extension_member: the object belongs to an extension (pg_depend deptype 'e'); the planner neither hands it
--   over nor grants or revokes on it. Only asked, like code and linked, where the owner is not the schema's declared
--   owner: a trusted extension's members belong to the bootstrap superuser, and a member its schema's owner owns
--   needs nothing handed over (and its grants are the owner's own). A join with every extension's members instead
--   cost ~12 ms at 10,000 tables on a converged database; this costs ~6 (two more group keys).
-- * code: why an object carries code that would run with its owner's rights (NULL: inert), read only where the
--   owner is not the schema's declared owner, as for linked (empty on a converged database, so never evaluated
--   there; CASE and AND evaluate left to right here). Views and materialized views always; tables with rules, user triggers or
--   policies, or whose indexes, defaults, generated columns, check constraints or statistics call a function or
--   operator outside pg_catalog (ANALYZE, VACUUM, REINDEX and the owner's own writes run those as the owner);
--   SECURITY DEFINER routines. docs/security.md, "Ownership is privilege", says why for each.
-- Names are sent only when $4 is true: the engine first plans from the groups alone (a count per group), which
-- tells a converged database apart without sending 20,000 names (and their signatures) at 10,000 tables, and asks
-- again with names only when something is to change. FILTER (WHERE false) accumulates nothing and evaluates no name.
WITH declared AS (SELECT oid FROM pg_roles WHERE rolname = ANY($2)),
managed AS (
    SELECT n.oid, n.nspname::text AS schema_name, w.owner_name <> '' AS declared, o.oid AS wanted_owner
    FROM unnest($1::text[], $3::text[]) AS w(schema_name, owner_name)
    JOIN pg_namespace n ON n.nspname = w.schema_name
    LEFT JOIN pg_roles o ON o.rolname = w.owner_name
),
groups AS (
    SELECT c.relnamespace AS nsp, false AS routine, c.relkind AS subkind, c.relowner AS owner, c.relacl AS acl,
           (c.relkind = 'S' AND m.declared AND c.relowner IS DISTINCT FROM m.wanted_owner
            AND EXISTS (SELECT 1 FROM pg_depend d
                        WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid
                          AND d.refclassid = 'pg_class'::regclass AND d.deptype IN ('a', 'i'))) AS linked,
           (m.declared AND c.relowner IS DISTINCT FROM m.wanted_owner
            AND EXISTS (SELECT 1 FROM pg_depend e WHERE e.classid = 'pg_class'::regclass AND e.objid = c.oid AND e.deptype = 'e')) AS extension_member,
           CASE WHEN m.declared AND c.relowner IS DISTINCT FROM m.wanted_owner
                     AND NOT EXISTS (SELECT 1 FROM pg_depend e WHERE e.classid = 'pg_class'::regclass AND e.objid = c.oid AND e.deptype = 'e') THEN
               CASE WHEN c.relkind = 'v' THEN 'a view'
                    WHEN c.relkind = 'm' THEN 'a materialized view'
                    WHEN c.relkind = 'S' THEN NULL
                    WHEN c.relhasrules THEN 'rules'
                    WHEN EXISTS (SELECT 1 FROM pg_trigger t WHERE t.tgrelid = c.oid AND NOT t.tgisinternal) THEN 'triggers'
                    WHEN EXISTS (SELECT 1 FROM pg_policy pol WHERE pol.polrelid = c.oid) THEN 'row-level security policies'
                    WHEN EXISTS (SELECT 1 FROM pg_depend t
                                 JOIN pg_depend f ON f.classid = t.classid AND f.objid = t.objid
                                 WHERE t.refclassid = 'pg_class'::regclass AND t.refobjid = c.oid AND t.deptype = 'a'
                                   AND t.classid IN ('pg_class'::regclass, 'pg_attrdef'::regclass, 'pg_constraint'::regclass, 'pg_statistic_ext'::regclass)
                                   AND ((f.refclassid = 'pg_proc'::regclass
                                         AND NOT EXISTS (SELECT 1 FROM pg_proc fp WHERE fp.oid = f.refobjid AND fp.pronamespace = 'pg_catalog'::regnamespace::oid))
                                     OR (f.refclassid = 'pg_operator'::regclass
                                         AND NOT EXISTS (SELECT 1 FROM pg_operator fo WHERE fo.oid = f.refobjid AND fo.oprnamespace = 'pg_catalog'::regnamespace::oid))))
                         THEN 'expressions (index, default, generated column, check constraint or statistics) that call functions outside pg_catalog'
               END
           END AS code,
           count(*)::int AS objects,
           array_agg(c.relname::text) FILTER (WHERE $4) AS names, array_agg(''::text) FILTER (WHERE $4) AS signatures
    FROM pg_class c
    JOIN managed m ON m.oid = c.relnamespace
    WHERE c.relkind IN ('r', 'v', 'm', 'f', 'p', 'S')
    GROUP BY 1, 2, 3, 4, 5, 6, 7, 8
    UNION ALL
    SELECT p.pronamespace, true, p.prokind, p.proowner, p.proacl, false,
           (m.declared AND p.proowner IS DISTINCT FROM m.wanted_owner
            AND EXISTS (SELECT 1 FROM pg_depend e WHERE e.classid = 'pg_proc'::regclass AND e.objid = p.oid AND e.deptype = 'e')),
           CASE WHEN m.declared AND p.proowner IS DISTINCT FROM m.wanted_owner AND p.prosecdef
                     AND NOT EXISTS (SELECT 1 FROM pg_depend e WHERE e.classid = 'pg_proc'::regclass AND e.objid = p.oid AND e.deptype = 'e') THEN
               CASE WHEN p.prokind = 'p' THEN 'a SECURITY DEFINER procedure' ELSE 'a SECURITY DEFINER function' END
           END,
           count(*)::int,
           array_agg(p.proname::text) FILTER (WHERE $4), array_agg(pg_get_function_identity_arguments(p.oid)) FILTER (WHERE $4)
    FROM pg_proc p
    JOIN managed m ON m.oid = p.pronamespace
    GROUP BY 1, 2, 3, 4, 5, 6, 7, 8
),
kinds AS (
    SELECT g.*, (CASE WHEN g.routine THEN 'f' WHEN g.subkind = 'S' THEN 's' ELSE 'r' END)::"char" AS kind FROM groups g
)
SELECT m.schema_name, g.kind::text AS kind, pg_get_userbyid(g.owner)::text AS owner, pg_has_role(g.owner, 'USAGE') AS current_user_has_owner_privileges,
       acl.grantees, acl.privileges, g.names, g.signatures, g.subkind::text AS subkind, coalesce(o.rolsuper, false) AS owner_is_superuser, g.linked,
       g.objects, g.extension_member, g.code
FROM kinds g
JOIN managed m ON m.oid = g.nsp
LEFT JOIN pg_roles o ON o.oid = g.owner
LEFT JOIN LATERAL (
    SELECT array_agg(CASE WHEN a.grantee = 0::oid THEN NULL ELSE pg_get_userbyid(a.grantee)::text END) AS grantees,
           array_agg(a.privilege_type::text || CASE WHEN a.is_grantable THEN '*' ELSE '' END) AS privileges
    FROM (SELECT x.grantee, x.privilege_type, x.is_grantable FROM aclexplode(coalesce(g.acl, acldefault(g.kind, g.owner))) x
          WHERE x.grantee IN (SELECT oid FROM declared) OR x.grantee = 0::oid
          -- A declared owner always has an entry, 'NONE' when it revoked everything from itself: the planner grants back
          -- what an owner lacks, and tells "revoked all" from an entry not read.
          UNION ALL SELECT g.owner, 'NONE', false WHERE g.owner IN (SELECT oid FROM declared)) a
) acl ON true;
