-- Whether the database (or this connection) has the report-window macro of report_window.sql.
SELECT count(*) > 0 FROM duckdb_functions() WHERE function_name = 'in_report_window';
