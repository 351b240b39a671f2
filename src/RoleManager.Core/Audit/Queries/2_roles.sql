-- Every role of the cluster with its attributes. pg_roles shows rolpassword as '********' whatever is
-- stored, and pg_authid is readable by superusers only, so whether a role has a password is not knowable
-- to an RDS master: the report says "iam" (member of rds_iam), "none" (NOLOGIN) or "password or other".
SELECT r.oid, r.rolname::pg_catalog.text, r.rolsuper, r.rolinherit, r.rolcreaterole, r.rolcreatedb,
       r.rolcanlogin, r.rolreplication, r.rolbypassrls, r.rolconnlimit
FROM pg_catalog.pg_roles r;
