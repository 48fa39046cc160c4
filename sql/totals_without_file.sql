-- Count rows from before counts were kept per input file (migrate_file_counts.sql fixes them).
SELECT count(*) FROM totals WHERE source_file IS NULL;
