-- Every table-like relation (r, v, m, f, p), sequence (S) and routine (every pg_proc row) of the user
-- schemas, grouped by schema, kind, owner and raw ACL so that a 10,000-table catalog whose tables share a
-- few ACLs sends a few rows, each ACL exploded once. A NULL ACL is the default: the owner only, plus
-- EXECUTE for PUBLIC on routines (acldefault('f')). Routines are named with their identity arguments.
WITH schemas AS (
    SELECT n.oid FROM pg_catalog.pg_namespace n
    WHERE NOT (n.nspname OPERATOR(pg_catalog.~) '^(pg_|information_schema$)'::pg_catalog.text)
),
objects AS (
    SELECT c.relnamespace AS schema_oid, c.relname::pg_catalog.text AS name,
           CASE WHEN c.relkind OPERATOR(pg_catalog.=) 'S'::pg_catalog."char" THEN 's'::pg_catalog."char" ELSE 'r'::pg_catalog."char" END AS kind,
           c.relowner AS owner, c.relacl AS acl
    FROM pg_catalog.pg_class c
    WHERE c.relkind OPERATOR(pg_catalog.=) ANY ('{r,v,m,f,p,S}'::pg_catalog."char"[])
      AND c.relnamespace OPERATOR(pg_catalog.=) ANY (SELECT s.oid FROM schemas s)
    UNION ALL
    SELECT p.pronamespace, (p.proname::pg_catalog.text OPERATOR(pg_catalog.||) '('::pg_catalog.text
                            OPERATOR(pg_catalog.||) pg_catalog.pg_get_function_identity_arguments(p.oid)
                            OPERATOR(pg_catalog.||) ')'::pg_catalog.text),
           'f'::pg_catalog."char", p.proowner, p.proacl
    FROM pg_catalog.pg_proc p
    WHERE p.pronamespace OPERATOR(pg_catalog.=) ANY (SELECT s.oid FROM schemas s)
),
groups AS (
    SELECT o.schema_oid, o.kind, o.owner, o.acl, pg_catalog.array_agg(o.name) AS names
    FROM objects o
    GROUP BY o.schema_oid, o.kind, o.owner, o.acl
)
SELECT g.schema_oid, g.kind::pg_catalog.text, g.owner, acl.grantees, acl.privileges, acl.grantable, g.names
FROM groups g
LEFT JOIN LATERAL (
    SELECT pg_catalog.array_agg(a.grantee) AS grantees, pg_catalog.array_agg(a.privilege_type) AS privileges,
           pg_catalog.array_agg(a.is_grantable) AS grantable
    FROM pg_catalog.aclexplode(COALESCE(g.acl, pg_catalog.acldefault(g.kind, g.owner))) a
) acl ON true;
