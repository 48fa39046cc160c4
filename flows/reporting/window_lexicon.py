"""The lexicon of any window of months and platforms, from the DuckDB counts.

The counts are summed in SQL (`sql/window_counts.sql`); the lexicon is built from them by
the engine itself (`pipelines.induction.induce.build_lexicon_from_counts`) with the options of the
lexicon in force (`window_spec`), so a window's lexicon (top terms, drift) has exactly the definition
the scores were made with; where the lexicon in force is not one the engine induces from counts, the
report draws default lexicons and says so.
"""

from __future__ import annotations

import json
from collections import Counter
from typing import Collection, Sequence

import duckdb

import sql
from pipelines.induction.bootstrap import Counts
from pipelines.config import SeedConfig, load_seeds
from pipelines.induction.induce import (
    GeneralValues, LexiconSpec, build_lexicon_from_counts, general_values_from_counts, induction_spec, term_math,
)
from pipelines.induction.lexicon import Lexicon


def window_spec(con: duckdb.DuckDBPyConnection) -> tuple[LexiconSpec, str]:
    """(the options window lexicons are built with, why they are not the definition of the posts' scores).
    The options of the lexicon in force when this engine induces it from counts (`induction_spec`: a run's
    --min-df, say), with ""; else the default lexicon's, with the reason ("" too with no run)."""
    in_force = con.execute(sql.read("lexicon_in_force.sql")).fetchall()
    if not in_force:
        return LexiconSpec(), ""
    spec, why_not = induction_spec(json.loads(in_force[0][1]), load_seeds())
    return spec or LexiconSpec(), why_not


def window_counts(con: duckdb.DuckDBPyConnection, from_month: str | None = None, to_month: str | None = None,
                  platform: str | None = None) -> Counts | None:
    """(term_df, anchor_df, pair_df, n) of the window, or None when it holds no posts."""
    params = {"from_month": from_month, "to_month": to_month, "platform": platform}
    totals, terms, anchors, pairs = ({name: column.tolist() for name, column in con.execute(statement, params)
                                      .fetchnumpy().items()} for statement in sql.statements("window_counts.sql"))
    n = totals["n"][0] if totals["n"] and totals["n"][0] else 0  # sum() of no partitions is NULL
    if not n:
        return None
    return (Counter(dict(zip(terms["term"], terms["df"]))), dict(zip(anchors["anchor"], anchors["df"])),
            Counter(dict(zip(zip(pairs["term"], pairs["anchor"]), pairs["df"]))), int(n))


def scale_terms(seeds: SeedConfig, spec: LexiconSpec = LexiconSpec()) -> frozenset[str]:
    """The terms whose counts the fit of a lexicon's scales reads (its prior words): a lexicon
    built from the counts of some terms and of these has the same entries for those terms as
    the lexicon of all the counts (every other part of an entry is the term's own counts)."""
    math_ = term_math(seeds, spec)
    return frozenset(math_.valences) | frozenset(math_.emotions)


def counts_of_terms(counts: Counts, terms: Collection[str]) -> Counts:
    """The counts of `terms` and their pairs (every anchor and n kept)."""
    term_df, anchor_df, pair_df, n = counts
    return (Counter({t: df for t, df in term_df.items() if t in terms}), anchor_df,
            Counter({key: df for key, df in pair_df.items() if key[0] in terms}), n)


def frequent_terms_lexicon(counts: Counts, min_df: int, seeds: SeedConfig, spec: LexiconSpec = LexiconSpec(),
                           metadata: dict | None = None) -> Lexicon:
    """The entries of the terms in at least `min_df` posts of the window (and of the prior
    words) as the lexicon of all its counts has them, built from those terms' counts only."""
    frequent = {t for t, df in counts[0].items() if df >= min_df} | scale_terms(seeds, spec)
    return lexicon_of_counts(counts_of_terms(counts, frequent), seeds, spec, metadata)


def general_values_of_terms(counts: Counts, terms: Sequence[str], seeds: SeedConfig,
                           spec: LexiconSpec = LexiconSpec()) -> GeneralValues:
    """The general layer of `terms` (rows in that order) before shrinkage, as the lexicon of all the
    counts has it, built from those terms' counts and the prior words'."""
    term_df, anchor_df, pair_df, n = counts_of_terms(counts, set(terms) | scale_terms(seeds, spec))
    return general_values_from_counts(term_df, anchor_df, pair_df, n, seeds, spec, terms)


def lexicon_of_counts(counts: Counts, seeds: SeedConfig, spec: LexiconSpec = LexiconSpec(),
                      metadata: dict | None = None) -> Lexicon:
    term_df, anchor_df, pair_df, n = counts
    return build_lexicon_from_counts(term_df, anchor_df, pair_df, n, seeds, spec, metadata or {"kind": "window"})


def window_lexicon(con: duckdb.DuckDBPyConnection, seeds: SeedConfig, from_month: str | None = None,
                   to_month: str | None = None, platform: str | None = None,
                   spec: LexiconSpec = LexiconSpec(), min_df: int = 1) -> Lexicon | None:
    """The default lexicon of the window (the entries of its terms in at least `min_df` posts
    and of the prior words), or None when the window holds no posts."""
    counts = window_counts(con, from_month, to_month, platform)
    if counts is None:
        return None
    params = {"from_month": from_month, "to_month": to_month, "platform": platform}
    return frequent_terms_lexicon(counts, min_df, seeds, spec, {"kind": "window", "window": params})
