-- Which of the declared roles ($1) exist: before the first apply none do, and each is then a failed assertion. PostgreSQL 13+.
SELECT rolname::text FROM pg_roles WHERE rolname = ANY($1)
