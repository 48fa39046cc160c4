-- The years with posts in the report window, with how many of their months have posts (a
-- year with fewer than 12 is partial: charts mark it). Bind: $from_year, $to_year, $platform (NULL = all).
SELECT CAST(left(month, 4) AS INTEGER) AS year, count(DISTINCT month) AS months,
       min(month) AS first_month, max(month) AS last_month
FROM totals
WHERE ($from_year IS NULL OR CAST(left(month, 4) AS INTEGER) >= $from_year)
  AND ($to_year IS NULL OR CAST(left(month, 4) AS INTEGER) <= $to_year)
  AND ($platform IS NULL OR platform = $platform)
GROUP BY ALL
ORDER BY year;
