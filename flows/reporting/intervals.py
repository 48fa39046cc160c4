"""Lexicon-aware intervals of the report's shares and mean scores (`pipelines.induction.bootstrap`).

The replicate lexicons are re-induced from Poisson-weighted counts of the posts the lexicon in
force was induced from (the posts of the partitions the run that built it loaded: every post of
the database after one run over everything; one year of them when a backfill began with that
year) with the engine and the options that lexicon records, and keep its calibration. They measure
how much another sample of those posts would move the lexicon, not how unlike the rest of the
history they are: a lexicon of a few hundred posts is mostly its priors, which resampling does not
move, so its intervals are narrow (the run and the report warn of such a lexicon instead); each re-scores the same random subsample
of at most `PER_GROUP` posts per (month, platform). A lexicon that no run induced (a `--lexicon`
file, even an edited copy of the default lexicon; other seeds; an earlier engine, whose arithmetic the
replicates would not repeat: `induce.induction_spec`) is held fixed: its intervals are then Wilson's, and
`LexiconIntervals.lexicon_resampled` says so.
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass
from typing import Any, Callable, Collection, Mapping

import duckdb

import sql
from flows.reporting.window_lexicon import scale_terms
from flows.store.lexicon_store import induced_from, lexicon_from_tables, version_in_force
from pipelines.induction.bootstrap import (
    DEFAULT_REPLICATES, DEFAULT_SEED, CountMatrix, CountRows, combined_interval, label_sums, lexicon_sd,
    mean_interval, replicate_lexicons, replicate_values, subsample,
)
from pipelines.config import SeedConfig, load_seeds
from pipelines.induction.induce import LexiconSpec, build_lexicon_from_counts, induction_spec
from pipelines.induction.lexicon import SUPERVISED, Lexicon
from pipelines.text.prepare import PostPreparer
from pipelines.scoring.score import PostText, labels_and_scores
from pipelines.text.tokenizer import base_form

SENTIMENT, EMOTION = "sentiment", "emotion"
PER_GROUP = 30  # posts re-scored per (month, platform) and replicate: bounds the cost
#: above this many posts the replicate lexicons are induced from a uniform sample of this size:
#: a smaller corpus gives a less stable lexicon, so the interval errs on the wide side
MAX_POSTS = 100_000

Row = dict[str, Any]


@dataclass(frozen=True)
class LexiconIntervals:
    """Replicate values per (period, value, platform) key, and how they were made."""

    values: Mapping[tuple, list[float]]
    replicates: int
    posts: int
    rescored: int
    lexicon_resampled: bool

    def sd(self, key: tuple) -> float:
        """The replicates' standard deviation; 0 when the lexicon was not resampled or the
        label never came up among the re-scored posts (no replicate moved it there)."""
        if not self.lexicon_resampled or key not in self.values:
            return 0.0
        return lexicon_sd(self.values[key])


def in_force(con: duckdb.DuckDBPyConnection) -> Lexicon | None:
    """The lexicon the latest run scored with, from the lexicon tables (None: no run)."""
    version = version_in_force(con)
    return lexicon_from_tables(con, version) if version else None


def _inducer(lexicon: Lexicon, seeds: SeedConfig, spec: LexiconSpec):
    """Replicate counts -> a lexicon like the one in force."""
    meta = lexicon.metadata
    fixed = {SUPERVISED: lexicon.supervised} if lexicon.supervised else {}

    def induce(counts):
        term_df, anchor_df, pair_df, n = counts
        built = build_lexicon_from_counts(term_df, anchor_df, pair_df, n, seeds, spec, meta)
        return Lexicon({**built.layers, **fixed}, lexicon.metadata, lexicon.calibration)
    return induce


def prepare_each_text_once(prepare: Callable[[dict], dict], texts: list[str]) -> list[dict]:
    """`prepare({"text": text})` of each text, a text that comes again (a retweet, a copied
    comment) prepared once: its copies share that preparation, which depends on the text alone."""
    by_text = {text: prepare({"text": text}) for text in dict.fromkeys(texts)}
    return [by_text[text] for text in texts]


def text_matrix(prepare: Callable[[dict], dict], texts: list[str], terms: Collection[str] | None = None,
                prepared: Mapping[str, Mapping] = {}) -> CountMatrix:
    """The CountMatrix of posts with these texts (`count_matrix`, of `terms` only when given), each
    distinct text prepared once (taken from `prepared` when there) and its cells counted once: its
    copies share that row. The preparations are not kept, only their cells."""
    counted, rows = CountRows(), {}
    for text in texts:
        if text not in rows:
            rows[text] = counted.add(prepared.get(text) or prepare({"text": text}))
    return counted.matrix([rows[text] for text in texts], terms)


def looked_up(posts: list[Mapping]) -> set[str]:
    """Every term whose lexicon entry scoring these posts may read (tokens, their base forms, terms)."""
    return {term for post in posts for token in post["tokens"] for term in (token, base_form(token))}.union(
        *(post["terms"] for post in posts))


def outcomes(texts: list[PostText], lexicon: Lexicon, platforms: list[str]) -> list:
    """Each post's labels (sentiment, dominant emotion) and score, by the one scoring function
    (the posts scored as one batch, each by its platform's calibration)."""
    return [(((SENTIMENT, label), (EMOTION, dominant)), score)
            for label, dominant, score in labels_and_scores(texts, lexicon, platforms)]


def lexicon_intervals(con: duckdb.DuckDBPyConnection, replicates: int = DEFAULT_REPLICATES,
                      seed: int = DEFAULT_SEED) -> LexiconIntervals | None:
    """The replicates of every (year | month, platform); None without a lexicon or posts, or
    with ``replicates`` 0 (Wilson intervals only)."""
    lexicon = in_force(con) if replicates else None
    if lexicon is None:
        return None
    rows = con.execute(sql.read("bootstrap_posts.sql")).fetchall()
    if not rows:
        return None
    induced = induced_from(con, lexicon.version)
    seeds = load_seeds()
    spec = None if induced is None else induction_spec(lexicon.metadata, seeds)[0]
    if spec is None:
        return LexiconIntervals({}, 0, len(rows), 0, False)
    prepare = PostPreparer(seeds, with_bigrams=bool(lexicon.supervised))
    groups = [(month, platform) for month, platform, _ in rows]
    posts_per_group = Counter(groups)
    rescored = subsample(groups, PER_GROUP, seed)
    inducing = [i for i, group in enumerate(groups) if group in induced.partitions]
    counted = sorted({inducing[j] for j in subsample(["all"] * len(inducing), MAX_POSTS, seed)}
                     | {i for i in rescored if groups[i] in induced.partitions})
    kept_texts = [rows[i][2] or "" for i in rescored]
    kept_posts = prepare_each_text_once(prepare, kept_texts)
    kept_groups = [groups[i] for i in rescored]
    # a replicate's entries of the terms the kept posts look up are those of its whole lexicon
    needed = looked_up(kept_posts) | scale_terms(seeds, spec)
    # each counted post's cells, not its preparation, are kept (the kept posts' preparations are reused)
    matrix = text_matrix(prepare, [rows[i][2] or "" for i in counted], needed, dict(zip(kept_texts, kept_posts)))
    replicas = replicate_lexicons(matrix, _inducer(lexicon, seeds, spec), replicates, seed)
    texts = [PostText(post["tokens"]) for post in kept_posts]  # what no replicate changes, once
    platforms = [platform for _, platform in kept_groups]
    # each replicate scores the kept posts as one batch; label_sums reads them by position
    sums = [label_sums(range(len(texts)), kept_groups, outcomes(texts, replica, platforms), lambda i, scored: scored[i])
            for replica in replicas]
    values = {**replicate_values(sums, posts_per_group, lambda g: ("month", g[0], g[1])),
              **replicate_values(sums, posts_per_group, lambda g: ("year", int(g[0][:4]), g[1]))}
    return LexiconIntervals(values, replicates, len(counted), len(rescored), True)


def with_share_intervals(rows: list[Row], intervals: LexiconIntervals | None, dimension: str, label_column: str,
                         period: str = "year") -> list[Row]:
    """Share rows (with share, ci_low, ci_high: Wilson) plus lex_low / lex_high: the interval
    that includes the lexicon's uncertainty (None when there is no bootstrap)."""
    out = []
    for r in rows:
        low = high = None
        if intervals is not None and r["share"] is not None:
            sd = intervals.sd(((period, r[period], r["platform"]), dimension, r[label_column]))
            low, high = combined_interval(r["share"], (r["ci_low"], r["ci_high"]), sd)
        out.append({**r, "lex_low": _finite(low), "lex_high": _finite(high)})
    return out


def with_mean_intervals(rows: list[Row], intervals: LexiconIntervals | None, period: str = "year") -> list[Row]:
    """Mean-score rows (mean_score, sd_score, n) plus ci_low / ci_high (posts only) and
    lex_low / lex_high (posts and lexicon)."""
    out = []
    for r in rows:
        ci = mean_interval(r["mean_score"], r["sd_score"] or 0.0, r["n"], 0.0)
        lex = (mean_interval(r["mean_score"], r["sd_score"] or 0.0, r["n"],
                             intervals.sd(((period, r[period], r["platform"]), "mean_score")))
               if intervals is not None else (None, None))
        out.append({**r, "ci_low": ci[0], "ci_high": ci[1], "lex_low": _finite(lex[0]), "lex_high": _finite(lex[1])})
    return out


def _finite(value: float | None) -> float | None:
    return None if value is None or math.isnan(value) else value
