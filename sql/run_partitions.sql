-- The (platform, month) partitions a finished run's Parquet output covers.
SELECT DISTINCT platform, month FROM read_parquet($run_dir || '/totals/*.parquet') ORDER BY ALL;
