-- The additive counts of one window, summed over its (month, platform) partitions: what
-- flows.reporting.window_lexicon hands to the lexicon engine (pipelines.induction.induce) to build that window's
-- lexicon with exactly the definition the scores use. One statement per table, each
-- returning (key..., df) as BIGINT (fetched as numpy columns); bind $from_month, $to_month ('YYYY-MM', NULL = open) and $platform (NULL = all).
SELECT sum(posts)::BIGINT AS n FROM totals
WHERE ($from_month IS NULL OR month >= $from_month) AND ($to_month IS NULL OR month <= $to_month)
  AND ($platform IS NULL OR platform = $platform);
SELECT term, sum(df)::BIGINT AS df FROM term_counts
WHERE ($from_month IS NULL OR month >= $from_month) AND ($to_month IS NULL OR month <= $to_month)
  AND ($platform IS NULL OR platform = $platform)
GROUP BY term;
SELECT anchor, sum(df)::BIGINT AS df FROM anchor_counts
WHERE ($from_month IS NULL OR month >= $from_month) AND ($to_month IS NULL OR month <= $to_month)
  AND ($platform IS NULL OR platform = $platform)
GROUP BY anchor;
SELECT term, anchor, sum(df)::BIGINT AS df FROM anchor_pair_counts
WHERE ($from_month IS NULL OR month >= $from_month) AND ($to_month IS NULL OR month <= $to_month)
  AND ($platform IS NULL OR platform = $platform)
GROUP BY term, anchor;
