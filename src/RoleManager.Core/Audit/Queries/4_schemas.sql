-- Every user schema (not pg_*, not information_schema) with its owner and exploded ACL; a NULL nspacl is
-- the default (owner only), hence acldefault('n').
SELECT n.oid, n.nspname::pg_catalog.text, n.nspowner, acl.grantees, acl.privileges, acl.grantable
FROM pg_catalog.pg_namespace n
LEFT JOIN LATERAL (
    SELECT pg_catalog.array_agg(a.grantee) AS grantees, pg_catalog.array_agg(a.privilege_type) AS privileges,
           pg_catalog.array_agg(a.is_grantable) AS grantable
    FROM pg_catalog.aclexplode(COALESCE(n.nspacl, pg_catalog.acldefault('n'::pg_catalog."char", n.nspowner))) a
) acl ON true
WHERE NOT (n.nspname OPERATOR(pg_catalog.~) '^(pg_|information_schema$)'::pg_catalog.text);
