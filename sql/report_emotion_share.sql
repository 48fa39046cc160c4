-- Yearly emotion shares for the report chart, one line per platform × emotion.
-- Bind parameters (NULL = no filter): $from_year, $to_year (inclusive), $platform.
SELECT year, platform, emotion, n, total, share, ci_low, ci_high, mean_intensity
FROM yearly_emotion_share
WHERE in_report_window(year, platform, $from_year, $to_year, $platform)
ORDER BY platform, emotion, year;
