-- The server version, the connected user and the current database with its owner and exploded ACL.
-- A NULL datacl is the built-in default (owner: all; PUBLIC: CONNECT, TEMPORARY), hence acldefault('d').
-- Safe against search_path hijack: every function, operator and type is schema-qualified, no cross-type
-- comparison is made, and role oids are returned raw (0 = PUBLIC) to be named client-side.
SELECT pg_catalog.current_setting('server_version_num')::pg_catalog.int4 AS version_num,
       pg_catalog.current_setting('server_version') AS version,
       CURRENT_USER::pg_catalog.text AS connected_as,
       d.datname::pg_catalog.text AS database, d.datdba AS owner,
       acl.grantees, acl.privileges, acl.grantable
FROM pg_catalog.pg_database d
LEFT JOIN LATERAL (
    SELECT pg_catalog.array_agg(a.grantee) AS grantees, pg_catalog.array_agg(a.privilege_type) AS privileges,
           pg_catalog.array_agg(a.is_grantable) AS grantable
    FROM pg_catalog.aclexplode(COALESCE(d.datacl, pg_catalog.acldefault('d'::pg_catalog."char", d.datdba))) a
) acl ON true
WHERE d.datname OPERATOR(pg_catalog.=) pg_catalog.current_database();
