-- Column privileges (GRANT UPDATE (col) ON t ...) of the declared roles ($2) and PUBLIC on the relations of the
-- managed schemas ($1): one row per table, grantee and privilege, with the columns. Most tables have none, so
-- this returns few rows whatever the catalog's size. Grantee 0 (PUBLIC) is returned as NULL.
WITH declared AS (SELECT oid FROM pg_roles WHERE rolname = ANY($2))
SELECT n.nspname::text AS schema_name, c.relname::text AS table_name,
       CASE WHEN a.grantee = 0::oid THEN NULL ELSE pg_get_userbyid(a.grantee)::text END AS grantee,
       a.privilege_type::text AS privilege, array_agg(att.attname::text ORDER BY att.attnum) AS columns,
       bool_or(a.is_grantable) AS with_grant_option
FROM pg_attribute att
JOIN pg_class c ON c.oid = att.attrelid
JOIN pg_namespace n ON n.oid = c.relnamespace
CROSS JOIN LATERAL aclexplode(att.attacl) a
WHERE n.nspname = ANY($1) AND att.attacl IS NOT NULL AND NOT att.attisdropped AND att.attnum > 0
  AND (a.grantee = 0::oid OR a.grantee IN (SELECT oid FROM declared))
GROUP BY 1, 2, 3, 4;
