-- The roles of $1 the master cannot yet SET ROLE to, in the order given. $2 is the pg_has_role option that means
-- "may SET ROLE": 'SET' exists from PostgreSQL 16; before it 'MEMBER' means the same.
SELECT r FROM unnest($1::text[]) WITH ORDINALITY AS u(r, i) WHERE NOT pg_has_role(current_user, r::name, $2) ORDER BY i
