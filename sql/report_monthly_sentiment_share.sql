-- Monthly sentiment label shares (Wilson intervals) for the report's monthly table.
-- Bind parameters (NULL = no filter): $from_year, $to_year (inclusive), $platform.
SELECT month, year, platform, sentiment_label, n, total, share, ci_low, ci_high
FROM monthly_sentiment_share
WHERE in_report_window(year, platform, $from_year, $to_year, $platform)
ORDER BY platform, month, sentiment_label;
