-- Per year × platform: whether every post was scored by lexicon $version. A confusion matrix
-- counted with that lexicon may adjust only those years' label shares (flows/reporting/adjusted.py).
SELECT CAST(left(month, 4) AS INTEGER) AS year, platform, bool_and(lexicon_version = $version) AS scored_by_it
FROM post_scores
GROUP BY ALL;
