-- The roles of $1 the master cannot grant itself: from PostgreSQL 16 granting a role to oneself needs ADMIN OPTION on it
-- (fuzz seed 89), which a superuser does not need. Asked from 16 only: before, CREATEROLE grants any non-superuser role.
SELECT r FROM unnest($1::text[]) AS u(r) WHERE NOT (SELECT rolsuper FROM pg_roles WHERE rolname = current_user)
  AND NOT pg_has_role(current_user, r::name, 'USAGE WITH ADMIN OPTION')
