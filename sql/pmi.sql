-- PMI of any window, from the additive count tables. Created with the views
-- (flows.views.create_views), so read-only connections (`mipulse query`) can call them.
--
-- Same formulas and smoothing as pipelines/pmi.py (Smoothing(k, alpha)):
--   p(x,y) = (c_xy + k) / (n + k)    p(x) = (c_x + k) / (n + k)
--   p(y)   = ((c_y + k) / (n + k)) ^ alpha      (y is the anchor, the context)
--   PMI  = log2 p(x,y) / (p(x) p(y))                        (Church & Hanks 1990)
--   nPMI = PMI / -log2 p(x,y), clamped to [-1, 1]           (Bouma 2009)
--   PPMI = max(PMI, 0)                                      (Levy, Goldberg & Dagan 2015)
-- A pair that never co-occurs (c_xy + k = 0) has PMI -inf and nPMI -1; p(x,y) = 1 gives nPMI 1.

-- Counts that cannot come from one corpus, or bad smoothing options, raise an error
-- (as pipelines.pmi raises CountError / ValueError) instead of returning a number.
CREATE OR REPLACE MACRO pmi_checked_p_xy(c_xy, c_x, c_y, n, k, alpha) AS
    CASE
        WHEN k < 0 OR NOT isfinite(k) THEN error('add-k smoothing k must be a finite number >= 0')
        WHEN NOT (alpha > 0 AND alpha <= 1) THEN error('context smoothing alpha must be in (0, 1]')
        WHEN n <= 0 OR least(c_xy, c_x, c_y) < 0 OR c_xy > least(c_x, c_y) OR greatest(c_x, c_y) > n
            THEN error(format('inconsistent counts c_xy={} c_x={} c_y={} n={}', c_xy, c_x, c_y, n))
        ELSE (c_xy + k)::DOUBLE / (n + k)
    END;

CREATE OR REPLACE MACRO pmi_value(c_xy, c_x, c_y, n, k := 0.0, alpha := 1.0) AS
    CASE WHEN pmi_checked_p_xy(c_xy, c_x, c_y, n, k, alpha) = 0 THEN '-inf'::DOUBLE
    ELSE log2(((c_xy + k)::DOUBLE / (n + k))
              / (((c_x + k)::DOUBLE / (n + k)) * pow((c_y + k)::DOUBLE / (n + k), alpha)))
    END;

CREATE OR REPLACE MACRO npmi_value(c_xy, c_x, c_y, n, k := 0.0, alpha := 1.0) AS
    CASE
        WHEN pmi_checked_p_xy(c_xy, c_x, c_y, n, k, alpha) = 0 THEN -1.0
        WHEN (c_xy + k)::DOUBLE / (n + k) >= 1 THEN 1.0
        ELSE greatest(-1.0, least(1.0,
            pmi_value(c_xy, c_x, c_y, n, k := k, alpha := alpha) / -log2((c_xy + k)::DOUBLE / (n + k))))
    END;

CREATE OR REPLACE MACRO ppmi_value(c_xy, c_x, c_y, n, k := 0.0, alpha := 1.0) AS
    greatest(pmi_value(c_xy, c_x, c_y, n, k := k, alpha := alpha), 0.0);

-- Is a (month, platform) partition inside a window? NULL bounds / platforms = no filter.
CREATE OR REPLACE MACRO in_window(month, platform, from_month, to_month, platforms) AS
    (from_month IS NULL OR month >= from_month)
    AND (to_month IS NULL OR month <= to_month)
    AND (platforms IS NULL OR list_contains(platforms, platform));

COMMENT ON MACRO pmi_value IS 'PMI = log2 p(x,y)/(p(x)p(y)) from counts c_xy, c_x, c_y, n with add-k and context-alpha smoothing (as pipelines.pmi.pmi); -inf when never together.';
COMMENT ON MACRO npmi_value IS 'nPMI = PMI / -log2 p(x,y), in [-1, 1] (as pipelines.pmi.npmi); -1 when never together.';
COMMENT ON MACRO ppmi_value IS 'PPMI = max(PMI, 0) (as pipelines.pmi.ppmi).';


-- PMI, nPMI and PPMI of every (term, anchor) pair that co-occurs in the window: months
-- from_month..to_month ('YYYY-MM', inclusive) on the given platforms, summed from the
-- additive counts. Pairs absent from the window are not listed (c_xy = 0: PMI -inf, nPMI -1
-- unsmoothed; compute them with pmi_value on 0 if needed).
CREATE OR REPLACE MACRO pmi_window(from_month := NULL, to_month := NULL, platforms := NULL,
                                   k := 0.0, alpha := 1.0) AS TABLE
WITH n AS (
    SELECT sum(posts) AS n FROM totals
    WHERE in_window(month, platform, from_month, to_month, platforms)
),
terms AS (
    SELECT term, sum(df) AS c_x FROM term_counts
    WHERE in_window(month, platform, from_month, to_month, platforms) GROUP BY term
),
anchors AS (
    SELECT anchor, sum(df) AS c_y FROM anchor_counts
    WHERE in_window(month, platform, from_month, to_month, platforms) GROUP BY anchor
),
pairs AS (
    SELECT term, anchor, sum(df) AS c_xy FROM anchor_pair_counts
    WHERE in_window(month, platform, from_month, to_month, platforms) GROUP BY term, anchor
)
SELECT
    p.term,
    p.anchor,
    p.c_xy,
    t.c_x,
    a.c_y,
    n.n,
    pmi_value(p.c_xy, t.c_x, a.c_y, n.n, k := k, alpha := alpha) AS pmi,
    npmi_value(p.c_xy, t.c_x, a.c_y, n.n, k := k, alpha := alpha) AS npmi,
    ppmi_value(p.c_xy, t.c_x, a.c_y, n.n, k := k, alpha := alpha) AS ppmi
FROM pairs AS p
JOIN terms AS t USING (term)
JOIN anchors AS a USING (anchor)
CROSS JOIN n;


-- A seed-class lexicon of any window (pipelines.lexicon.lexicon_entry with aggregation 'set'):
-- assoc(class) = nPMI(term, class anchor); sentiment = assoc(sentiment:positive) -
-- assoc(sentiment:negative) (0 when a class is absent from the window); emotion e =
-- assoc(emotion:e) - mean assoc(the other emotions present) (0 when e is absent or alone).
-- Terms with df >= min_df in the window; every class present gets a value, also with c_xy = 0.
CREATE OR REPLACE MACRO lexicon_window(from_month := NULL, to_month := NULL, platforms := NULL,
                                       k := 0.0, alpha := 1.0, min_df := 3) AS TABLE
WITH n AS (
    SELECT sum(posts) AS n FROM totals
    WHERE in_window(month, platform, from_month, to_month, platforms)
),
terms AS (
    SELECT term, sum(df) AS c_x FROM term_counts
    WHERE in_window(month, platform, from_month, to_month, platforms)
    GROUP BY term HAVING sum(df) >= min_df
),
classes AS (
    SELECT anchor, sum(df) AS c_y FROM anchor_counts
    WHERE in_window(month, platform, from_month, to_month, platforms)
      AND (anchor LIKE 'sentiment:%' OR anchor LIKE 'emotion:%')
    GROUP BY anchor HAVING sum(df) > 0
),
pairs AS (
    SELECT term, anchor, sum(df) AS c_xy FROM anchor_pair_counts
    WHERE in_window(month, platform, from_month, to_month, platforms)
      AND (anchor LIKE 'sentiment:%' OR anchor LIKE 'emotion:%')
    GROUP BY term, anchor
),
assoc AS (
    SELECT t.term, t.c_x, c.anchor,
           npmi_value(coalesce(p.c_xy, 0), t.c_x, c.c_y, n.n, k := k, alpha := alpha) AS npmi
    FROM terms AS t
    CROSS JOIN classes AS c
    CROSS JOIN n
    LEFT JOIN pairs AS p USING (term, anchor)
),
emotion_sums AS (
    SELECT term, sum(npmi) AS total, count(*) AS present
    FROM assoc WHERE anchor LIKE 'emotion:%' GROUP BY term
),
scored AS (
    SELECT a.term, a.c_x, a.anchor,
           CASE WHEN a.anchor LIKE 'emotion:%' THEN
               CASE WHEN s.present > 1 THEN a.npmi - (s.total - a.npmi) / (s.present - 1) ELSE 0.0 END
           ELSE a.npmi END AS value
    FROM assoc AS a LEFT JOIN emotion_sums AS s USING (term)
),
wide AS (
    SELECT
        term,
        any_value(c_x) AS df,
        max(value) FILTER (WHERE anchor = 'sentiment:positive') AS pos,
        max(value) FILTER (WHERE anchor = 'sentiment:negative') AS neg,
        coalesce(max(value) FILTER (WHERE anchor = 'emotion:anger'), 0.0) AS anger,
        coalesce(max(value) FILTER (WHERE anchor = 'emotion:anticipation'), 0.0) AS anticipation,
        coalesce(max(value) FILTER (WHERE anchor = 'emotion:disgust'), 0.0) AS disgust,
        coalesce(max(value) FILTER (WHERE anchor = 'emotion:fear'), 0.0) AS fear,
        coalesce(max(value) FILTER (WHERE anchor = 'emotion:joy'), 0.0) AS joy,
        coalesce(max(value) FILTER (WHERE anchor = 'emotion:sadness'), 0.0) AS sadness,
        coalesce(max(value) FILTER (WHERE anchor = 'emotion:surprise'), 0.0) AS surprise,
        coalesce(max(value) FILTER (WHERE anchor = 'emotion:trust'), 0.0) AS trust
    FROM scored
    GROUP BY term
)
SELECT
    t.term,
    t.c_x AS df,
    CASE WHEN w.pos IS NOT NULL AND w.neg IS NOT NULL THEN w.pos - w.neg ELSE 0.0 END AS sentiment,
    coalesce(w.anger, 0.0) AS anger, coalesce(w.anticipation, 0.0) AS anticipation,
    coalesce(w.disgust, 0.0) AS disgust, coalesce(w.fear, 0.0) AS fear,
    coalesce(w.joy, 0.0) AS joy, coalesce(w.sadness, 0.0) AS sadness,
    coalesce(w.surprise, 0.0) AS surprise, coalesce(w.trust, 0.0) AS trust
FROM terms AS t
LEFT JOIN wide AS w USING (term);


-- Lexicon drift between two periods of whole years (from_a..to_a vs from_b..to_b,
-- inclusive): per term present (df >= min_df) in both, and per dimension (sentiment and the
-- eight emotions), the seed-class score of each period (lexicon_window) and delta = b - a.
-- Order by abs(delta) DESC for the terms that changed most.
CREATE OR REPLACE MACRO lexicon_drift(from_a, to_a, from_b, to_b, platforms := NULL,
                                      k := 0.0, alpha := 1.0, min_df := 3) AS TABLE
WITH a AS (
    SELECT * FROM lexicon_window(from_month := format('{:04d}-01', from_a::INTEGER),
                                 to_month := format('{:04d}-12', to_a::INTEGER),
                                 platforms := platforms, k := k, alpha := alpha, min_df := min_df)
),
b AS (
    SELECT * FROM lexicon_window(from_month := format('{:04d}-01', from_b::INTEGER),
                                 to_month := format('{:04d}-12', to_b::INTEGER),
                                 platforms := platforms, k := k, alpha := alpha, min_df := min_df)
),
dims AS (
    SELECT unnest(['sentiment', 'anger', 'anticipation', 'disgust', 'fear',
                   'joy', 'sadness', 'surprise', 'trust']) AS dimension,
           unnest(range(9)) AS i
),
long_a AS (
    SELECT term, df, [sentiment, anger, anticipation, disgust, fear, joy, sadness, surprise, trust] AS v FROM a
),
long_b AS (
    SELECT term, df, [sentiment, anger, anticipation, disgust, fear, joy, sadness, surprise, trust] AS v FROM b
)
SELECT
    la.term,
    d.dimension,
    la.df AS df_a,
    lb.df AS df_b,
    la.v[d.i + 1] AS value_a,
    lb.v[d.i + 1] AS value_b,
    lb.v[d.i + 1] - la.v[d.i + 1] AS delta
FROM long_a AS la
JOIN long_b AS lb USING (term)
CROSS JOIN dims AS d;

COMMENT ON MACRO TABLE pmi_window IS 'PMI, nPMI, PPMI of every co-occurring (term, anchor) pair over months from_month..to_month on platforms (NULL = all), from the additive counts; smoothing k, alpha as the pipeline.';
COMMENT ON MACRO TABLE lexicon_window IS 'Seed-class (aggregation set) lexicon of any window: per term df, SO-nPMI sentiment and the eight emotion scores, as pipelines.lexicon.lexicon_entry.';
COMMENT ON MACRO TABLE lexicon_drift IS 'Per term and dimension (sentiment, eight emotions): seed-class score in years from_a..to_a and from_b..to_b, delta = b - a; order by abs(delta) for the biggest changes.';
