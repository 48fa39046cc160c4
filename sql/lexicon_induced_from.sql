-- What the lexicon $version was induced from, if a run induced it: the run that first stored it built
-- it from exactly the posts it accepted, in the platform/month partitions it wrote to. Also whether it
-- came from a `--lexicon` file instead (that run names the file; a file was induced from other posts or
-- edited) and how many posts are scored with it now. No row for a version no run stored.
SELECT l.metadata ->> 'kind' AS kind,
       json_extract_string(r.options, '$.lexicon') IS NOT NULL AS from_a_file,
       r.accepted AS posts,
       r.partitions,
       (SELECT count(*) FROM post_scores WHERE lexicon_version = $version) AS scored
FROM lexicons AS l JOIN runs AS r USING (run_id)
WHERE l.lexicon_version = $version;
