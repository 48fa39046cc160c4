"""Lexicons kept in the database: the one in force, and any version written back to a file.

A run that loads part of a database's history scores with the lexicon already in force, so
that its years stay comparable with the rest; `lexicon_in_force` finds it and `export_lexicon`
writes it as a lexicon file the Beam job reads like any other.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import duckdb

import sql
from flows.store.db import connect_read_only, query, records
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


@dataclass(frozen=True)
class InducedFrom:
    """The posts a run induced a default lexicon from, and how many posts it scores now."""

    version: str
    posts: int
    partitions: frozenset[tuple[str, str]]  # (month, platform)
    scored: int

    def describe(self) -> str:
        """'3,640 posts of 2014-01..2014-12 (twitter)'."""
        months = sorted(month for month, _ in self.partitions)
        platforms = sorted({platform for _, platform in self.partitions})
        span = f"{months[0]}..{months[-1]}" if months else "no month"
        return f"{self.posts:,} posts of {span} ({', '.join(platforms)})"


#: a lexicon induced from fewer than this share of the posts it scores is named as such
NARROW_SHARE = 0.5


def induced_from(con: duckdb.DuckDBPyConnection, version: str) -> InducedFrom | None:
    """What a run induced the lexicon `version` from (`sql/lexicon_induced_from.sql`); None for a lexicon
    that no run induced: a `--lexicon` file (other posts, or edited), a supervised one, an unknown version."""
    found = con.execute(sql.read("lexicon_induced_from.sql"), {"version": version}).fetchone()
    if found is None:
        return None
    kind, from_a_file, posts, partitions, scored = found
    if kind != "default" or from_a_file:
        return None
    cells = frozenset(tuple(reversed(p.split("/", 1))) for p in partitions or ())
    return InducedFrom(version, posts or 0, cells, scored)


def narrow_lexicon_warning(induced: InducedFrom | None) -> str | None:
    """The line a run and a report carry when the lexicon in force was induced from under half of the
    posts it now scores (a first load of one year, one month or one platform, then backfills)."""
    if induced is None or induced.posts >= NARROW_SHARE * induced.scored:
        return None
    return (f"WARNING: the lexicon in force ({induced.version}) was induced from {induced.describe()} and now "
            f"scores {induced.scored:,} posts; one induced from all of them can label them differently. To induce "
            "it from every post and rescore them, run once over all inputs, without --from-month, --to-month or "
            "--platforms, with --rebuild-lexicon (docs/lexicons.md, 'Comparable history').")


def narrow_lexicon_in_force(con: duckdb.DuckDBPyConnection) -> str | None:
    """`narrow_lexicon_warning` of the lexicon in force (None: no run, or nothing to warn of)."""
    version = version_in_force(con)
    return narrow_lexicon_warning(induced_from(con, version)) if version else None


def export_lexicon(db_path: str, version: str, path: str) -> str:
    """Write a stored lexicon to a file; returns the version."""
    return stored_lexicon(db_path, version).write(path)


def lexicon_warning(versions: list[dict]) -> str:
    """The loud line a report carries when its posts were scored with different lexicons."""
    parts = [f"{v['lexicon_version']} ({v['first_month']}..{v['last_month']}, {', '.join(v['platforms'])}: "
             f"{v['posts']:,} posts)" for v in versions]
    return (f"WARNING: these posts were scored with {len(versions)} different lexicons: {'; '.join(parts)}. "
            "Shares of partitions scored with different lexicons are not comparable; re-run every input with "
            "one lexicon (mipulse run --lexicon FILE) to compare them.")


def lexicon_warnings(con: duckdb.DuckDBPyConnection) -> list[str]:
    """What a run logs and a report's header says of the lexicons: that partitions were scored with
    different ones (`sql/lexicon_versions_by_partition.sql`), that the one in force was induced from
    under half of the posts it scores (`narrow_lexicon_in_force`)."""
    versions = records(con, "lexicon_versions_by_partition.sql")
    return [w for w in (lexicon_warning(versions) if len(versions) > 1 else None, narrow_lexicon_in_force(con)) if w]
