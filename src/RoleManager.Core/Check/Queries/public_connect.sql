-- Whether PUBLIC may connect to database $1 ('true' or 'false'): a NULL datacl is the built-in default, in which it may.
-- has_database_privilege('public', …) reads the pseudo-role PUBLIC on every major, 13-18.
SELECT has_database_privilege('public', $1, 'CONNECT')::text
