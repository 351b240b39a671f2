-- Default privileges: per creating role, for a schema (defaclnamespace) or global (0). A global entry
-- replaces the built-in default for that role and kind; a schema entry adds to it. Kinds r (tables),
-- S (sequences) and f (routines) are read; T (types) and n (schemas) are outside the report's scope.
SELECT d.defaclrole, d.defaclnamespace, d.defaclobjtype::pg_catalog.text, acl.grantees, acl.privileges, acl.grantable
FROM pg_catalog.pg_default_acl d
LEFT JOIN LATERAL (
    SELECT pg_catalog.array_agg(a.grantee) AS grantees, pg_catalog.array_agg(a.privilege_type) AS privileges,
           pg_catalog.array_agg(a.is_grantable) AS grantable
    FROM pg_catalog.aclexplode(d.defaclacl) a
) acl ON true
WHERE d.defaclobjtype OPERATOR(pg_catalog.=) ANY ('{r,S,f}'::pg_catalog."char"[]);
