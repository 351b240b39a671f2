-- Which of the declared schemas ($1) exist. PostgreSQL 13+.
SELECT nspname::text FROM pg_namespace WHERE nspname = ANY($1)
