-- Remember the author-key fingerprint of a database's first load (inside the load transaction).
INSERT INTO author_key_scheme
SELECT $fingerprint, $scheme, $run_id, now()::TIMESTAMP
WHERE NOT EXISTS (SELECT 1 FROM author_key_scheme);
