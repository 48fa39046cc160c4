-- How many of the given post ids ($ids, a list) are posts of this database: the report says how
-- many labelled posts come from the corpus itself (flows/reporting/adjusted.py).
SELECT count(DISTINCT post_id) AS found
FROM post_scores
WHERE post_id IN (SELECT unnest($ids));
