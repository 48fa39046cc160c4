-- The views and table macros present, to tell which of the report's ones are missing.
SELECT view_name AS name FROM duckdb_views()
UNION ALL
SELECT function_name FROM duckdb_functions() WHERE function_type = 'table_macro';
