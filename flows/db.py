"""The DuckDB side: create the schema, load one run's Parquet tables, read-only queries."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any, Sequence

import duckdb

import sql
from flows.views import create_views

_PARAM_RE = re.compile(r"\$([a-z_]+)")


class ReadOnlyQueryError(RuntimeError):
    """A query that tried to write, attach or touch files through the read-only connection."""


@dataclass(frozen=True)
class RunRecord:
    """What the runs table remembers of a run besides its accounting."""

    run_id: str
    run_dir: str
    started_at: datetime
    inputs: list[str]
    options: dict[str, Any]
    tokenizer_version: str


def execute_file(con: duckdb.DuckDBPyConnection, name: str, params: dict[str, Any]) -> None:
    """Run every statement of `sql/<name>`, binding only the parameters each one uses."""
    for statement in sql.statements(name):
        used = {p: params[p] for p in _PARAM_RE.findall(statement)}
        con.execute(statement, used or None)


def ensure_schema(con: duckdb.DuckDBPyConnection) -> None:
    """Create missing tables and (re)create the views; safe to call on every connect."""
    con.execute(sql.read("schema.sql"))
    create_views(con)


def load_run(db_path: str | Path, run: RunRecord, input_files: Sequence[dict[str, Any]] = ()) -> None:
    """Load a finished run's Parquet tables in one transaction, replacing the partitions it covered.

    `input_files` (parameters of `sql/input_files_record.sql`) are remembered in the same
    transaction, so an incremental run never skips a file whose load was rolled back.
    """
    con = duckdb.connect(str(db_path))
    try:
        ensure_schema(con)
        con.execute("BEGIN TRANSACTION")
        try:
            execute_file(con, "load.sql", {
                "run_dir": run.run_dir, "run_id": run.run_id, "started_at": run.started_at,
                "inputs": run.inputs, "options": json.dumps(run.options, sort_keys=True),
                "tokenizer_version": run.tokenizer_version,
            })
            for params in input_files:
                execute_file(con, "input_files_record.sql", {**params, "run_id": run.run_id})
            con.execute("COMMIT")
        except Exception:
            con.execute("ROLLBACK")
            raise
    finally:
        con.close()


def connect_read_only(db_path: str | Path) -> duckdb.DuckDBPyConnection:
    """A connection that can read the database and nothing else: no writes, no files, no ATTACH."""
    if not Path(db_path).exists():
        raise FileNotFoundError(f"no database at {db_path}")
    return duckdb.connect(str(db_path), read_only=True,
                          config={"enable_external_access": False, "lock_configuration": True})


def query(db_path: str | Path, statement: str, params: dict[str, Any] | None = None) -> tuple[list[str], list[tuple]]:
    """Run one query read-only; returns (column names, rows)."""
    con = connect_read_only(db_path)
    try:
        try:
            cursor = con.execute(statement, params)
        except (duckdb.InvalidInputException, duckdb.PermissionException) as exc:
            raise ReadOnlyQueryError(f"refused: {exc}") from exc
        columns = [d[0] for d in cursor.description] if cursor.description else []
        return columns, cursor.fetchall() if columns else []
    finally:
        con.close()
