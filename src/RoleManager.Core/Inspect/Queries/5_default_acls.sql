-- Default privileges: those set with ALTER DEFAULT PRIVILEGES ... IN SCHEMA for the managed schemas ($1),
-- and the global ones (no IN SCHEMA, schema returned as NULL) of every role, which apply in every schema the
-- role creates in: tables (r), sequences (S) and functions (f, which also covers procedures).
-- A global entry replaces the built-in default, so for functions its absence means PUBLIC may EXECUTE.
SELECT pg_get_userbyid(d.defaclrole)::text AS owner, n.nspname::text, d.defaclobjtype::text AS kind,
       acl.grantees, acl.privileges
FROM pg_default_acl d
LEFT JOIN pg_namespace n ON n.oid = d.defaclnamespace
LEFT JOIN LATERAL (
    SELECT array_agg(CASE WHEN a.grantee = 0::oid THEN NULL ELSE pg_get_userbyid(a.grantee)::text END) AS grantees,
           array_agg(a.privilege_type::text) AS privileges
    FROM (SELECT x.grantee, x.privilege_type FROM aclexplode(d.defaclacl) x
          -- A global entry always names its role, 'NONE' when it revoked everything from itself (the planner grants it back).
          UNION ALL SELECT d.defaclrole, 'NONE' WHERE d.defaclnamespace = 0::oid) a
) acl ON true
WHERE (n.nspname = ANY($1) OR d.defaclnamespace = 0::oid) AND d.defaclobjtype IN ('r', 'S', 'f');
