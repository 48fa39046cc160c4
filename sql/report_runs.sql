-- The runs the report lists, newest first.
SELECT run_id, lexicon_version, accepted FROM runs ORDER BY run_id DESC;
