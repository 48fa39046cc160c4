-- The lexicon in force: the one the latest run that scored posts used. Returns its version,
-- metadata and calibration (JSON text), or no row in a database without runs.
SELECT l.lexicon_version, CAST(l.metadata AS VARCHAR) AS metadata, CAST(l.calibration AS VARCHAR) AS calibration
FROM runs AS r JOIN lexicons AS l USING (lexicon_version)
ORDER BY r.finished_at DESC, r.run_id DESC
LIMIT 1;
