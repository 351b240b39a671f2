-- The declared roles ($1) that exist, once for each database in $2 (empty: the current one; a cluster run reads every
-- database's in its first, docs/architecture.md "One run for a cluster"), the database named in the last column:
-- attributes, the database-independent search_path setting,
-- the roles each is a member of, and what the current (master) user may do with it.
-- pg_has_role's 'SET' option exists from PostgreSQL 16; before that 'MEMBER' means the same (SET ROLE allowed).
-- Memberships come with their ADMIN option and whether the master may revoke them: before 16 CREATEROLE
-- may revoke any membership in a non-superuser role; from 16 only the grantor (or who has its privileges)
-- may, and it needs ADMIN on the group. The settings made for this role in this database only
-- (ALTER ROLE ... IN DATABASE ... SET) come next, as name=value strings; then the role's comment, the mark
-- of a generated group role (docs/group-roles.md), read from pg_shdescription directly: shobj_description() is a
-- SQL function, whose inner query pg_stat_statements (track = all) counts as more statements on 13.
-- setting_kinds: the type and base unit (pg_settings) of each setting the role has, so that values compare as the server
-- reads them (30s = 30000 ms), and whether the master may set or reset it on a role: a user-context setting, or any as a
-- superuser; a custom (placeholder) setting only before 15. role and session_authorization are not in pg_settings
-- (GUC_NO_SHOW_ALL) but known to current_setting, and user-level. Only for roles that have settings (the CASE keeps
-- pg_settings from being read per role). has_parameter_privilege (15+) is not asked: the function does not exist on 13.
-- marked_groups/marked_group_comments: the groups the role is a member of that carry RoleManager's group-role mark and
-- hold nothing of their own — no attribute, no membership, nothing owned or granted in this database (pg_shdepend, the
-- database's own ACL included) — the candidates for another database's group roles (Planning/GroupRoleGuard.cs).
-- membership_grantors, last: who granted each membership (from 16 there is a row per grantor, and only a REVOKE ... GRANTED BY it takes that row):
-- every membership array is ordered by group and grantor so that their elements line up.
SELECT r.rolname::text, r.rolcanlogin, r.rolsuper, r.rolcreatedb, r.rolcreaterole, r.rolinherit,
       r.rolreplication, r.rolbypassrls, r.rolconnlimit,
       (SELECT substr(s, length('search_path=') + 1) FROM unnest(r.rolconfig) s WHERE s LIKE 'search_path=%') AS search_path,
       ARRAY(SELECT DISTINCT g.rolname::text FROM pg_auth_members m JOIN pg_roles g ON g.oid = m.roleid WHERE m.member = r.oid) AS member_of,
       pg_has_role(current_user, r.oid, 'USAGE') AS current_user_has_privileges,
       pg_has_role(current_user, r.oid,
                   CASE WHEN current_setting('server_version_num')::int >= 160000 THEN 'SET' ELSE 'MEMBER' END) AS current_user_can_set_role,
       ARRAY(SELECT g.rolname::text FROM pg_auth_members m JOIN pg_roles g ON g.oid = m.roleid WHERE m.member = r.oid ORDER BY g.rolname::text, m.grantor) AS membership_groups,
       ARRAY(SELECT m.admin_option FROM pg_auth_members m JOIN pg_roles g ON g.oid = m.roleid WHERE m.member = r.oid ORDER BY g.rolname::text, m.grantor) AS membership_admin,
       ARRAY(SELECT (SELECT me.rolsuper FROM pg_roles me WHERE me.rolname = current_user)
                    OR (current_setting('server_version_num')::int < 160000
                        AND (SELECT me.rolcreaterole FROM pg_roles me WHERE me.rolname = current_user) AND NOT g.rolsuper)
                    OR (current_setting('server_version_num')::int >= 160000
                        AND pg_has_role(current_user, m.grantor, 'USAGE') AND pg_has_role(current_user, g.oid, 'MEMBER WITH ADMIN OPTION'))
             FROM pg_auth_members m JOIN pg_roles g ON g.oid = m.roleid WHERE m.member = r.oid ORDER BY g.rolname::text, m.grantor) AS membership_revocable,
       ARRAY(SELECT unnest(s.setconfig) FROM pg_db_role_setting s WHERE s.setrole = r.oid AND s.setdatabase = this.oid) AS database_settings,
       coalesce(r.rolconfig, ARRAY[]::text[]) AS settings,
       (SELECT d.description FROM pg_catalog.pg_shdescription d
        WHERE d.objoid = r.oid AND d.classoid = 'pg_catalog.pg_authid'::pg_catalog.regclass) AS comment,
       CASE WHEN r.rolconfig IS NULL AND NOT EXISTS (SELECT 1 FROM pg_db_role_setting s WHERE s.setrole = r.oid AND s.setdatabase = this.oid)
            THEN ARRAY[]::text[]
            ELSE ARRAY(SELECT n.name || '|' || coalesce(p.vartype, '') || '|' || coalesce(p.unit, '') || '|'
                              || coalesce((SELECT me.rolsuper FROM pg_roles me WHERE me.rolname = current_user) OR p.context = 'user'
                                          OR (p.name IS NULL AND (current_setting(n.name, true) IS NOT NULL
                                                                  OR current_setting('server_version_num')::int < 150000)), false)::text
                       FROM (SELECT DISTINCT lower(split_part(c, '=', 1)) AS name
                             FROM unnest(coalesce(r.rolconfig, ARRAY[]::text[])
                                         || coalesce((SELECT s.setconfig FROM pg_db_role_setting s WHERE s.setrole = r.oid AND s.setdatabase = this.oid), ARRAY[]::text[])) c) n
                       LEFT JOIN pg_settings p ON p.name = n.name)
       END AS setting_kinds,
       coalesce(marked.groups, ARRAY[]::text[]) AS marked_groups,
       coalesce(marked.comments, ARRAY[]::text[]) AS marked_group_comments,
       ARRAY(SELECT coalesce(gr.rolname::text, '') FROM pg_auth_members m JOIN pg_roles g ON g.oid = m.roleid LEFT JOIN pg_roles gr ON gr.oid = m.grantor
             WHERE m.member = r.oid ORDER BY g.rolname::text, m.grantor) AS membership_grantors,
       -- A password expiry (VALID UNTIL), NULL when none: the config declares none, so one is drift.
       CASE WHEN r.rolvaliduntil IS NULL OR r.rolvaliduntil = 'infinity'::timestamptz THEN NULL ELSE r.rolvaliduntil::text END AS valid_until,
       -- Each membership's INHERIT and SET options: columns of pg_auth_members from 16 only, read through to_jsonb so one text
       -- serves 13-18 (NULL before 16, where the member's rolinherit decides and every member may SET ROLE).
       ARRAY(SELECT (to_jsonb(m) ->> 'inherit_option')::boolean FROM pg_auth_members m JOIN pg_roles g ON g.oid = m.roleid
             WHERE m.member = r.oid ORDER BY g.rolname::text, m.grantor) AS membership_inherit,
       ARRAY(SELECT (to_jsonb(m) ->> 'set_option')::boolean FROM pg_auth_members m JOIN pg_roles g ON g.oid = m.roleid
             WHERE m.member = r.oid ORDER BY g.rolname::text, m.grantor) AS membership_set,
       this.datname::text AS database_name
FROM pg_roles r
CROSS JOIN (SELECT d.oid, d.datname FROM pg_database d
            WHERE CASE WHEN cardinality($2) = 0 THEN d.datname = current_database() ELSE d.datname = ANY($2) END) this
LEFT JOIN LATERAL (
    SELECT array_agg(g.rolname::text ORDER BY g.rolname) AS groups, array_agg(d.description ORDER BY g.rolname) AS comments
    FROM pg_auth_members m
    JOIN pg_roles g ON g.oid = m.roleid
    JOIN pg_catalog.pg_shdescription d ON d.objoid = g.oid AND d.classoid = 'pg_catalog.pg_authid'::pg_catalog.regclass
    WHERE m.member = r.oid
      AND d.description LIKE 'RoleManager group role: %'
      AND NOT (g.rolsuper OR g.rolcreaterole OR g.rolcreatedb OR g.rolcanlogin OR g.rolreplication OR g.rolbypassrls)
      AND NOT EXISTS (SELECT 1 FROM pg_auth_members gm WHERE gm.member = g.oid)
      AND NOT EXISTS (SELECT 1 FROM pg_shdepend sd
                      WHERE sd.refclassid = 'pg_catalog.pg_authid'::pg_catalog.regclass AND sd.refobjid = g.oid
                        AND (sd.dbid = this.oid OR (sd.classid = 'pg_catalog.pg_database'::pg_catalog.regclass AND sd.objid = this.oid)))
) marked ON true
WHERE r.rolname = ANY($1);
