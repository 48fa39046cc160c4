-- Yearly posts per topic, summed over platforms, for the report chart; the busiest
-- topics (over the whole selected window) first.
-- Bind parameters (NULL = no filter): $from_year, $to_year (inclusive), $platform.
WITH selected AS (
    SELECT year, topic, sum(posts) AS posts
    FROM yearly_topic_volume
    WHERE ($from_year IS NULL OR year >= $from_year)
      AND ($to_year IS NULL OR year <= $to_year)
      AND ($platform IS NULL OR platform = $platform)
    GROUP BY year, topic
)
SELECT year, topic, posts
FROM selected
ORDER BY sum(posts) OVER (PARTITION BY topic) DESC, topic, year;
