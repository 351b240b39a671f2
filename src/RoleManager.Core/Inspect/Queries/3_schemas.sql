-- The managed schemas ($1) that exist, with owner and ACL (NULL nspacl = owner only).
-- current_user_has_admin_on_owner: from 16 acting as the owner means granting it to oneself, which needs ADMIN OPTION.
SELECT n.nspname::text, pg_get_userbyid(n.nspowner)::text AS owner, pg_has_role(n.nspowner, 'USAGE') AS current_user_has_owner_privileges,
       acl.grantees, acl.privileges,
       -- Who holds a privilege here WITH GRANT OPTION besides the owner (whose own entry always carries it).
       ARRAY(SELECT DISTINCT pg_get_userbyid(g.grantee)::text FROM aclexplode(n.nspacl) g
             WHERE g.is_grantable AND g.grantee <> n.nspowner) AS grant_option_holders,
       pg_has_role(n.nspowner, 'MEMBER WITH ADMIN OPTION') AS current_user_has_admin_on_owner
FROM pg_namespace n
LEFT JOIN LATERAL (
    SELECT array_agg(CASE WHEN a.grantee = 0::oid THEN NULL ELSE pg_get_userbyid(a.grantee)::text END) AS grantees,
           array_agg(a.privilege_type::text) AS privileges
    FROM (SELECT x.grantee, x.privilege_type FROM aclexplode(coalesce(n.nspacl, acldefault('n', n.nspowner))) x
          -- The owner always has an entry, 'NONE' when it revoked everything from itself (the planner grants it back).
          UNION ALL SELECT n.nspowner, 'NONE') a
) acl ON true
WHERE n.nspname = ANY($1);
