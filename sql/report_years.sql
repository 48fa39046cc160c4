-- The years with posts in the report window, with how many of their months have posts (a
-- year with fewer than 12 is partial: charts mark it) and how many posts they have.
-- Bind: $from_year, $to_year, $platform (NULL = all).
SELECT CAST(left(month, 4) AS INTEGER) AS year, count(DISTINCT month) AS months,
       min(month) AS first_month, max(month) AS last_month, sum(posts) AS posts
FROM totals
WHERE in_report_window(CAST(left(month, 4) AS INTEGER), platform, $from_year, $to_year, $platform)
GROUP BY ALL
ORDER BY year;
