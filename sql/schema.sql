-- mipulse DuckDB schema: the system of record. Partition key of post-level and count
-- tables is (platform, month), month as 'YYYY-MM' (UTC). Every row carries its run_id.

CREATE TABLE IF NOT EXISTS runs (
    run_id VARCHAR PRIMARY KEY,
    started_at TIMESTAMP,
    finished_at TIMESTAMP,
    inputs VARCHAR[],
    options JSON,
    tokenizer_version VARCHAR,
    lexicon_version VARCHAR,
    records_read BIGINT,
    accepted BIGINT,
    rejected BIGINT,
    duplicates BIGINT,
    partitions VARCHAR[]
);

CREATE TABLE IF NOT EXISTS posts (
    platform VARCHAR NOT NULL,
    post_id VARCHAR NOT NULL,
    month VARCHAR NOT NULL,
    created_at TIMESTAMP NOT NULL,
    author_key VARCHAR,
    text VARCHAR,
    lang VARCHAR,
    parent_id VARCHAR,
    source_file VARCHAR,
    record_no BIGINT,
    run_id VARCHAR NOT NULL
);

CREATE TABLE IF NOT EXISTS post_scores (
    platform VARCHAR NOT NULL,
    post_id VARCHAR NOT NULL,
    month VARCHAR NOT NULL,
    sentiment_score DOUBLE,
    sentiment_label VARCHAR,
    anger DOUBLE, anticipation DOUBLE, disgust DOUBLE, fear DOUBLE,
    joy DOUBLE, sadness DOUBLE, surprise DOUBLE, trust DOUBLE,
    dominant_emotion VARCHAR,
    topics VARCHAR[],
    explanation VARCHAR[],
    n_terms INTEGER,
    n_lexicon_hits INTEGER,
    lexicon_version VARCHAR,
    tokenizer_version VARCHAR,
    run_id VARCHAR NOT NULL
);

CREATE TABLE IF NOT EXISTS totals (
    month VARCHAR NOT NULL,
    platform VARCHAR NOT NULL,
    posts BIGINT NOT NULL,
    run_id VARCHAR NOT NULL
);

CREATE TABLE IF NOT EXISTS term_counts (
    month VARCHAR NOT NULL,
    platform VARCHAR NOT NULL,
    term VARCHAR NOT NULL,
    df BIGINT NOT NULL,
    run_id VARCHAR NOT NULL
);

CREATE TABLE IF NOT EXISTS anchor_counts (
    month VARCHAR NOT NULL,
    platform VARCHAR NOT NULL,
    anchor VARCHAR NOT NULL,
    df BIGINT NOT NULL,
    run_id VARCHAR NOT NULL
);

CREATE TABLE IF NOT EXISTS anchor_pair_counts (
    month VARCHAR NOT NULL,
    platform VARCHAR NOT NULL,
    term VARCHAR NOT NULL,
    anchor VARCHAR NOT NULL,
    df BIGINT NOT NULL,
    run_id VARCHAR NOT NULL
);

CREATE TABLE IF NOT EXISTS lexicon (
    lexicon_version VARCHAR NOT NULL,
    term VARCHAR NOT NULL,
    df BIGINT,
    sentiment DOUBLE,
    anger DOUBLE, anticipation DOUBLE, disgust DOUBLE, fear DOUBLE,
    joy DOUBLE, sadness DOUBLE, surprise DOUBLE, trust DOUBLE,
    run_id VARCHAR NOT NULL
);

CREATE TABLE IF NOT EXISTS rejects (
    run_id VARCHAR NOT NULL,
    source_file VARCHAR,
    record_no BIGINT,
    reason VARCHAR,
    excerpt VARCHAR
);

CREATE TABLE IF NOT EXISTS file_accounting (
    run_id VARCHAR NOT NULL,
    source_file VARCHAR NOT NULL,
    records_read BIGINT,
    accepted BIGINT,
    rejected BIGINT,
    duplicates BIGINT
);

-- Input files already loaded, for incremental runs: a file whose size and mtime are
-- unchanged and whose last window contains the requested one is skipped.
CREATE TABLE IF NOT EXISTS input_files (
    source_file VARCHAR PRIMARY KEY,
    size_bytes BIGINT NOT NULL,
    mtime_ns BIGINT NOT NULL,
    from_month VARCHAR,
    to_month VARCHAR,
    platforms VARCHAR[],
    run_id VARCHAR NOT NULL,
    loaded_at TIMESTAMP NOT NULL
);
