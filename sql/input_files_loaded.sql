-- What the database remembers of these input files ($paths): their size, mtime and window.
SELECT source_file, size_bytes, mtime_ns, from_month, to_month, platforms
FROM input_files
WHERE list_contains($paths, source_file)
ORDER BY source_file;
