"""Lexicons kept in the database: the one in force, and any version written back to a file.

A run that loads part of a database's history scores with the lexicon already in force, so
that its years stay comparable with the rest; `lexicon_in_force` finds it and `export_lexicon`
writes it as a lexicon file the Beam job reads like any other.
"""

from __future__ import annotations

import json
from pathlib import Path

import duckdb

import sql
from flows.store.db import connect_read_only, query
from pipelines.induction.lexicon import Lexicon, lexicon_from_rows
from pipelines.errors import BadInput


class LexiconNotFound(BadInput, ValueError):
    """No lexicon of that version (or none at all) in the database."""


def lexicon_in_force(db_path: str) -> str | None:
    """The version of the lexicon the latest run scored with, or None (no database, no run)."""
    if not Path(db_path).exists():
        return None
    try:
        _, rows = query(db_path, sql.read("lexicon_in_force.sql"))
    except duckdb.CatalogException:  # a database from before lexicons were stored
        return None
    return rows[0][0] if rows else None


def version_in_force(con: duckdb.DuckDBPyConnection) -> str | None:
    """`lexicon_in_force` on an open connection (None: no run)."""
    found = con.execute(sql.read("lexicon_in_force.sql")).fetchall()
    return found[0][0] if found else None


def stored_lexicon(db_path: str, version: str) -> Lexicon:
    """The lexicon of one version, rebuilt from the lexicon and lexicons tables."""
    with connect_read_only(db_path) as con:
        lexicon = lexicon_from_tables(con, version)
    if lexicon is None:
        raise LexiconNotFound(f"{db_path}: no lexicon {version!r}")
    if lexicon.version != version:
        raise LexiconNotFound(f"{db_path}: lexicon {version!r} reads back as {lexicon.version!r} (edited in place?)")
    return lexicon


def lexicon_from_tables(con: duckdb.DuckDBPyConnection, version: str) -> Lexicon | None:
    """The lexicon of one version on an open connection, or None when the tables lack it."""
    cursor = con.execute(sql.read("lexicon_entries.sql"), {"version": version})
    columns, rows = [d[0] for d in cursor.description], cursor.fetchall()
    headers = con.execute(sql.read("lexicon_header.sql"), {"version": version}).fetchall()
    if not rows or not headers:
        return None
    return lexicon_from_rows([dict(zip(columns, r)) for r in rows], json.loads(headers[0][0]), json.loads(headers[0][1]))


def export_lexicon(db_path: str, version: str, path: str) -> str:
    """Write a stored lexicon to a file; returns the version."""
    return stored_lexicon(db_path, version).write(path)


def versions_by_partition(db_path: str) -> list[dict]:
    columns, rows = query(db_path, sql.read("lexicon_versions_by_partition.sql"))
    return [dict(zip(columns, r)) for r in rows]
