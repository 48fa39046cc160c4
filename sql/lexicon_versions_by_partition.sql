-- Which lexicon version scored the posts of each (platform, month): more than one version in
-- a database means partitions were scored with different lexicons (see `mipulse run --rebuild-lexicon`).
SELECT lexicon_version, count(DISTINCT platform || '/' || month) AS partitions, count(*) AS posts,
       min(month) AS first_month, max(month) AS last_month,
       list(DISTINCT platform ORDER BY platform) AS platforms
FROM post_scores
GROUP BY lexicon_version
ORDER BY first_month, lexicon_version;
