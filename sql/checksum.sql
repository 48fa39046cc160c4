-- Content checksum of one table, independent of row order and of the columns that name a
-- run or a time (run_id, started_at, finished_at, loaded_at): two loads of the same input give the same
-- digest. digest = sum of the row hashes mod 2^64, in hex (a multiset hash: duplicate rows
-- count, unlike XOR). Stable for one DuckDB version; compare digests made by the same one.
-- A TEMP macro, so it works on read-only connections: flows.store.checksum creates it per connection.
CREATE OR REPLACE TEMP MACRO table_checksum(name, volatile := ['run_id', 'started_at', 'finished_at', 'loaded_at']) AS TABLE
SELECT
    name AS table_name,
    count(*) AS row_count,
    lower(lpad(to_hex((coalesce(sum(hash(t)), 0) % 18446744073709551616)::UBIGINT), 16, '0')) AS digest
FROM (SELECT COLUMNS(lambda c: NOT list_contains(volatile, c)) FROM query_table(name)) AS t;

-- The tables a database checksum covers: every base table but the runs log (one row per run,
-- so it grows by design on a re-run).
CREATE OR REPLACE TEMP MACRO checksum_tables() AS TABLE
SELECT table_name FROM duckdb_tables()
WHERE schema_name = 'main' AND NOT temporary AND table_name <> 'runs'
ORDER BY table_name;
