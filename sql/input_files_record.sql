-- Remember one loaded input file (run inside the load transaction).
DELETE FROM input_files WHERE source_file = $source_file;
INSERT INTO input_files
VALUES ($source_file, $size_bytes, $mtime_ns, $from_month, $to_month,
        CAST($platforms AS VARCHAR[]), $run_id, now()::TIMESTAMP);
