-- Posts a run placed in a month because they had no date (`mipulse run --undated-as`): per month, the
-- posts of such runs still in the database that sit at that month's first instant, where the run put them.
SELECT json_extract_string(r.options, '$.undated_as') AS month, count(*) AS posts
FROM runs AS r
JOIN posts AS p ON p.run_id = r.run_id
    AND p.created_at = CAST(json_extract_string(r.options, '$.undated_as') || '-01' AS TIMESTAMP)
WHERE json_extract_string(r.options, '$.undated_as') IS NOT NULL
GROUP BY ALL
ORDER BY month;
