-- Yearly sentiment label shares for the report chart, one line per platform × label.
-- Bind parameters (NULL = no filter): $from_year, $to_year (inclusive), $platform.
SELECT year, platform, sentiment_label, n, total, share, ci_low, ci_high
FROM yearly_sentiment_share
WHERE in_report_window(year, platform, $from_year, $to_year, $platform)
ORDER BY platform, sentiment_label, year;
