-- Per input file of one run: records read, accepted, rejected, duplicates (and the check).
SELECT source_file, records_read, accepted, rejected, duplicates,
       accepted + rejected + duplicates = records_read AS balanced
FROM file_accounting WHERE run_id = $run_id ORDER BY source_file;
