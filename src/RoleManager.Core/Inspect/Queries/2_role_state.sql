-- A digest of the role state that 2_roles.sql and 6_master.sql read, one row per database in $1 (empty: the current
-- one), for the roles in $2 (every role a cluster run's databases declare, and rds_iam). A cluster run reads the roles
-- and the master's facts once, in its first database, with this row for every database; each other database sends only
-- this query (with the same $2), inside its own transaction and under its own lock, and uses that read when its digest
-- is the same, or reads them itself when it is not (docs/architecture.md, "One run for a cluster").
-- So the digest covers everything those queries read that a run, a migration or a person could change, for the roles
-- they look at: the roles in $2, the master and every superuser, and every role these reach through memberships
-- (upwards: their groups, their groups' groups) or that granted one of those memberships. Of these: the role's row
-- (pg_roles, its oid included: a role dropped and made again is another role), its memberships, its settings and the
-- database-wide ones (pg_db_role_setting), its comment (the group-role mark), and, for the database, which of the
-- marked ones hold something in it (pg_shdepend, its ACL included). Roles outside that set (other teams' logins, other
-- runs' test roles) change the digest of no one.
-- shares_session: the database has no setting for every role or for the master (ALTER DATABASE ... SET, ALTER ROLE ...
-- IN DATABASE ... SET): its master session is then the first database's (createrole_self_grant, custom settings), so the
-- facts read in that session are this database's too. Only such a database uses the first one's read.
-- record::text, md5 and string_agg are pg_catalog's: nothing outside it takes part (the session's search_path is pinned).
WITH RECURSIVE reach(oid) AS (
    SELECT r.oid FROM pg_catalog.pg_roles r WHERE r.rolname = ANY($2) OR r.rolname = current_user OR r.rolsuper
    UNION
    SELECT pg_catalog.unnest(ARRAY[m.roleid, m.grantor]) FROM reach JOIN pg_catalog.pg_auth_members m ON m.member = reach.oid
)
SELECT this.datname::text AS database_name,
       pg_catalog.md5(
           coalesce((SELECT pg_catalog.string_agg(r::text, ',' ORDER BY r.oid) FROM pg_catalog.pg_roles r WHERE r.oid IN (SELECT oid FROM reach)), '') || '|' ||
           coalesce((SELECT pg_catalog.string_agg(m::text, ',' ORDER BY m.roleid, m.member, m.grantor)
                     FROM pg_catalog.pg_auth_members m WHERE m.member IN (SELECT oid FROM reach)), '') || '|' ||
           coalesce((SELECT pg_catalog.string_agg(s::text, ',' ORDER BY s.setdatabase, s.setrole)
                     FROM pg_catalog.pg_db_role_setting s WHERE s.setrole = 0::oid OR s.setrole IN (SELECT oid FROM reach)), '') || '|' ||
           coalesce((SELECT pg_catalog.string_agg(d.objoid::text || '=' || d.description, ',' ORDER BY d.objoid)
                     FROM pg_catalog.pg_shdescription d
                     WHERE d.classoid = 'pg_catalog.pg_authid'::pg_catalog.regclass AND d.objoid IN (SELECT oid FROM reach)), '') || '|' ||
           coalesce((SELECT pg_catalog.string_agg(g.objoid::text, ',' ORDER BY g.objoid)
                     FROM pg_catalog.pg_shdescription g
                     WHERE g.classoid = 'pg_catalog.pg_authid'::pg_catalog.regclass AND g.objoid IN (SELECT oid FROM reach)
                       AND g.description LIKE 'RoleManager group role: %'
                       AND EXISTS (SELECT 1 FROM pg_catalog.pg_shdepend sd
                                   WHERE sd.refclassid = 'pg_catalog.pg_authid'::pg_catalog.regclass AND sd.refobjid = g.objoid
                                     AND (sd.dbid = this.oid OR (sd.classid = 'pg_catalog.pg_database'::pg_catalog.regclass AND sd.objid = this.oid)))), '')
       ) AS digest,
       NOT EXISTS (SELECT 1 FROM pg_catalog.pg_db_role_setting s
                   WHERE s.setdatabase = this.oid
                     AND (s.setrole = 0::oid OR s.setrole = (SELECT r.oid FROM pg_catalog.pg_roles r WHERE r.rolname = current_user))) AS shares_session
FROM pg_catalog.pg_database this
WHERE CASE WHEN pg_catalog.cardinality($1) = 0 THEN this.datname = current_database() ELSE this.datname = ANY($1) END;
