"""The per-file, per-reason reject summary printed after a run."""

from __future__ import annotations

import duckdb

import sql
from flows.store.db import ensure_schema, query


def test_rejects_by_reason_counts_per_file_for_one_run(tmp_path):
    db = tmp_path / "r.duckdb"
    with duckdb.connect(str(db)) as con:
        ensure_schema(con)
        con.executemany("INSERT INTO rejects VALUES (?, ?, ?, ?, ?)", [
            ("r1", "a.jsonl", 1, "invalid JSON", ""), ("r1", "a.jsonl", 2, "[deleted]", ""),
            ("r1", "a.jsonl", 3, "[deleted]", ""), ("r1", "b.csv", 1, "missing created_at", ""),
            ("r2", "a.jsonl", 1, "invalid JSON", ""),
        ])
    columns, rows = query(db, sql.read("run_rejects_by_reason.sql"), {"run_id": "r1"})
    assert columns == ["source_file", "reason", "records"]
    assert rows == [("a.jsonl", "[deleted]", 2), ("a.jsonl", "invalid JSON", 1), ("b.csv", "missing created_at", 1)]
