-- The years with posts in the report window. Bind: $from_year, $to_year, $platform (NULL = all).
SELECT DISTINCT CAST(left(month, 4) AS INTEGER) AS year
FROM totals
WHERE ($from_year IS NULL OR CAST(left(month, 4) AS INTEGER) >= $from_year)
  AND ($to_year IS NULL OR CAST(left(month, 4) AS INTEGER) <= $to_year)
  AND ($platform IS NULL OR platform = $platform)
ORDER BY year;
