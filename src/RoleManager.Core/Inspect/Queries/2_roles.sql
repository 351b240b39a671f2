-- The declared roles ($1) that exist: attributes, the database-independent search_path setting,
-- the roles each is a member of, and what the current (master) user may do with it.
-- pg_has_role's 'SET' option exists from PostgreSQL 16; before that 'MEMBER' means the same (SET ROLE allowed).
SELECT r.rolname::text, r.rolcanlogin, r.rolsuper, r.rolcreatedb, r.rolcreaterole, r.rolinherit,
       r.rolreplication, r.rolbypassrls, r.rolconnlimit,
       (SELECT substr(s, length('search_path=') + 1) FROM unnest(r.rolconfig) s WHERE s LIKE 'search_path=%') AS search_path,
       ARRAY(SELECT DISTINCT g.rolname::text FROM pg_auth_members m JOIN pg_roles g ON g.oid = m.roleid WHERE m.member = r.oid) AS member_of,
       pg_has_role(current_user, r.oid, 'USAGE') AS current_user_has_privileges,
       pg_has_role(current_user, r.oid,
                   CASE WHEN current_setting('server_version_num')::int >= 160000 THEN 'SET' ELSE 'MEMBER' END) AS current_user_can_set_role
FROM pg_roles r
WHERE r.rolname = ANY($1);
