-- An order-independent fingerprint of one table's content without run-specific columns
-- ($excluded: run ids, timestamps, options): equal fingerprints = equal multisets of rows.
SELECT count(*) AS n_rows,
       coalesce(sum(hash(t)::HUGEINT), 0) AS checksum
FROM (SELECT COLUMNS(lambda c: NOT list_contains($excluded, c)) FROM query_table($table)) AS t;
