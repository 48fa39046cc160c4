-- Yearly share of posts carrying each topic, platforms pooled (posts per topic over all posts
-- of the year): shares, not counts, since sampled exports often cap the posts per day. The
-- busiest topics (over the whole selected window) first.
-- Bind parameters (NULL = no filter): $from_year, $to_year (inclusive), $platform.
WITH selected AS (
    SELECT year, topic, sum(posts) AS posts
    FROM yearly_topic_volume
    WHERE in_report_window(year, platform, $from_year, $to_year, $platform)
    GROUP BY year, topic
),
totals AS (
    SELECT CAST(left(month, 4) AS INTEGER) AS year, count(*) AS total
    FROM post_scores
    WHERE ($platform IS NULL OR platform = $platform)
    GROUP BY year
)
SELECT s.year, s.topic, s.posts, t.total, s.posts / t.total AS share
FROM selected AS s JOIN totals AS t USING (year)
ORDER BY sum(s.posts) OVER (PARTITION BY s.topic) DESC, s.topic, s.year;
