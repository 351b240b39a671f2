-- What the connected (master) user is and may do: one row. $1 = the declared roles (plus rds_iam; the config
-- loader already refuses a member_of group that is not declared).
-- * createrole_self_grant exists from PostgreSQL 16 (NULL before, read with missing_ok).
-- * pg_auth_members has one row per role, member and grantor from 16, with inherit_option and set_option;
--   before 16 one row per role and member without them. to_jsonb reads the columns that exist on every major
--   (NULL where absent), so one text serves 13-18.
-- * privileged_via: for each role in $1, the superusers, rds_superuser, pg_* roles and CREATEROLE roles it reaches through any
--   chain of memberships (whatever their options: a SET or ADMIN path is as dangerous as an inherited one).
-- Comparisons are between equal types (oid = oid, name = name) so no operator outside pg_catalog can be chosen.
WITH RECURSIVE me AS (
    SELECT r.oid, r.rolreplication, r.rolbypassrls FROM pg_catalog.pg_roles r WHERE r.rolname = current_user
),
scope AS (SELECT r.oid, r.rolname FROM pg_catalog.pg_roles r WHERE r.rolname = ANY($1)),
up(start, roleid) AS (
    SELECT s.oid, m.roleid FROM scope s JOIN pg_catalog.pg_auth_members m ON m.member = s.oid
    UNION
    SELECT up.start, m.roleid FROM up JOIN pg_catalog.pg_auth_members m ON m.member = up.roleid
),
privileged AS (
    SELECT s.rolname::text AS name, string_agg(DISTINCT g.rolname::text, ',') AS via
    FROM scope s JOIN up ON up.start = s.oid JOIN pg_catalog.pg_roles g ON g.oid = up.roleid
    WHERE g.rolsuper OR g.rolcreaterole OR g.rolname = 'rds_superuser'::name OR g.rolname::text LIKE 'pg\_%'
    GROUP BY s.rolname
),
mine AS (
    SELECT g.rolname::text AS role_name, m.admin_option,
           (pg_catalog.to_jsonb(m) OPERATOR(pg_catalog.->>) 'inherit_option')::boolean AS inherit_option,
           (pg_catalog.to_jsonb(m) OPERATOR(pg_catalog.->>) 'set_option')::boolean AS set_option,
           m.grantor = me.oid AS granted_by_me
    FROM me JOIN pg_catalog.pg_auth_members m ON m.member = me.oid JOIN pg_catalog.pg_roles g ON g.oid = m.roleid
)
SELECT coalesce(current_setting('createrole_self_grant', true), '') AS createrole_self_grant,
       me.rolreplication, me.rolbypassrls,
       ARRAY(SELECT r.rolname::text FROM pg_catalog.pg_roles r WHERE r.rolsuper ORDER BY 1) AS superusers,
       ARRAY(SELECT e.name::text FROM pg_catalog.pg_available_extensions e ORDER BY 1) AS available_extensions,
       ARRAY(SELECT role_name FROM mine ORDER BY role_name, granted_by_me) AS membership_roles,
       ARRAY(SELECT admin_option FROM mine ORDER BY role_name, granted_by_me) AS membership_admin,
       ARRAY(SELECT inherit_option FROM mine ORDER BY role_name, granted_by_me) AS membership_inherit,
       ARRAY(SELECT set_option FROM mine ORDER BY role_name, granted_by_me) AS membership_set,
       ARRAY(SELECT granted_by_me FROM mine ORDER BY role_name, granted_by_me) AS membership_granted_by_me,
       ARRAY(SELECT s.rolname::text FROM scope s WHERE pg_catalog.pg_has_role(current_user, s.oid, 'MEMBER WITH ADMIN OPTION') ORDER BY 1) AS admin_of,
       ARRAY(SELECT p.name FROM privileged p ORDER BY 1) AS privileged_names,
       ARRAY(SELECT p.via FROM privileged p ORDER BY 1) AS privileged_via
FROM me;
