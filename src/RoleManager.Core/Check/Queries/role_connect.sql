-- Whether role $2 may connect to database $1 by any path the server counts (a direct grant, a membership, PUBLIC):
-- 'true' or 'false'; no row when the role does not exist. PostgreSQL 13+.
SELECT coalesce(has_database_privilege(r.oid, $1, 'CONNECT'), false)::text FROM pg_roles r WHERE r.rolname = $2
