-- The years that have posts, of one platform or of all ($platform NULL): `mipulse report --from/--to`
-- must include one of them.
SELECT DISTINCT CAST(left(month, 4) AS INTEGER) AS year
FROM posts
WHERE $platform IS NULL OR platform = $platform
ORDER BY year;
