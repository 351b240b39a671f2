-- Column grants (pg_attribute.attacl) on relations of the user schemas. A NULL attacl means no column grant
-- (the default ACL of a column is empty), so only non-NULL ones are read.
SELECT c.relnamespace, c.relname::pg_catalog.text, a.attname::pg_catalog.text, c.relowner,
       acl.grantees, acl.privileges, acl.grantable
FROM pg_catalog.pg_attribute a
JOIN pg_catalog.pg_class c ON c.oid OPERATOR(pg_catalog.=) a.attrelid
JOIN pg_catalog.pg_namespace n ON n.oid OPERATOR(pg_catalog.=) c.relnamespace
LEFT JOIN LATERAL (
    SELECT pg_catalog.array_agg(x.grantee) AS grantees, pg_catalog.array_agg(x.privilege_type) AS privileges,
           pg_catalog.array_agg(x.is_grantable) AS grantable
    FROM pg_catalog.aclexplode(a.attacl) x
) acl ON true
WHERE a.attacl IS NOT NULL AND a.attnum OPERATOR(pg_catalog.>) 0::pg_catalog.int2 AND NOT a.attisdropped
  AND NOT (n.nspname OPERATOR(pg_catalog.~) '^(pg_|information_schema$)'::pg_catalog.text);
