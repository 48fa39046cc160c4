"""The lexicon of any window of months and platforms, from the DuckDB counts.

The counts are summed in SQL (`sql/window_counts.sql`); the lexicon is built from them by
the engine itself (`pipelines.induce.build_lexicon_from_counts`), so a window's lexicon
(top terms, drift) has exactly the definition the scores were made with.
"""

from __future__ import annotations

from collections import Counter

import duckdb

import sql
from pipelines.config import SeedConfig
from pipelines.induce import LexiconSpec, build_lexicon_from_counts
from pipelines.lexicon import Lexicon


def window_lexicon(con: duckdb.DuckDBPyConnection, seeds: SeedConfig, from_month: str | None = None,
                   to_month: str | None = None, platform: str | None = None,
                   spec: LexiconSpec = LexiconSpec()) -> Lexicon | None:
    """The default lexicon of the window, or None when the window holds no posts."""
    params = {"from_month": from_month, "to_month": to_month, "platform": platform}
    totals, terms, anchors, pairs = (con.execute(statement, params).fetchall()
                                     for statement in sql.statements("window_counts.sql"))
    n = totals[0][0] if totals and totals[0][0] else 0
    if not n:
        return None
    return build_lexicon_from_counts(Counter(dict(terms)), dict(anchors),
                                     Counter({(t, a): df for t, a, df in pairs}), int(n), seeds, spec,
                                     {"kind": "window", "window": params})
