"""The DuckDB store: schema, loads, read-only queries, checksums, author-key fingerprints, lexicons in force, run folders kept."""
