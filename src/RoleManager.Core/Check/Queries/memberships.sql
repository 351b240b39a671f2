-- Each declared membership ($1 member, $2 group, pairwise) with its options as the server holds them: the number of
-- pg_auth_members rows (0: not a member), then ADMIN, INHERIT and SET, each counted when any row has it (from 16
-- there is a row per grantor). The connected master's own memberships are left out.
-- inherit_option and set_option exist from 16 only: read through to_jsonb (NULL before, so true), so one text serves 13-18.
SELECT w.member, w.grp, count(m.roleid)::int,
       coalesce(bool_or(m.admin_option), false),
       coalesce(bool_or((to_jsonb(m) ->> 'inherit_option')::boolean), true),
       coalesce(bool_or((to_jsonb(m) ->> 'set_option')::boolean), true)
FROM unnest($1::text[], $2::text[]) AS w(member, grp)
LEFT JOIN pg_roles r ON r.rolname = w.member
LEFT JOIN pg_roles g ON g.rolname = w.grp
LEFT JOIN pg_auth_members m ON m.member = r.oid AND m.roleid = g.oid
WHERE w.member <> current_user
GROUP BY w.member, w.grp ORDER BY w.member, w.grp
