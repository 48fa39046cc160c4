-- Databases from before per-file counts: attribute each (platform, month) of counts without
-- a source_file to the one input file whose posts fill it. Months that held posts of several
-- files keep NULL (sql/load.sql replaces them only together with all those files).
CREATE TEMP TABLE single_file_months AS
SELECT platform, month, min(source_file) AS source_file FROM posts
WHERE (platform, month) IN (SELECT (platform, month) FROM totals WHERE source_file IS NULL)
GROUP BY platform, month HAVING count(DISTINCT source_file) = 1;
UPDATE totals SET source_file = f.source_file FROM single_file_months AS f
WHERE totals.source_file IS NULL AND totals.platform = f.platform AND totals.month = f.month;
UPDATE term_counts SET source_file = f.source_file FROM single_file_months AS f
WHERE term_counts.source_file IS NULL AND term_counts.platform = f.platform AND term_counts.month = f.month;
UPDATE anchor_counts SET source_file = f.source_file FROM single_file_months AS f
WHERE anchor_counts.source_file IS NULL AND anchor_counts.platform = f.platform AND anchor_counts.month = f.month;
UPDATE anchor_pair_counts SET source_file = f.source_file FROM single_file_months AS f
WHERE anchor_pair_counts.source_file IS NULL AND anchor_pair_counts.platform = f.platform
  AND anchor_pair_counts.month = f.month;
DROP TABLE single_file_months;
