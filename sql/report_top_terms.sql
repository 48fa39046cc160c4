-- The most positive and most negative terms of one window by seed-class SO-nPMI
-- (lexicon_window), $per_side each. Seed words and topic keywords (word anchors) and
-- punctuation-only tokens are left out: the seeds would top their own lists.
-- Bind: $from_month, $to_month ('YYYY-MM'), $platform (NULL = all), $min_df, $per_side.
WITH lex AS (
    SELECT term, df, sentiment
    FROM lexicon_window(from_month := $from_month, to_month := $to_month,
                        platforms := CASE WHEN $platform IS NULL THEN NULL ELSE [$platform] END,
                        min_df := $min_df)
    WHERE term NOT IN (SELECT anchor FROM anchor_counts WHERE anchor NOT LIKE '%:%')
      AND NOT regexp_full_match(term, '[[:punct:]]+')
),
ranked AS (
    SELECT *,
           row_number() OVER (ORDER BY sentiment DESC, term) AS up,
           row_number() OVER (ORDER BY sentiment ASC, term) AS down
    FROM lex
)
SELECT term, df, sentiment, CASE WHEN up <= $per_side THEN 'positive' ELSE 'negative' END AS side
FROM ranked
WHERE (up <= $per_side AND sentiment > 0) OR (down <= $per_side AND sentiment < 0)
ORDER BY sentiment DESC;
