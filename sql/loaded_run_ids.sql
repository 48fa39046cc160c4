-- Every run the database has loaded (their Parquet folders may be pruned: the data is here).
SELECT run_id FROM runs;
