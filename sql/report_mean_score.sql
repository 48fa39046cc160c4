-- Yearly mean sentiment score per platform, with the spread of the posts' scores (for its
-- interval). Bind parameters (NULL = no filter): $from_year, $to_year (inclusive), $platform.
SELECT CAST(left(month, 4) AS INTEGER) AS year, platform, count(sentiment_score) AS n,
       avg(sentiment_score) AS mean_score, stddev_samp(sentiment_score) AS sd_score
FROM post_scores
WHERE in_report_window(CAST(left(month, 4) AS INTEGER), platform, $from_year, $to_year, $platform)
GROUP BY ALL
HAVING count(sentiment_score) > 0
ORDER BY platform, year;
