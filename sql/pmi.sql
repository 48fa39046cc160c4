-- PMI of any window, from the additive count tables. Created with the views
-- (flows.store.views.create_views), so read-only connections (`mipulse query`) can call them.
--
-- Same formulas and smoothing as pipelines/induction/pmi.py (Smoothing(k, alpha)):
--   p(x,y) = (c_xy + k) / (n + k)    p(x) = (c_x + k) / (n + k)
--   p(y)   = ((c_y + k) / (n + k)) ^ alpha      (y is the anchor, the context)
--   PMI  = log2 p(x,y) / (p(x) p(y))                        (Church & Hanks 1990)
--   nPMI = PMI / -log2 p(x,y), clamped to [-1, 1]           (Bouma 2009)
--   PPMI = max(PMI, 0)                                      (Levy, Goldberg & Dagan 2015)
-- A pair that never co-occurs (c_xy + k = 0) has PMI -inf and nPMI -1; p(x,y) = 1 gives nPMI 1.

-- Counts that cannot come from one corpus, or bad smoothing options, raise an error
-- (as pipelines.induction.pmi raises CountError / ValueError) instead of returning a number.
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

COMMENT ON MACRO pmi_value IS 'PMI = log2 p(x,y)/(p(x)p(y)) from counts c_xy, c_x, c_y, n with add-k and context-alpha smoothing (as pipelines.induction.pmi.pmi); -inf when never together.';
COMMENT ON MACRO npmi_value IS 'nPMI = PMI / -log2 p(x,y), in [-1, 1] (as pipelines.induction.pmi.npmi); -1 when never together.';
COMMENT ON MACRO ppmi_value IS 'PPMI = max(PMI, 0) (as pipelines.induction.pmi.ppmi).';


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


COMMENT ON MACRO TABLE pmi_window IS 'PMI, nPMI, PPMI of every co-occurring (term, anchor) pair over months from_month..to_month on platforms (NULL = all), from the additive counts; smoothing k, alpha as the pipeline.';
