-- What each role of $1 may do on every object of schema $2, compared with what it is expected to (Check/EffectivePrivilegeProbe.cs):
-- one row per difference, at most 20 per role. $3/$5 every table/sequence privilege the server knows, $4/$6 the
-- declared ones, $7 EXECUTE declared, $8 the role owns the schema, $9 the schema privileges declared, $10/$11 the
-- named grants as tab-separated "table PRIVILEGE" and "table column PRIVILEGE" lines.
-- An extension's members (pg_depend deptype 'e') are left out: they are the extension's.
-- MAINTAIN (17+) comes in through $3/$4 from Privileges.AllFor(version), so one text serves 13-18.
-- Each role is the outer row of a LATERAL subquery, so all of one role's checks run one after another: the server
-- caches one role's memberships at a time (roles_is_member_of), and a plan that went object by object over the roles
-- recomputed them at every call, each a search of a catalog-cache list that grows with the roles (quadratic:
-- 25 s of server time for 5,000 roles on PostgreSQL 15, most of it in the ownership test).
WITH rel AS (
    SELECT c.oid, c.oid::regclass::text AS name, c.relname::text AS relname, c.relkind = 'S' AS seq, c.relowner AS owner
    FROM pg_class c WHERE c.relnamespace = (SELECT n.oid FROM pg_namespace n WHERE n.nspname = $2) AND c.relkind IN ('r', 'v', 'm', 'f', 'p', 'S')
      AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid AND d.deptype = 'e')
), fn AS (
    SELECT p.oid, p.oid::regprocedure::text AS name, p.proowner AS owner FROM pg_proc p WHERE p.pronamespace = (SELECT n.oid FROM pg_namespace n WHERE n.nspname = $2)
      AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_proc'::regclass AND d.objid = p.oid AND d.deptype = 'e')
)
SELECT rn::text, d FROM (
    SELECT w.rn, v.d, row_number() OVER (PARTITION BY w.rn ORDER BY v.d) AS k
    FROM (SELECT u::name AS rn FROM unnest($1::text[]) u) w
    CROSS JOIN LATERAL (
        SELECT (CASE WHEN r.seq THEN 'sequence ' ELSE 'table ' END) || r.name || ': ' || p
               || CASE WHEN h THEN ' allowed but not declared' ELSE ' declared but refused' END AS d
        FROM rel r
        CROSS JOIN LATERAL unnest(CASE WHEN r.seq THEN $5::text[] ELSE $3::text[] END) p
        CROSS JOIN LATERAL (SELECT CASE WHEN r.seq THEN has_sequence_privilege(w.rn, r.oid, p) ELSE has_table_privilege(w.rn, r.oid, p) END AS h) x
        WHERE h <> (p = ANY(CASE WHEN r.seq THEN $6::text[] ELSE $4::text[] END) OR (NOT r.seq AND r.relname || E'\t' || p = ANY($10::text[])))
        UNION ALL
        SELECT 'table ' || r.name || ': ' || p || ' on some columns allowed but not declared'
        FROM rel r CROSS JOIN unnest(ARRAY['SELECT', 'INSERT', 'UPDATE', 'REFERENCES']) p
        WHERE NOT r.seq AND NOT (p = ANY($4::text[])) AND NOT (r.relname || E'\t' || p = ANY($10::text[])) AND has_any_column_privilege(w.rn, r.oid, p)
          AND (cardinality($11::text[]) = 0 OR EXISTS (SELECT 1 FROM pg_attribute a WHERE a.attrelid = r.oid AND a.attnum > 0 AND NOT a.attisdropped
               AND NOT (r.relname || E'\t' || a.attname || E'\t' || p = ANY($11::text[])) AND has_column_privilege(w.rn, r.oid, a.attnum, p)))
        UNION ALL
        SELECT 'table ' || r.name || ': ' || split_part(c, E'\t', 3) || ' on column ' || split_part(c, E'\t', 2) || ' declared but refused'
        FROM unnest($11::text[]) c JOIN rel r ON NOT r.seq AND r.relname = split_part(c, E'\t', 1)
        WHERE NOT has_column_privilege(w.rn, r.oid, split_part(c, E'\t', 2), split_part(c, E'\t', 3))
        UNION ALL
        SELECT 'routine ' || f.name || ': EXECUTE' || CASE WHEN has_function_privilege(w.rn, f.oid, 'EXECUTE') THEN ' allowed but not declared' ELSE ' declared but refused' END
        FROM fn f WHERE has_function_privilege(w.rn, f.oid, 'EXECUTE') <> $7
        UNION ALL
        SELECT 'owns ' || r.name || ' (may alter or drop it)' FROM rel r WHERE NOT $8 AND pg_has_role(w.rn, r.owner, 'USAGE')
        UNION ALL
        SELECT 'owns routine ' || f.name || ' (may alter or drop it)' FROM fn f WHERE NOT $8 AND pg_has_role(w.rn, f.owner, 'USAGE')
        UNION ALL
        SELECT 'schema: ' || p || CASE WHEN has_schema_privilege(w.rn, $2, p) THEN ' allowed but not declared' ELSE ' declared but refused' END
        FROM unnest(ARRAY['USAGE', 'CREATE']) p WHERE has_schema_privilege(w.rn, $2, p) <> (p = ANY($9::text[]))
    ) v
) ranked WHERE k <= 20 ORDER BY rn, d
