"""The lexicon of any window of months and platforms, from the DuckDB counts.

The counts are summed in SQL (`sql/window_counts.sql`); the lexicon is built from them by
the engine itself (`pipelines.induction.induce.build_lexicon_from_counts`), so a window's lexicon
(top terms, drift) has exactly the definition the scores were made with.
"""

from __future__ import annotations

from collections import Counter

import duckdb

import sql
from pipelines.induction.bootstrap import Counts
from pipelines.config import SeedConfig
from pipelines.induction.induce import LexiconSpec, build_lexicon_from_counts
from pipelines.induction.lexicon import Lexicon


def window_counts(con: duckdb.DuckDBPyConnection, from_month: str | None = None, to_month: str | None = None,
                  platform: str | None = None) -> Counts | None:
    """(term_df, anchor_df, pair_df, n) of the window, or None when it holds no posts."""
    params = {"from_month": from_month, "to_month": to_month, "platform": platform}
    totals, terms, anchors, pairs = (con.execute(statement, params).fetchall()
                                     for statement in sql.statements("window_counts.sql"))
    n = totals[0][0] if totals and totals[0][0] else 0
    if not n:
        return None
    return Counter(dict(terms)), dict(anchors), Counter({(t, a): df for t, a, df in pairs}), int(n)


def lexicon_of_counts(counts: Counts, seeds: SeedConfig, spec: LexiconSpec = LexiconSpec(),
                      metadata: dict | None = None) -> Lexicon:
    term_df, anchor_df, pair_df, n = counts
    return build_lexicon_from_counts(term_df, anchor_df, pair_df, n, seeds, spec, metadata or {"kind": "window"})


def window_lexicon(con: duckdb.DuckDBPyConnection, seeds: SeedConfig, from_month: str | None = None,
                   to_month: str | None = None, platform: str | None = None,
                   spec: LexiconSpec = LexiconSpec()) -> Lexicon | None:
    """The default lexicon of the window, or None when the window holds no posts."""
    counts = window_counts(con, from_month, to_month, platform)
    if counts is None:
        return None
    params = {"from_month": from_month, "to_month": to_month, "platform": platform}
    return lexicon_of_counts(counts, seeds, spec, {"kind": "window", "window": params})
