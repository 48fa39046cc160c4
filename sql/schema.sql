-- mipulse DuckDB schema: the system of record. Partition key of post-level and count
-- tables is (platform, month), month as 'YYYY-MM' (UTC); a load replaces the rows of the
-- input files it read (source_file), never those of other files. Every row carries its run_id.

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
    emotion_labels VARCHAR[],
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
    layer VARCHAR NOT NULL,
    term VARCHAR NOT NULL,
    sentiment DOUBLE,
    neutral DOUBLE,
    anger DOUBLE, anticipation DOUBLE, disgust DOUBLE, fear DOUBLE,
    joy DOUBLE, sadness DOUBLE, surprise DOUBLE, trust DOUBLE,
    df BIGINT,
    support BIGINT,
    source VARCHAR,
    run_id VARCHAR NOT NULL
);

CREATE TABLE IF NOT EXISTS lexicons (
    lexicon_version VARCHAR PRIMARY KEY,
    metadata JSON,
    calibration JSON,
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

-- Counts per input file (added later), so a load replaces exactly the counts of the files
-- it read; sums over any window still add the files up. sql/migrate_file_counts.sql fills
-- the column for older files.
ALTER TABLE totals ADD COLUMN IF NOT EXISTS source_file VARCHAR;
ALTER TABLE term_counts ADD COLUMN IF NOT EXISTS source_file VARCHAR;
ALTER TABLE anchor_counts ADD COLUMN IF NOT EXISTS source_file VARCHAR;
ALTER TABLE anchor_pair_counts ADD COLUMN IF NOT EXISTS source_file VARCHAR;

-- Documentation that travels with the file: `SELECT * FROM duckdb_columns()` shows it.
COMMENT ON TABLE runs IS 'One row per load: what was read, with which options and versions, and the record accounting. An append-only log (a re-run adds a row).';
COMMENT ON COLUMN runs.run_id IS 'Sortable unique run id: UTC start time plus a random suffix; every loaded row carries the run_id that wrote it.';
COMMENT ON COLUMN runs.started_at IS 'When the run started (UTC).';
COMMENT ON COLUMN runs.finished_at IS 'When the load transaction ran (UTC).';
COMMENT ON COLUMN runs.inputs IS 'Absolute paths of the input files read.';
COMMENT ON COLUMN runs.options IS 'Run options as JSON: Beam arguments, seed file, input format, lexicon and scoring settings.';
COMMENT ON COLUMN runs.tokenizer_version IS 'Version string of the tokenizer (pipelines.text.tokenizer.TOKENIZER_VERSION).';
COMMENT ON COLUMN runs.lexicon_version IS 'Content version of the lexicon the run induced and scored with (see lexicon.lexicon_version).';
COMMENT ON COLUMN runs.records_read IS 'Input records read, over all input files.';
COMMENT ON COLUMN runs.accepted IS 'Records that became a post (records_read = accepted + rejected + duplicates).';
COMMENT ON COLUMN runs.rejected IS 'Records rejected with a reason (see the rejects table).';
COMMENT ON COLUMN runs.duplicates IS 'Records whose post is kept from another copy (see file_accounting.duplicates): repeats, posts loaded from other files, and records outside the window whose post is loaded.';
COMMENT ON COLUMN runs.partitions IS 'The platform/YYYY-MM partitions the run wrote to (it replaced only the rows of its own input files there).';

COMMENT ON TABLE posts IS 'Canonical accepted posts, one per (platform, post_id): the copy loaded first stays, a later file''s copy counts as a duplicate of it; partitioned by (platform, month). No raw author handles.';
COMMENT ON COLUMN posts.platform IS 'twitter, reddit, youtube, or the platform given for generic files.';
COMMENT ON COLUMN posts.post_id IS 'The platform''s id of the post (unique within the platform).';
COMMENT ON COLUMN posts.month IS 'Partition month YYYY-MM of created_at (UTC).';
COMMENT ON COLUMN posts.created_at IS 'Creation time, UTC.';
COMMENT ON COLUMN posts.author_key IS 'Keyed, slow hash of (platform, author handle): scrypt of HMAC-SHA256 with the author key, which is kept outside the database (see author_key_scheme, docs/privacy.md); never the handle itself.';
COMMENT ON COLUMN posts.text IS 'Post text as published.';
COMMENT ON COLUMN posts.lang IS 'Language code when the source gives one.';
COMMENT ON COLUMN posts.parent_id IS 'Id of the post replied to or commented on, when any.';
COMMENT ON COLUMN posts.source_file IS 'Input file the post was read from.';
COMMENT ON COLUMN posts.record_no IS 'Position of the record in its input file (1-based).';
COMMENT ON COLUMN posts.run_id IS 'Run that loaded the row.';

COMMENT ON TABLE post_scores IS 'Per post: sentiment, emotion distribution, topics and the terms that drove the score; partitioned by (platform, month).';
COMMENT ON COLUMN post_scores.platform IS 'Platform of the post (joins posts on platform, post_id).';
COMMENT ON COLUMN post_scores.post_id IS 'Id of the post (joins posts on platform, post_id).';
COMMENT ON COLUMN post_scores.month IS 'Partition month YYYY-MM (UTC).';
COMMENT ON COLUMN post_scores.sentiment_score IS 'P(positive) - P(negative) by the lexicon''s calibrated model over its lexicon evidence (VADER-style rules: negation, boosters, but), in [-1, 1]; the compound score when the lexicon has only a neutral band.';
COMMENT ON COLUMN post_scores.sentiment_label IS 'positive / negative beyond the neutral band (run option neutral_band), neutral inside it.';
COMMENT ON COLUMN post_scores.anger IS 'Share of the post''s emotion evidence for anger (the eight emotion columns sum to 1 when any evidence, else are 0).';
COMMENT ON COLUMN post_scores.anticipation IS 'Share of the post''s emotion evidence for anticipation.';
COMMENT ON COLUMN post_scores.disgust IS 'Share of the post''s emotion evidence for disgust.';
COMMENT ON COLUMN post_scores.fear IS 'Share of the post''s emotion evidence for fear.';
COMMENT ON COLUMN post_scores.joy IS 'Share of the post''s emotion evidence for joy.';
COMMENT ON COLUMN post_scores.sadness IS 'Share of the post''s emotion evidence for sadness.';
COMMENT ON COLUMN post_scores.surprise IS 'Share of the post''s emotion evidence for surprise.';
COMMENT ON COLUMN post_scores.trust IS 'Share of the post''s emotion evidence for trust.';
COMMENT ON COLUMN post_scores.dominant_emotion IS 'The emotion with the largest share; NULL when the post has no emotion evidence.';
COMMENT ON COLUMN post_scores.emotion_labels IS 'Every emotion the post expresses: a supervised lexicon''s classes whose calibrated probability passes their threshold (strongest first), else the dominant emotion alone; empty without emotion evidence.';
COMMENT ON COLUMN post_scores.topics IS 'Topics whose keywords (lexicons/seeds.toml [topics]) occur in the post.';
COMMENT ON COLUMN post_scores.explanation IS 'The terms that drove the sentiment score most, as term:value, strongest first.';
COMMENT ON COLUMN post_scores.n_terms IS 'Content terms in the post.';
COMMENT ON COLUMN post_scores.n_lexicon_hits IS 'Content terms found in the lexicon.';
COMMENT ON COLUMN post_scores.lexicon_version IS 'Lexicon the post was scored with (lexicon.lexicon_version).';
COMMENT ON COLUMN post_scores.tokenizer_version IS 'Tokenizer version the post was tokenized with.';
COMMENT ON COLUMN post_scores.run_id IS 'Run that loaded the row.';

COMMENT ON TABLE totals IS 'Additive count: posts per (month, platform, source_file), the n of every PMI. Sum over any window.';
COMMENT ON COLUMN totals.month IS 'Partition month YYYY-MM (UTC).';
COMMENT ON COLUMN totals.platform IS 'Partition platform.';
COMMENT ON COLUMN totals.posts IS 'Accepted posts of the partition.';
COMMENT ON COLUMN totals.run_id IS 'Run that loaded the row.';
COMMENT ON COLUMN totals.source_file IS 'Input file the counted posts came from (NULL: counted before per-file counts, together with other files of the month).';

COMMENT ON TABLE term_counts IS 'Additive count: document frequency of each counting term per (month, platform, source_file), c(x) of PMI.';
COMMENT ON COLUMN term_counts.month IS 'Partition month YYYY-MM (UTC).';
COMMENT ON COLUMN term_counts.platform IS 'Partition platform.';
COMMENT ON COLUMN term_counts.term IS 'Normalized counting term (stop words dropped, negated terms end in _NEG).';
COMMENT ON COLUMN term_counts.df IS 'Posts of the partition that contain the term.';
COMMENT ON COLUMN term_counts.run_id IS 'Run that loaded the row.';
COMMENT ON COLUMN term_counts.source_file IS 'Input file the counted posts came from (NULL: counted before per-file counts, together with other files of the month).';

COMMENT ON TABLE anchor_counts IS 'Additive count: posts holding each anchor per (month, platform, source_file), c(y) of PMI. Anchors are seed words (good), seed classes (sentiment:positive, emotion:fear) and topics (topic:plastic).';
COMMENT ON COLUMN anchor_counts.month IS 'Partition month YYYY-MM (UTC).';
COMMENT ON COLUMN anchor_counts.platform IS 'Partition platform.';
COMMENT ON COLUMN anchor_counts.anchor IS 'Seed word, or class sentiment:<polarity> / emotion:<emotion> / topic:<topic> (a post holds a class when it holds any of its words).';
COMMENT ON COLUMN anchor_counts.df IS 'Posts of the partition that hold the anchor.';
COMMENT ON COLUMN anchor_counts.run_id IS 'Run that loaded the row.';
COMMENT ON COLUMN anchor_counts.source_file IS 'Input file the counted posts came from (NULL: counted before per-file counts, together with other files of the month).';

COMMENT ON TABLE anchor_pair_counts IS 'Additive count: posts holding both a term and an anchor per (month, platform, source_file), c(x,y) of PMI. Only term x anchor pairs, never all term pairs.';
COMMENT ON COLUMN anchor_pair_counts.month IS 'Partition month YYYY-MM (UTC).';
COMMENT ON COLUMN anchor_pair_counts.platform IS 'Partition platform.';
COMMENT ON COLUMN anchor_pair_counts.term IS 'Counting term (as in term_counts).';
COMMENT ON COLUMN anchor_pair_counts.anchor IS 'Anchor (as in anchor_counts).';
COMMENT ON COLUMN anchor_pair_counts.df IS 'Posts of the partition holding both the term and the anchor (> 0; absent pairs have 0).';
COMMENT ON COLUMN anchor_pair_counts.run_id IS 'Run that loaded the row.';
COMMENT ON COLUMN anchor_pair_counts.source_file IS 'Input file the counted posts came from (NULL: counted before per-file counts, together with other files of the month).';

COMMENT ON TABLE lexicon IS 'Every lexicon a run scored with, one row per (lexicon_version, layer, term): exactly the entries pipelines.scoring.score.score_post used. Older versions stay after a rebuild, also when no post carries them any more: the view lexicon_in_force names the one posts are scored with now.';
COMMENT ON COLUMN lexicon.lexicon_version IS 'lex-<content hash of entries, metadata and calibration> (post_scores.lexicon_version).';
COMMENT ON COLUMN lexicon.layer IS 'general (priors moved or extended by the corpus), supervised (class-vs-rest PMI from labelled posts) or characters (weights of a model over character n-grams, supervised lexicons only).';
COMMENT ON COLUMN lexicon.term IS 'Counting term (a word, hashtag, emoji, emoticon, negated form x_NEG, or a bigram in supervised lexicons); characters: a character n-gram inside a space-padded word.';
COMMENT ON COLUMN lexicon.sentiment IS 'general: valence in [-1, 1] (VADER prior / 4, moved by SO-nPMI with the prior words and by distant labels, shrunk by support); supervised: PMI(t, positive) - PMI(t, negative) class-vs-rest scores; characters (sentiment models): weight(positive) - weight(negative).';
COMMENT ON COLUMN lexicon.neutral IS 'supervised sentiment lexicons: PMI(t, neutral) - PMI(t, not neutral); characters (sentiment models): weight(neutral) - (weight(positive) + weight(negative)) / 2; 0 otherwise.';
COMMENT ON COLUMN lexicon.anger IS 'general: weight for anger (EmoLex membership 1, moved or extended by the corpus); supervised emotion lexicons: class-vs-rest PMI difference; characters (emotion models): the n-gram''s weight in the anger model.';
COMMENT ON COLUMN lexicon.anticipation IS 'As anger, for anticipation.';
COMMENT ON COLUMN lexicon.disgust IS 'As anger, for disgust.';
COMMENT ON COLUMN lexicon.fear IS 'As anger, for fear.';
COMMENT ON COLUMN lexicon.joy IS 'As anger, for joy.';
COMMENT ON COLUMN lexicon.sadness IS 'As anger, for sadness.';
COMMENT ON COLUMN lexicon.surprise IS 'As anger, for surprise.';
COMMENT ON COLUMN lexicon.trust IS 'As anger, for trust.';
COMMENT ON COLUMN lexicon.df IS 'Posts of the lexicon''s corpus containing the term (0 for a prior the corpus never showed); characters: training posts containing the n-gram (its idf is ln((1 + posts) / (1 + df)) + 1).';
COMMENT ON COLUMN lexicon.support IS 'Posts of evidence behind the corpus part of the value (term with a prior word, a distant label or a gold label); 0 = prior only.';
COMMENT ON COLUMN lexicon.source IS 'Where the value came from: prior, prior+corpus, corpus, supervised or characters.';
COMMENT ON COLUMN lexicon.run_id IS 'Run that loaded the row.';
COMMENT ON TABLE lexicons IS 'One row per lexicon version a run scored with (the one in force: view lexicon_in_force): its metadata (kind, sources, options, seeds, training-data hash) and calibration (how lexicon evidence becomes a label).';
COMMENT ON COLUMN lexicons.lexicon_version IS 'As lexicon.lexicon_version.';
COMMENT ON COLUMN lexicons.metadata IS 'JSON: kind (default / supervised), sources, options, seed fingerprint, tokenizer, scales, training data hash.';
COMMENT ON COLUMN lexicons.calibration IS 'JSON: the linear model(s) over pipelines.scoring.combiner features, or a neutral band.';
COMMENT ON COLUMN lexicons.run_id IS 'Run that first loaded this lexicon.';

COMMENT ON TABLE rejects IS 'Input records that did not become a post, each with a reason; replaced per source_file on re-load.';
COMMENT ON COLUMN rejects.run_id IS 'Run that loaded the row.';
COMMENT ON COLUMN rejects.source_file IS 'Input file of the record.';
COMMENT ON COLUMN rejects.record_no IS 'Position of the record in its file (1-based).';
COMMENT ON COLUMN rejects.reason IS 'Why the record was rejected.';
COMMENT ON COLUMN rejects.excerpt IS 'The start of the raw record, for diagnosis.';

COMMENT ON TABLE file_accounting IS 'Per input file, the accounting of the last run that read it (replaced per source_file on re-load): records read = accepted + rejected + duplicates. After a file was loaded window by window, accepted counts the last window''s posts only; count a file''s posts in posts.';
COMMENT ON COLUMN file_accounting.run_id IS 'Run that loaded the row.';
COMMENT ON COLUMN file_accounting.source_file IS 'Input file.';
COMMENT ON COLUMN file_accounting.records_read IS 'Records read from the file.';
COMMENT ON COLUMN file_accounting.accepted IS 'Records that became a post in this run (inside its window).';
COMMENT ON COLUMN file_accounting.rejected IS 'Records rejected (see rejects), also those outside the run''s window (outside date range, platform not selected) whose post the database does not hold.';
COMMENT ON COLUMN file_accounting.duplicates IS 'Records whose post is kept from another copy: a repeat of a post the run accepted, a post already loaded from another file, or (a windowed run) a record outside the window whose post the database holds, loaded by a run over another window or from another file.';

COMMENT ON TABLE input_files IS 'Input files already loaded, for incremental runs: a file whose size and mtime are unchanged, whose last window contains the requested one and whose run (run_id) read it with the same reading options is skipped.';
COMMENT ON COLUMN input_files.source_file IS 'Absolute path of the input file.';
COMMENT ON COLUMN input_files.size_bytes IS 'File size when it was loaded.';
COMMENT ON COLUMN input_files.mtime_ns IS 'File modification time (ns since the epoch) when it was loaded.';
COMMENT ON COLUMN input_files.from_month IS 'First month (YYYY-MM) of the window the file was loaded with; NULL = open.';
COMMENT ON COLUMN input_files.to_month IS 'Last month (YYYY-MM) of that window; NULL = open.';
COMMENT ON COLUMN input_files.platforms IS 'Platforms of that window; empty = all.';
COMMENT ON COLUMN input_files.run_id IS 'Run that last loaded the file.';
COMMENT ON COLUMN input_files.loaded_at IS 'When that load committed (UTC).';

CREATE TABLE IF NOT EXISTS author_key_scheme (
    fingerprint VARCHAR NOT NULL,
    scheme      VARCHAR NOT NULL,
    run_id      VARCHAR NOT NULL,
    loaded_at   TIMESTAMP NOT NULL
);
COMMENT ON TABLE author_key_scheme IS 'The one author-key secret (by fingerprint) every posts.author_key of this database was made with; loads made with another or an empty secret are refused. At most one row.';
COMMENT ON COLUMN author_key_scheme.fingerprint IS 'scrypt fingerprint of the secret and scheme (pipelines.reading.authors.fingerprint); names the secret without revealing it.';
COMMENT ON COLUMN author_key_scheme.scheme IS 'How author keys are computed, e.g. hmac-sha256+scrypt(n=256,r=8,p=1).';
COMMENT ON COLUMN author_key_scheme.run_id IS 'Run that first stored the fingerprint.';
COMMENT ON COLUMN author_key_scheme.loaded_at IS 'When that run loaded (UTC).';
