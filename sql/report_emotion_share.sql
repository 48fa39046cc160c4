-- Yearly emotion shares for the report chart, one line per platform × emotion.
-- Bind parameters (NULL = no filter): $from_year, $to_year (inclusive), $platform.
SELECT year, platform, emotion, n, total, share, ci_low, ci_high, mean_intensity
FROM yearly_emotion_share
WHERE ($from_year IS NULL OR year >= $from_year)
  AND ($to_year IS NULL OR year <= $to_year)
  AND ($platform IS NULL OR platform = $platform)
ORDER BY platform, emotion, year;
