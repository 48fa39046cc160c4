-- Each platform of the report window, and whether its posts were scored by a sentiment model of
-- their own platform (the "platforms" entry of the calibration of the lexicon that scored them;
-- the default lexicon has one for reddit). Bind parameters as report_sentiment_share.sql.
WITH scored AS (
    SELECT DISTINCT platform, lexicon_version FROM post_scores
    WHERE in_report_window(CAST(left(month, 4) AS INTEGER), platform, $from_year, $to_year, $platform)
)
SELECT s.platform,
       bool_or(coalesce(json_exists(l.calibration, '$.platforms.' || s.platform || '.sentiment'), false)) AS own_model
FROM scored AS s
LEFT JOIN lexicons AS l USING (lexicon_version)
GROUP BY s.platform
ORDER BY s.platform;
