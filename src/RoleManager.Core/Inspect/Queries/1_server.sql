-- Server, session and database facts, the database ACL and the installed extensions: one row.
-- A NULL datacl means the built-in default (PUBLIC may CONNECT and create TEMPORARY tables), so
-- acldefault() makes it explicit. Grantee 0 is PUBLIC and is returned as NULL. PostgreSQL 13+.
SELECT current_setting('server_version_num')::int AS version_num,
       current_setting('server_version') AS version,
       current_user::text AS current_user_name,
       (SELECT r.rolsuper FROM pg_roles r WHERE r.rolname = current_user) AS current_user_is_superuser,
       d.datname::text AS database,
       pg_get_userbyid(d.datdba)::text AS database_owner,
       EXISTS (SELECT 1 FROM pg_roles r WHERE r.rolname = 'rds_iam') AS has_rds_iam,
       ARRAY(SELECT e.extname::text FROM pg_extension e ORDER BY 1) AS extensions,
       acl.grantees, acl.privileges,
       -- default_transaction_read_only set on the database for every role (setrole 0): it makes each declared role's
       -- sessions read-only, which is drift (the tool's own sessions override it in their startup packet).
       (SELECT substr(c, length('default_transaction_read_only=') + 1)
        FROM pg_db_role_setting s, unnest(s.setconfig) c
        WHERE s.setdatabase = d.oid AND s.setrole = 0::oid AND lower(c) LIKE 'default\_transaction\_read\_only=%'
        LIMIT 1) AS database_read_only,
       -- Who holds a privilege on the database WITH GRANT OPTION besides its owner.
       ARRAY(SELECT DISTINCT pg_get_userbyid(g.grantee)::text FROM aclexplode(d.datacl) g
             WHERE g.is_grantable AND g.grantee <> d.datdba) AS grant_option_holders
FROM pg_database d
LEFT JOIN LATERAL (
    SELECT array_agg(CASE WHEN a.grantee = 0::oid THEN NULL ELSE pg_get_userbyid(a.grantee)::text END) AS grantees,
           array_agg(a.privilege_type::text) AS privileges
    FROM aclexplode(coalesce(d.datacl, acldefault('d', d.datdba))) a
) acl ON true
WHERE d.datname = current_database();
