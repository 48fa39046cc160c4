-- The author-key fingerprint stored in the database, and whether it already holds posts.
SELECT (SELECT fingerprint FROM author_key_scheme LIMIT 1) AS fingerprint,
       (SELECT count(*) FROM posts) AS posts;
