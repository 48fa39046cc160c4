-- What the database remembers of these input files ($paths): their size, mtime and window, and the
-- options of the run that loaded them last (NULL when that run's row is gone).
SELECT f.source_file, f.size_bytes, f.mtime_ns, f.from_month, f.to_month, f.platforms,
       CAST(r.options AS VARCHAR) AS options
FROM input_files AS f LEFT JOIN runs AS r USING (run_id)
WHERE list_contains($paths, f.source_file)
ORDER BY f.source_file;
