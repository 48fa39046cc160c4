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

from pipelines.counting import ANCHORS, PAIRS, TERMS, TOTALS

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
        n_posts = (counts[TOTALS] | "PostsPerPartition" >> beam.Values()
                   | "AllPosts" >> beam.CombineGlobally(sum))
        class_df = (counts[ANCHORS] | "ClassKey" >> beam.Map(lambda kv: (kv[0][2], kv[1]))
                    | "ClassDf" >> beam.CombinePerKey(sum))
        term_df = (counts[TERMS] | "TermKey" >> beam.Map(lambda kv: (kv[0][2], kv[1]))
                   | "TermDf" >> beam.CombinePerKey(sum))
        # (term, class anchor) -> df, then term -> (anchor, df)
        pair_df = (counts[PAIRS] | "PairKey" >> beam.Map(lambda kv: ((kv[0][2], kv[0][3]), kv[1]))
                   | "PairDf" >> beam.CombinePerKey(sum)
                   | "ByTerm" >> beam.Map(lambda kv: (kv[0][0], (kv[0][1], kv[1]))))
        return ({"df": term_df, "pairs": pair_df}
                | "JoinTermAndPairs" >> beam.CoGroupByKey()
                | "Score" >> beam.FlatMap(_entry, n=beam.pvalue.AsSingleton(n_posts),
                                          class_df=beam.pvalue.AsDict(class_df),
                                          classes=self._classes, options=self._options))


def _entry(joined, n, class_df, classes, options):
    term, grouped = joined
    if not grouped["df"]:
        return
    df_t = grouped["df"][0]
    scores = supervised_scores(df_t, dict(grouped["pairs"]), class_df, n, classes, options)
    if scores is not None:
        yield {"term": term, "df": df_t, "scores": scores}
