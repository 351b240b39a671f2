-- Default privileges set with ALTER DEFAULT PRIVILEGES ... IN SCHEMA for the managed schemas ($1):
-- tables (r), sequences (S) and functions (f, which also covers procedures).
SELECT pg_get_userbyid(d.defaclrole)::text AS owner, n.nspname::text, d.defaclobjtype::text AS kind,
       acl.grantees, acl.privileges
FROM pg_default_acl d
JOIN pg_namespace n ON n.oid = d.defaclnamespace
LEFT JOIN LATERAL (
    SELECT array_agg(CASE WHEN a.grantee = 0::oid THEN NULL ELSE pg_get_userbyid(a.grantee)::text END) AS grantees,
           array_agg(a.privilege_type::text) AS privileges
    FROM aclexplode(d.defaclacl) a
) acl ON true
WHERE n.nspname = ANY($1) AND d.defaclobjtype IN ('r', 'S', 'f');
