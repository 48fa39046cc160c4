-- The terms whose seed-class scores changed most between years $from_a..$to_a and
-- $from_b..$to_b (lexicon_drift): the $top largest |delta| per dimension (sentiment and
-- each emotion). Word anchors and punctuation-only tokens left out, as in report_top_terms.
-- Bind: $from_a, $to_a, $from_b, $to_b, $platform (NULL = all), $min_df, $top.
SELECT dimension, term, df_a, df_b, value_a, value_b, delta
FROM lexicon_drift($from_a, $to_a, $from_b, $to_b,
                   platforms := CASE WHEN $platform IS NULL THEN NULL ELSE [$platform] END,
                   min_df := $min_df)
WHERE term NOT IN (SELECT anchor FROM anchor_counts WHERE anchor NOT LIKE '%:%')
  AND NOT regexp_full_match(term, '[[:punct:]]+')
QUALIFY row_number() OVER (PARTITION BY dimension ORDER BY abs(delta) DESC, term) <= $top
ORDER BY dimension, abs(delta) DESC, term;
