-- Which loaded input file holds posts in which (platform, month) partition.
SELECT DISTINCT source_file, platform, month FROM posts ORDER BY ALL;
