-- Whether the lexicon $version came from a file the user gave (`mipulse run --lexicon`) rather than
-- from a run's own posts: the first run that scored with it names that file in its options. (Later
-- runs that score with the lexicon in force name none.)
SELECT json_extract_string(options, '$.lexicon') IS NOT NULL AS from_a_file
FROM runs
WHERE lexicon_version = $version
ORDER BY started_at, run_id
LIMIT 1;
