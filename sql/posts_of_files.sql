-- How many loaded posts come from the given input files ($paths).
SELECT count(*) AS posts FROM posts WHERE list_contains(CAST($paths AS VARCHAR[]), source_file);
