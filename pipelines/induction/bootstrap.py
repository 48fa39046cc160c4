"""Lexicon-aware intervals: the lexicon's own uncertainty, by a Poisson bootstrap over posts
that re-induces the lexicon, added to the sampling (Wilson) part.

A Wilson interval counts posts and treats the lexicon as known, but the lexicon is itself an
estimate from the posts' counts: another sample of the same scrape gives other term values,
other labels, other shares. One bootstrap replicate

1. draws a weight w_i ~ Poisson(1) for every post (the Poisson bootstrap: in the limit the
   same as resampling the n posts with replacement, and it keeps every count additive);
2. re-sums the presence counts with those weights (a count is a sum over posts, so its
   replicate is the weighted sum: one sparse matrix product per table);
3. re-induces the lexicon from the replicate counts with the caller's engine;
4. re-scores a fixed set of posts with it (all posts, or a random subsample of each group
   to bound the cost) and sums, per group, the posts of each label and their scores.

The spread of a group's share over the replicates, the posts held fixed, is the part of its
error that comes from the lexicon; the Wilson interval is the part that comes from which
posts were drawn. `combined_interval` adds the two half-widths in quadrature (independent
errors), so with a lexicon that does not move it is the Wilson interval itself. Scoring a
subsample instead of every post adds the subsample's own flip noise to the lexicon part: it
makes the interval wider, never narrower. Groups are summed before a share is taken, each
weighted by its posts over its scored posts, so a year's interval uses the same replicates
as its months'. Pure functions (numpy / scipy only): `flows.reporting.intervals` feeds them DuckDB posts.
"""

from __future__ import annotations

import math
from array import array
from collections import defaultdict
from dataclasses import dataclass
from typing import Callable, Collection, Hashable, Iterable, Iterator, Mapping, Sequence

import numpy as np
from scipy import sparse

Z95 = 1.959964  # two-sided 95 % normal quantile
DEFAULT_REPLICATES = 10
DEFAULT_SEED = 20140101

Counts = tuple[dict[str, float], dict[str, float], dict[tuple[str, str], float], float]
#: one post under one lexicon -> ((dimension, label or None), ...) and its score (or None)
Outcome = tuple[tuple[tuple[str, str | None], ...], float | None]


@dataclass(frozen=True)
class CountMatrix:
    """The presence of terms, anchors and pair cells in a set of posts as 0/1 sparse matrices
    (posts x cells). A pair with an anchor paired with every term is a product of the two:
    df(t, a) = sum_i x_it x_ia; a (term, half anchor) pair is a cell of its own, present in
    the posts that count it (`pipelines.induction.anchors.PostAnchors`)."""

    terms: tuple[str, ...]
    anchors: tuple[str, ...]
    x_terms: sparse.csr_matrix
    x_anchors: sparse.csr_matrix
    paired: tuple[str, ...]
    x_paired: sparse.csr_matrix
    half_pairs: tuple[tuple[str, str], ...]
    x_half_pairs: sparse.csr_matrix

    @property
    def n_posts(self) -> int:
        return self.x_terms.shape[0]


class CountRows:
    """The cells `count_matrix` counts, of posts added one at a time (a row each): `matrix` is then
    the CountMatrix of any of the rows, in any order (a row may come more than once: posts with the
    same text are added once)."""

    def __init__(self) -> None:
        # per table: {key: column}, and the (row, column) of each cell present, as two int32 arrays
        self._tables = {table: ({}, array("i"), array("i")) for table in ("terms", "anchors", "paired", "half_pairs")}
        self.rows = 0

    def add(self, post: Mapping) -> int:
        """Add a post with ``terms`` and ``anchors`` (as `pipelines.text.prepare` makes them); its row."""
        row = self.rows
        cells = {"terms": post["terms"], "anchors": post["anchors"],
                 "paired": post.get("paired_anchors", post["anchors"]), "half_pairs": post.get("half_pairs", ())}
        for table, keys in cells.items():
            index, rows, columns = self._tables[table]
            present = set(keys)
            rows.extend([row] * len(present))
            columns.extend([index.setdefault(key, len(index)) for key in present])
        self.rows += 1
        return row

    def matrix(self, rows: Sequence[int], terms: Collection[str] | None = None) -> CountMatrix:
        """The CountMatrix of these rows, in this order; with `terms`, of those terms and their pairs only."""
        chosen = np.asarray(rows, dtype=np.int64)

        def table(name: str, kept: Callable[[Hashable], bool] | None = None) -> tuple[tuple, sparse.csr_matrix]:
            index, cell_rows, columns = self._tables[name]
            keys = tuple(index)
            # cells are added row by row: row r's are cell_rows' run of r, from starts[r] on
            starts = np.searchsorted(np.frombuffer(cell_rows, dtype=np.int32), np.arange(self.rows + 1))
            lengths = starts[chosen + 1] - starts[chosen]
            indptr = np.zeros(len(chosen) + 1, dtype=np.int64)
            np.cumsum(lengths, out=indptr[1:])
            taken = np.repeat(starts[chosen] - indptr[:-1], lengths) + np.arange(indptr[-1])
            x = sparse.csr_matrix((np.ones(len(taken)), np.frombuffer(columns, dtype=np.int32)[taken], indptr),
                                  shape=(len(chosen), len(keys)))
            if kept is None:
                return keys, x
            columns_kept = [i for i, key in enumerate(keys) if kept(key)]
            return tuple(keys[i] for i in columns_kept), x[:, columns_kept]

        in_terms = None if terms is None else terms.__contains__
        term_keys, x_terms = table("terms", in_terms)
        anchor_keys, x_anchors = table("anchors")
        paired_keys, x_paired = table("paired")
        half_keys, x_half = table("half_pairs", None if terms is None else (lambda pair: pair[0] in terms))
        return CountMatrix(term_keys, anchor_keys, x_terms, x_anchors, paired_keys, x_paired, half_keys, x_half)


def count_matrix(posts: Sequence[Mapping], terms: Collection[str] | None = None) -> CountMatrix:
    """Posts with ``terms`` and ``anchors`` (as `pipelines.text.prepare` makes them) -> CountMatrix;
    the pairs are those `pipelines.induction.counting.count_posts` counts (every term with every anchor
    for a post without ``paired_anchors`` and ``half_pairs``). With `terms`, only those terms and
    their pairs are counted (every anchor still is): a caller that needs a few terms' counts."""
    counted = CountRows()
    for post in posts:
        counted.add(post)
    return counted.matrix(range(counted.rows), terms)


def poisson_weights(n_posts: int, replicates: int, seed: int) -> np.ndarray:
    """(replicates x n_posts) Poisson(1) weights, reproducible from the seed."""
    if replicates < 2:
        raise ValueError(f"a bootstrap needs at least 2 replicates, got {replicates}")
    return np.random.default_rng(seed).poisson(1.0, size=(replicates, n_posts)).astype(float)


def replicate_counts(matrix: CountMatrix, weights: np.ndarray) -> Counts:
    """(term_df, anchor_df, pair_df, n) of one replicate: the weighted presence counts."""
    pairs = (matrix.x_terms.T.multiply(weights) @ matrix.x_paired).tocoo()
    present = pairs.data != 0
    terms, paired = matrix.terms, matrix.paired
    pair_df = {(terms[t], paired[a]): v for t, a, v in
               zip(pairs.row[present].tolist(), pairs.col[present].tolist(), pairs.data[present].tolist())}
    pair_df.update(_nonzero(matrix.half_pairs, matrix.x_half_pairs.T @ weights))
    return (_nonzero(terms, matrix.x_terms.T @ weights), _nonzero(matrix.anchors, matrix.x_anchors.T @ weights),
            pair_df, float(weights.sum()))


def _nonzero(keys: Sequence, values: np.ndarray) -> dict:
    """{key: value} of the non-zero values (as Python numbers)."""
    found = np.flatnonzero(values)
    return dict(zip([keys[i] for i in found.tolist()], values[found].tolist()))


Sums = dict[Hashable, dict]  # group -> {"scored": posts, "score_sum": sum of scores, (dimension, label): posts}


def replicate_lexicons(matrix: CountMatrix, induce: Callable[[Counts], object], replicates: int = DEFAULT_REPLICATES,
                       seed: int = DEFAULT_SEED) -> Iterator[object]:
    """The lexicons induced from `replicates` Poisson-weighted copies of the counts of a CountMatrix's posts
    (its rows, in order; `count_matrix`, or `CountRows.matrix`)."""
    for weights in poisson_weights(matrix.n_posts, replicates, seed):
        yield induce(replicate_counts(matrix, weights))


def subsample(groups: Sequence[Hashable], per_group: int | None, seed: int = DEFAULT_SEED) -> list[int]:
    """Indices of at most `per_group` posts of each group, drawn at random (all when None)."""
    if per_group is None:
        return list(range(len(groups)))
    order = np.random.default_rng(seed).permutation(len(groups))
    taken: dict[Hashable, int] = defaultdict(int)
    chosen = []
    for i in order:
        if taken[groups[i]] < per_group:
            taken[groups[i]] += 1
            chosen.append(int(i))
    return sorted(chosen)


def label_sums(posts: Iterable[Mapping], groups: Iterable[Hashable], lexicon: object,
               outcome: Callable[[Mapping, object], Outcome]) -> Sums:
    """Per group: posts scored, their summed score, and the posts of each (dimension, label)."""
    sums: Sums = defaultdict(lambda: defaultdict(float))
    for post, group in zip(posts, groups):
        labels, score = outcome(post, lexicon)
        mine = sums[group]
        mine["scored"] += 1
        mine["score_sum"] += score or 0.0
        for dimension, label in labels:
            mine[(dimension, label)] += 1
    return sums


def replicate_values(replicates: Sequence[Sums], posts_per_group: Mapping[Hashable, int],
                     key_of: Callable[[Hashable], Hashable]) -> dict[tuple, list[float]]:
    """Per aggregated key (``key_of(group)``, e.g. a month's year), each replicate's shares and
    mean score, its groups summed with weight posts / scored. A share's denominator is the
    posts with a label of that dimension (a post without a dominant emotion is in no emotion
    share); a label absent from a replicate has share 0 there.
    Keys: (key, dimension, label) and (key, "mean_score")."""
    merged = []
    for sums in replicates:
        by_key: dict[Hashable, dict] = defaultdict(lambda: defaultdict(float))
        for group, values in sums.items():
            weight = posts_per_group[group] / values["scored"]
            by_key[key_of(group)]["posts"] += posts_per_group[group]
            for name, value in values.items():
                if name != "scored":
                    by_key[key_of(group)][name] += weight * value
        merged.append(by_key)
    labels = sorted({(key, name) for by_key in merged for key, values in by_key.items()
                     for name in values if isinstance(name, tuple) and name[1] is not None}, key=repr)
    out: dict[tuple, list[float]] = defaultdict(list)
    for by_key in merged:
        for key, (dimension, label) in labels:
            values = by_key.get(key, {})
            labelled = sum(v for name, v in values.items()
                           if isinstance(name, tuple) and name[0] == dimension and name[1] is not None)
            out[(key, dimension, label)].append(values.get((dimension, label), 0.0) / labelled
                                                if labelled else math.nan)
        for key in sorted({key for key, _ in labels}, key=repr):
            values = by_key.get(key, {})
            out[(key, "mean_score")].append(values["score_sum"] / values["posts"] if values.get("posts") else math.nan)
    return dict(out)


def lexicon_sd(replicate_values_: Iterable[float]) -> float:
    """The sample standard deviation of the replicates' values (NaN with fewer than two)."""
    values = [v for v in replicate_values_ if v is not None and not math.isnan(v)]
    return float(np.std(values, ddof=1)) if len(values) >= 2 else math.nan


def combined_interval(estimate: float, sampling: tuple[float, float], sd: float, z: float = Z95,
                      bounds: tuple[float, float] = (0.0, 1.0)) -> tuple[float, float]:
    """The sampling interval (e.g. Wilson) widened by the lexicon's z·sd, each side in quadrature."""
    if math.isnan(sd):
        return math.nan, math.nan
    low, high = sampling
    spread = z * sd
    return (max(bounds[0], estimate - math.hypot(estimate - low, spread)),
            min(bounds[1], estimate + math.hypot(high - estimate, spread)))


def wilson(k: float, n: float, z: float = Z95) -> tuple[float, float]:
    """Wilson score interval of k successes in n (as sql/views.sql's wilson_low / wilson_high)."""
    if n <= 0:
        return math.nan, math.nan
    p = k / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z / (1 + z * z / n) * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
    return (0.0 if k == 0 else centre - half), (1.0 if k == n else centre + half)


def mean_interval(mean: float, sd_posts: float, n: int, sd: float, z: float = Z95) -> tuple[float, float]:
    """A mean score's normal interval (sd of the posts' scores over sqrt n) widened like a share's."""
    half = z * sd_posts / math.sqrt(n) if n else math.nan
    return combined_interval(mean, (mean - half, mean + half), sd, z, bounds=(-1.0, 1.0))


def poisson_counts(counts: Counts, rng: np.random.Generator) -> Counts:
    """A parametric replicate of a window's counts when only the counts are at hand: each cell
    drawn from Poisson(its count), as the Poisson bootstrap over posts gives every count a
    variance equal to itself (cells drawn independently, a pair clipped to its marginals)."""
    return next(poisson_replicates(counts, rng, 1))


def poisson_replicates(counts: Counts, rng: np.random.Generator, replicates: int,
                       terms: Collection[str] | None = None) -> Iterator[Counts]:
    """`replicates` successive `poisson_counts` of the same counts (the cells sorted once), each
    with the counts of `terms` only when given: every cell is still drawn, so a term's replicate
    counts, the anchors and n are those `poisson_counts` draws with the same generator."""
    term_df, anchor_df, pair_df, n = counts
    term_keys, anchor_keys, pair_keys = (sorted(table) for table in (term_df, anchor_df, pair_df))
    # sorted: the same draw for the same cell, whatever order the counts came in
    term_counts, anchor_counts, pair_counts = (np.array([table[k] for k in keys], dtype=float) for table, keys in
                                               ((term_df, term_keys), (anchor_df, anchor_keys), (pair_df, pair_keys)))
    term_at, anchor_at = ({k: i for i, k in enumerate(keys)} for keys in (term_keys, anchor_keys))
    kept = [i for i, (t, _) in enumerate(pair_keys) if terms is None or t in terms]
    kept_keys = [pair_keys[i] for i in kept]
    # each kept pair's term and anchor among the drawn marginals (-1: not counted, i.e. 0)
    pair_term, pair_anchor = (np.array([at.get(key[part], -1) for key in kept_keys], dtype=np.int64)
                              for part, at in ((0, term_at), (1, anchor_at)))
    kept_terms = [i for i, t in enumerate(term_keys) if terms is None or t in terms]
    for _ in range(replicates):
        term_draws, anchor_draws, pair_draws = (rng.poisson(c) for c in (term_counts, anchor_counts, pair_counts))
        n_drawn = int(rng.poisson(n))
        marginals = [np.append(draws, 0)[at] for draws, at in ((term_draws, pair_term), (anchor_draws, pair_anchor))]
        clipped = np.minimum(pair_draws[kept], np.minimum(*marginals))
        # n is drawn on its own: at least as many posts as the term or anchor drawn most often (an
        # anchor in nearly every post, e.g. of long posts, is often drawn above n)
        yield (_nonzero([term_keys[i] for i in kept_terms], term_draws[kept_terms]),
               _nonzero(anchor_keys, anchor_draws), _nonzero(kept_keys, clipped),
               max(n_drawn, int(term_draws.max(initial=0)), int(anchor_draws.max(initial=0)), 1))
