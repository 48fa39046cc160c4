"""Order-independent fingerprints of the database tables, to compare two runs' results.

Run ids, timestamps and run options differ between two runs of the same job; everything
else (posts, scores, counts, lexicon, rejects, accounting) must be identical.
"""

from __future__ import annotations

from pathlib import Path

import sql
from flows.db import query

RUN_SPECIFIC = ["run_id", "started_at", "finished_at", "loaded_at", "options"]


def table_fingerprints(db_path: str | Path) -> dict[str, tuple[int, int]]:
    """table -> (rows, checksum) for every base table, without run-specific columns."""
    _, tables = query(db_path, sql.read("base_tables.sql"))
    out = {}
    for (table,) in tables:
        _, rows = query(db_path, sql.read("table_fingerprint.sql"), {"table": table, "excluded": RUN_SPECIFIC})
        out[table] = (int(rows[0][0]), int(rows[0][1]))
    return out
