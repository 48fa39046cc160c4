-- The --languages settings the input files loaded now were read with (those of the run that last loaded
-- each, input_files.run_id), with their files and posts. A run whose options lack `languages` ran before
-- the option existed and kept every language: 'all'. A file whose run row is gone: NULL (not known).
-- Codes are sorted, so `--languages es en` and `en es` are one setting.
WITH per_file AS (
    SELECT f.source_file,
           CASE WHEN r.run_id IS NOT NULL THEN coalesce(array_to_string(list_sort(list_distinct(
               CAST(json_extract(r.options, '$.languages') AS VARCHAR[]))), ' '), 'all') END AS languages
    FROM input_files AS f LEFT JOIN runs AS r USING (run_id)
), posts_per_file AS (
    SELECT source_file, count(*) AS posts FROM posts GROUP BY source_file
)
SELECT languages, count(*) AS files, coalesce(sum(p.posts), 0)::BIGINT AS posts
FROM per_file LEFT JOIN posts_per_file AS p USING (source_file)
GROUP BY languages
ORDER BY posts DESC, files DESC, languages NULLS LAST;
