-- Every membership edge. inherit_option and set_option exist from PostgreSQL 16 only; reading them through
-- to_jsonb keeps one query for every version (NULL before 16, where inheritance follows the member's
-- rolinherit and SET ROLE is always allowed). From 16 the same pair may appear once per grantor.
SELECT m.roleid, m.member, m.admin_option,
       (pg_catalog.to_jsonb(m) OPERATOR(pg_catalog.->>) 'inherit_option'::pg_catalog.text)::pg_catalog.bool AS inherit_option,
       (pg_catalog.to_jsonb(m) OPERATOR(pg_catalog.->>) 'set_option'::pg_catalog.text)::pg_catalog.bool AS set_option
FROM pg_catalog.pg_auth_members m;
