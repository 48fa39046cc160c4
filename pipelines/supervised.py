"""Supervised PMI lexicons from labelled posts (NRC Hashtag / Sentiment140 style).

Each class c is counted as an anchor ``label:c`` held by every post labelled c, so the
same presence counts as seed mode give df(t, c). A term's score for class c is

    PMI(t, c) - PMI(t, not c) = log2 p(t | c) / p(t | not c)

(the term's marginal cancels), with add-k smoothing of the two presence probabilities:
p(t | c) = (df(t, c) + k) / (N_c + 2k). One 'class vs rest' score per class: for sentiment
positive / neutral / negative; for emotions each emotion is its own binary lexicon
(multi-label posts count for each of their labels).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Mapping, Sequence

import apache_beam as beam

from pipelines.induce import GlobalCounts, pairs_by_term

LABEL_PREFIX = "label:"


def label_anchor(label: str) -> str:
    return f"{LABEL_PREFIX}{label}"


@dataclass(frozen=True)
class SupervisedOptions:
    """``k``: add-k smoothing of presence counts; ``min_df``: posts a term needs overall;
    ``min_class_df``: posts a term needs in some class (drops terms seen only in noise)."""

    k: float = 5.0
    min_df: int = 3
    min_class_df: int = 2

    def __post_init__(self) -> None:
        if not (self.k > 0 and math.isfinite(self.k)):
            raise ValueError(f"add-k smoothing k must be a finite number > 0, got {self.k}")
        if self.min_df < 1 or self.min_class_df < 0:
            raise ValueError(f"min_df must be >= 1 and min_class_df >= 0, got {self.min_df}, {self.min_class_df}")


def class_pmi_difference(df_tc: int, df_t: int, n_c: int, n: int, k: float) -> float:
    """PMI(t, c) - PMI(t, not c) = log2 [(df_tc + k)/(n_c + 2k)] / [(df_t - df_tc + k)/(n - n_c + 2k)]."""
    if not 0 <= df_tc <= df_t <= n or not 0 <= n_c <= n or df_tc > n_c or df_t - df_tc > n - n_c:
        raise ValueError(f"inconsistent counts df_tc={df_tc} df_t={df_t} n_c={n_c} n={n}")
    p_in = (df_tc + k) / (n_c + 2 * k)
    p_out = (df_t - df_tc + k) / (n - n_c + 2 * k)
    return math.log2(p_in / p_out)


def supervised_scores(df_t: int, pair_df: Mapping[str, int], class_df: Mapping[str, int], n: int,
                      classes: Sequence[str], options: SupervisedOptions) -> dict[str, float] | None:
    """One score per class for a term, or None below the minimum counts."""
    if df_t < options.min_df:
        return None
    in_class = {c: pair_df.get(label_anchor(c), 0) for c in classes}
    if max(in_class.values(), default=0) < options.min_class_df:
        return None
    return {c: class_pmi_difference(in_class[c], df_t, class_df.get(label_anchor(c), 0), n, options.k)
            for c in classes}


class BuildSupervisedLexicon(beam.PTransform):
    """Counts of posts with ``label:*`` anchors -> {term, df, scores{class: float}} dicts."""

    def __init__(self, classes: Sequence[str], options: SupervisedOptions):
        super().__init__()
        self._classes = tuple(classes)
        self._options = options

    def expand(self, counts):
        classes, options = self._classes, self._options
        n_posts, class_df, shards = counts | "GlobalCounts" >> GlobalCounts()
        return shards | "Score" >> beam.FlatMap(
            lambda shard, n, class_df: _shard_rows(*shard[1], n, dict(class_df), classes, options),
            n=beam.pvalue.AsSingleton(n_posts), class_df=beam.pvalue.AsSingleton(class_df))


def _shard_rows(term_df, pair_df, n, class_df, classes, options):
    for term, pairs in sorted(pairs_by_term(pair_df).items()):
        scores = supervised_scores(term_df[term], pairs, class_df, n, classes, options)
        if scores is not None:
            yield {"term": term, "df": term_df[term], "scores": scores}
