-- The names of the database's base tables (not views).
SELECT table_name FROM duckdb_tables() ORDER BY table_name;
