-- Every table-like object, sequence and routine in the managed schemas ($1), one row each, with its
-- owner and the privileges of the declared roles ($2) only. Kinds match what GRANT ... ON ALL
-- TABLES / SEQUENCES / ROUTINES IN SCHEMA covers: relkind r, v, m, f, p are tables; S sequences;
-- every pg_proc row (functions, procedures, aggregates) a routine. A NULL ACL is the owner-only default,
-- and for routines that default also lets PUBLIC execute (acldefault('f', ...)).
WITH declared AS (SELECT oid FROM pg_roles WHERE rolname = ANY($2))
SELECT n.nspname::text, c.relname::text, '' AS signature,
       CASE WHEN c.relkind = 'S' THEN 's' ELSE 'r' END AS kind,
       pg_get_userbyid(c.relowner)::text AS owner, pg_has_role(c.relowner, 'USAGE') AS current_user_has_owner_privileges,
       acl.grantees, acl.privileges
FROM pg_class c
JOIN pg_namespace n ON n.oid = c.relnamespace
LEFT JOIN LATERAL (
    SELECT array_agg(pg_get_userbyid(a.grantee)::text) AS grantees, array_agg(a.privilege_type::text) AS privileges
    FROM aclexplode(coalesce(c.relacl, acldefault(CASE WHEN c.relkind = 'S' THEN 's'::"char" ELSE 'r'::"char" END, c.relowner))) a
    WHERE a.grantee IN (SELECT oid FROM declared)
) acl ON true
WHERE n.nspname = ANY($1) AND c.relkind IN ('r', 'v', 'm', 'f', 'p', 'S')
UNION ALL
SELECT n.nspname::text, p.proname::text, pg_get_function_identity_arguments(p.oid),
       'f', pg_get_userbyid(p.proowner)::text, pg_has_role(p.proowner, 'USAGE'),
       acl.grantees, acl.privileges
FROM pg_proc p
JOIN pg_namespace n ON n.oid = p.pronamespace
LEFT JOIN LATERAL (
    SELECT array_agg(pg_get_userbyid(a.grantee)::text) AS grantees, array_agg(a.privilege_type::text) AS privileges
    FROM aclexplode(coalesce(p.proacl, acldefault('f', p.proowner))) a
    WHERE a.grantee IN (SELECT oid FROM declared)
) acl ON true
WHERE n.nspname = ANY($1);
