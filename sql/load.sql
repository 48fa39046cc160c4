-- Load one run's Parquet tables (folder $run_dir) into the database. The caller runs these
-- statements in order inside ONE transaction: a failure rolls everything back.
-- A run replaces exactly the data of the input files it read ($inputs and the files of its
-- accounting) inside its window (from_month..to_month on platforms, NULL = open): posts,
-- scores and counts of every other file stay, also in the same months. Counts are keyed by
-- (month, platform, source_file), so sums over any window stay right.

CREATE TEMP TABLE run_files AS
SELECT unnest(CAST($inputs AS VARCHAR[])) AS source_file
UNION
SELECT source_file FROM read_parquet($run_dir || '/file_accounting/*.parquet');

-- (source_file, platform, month) parts this load replaces: every count row has a totals row.
CREATE TEMP TABLE replaced AS
SELECT DISTINCT source_file, platform, month
FROM (SELECT source_file, platform, month FROM posts
      UNION ALL SELECT source_file, platform, month FROM totals)
WHERE source_file IN (SELECT source_file FROM run_files)
  AND in_window(month, platform, CAST($from_month AS VARCHAR), CAST($to_month AS VARCHAR),
                CAST($platforms AS VARCHAR[]));

-- A database from before per-file counts may hold counts of several files of one month
-- without a file (schema migration attributes the single-file months). Those can be
-- replaced only by a run that reads every file of that month; otherwise refuse.
CREATE TEMP TABLE legacy AS
SELECT DISTINCT t.platform, t.month FROM totals AS t
WHERE t.source_file IS NULL AND (t.platform, t.month) IN (SELECT (platform, month) FROM replaced);
SELECT error(format('{} {} holds counts of several files loaded together before per-file counts ({}); '
                    'load those files together in one run', platform, month,
                    string_agg(DISTINCT source_file, ', ' ORDER BY source_file)))
FROM legacy JOIN posts USING (platform, month)
WHERE source_file NOT IN (SELECT source_file FROM run_files)
GROUP BY platform, month;
INSERT INTO replaced SELECT NULL, platform, month FROM legacy;

DELETE FROM post_scores WHERE (platform, post_id, month) IN (
    SELECT (platform, post_id, month) FROM posts
    WHERE (source_file, platform, month) IN (SELECT (source_file, platform, month) FROM replaced));
DELETE FROM posts USING replaced AS r
WHERE posts.source_file IS NOT DISTINCT FROM r.source_file AND posts.platform = r.platform AND posts.month = r.month;
DELETE FROM totals USING replaced AS r
WHERE totals.source_file IS NOT DISTINCT FROM r.source_file AND totals.platform = r.platform AND totals.month = r.month;
DELETE FROM term_counts USING replaced AS r
WHERE term_counts.source_file IS NOT DISTINCT FROM r.source_file AND term_counts.platform = r.platform AND term_counts.month = r.month;
DELETE FROM anchor_counts USING replaced AS r
WHERE anchor_counts.source_file IS NOT DISTINCT FROM r.source_file AND anchor_counts.platform = r.platform AND anchor_counts.month = r.month;
DELETE FROM anchor_pair_counts USING replaced AS r
WHERE anchor_pair_counts.source_file IS NOT DISTINCT FROM r.source_file AND anchor_pair_counts.platform = r.platform AND anchor_pair_counts.month = r.month;

-- posts promises one row per (platform, post_id). The job drops copies of posts other
-- files already hold (the loaded copy wins; the run counts its copy as a duplicate), from
-- a list taken before it ran; a concurrent load in between is caught here.
SELECT error(format('post {} {} of {} is already loaded from {} (loaded by a run that finished while '
                    'this one ran); run this input again', n.platform, n.post_id, n.source_file,
                    any_value(p.source_file)))
FROM read_parquet($run_dir || '/posts/*.parquet') AS n
JOIN posts AS p USING (platform, post_id)
GROUP BY n.platform, n.post_id, n.source_file;

CREATE TEMP TABLE covered AS
SELECT DISTINCT platform, month FROM read_parquet($run_dir || '/totals/*.parquet');

INSERT INTO posts BY NAME
SELECT *, $run_id AS run_id FROM read_parquet($run_dir || '/posts/*.parquet');
INSERT INTO post_scores BY NAME
SELECT *, $run_id AS run_id FROM read_parquet($run_dir || '/post_scores/*.parquet');
INSERT INTO totals BY NAME
SELECT *, $run_id AS run_id FROM read_parquet($run_dir || '/totals/*.parquet');
INSERT INTO term_counts BY NAME
SELECT *, $run_id AS run_id FROM read_parquet($run_dir || '/term_counts/*.parquet');
INSERT INTO anchor_counts BY NAME
SELECT *, $run_id AS run_id FROM read_parquet($run_dir || '/anchor_counts/*.parquet');
INSERT INTO anchor_pair_counts BY NAME
SELECT *, $run_id AS run_id FROM read_parquet($run_dir || '/anchor_pair_counts/*.parquet');

-- Lexicons are versioned by content: a version already stored is kept as it is.
INSERT INTO lexicon BY NAME
SELECT *, $run_id AS run_id FROM read_parquet($run_dir || '/lexicon/*.parquet')
WHERE lexicon_version NOT IN (SELECT lexicon_version FROM lexicons);
INSERT INTO lexicons BY NAME
SELECT *, $run_id AS run_id FROM read_parquet($run_dir || '/lexicons/*.parquet')
WHERE lexicon_version NOT IN (SELECT lexicon_version FROM lexicons);

-- Rejects and accounting describe input files: a re-run of a file replaces its rows.
DELETE FROM rejects WHERE source_file IN (
    SELECT source_file FROM read_parquet($run_dir || '/file_accounting/*.parquet'));
INSERT INTO rejects BY NAME
SELECT *, $run_id AS run_id FROM read_parquet($run_dir || '/rejects/*.parquet');
DELETE FROM file_accounting WHERE source_file IN (
    SELECT source_file FROM read_parquet($run_dir || '/file_accounting/*.parquet'));
INSERT INTO file_accounting BY NAME
SELECT *, $run_id AS run_id FROM read_parquet($run_dir || '/file_accounting/*.parquet');

DELETE FROM runs WHERE run_id = $run_id;
INSERT INTO runs BY NAME
SELECT
    $run_id AS run_id,
    CAST($started_at AS TIMESTAMP) AS started_at,
    now()::TIMESTAMP AS finished_at,
    CAST($inputs AS VARCHAR[]) AS inputs,
    CAST($options AS JSON) AS options,
    $tokenizer_version AS tokenizer_version,
    (SELECT any_value(lexicon_version) FROM read_parquet($run_dir || '/lexicons/*.parquet')) AS lexicon_version,
    sum(records_read) AS records_read,
    sum(accepted) AS accepted,
    sum(rejected) AS rejected,
    sum(duplicates) AS duplicates,
    (SELECT list(platform || '/' || month ORDER BY platform, month) FROM covered) AS partitions
FROM read_parquet($run_dir || '/file_accounting/*.parquet');

DROP TABLE covered;
DROP TABLE legacy;
DROP TABLE replaced;
DROP TABLE run_files;
