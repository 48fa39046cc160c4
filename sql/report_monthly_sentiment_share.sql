-- Monthly sentiment label shares (Wilson intervals) for the report's monthly table.
-- Bind parameters (NULL = no filter): $from_year, $to_year (inclusive), $platform.
SELECT month, year, platform, sentiment_label, n, total, share, ci_low, ci_high
FROM monthly_sentiment_share
WHERE ($from_year IS NULL OR year >= $from_year)
  AND ($to_year IS NULL OR year <= $to_year)
  AND ($platform IS NULL OR platform = $platform)
ORDER BY platform, month, sentiment_label;
