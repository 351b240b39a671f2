-- What the retiring roles ($1: the declared roles marked drop: true) own, read only when the config drops a role
-- (issue 26: their objects never go to the master). One row per owned object (pg_shdepend deptype 'o'):
-- * in this database, named by pg_identify_object (type, schema, identity), with handled = true where the planner
--   already deals with it: a managed schema ($2) itself, or a table-like object, sequence or routine in one that is not
--   an extension's member (the ownership planner hands it to the schema owner, or names it as a finding);
-- * shared objects the role owns (a database, a tablespace), and one row per other database where it owns anything or
--   holds any privilege (pg_shdepend of any kind there: an ACL entry, a default privilege, a policy, as another
--   database's config may still declare the role): DROP ROLE would fail on those, and a run connected to this database
--   cannot move or revoke them.
-- Default privileges and user mappings are left out: DROP OWNED removes them, REASSIGN OWNED ignores them.
-- Oids are compared with oids (OPERATOR(pg_catalog.=) where a literal is involved); the session's search_path is pinned.
WITH retiring AS (SELECT r.oid, r.rolname::text AS role_name FROM pg_catalog.pg_roles r WHERE r.rolname = ANY($1)),
here AS (SELECT d.oid FROM pg_catalog.pg_database d WHERE d.datname = pg_catalog.current_database()),
owned AS (
    SELECT t.role_name, s.dbid, s.classid, s.objid, s.objsubid
    FROM retiring t
    JOIN pg_catalog.pg_shdepend s ON s.refclassid OPERATOR(pg_catalog.=) 'pg_catalog.pg_authid'::pg_catalog.regclass
                                 AND s.refobjid OPERATOR(pg_catalog.=) t.oid AND s.deptype OPERATOR(pg_catalog.=) 'o'
    WHERE s.classid NOT IN ('pg_catalog.pg_default_acl'::pg_catalog.regclass, 'pg_catalog.pg_user_mapping'::pg_catalog.regclass)
),
elsewhere AS (
    SELECT t.role_name, s.dbid
    FROM retiring t
    JOIN pg_catalog.pg_shdepend s ON s.refclassid OPERATOR(pg_catalog.=) 'pg_catalog.pg_authid'::pg_catalog.regclass
                                 AND s.refobjid OPERATOR(pg_catalog.=) t.oid AND s.deptype OPERATOR(pg_catalog.<>) 'p'
    WHERE s.dbid NOT IN (SELECT here.oid FROM here)
)
SELECT o.role_name, i.type, i.schema::text, i.identity,
       coalesce(n.nspname = ANY($2)
                OR (c.relkind IN ('r', 'v', 'm', 'f', 'p', 'S') AND cn.nspname = ANY($2))
                OR pn.nspname = ANY($2), false)
       AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_depend e
                       WHERE e.classid OPERATOR(pg_catalog.=) o.classid AND e.objid OPERATOR(pg_catalog.=) o.objid
                         AND e.deptype OPERATOR(pg_catalog.=) 'e') AS handled
FROM owned o
CROSS JOIN LATERAL pg_catalog.pg_identify_object(o.classid, o.objid, o.objsubid) i
LEFT JOIN pg_catalog.pg_namespace n ON o.classid OPERATOR(pg_catalog.=) 'pg_catalog.pg_namespace'::pg_catalog.regclass AND n.oid OPERATOR(pg_catalog.=) o.objid
LEFT JOIN pg_catalog.pg_class c ON o.classid OPERATOR(pg_catalog.=) 'pg_catalog.pg_class'::pg_catalog.regclass AND c.oid OPERATOR(pg_catalog.=) o.objid
LEFT JOIN pg_catalog.pg_namespace cn ON cn.oid OPERATOR(pg_catalog.=) c.relnamespace
LEFT JOIN pg_catalog.pg_proc p ON o.classid OPERATOR(pg_catalog.=) 'pg_catalog.pg_proc'::pg_catalog.regclass AND p.oid OPERATOR(pg_catalog.=) o.objid
LEFT JOIN pg_catalog.pg_namespace pn ON pn.oid OPERATOR(pg_catalog.=) p.pronamespace
WHERE o.dbid IN (SELECT here.oid FROM here) OR o.dbid OPERATOR(pg_catalog.=) 0::oid
UNION ALL
SELECT o.role_name, 'objects in another database', NULL, pg_catalog.format('%s owned object(s) or granted privilege(s) in database %I', pg_catalog.count(*), d.datname), false
FROM elsewhere o JOIN pg_catalog.pg_database d ON d.oid OPERATOR(pg_catalog.=) o.dbid
GROUP BY o.role_name, d.datname
ORDER BY 1, 2, 3, 4;
