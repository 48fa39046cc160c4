-- Load one run's Parquet tables (folder $run_dir) into the database. The caller runs these
-- statements in order inside ONE transaction: a failure rolls everything back.
-- Partitions are (platform, month): exactly those the run covered are replaced.

CREATE TEMP TABLE covered AS
SELECT DISTINCT platform, month FROM read_parquet($run_dir || '/totals/*.parquet');

DELETE FROM posts WHERE (platform, month) IN (SELECT (platform, month) FROM covered);
DELETE FROM post_scores WHERE (platform, month) IN (SELECT (platform, month) FROM covered);
DELETE FROM totals WHERE (platform, month) IN (SELECT (platform, month) FROM covered);
DELETE FROM term_counts WHERE (platform, month) IN (SELECT (platform, month) FROM covered);
DELETE FROM anchor_counts WHERE (platform, month) IN (SELECT (platform, month) FROM covered);
DELETE FROM anchor_pair_counts WHERE (platform, month) IN (SELECT (platform, month) FROM covered);

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
