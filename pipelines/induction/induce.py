"""Lexicon building: the per-term math (pure functions over arrays of terms; Beam distributes it with
the composites of `pipelines.induction.transforms`).

General layer (no labels), for a term t with df(t) posts among n, from the additive counts:

* corpus adaptation (SO-nPMI, Turney 2002 with nPMI; SocialSent's idea of seeds from a
  large base lexicon): a = nPMI(t, positive prior words) - nPMI(t, negative prior words),
  with support s = posts holding t and a prior word of either class. A prior word is
  measured against the half of each class it is not in (`pipelines.induction.anchors`).
* distant labels: d = nPMI(t, posts with positive emoji/emoticons) - nPMI(t, negative ones).
* both put on the prior scale by least-squares factors fitted over the prior words
  (no labels involved), then mixed by support: z = (s_a za + s_d zd) / (s_a + s_d).
* shrinkage by support: a corpus-only term gets z s / (s + K) (K = `shrink_new`), a prior
  word moves from its prior b to b + f (z - b) s / (s + M) (M = `shrink_prior`), so a term
  seen with a seed twice stays near 0 and a VADER word moves only on much evidence; f, the
  uncentred r² of the scale fit (its sources' fits mixed by support), bounds how far the corpus
  may move a prior: the scaled association predicts the priors, so it is pulled towards 0 by
  as much as it misses them, and without the bound frequent prior words sank towards 0 as a
  corpus grew (a tweet's label depended on how many other posts the run held).
* emotions alike: nPMI(t, prior words of e) minus the mean over the other emotions, and
  the same from emotion hashtags; positive part, scaled, shrunk; EmoLex words keep weight 1
  for their emotions unless the corpus moves them.

Numbers, `rt`, HTML-entity residue, negated forms, placeholders and the corpus's query terms
(topic keywords, and terms in more than `max_df_share` of the posts) never get corpus values.

Supervised layer: PMI(t, c) - PMI(t, not c) = log2 [(df_tc + k r) / N_c] /
[(df_t - df_tc + k (1 - r)) / (N - N_c)], r = N_c / N, per class (Mohammad et al., Kiritchenko et al. 2014;
negated forms `x_NEG` are their own terms, the negated-context lexicon).
"""

from __future__ import annotations

import math
import zlib
from collections import Counter, defaultdict
from dataclasses import asdict, dataclass
from functools import cached_property, lru_cache
from typing import Callable, Iterable, Iterator, Mapping, Sequence

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from pipelines.induction.anchors import distant_anchor, half_anchor, half_of, label_anchor
from pipelines.config import EMOTIONS, SeedConfig, built_once
from pipelines.induction.counting import PAIRS, TERMS, merge_counters, table_counter
from pipelines.induction.lexicon import GENERAL, SOURCES, SUPERVISED, Lexicon, LexiconEntry, emotion_anchor, sentiment_anchor
from pipelines.induction.pmi import npmi_array, whole_counts
from pipelines.induction.priors import SEED_STRENGTH, emotion_priors, polarity_of, query_terms, sentiment_priors
from pipelines.text.tokenizer import EMOJI_RE, EMOTICON_RE, NEG_SUFFIX, PLACEHOLDERS

TERM_SHARDS = 16
#: the engine a lexicon was built by (its metadata's ``engine``): raised whenever the same counts and
#: options give other values, so that nothing re-induces a stored lexicon with other arithmetic
#: (2: a prior moves at most as far as the scale fit's r², 2026-12-07; none recorded before)
ENGINE = 2
#: Tokens that are markup or retweet residue, never sentiment carriers.
NOT_CARRIERS = frozenset({"rt", "amp", "gt", "lt", "quot", "nbsp", "apos", "via", "http", "https"})
SENTIMENT_CLASSES = ("negative", "neutral", "positive")


@dataclass(frozen=True)
class LexiconSpec:
    """What a lexicon is built from and how. ``sources``: any of priors, corpus, distant
    (general layer), supervised (needs ``classes``: the labels counted as ``label:*``) and
    characters (a character layer fitted on the same labelled posts)."""

    sources: tuple[str, ...] = ("priors", "corpus", "distant")
    classes: tuple[str, ...] = ()
    min_df: int = 5
    max_df_share: float = 0.1
    shrink_new: float = 20.0
    shrink_prior: float = 200.0
    min_value: float = 0.05
    supervised_k: float = 5.0
    supervised_min_df: int = 3
    supervised_min_class_df: int = 2

    def __post_init__(self) -> None:
        unknown = set(self.sources) - set(SOURCES)
        if unknown or not self.sources:
            raise ValueError(f"lexicon sources must be among {', '.join(SOURCES)}; got {self.sources}")
        if self.min_df < 1 or self.supervised_min_df < 1 or self.supervised_k <= 0:
            raise ValueError("min_df values must be >= 1 and supervised_k > 0")
        if not 0 < self.max_df_share <= 1 or self.shrink_new < 0 or self.shrink_prior < 0:
            raise ValueError("max_df_share must be in (0, 1] and shrinkage constants >= 0")

    def as_dict(self) -> dict:
        return {k: list(v) if isinstance(v, tuple) else v for k, v in asdict(self).items()}

    @property
    def general(self) -> bool:
        return bool({"priors", "corpus", "distant"} & set(self.sources))


def induction_spec(metadata: Mapping, seeds: SeedConfig) -> tuple[LexiconSpec | None, str]:
    """(its options, "") for a lexicon this engine induces from counts as it was induced: a default
    lexicon of this engine and these seeds, whose options are recorded. Else (None, why not), said of
    the lexicon that scored the posts: replicates or window lexicons of other arithmetic, seeds or
    options would not have the definition of its values."""
    kind = metadata.get("kind")
    if kind != "default":
        return None, f"it is {'a ' + kind if kind else 'a hand-made'} lexicon, not one induced from the posts' counts"
    if metadata.get("seeds") != seeds.fingerprint:
        return None, "it was induced with other seeds than mipulse's default ones"
    if metadata.get("engine") != ENGINE or "options" not in metadata:
        return None, "an earlier version of mipulse's engine induced it"
    options = {k: tuple(v) if isinstance(v, list) else v for k, v in metadata["options"].items()}
    return LexiconSpec(**options), ""


def term_shard(term: str) -> int:
    return zlib.crc32(term.encode()) % TERM_SHARDS


# ---- general layer: raw corpus evidence of many terms at once ----------------------------

#: the classes a term's association is measured with, per source: the two polarities, then EMOTIONS
CORPUS_ANCHORS = (sentiment_anchor("positive"), sentiment_anchor("negative"), *map(emotion_anchor, EMOTIONS))
DISTANT_ANCHORS = (distant_anchor("positive"), distant_anchor("negative"), *map(distant_anchor, EMOTIONS))
ANCHOR_COLUMNS = CORPUS_ANCHORS + DISTANT_ANCHORS
_N_EMOTIONS = len(EMOTIONS)
#: `Evidence`'s columns after ``terms`` and ``df``: name, type, one value per emotion, value when not given
_EVIDENCE_COLUMNS = (("valence", float, False, np.nan), ("emotion_prior", float, True, np.nan),
                     ("adapted", float, False, 0), ("adapted_support", np.int64, False, 0), ("distant", float, False, 0),
                     ("distant_support", np.int64, False, 0), ("emotions", float, True, 0),
                     ("emotion_support", np.int64, True, 0), ("distant_emotions", float, True, 0),
                     ("distant_emotion_support", np.int64, True, 0))


@dataclass(frozen=True, eq=False)
class Evidence:
    """Terms' corpus evidence before scaling, a row per term: the priors (``valence``, NaN for
    none; ``emotion_prior``, 1 for each emotion of the term's EmoLex entry, NaN rows for none),
    association and support per source (``emotions`` and the like: one column per emotion, in
    EMOTIONS order)."""

    terms: tuple[str, ...]
    df: np.ndarray
    valence: np.ndarray
    emotion_prior: np.ndarray
    adapted: np.ndarray
    adapted_support: np.ndarray
    distant: np.ndarray
    distant_support: np.ndarray
    emotions: np.ndarray
    emotion_support: np.ndarray
    distant_emotions: np.ndarray
    distant_emotion_support: np.ndarray

    @classmethod
    def of(cls, terms: Sequence[str], df: Sequence[int], **columns) -> "Evidence":
        """Terms with the given columns; the others say no prior, no association, no support."""
        unknown = set(columns) - {name for name, *_ in _EVIDENCE_COLUMNS}
        if unknown:
            raise TypeError(f"Evidence has no column {', '.join(sorted(unknown))}")

        def column(name: str, dtype: type, per_emotion: bool, missing: float) -> np.ndarray:
            shape = (len(terms), _N_EMOTIONS) if per_emotion else (len(terms),)
            return (np.asarray(columns[name], dtype=dtype).reshape(shape) if name in columns
                    else np.full(shape, missing, dtype))
        return cls(tuple(terms), whole_counts(df).reshape(len(terms)), *(column(*spec) for spec in _EVIDENCE_COLUMNS))

    def __len__(self) -> int:
        return len(self.terms)


def may_carry_sentiment(term: str, df: int, n: int, spec: LexiconSpec, query_terms: frozenset[str]) -> bool:
    """Whether a term may get a corpus value (see the module docstring)."""
    return (df >= spec.min_df and df <= spec.max_df_share * n and not term.endswith(NEG_SUFFIX)
            and term not in PLACEHOLDERS and term not in NOT_CARRIERS and term not in query_terms
            and not any(ch.isdigit() for ch in term) and len(term) > 1)


def joint_counts(pair_df: Mapping[tuple[str, str], int], keep: Callable[[str], bool] | None = None
                 ) -> tuple[list[str], np.ndarray, np.ndarray]:
    """The terms paired with any anchor that ``keep`` accepts (each asked once), sorted, and their
    joint counts with each class of ANCHOR_COLUMNS: whole (terms x classes) and, for the corpus's
    prior classes, per half (terms x classes x 2), in one pass over the pairs."""
    column = {a: j for j, a in enumerate(ANCHOR_COLUMNS)}
    half_column = {half_anchor(a, h): (j, h) for j, a in enumerate(CORPUS_ANCHORS) for h in (0, 1)}
    row: dict[str, int] = {}
    rejected: set[str] = set()
    cells, half_cells = [], []
    for (term, anchor), count in pair_df.items():
        i = row.get(term)
        if i is None:
            if term in rejected:
                continue
            if keep is not None and not keep(term):
                rejected.add(term)
                continue
            i = row[term] = len(row)
        j = column.get(anchor)
        if j is not None:
            cells.append((i, j, count))
        elif anchor in half_column:
            half_cells.append((i, *half_column[anchor], count))
    terms = sorted(row)
    position = np.empty(len(terms), dtype=np.int64)
    position[[row[t] for t in terms]] = np.arange(len(terms))
    whole = np.zeros((len(terms), len(ANCHOR_COLUMNS)), dtype=np.int64)
    halves = np.zeros((len(terms), len(CORPUS_ANCHORS), 2), dtype=np.int64)
    if cells:
        i, j, count = np.array(cells).T
        whole[position[i.astype(np.int64)], j.astype(np.int64)] = whole_counts(count)
    if half_cells:
        i, j, h, count = np.array(half_cells).T
        halves[position[i.astype(np.int64)], j.astype(np.int64), h.astype(np.int64)] = whole_counts(count)
    return terms, whole, halves


def _associations(df: np.ndarray, c_xy: np.ndarray, c_y: np.ndarray, n: int) -> tuple[np.ndarray, np.ndarray]:
    """nPMI of each term (row) with each class (column), and where the class has posts at all."""
    present = c_y != 0
    values = np.zeros(c_xy.shape)
    if present.any():
        values[present] = npmi_array(c_xy[present], np.broadcast_to(df[:, None], c_xy.shape)[present],
                                     c_y[present], n)
    return values, present


def _difference(values: np.ndarray, counts: np.ndarray, both: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Positive minus negative association (columns 0 and 1) and their joint counts, where ``both``."""
    return np.where(both, values[:, 0] - values[:, 1], 0.0), np.where(both, counts[:, 0] + counts[:, 1], 0)


def _centered(values: np.ndarray, counts: np.ndarray, present: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Each class's association minus the mean of the other classes present (0 and no support
    where the class or all but one are absent); the sum runs left to right, as Python's would."""
    total = np.zeros(len(values))
    for j in range(values.shape[1]):
        total = total + np.where(present[:, j], values[:, j], 0.0)
    k = present.sum(axis=1)
    centered = present & (k >= 2)[:, None]
    others = (total[:, None] - values) / np.maximum(k - 1, 1)[:, None]
    return np.where(centered, values - others, 0.0), np.where(centered, counts, 0)


def term_evidence(term_df: Mapping[str, int], pair_df: Mapping[tuple[str, str], int], anchor_df: Mapping[str, int],
                  n: int, valences: Mapping[str, float], emotions: Mapping[str, frozenset[str]], spec: LexiconSpec,
                  distant_markers: frozenset[str] = frozenset(), keep: Callable[[str], bool] | None = None) -> Evidence:
    """The raw corpus evidence (see the module docstring) of the terms paired with any anchor
    that ``keep`` accepts, sorted."""
    terms, whole, halves = joint_counts(pair_df, keep)
    df = whole_counts([term_df[t] for t in terms]).reshape(len(terms))
    none = frozenset()
    columns: dict[str, np.ndarray] = {
        "valence": np.array([valences.get(t, np.nan) for t in terms], dtype=float),
        "emotion_prior": np.array([_emotion_weights(emotions.get(t, none)) for t in terms],
                                  dtype=float).reshape(len(terms), _N_EMOTIONS)}
    if "corpus" in spec.sources:
        # a prior word is measured against the half of each of its classes it is not in
        polar = np.abs(np.nan_to_num(columns["valence"])) >= SEED_STRENGTH  # `polarity_of` is not None
        members = np.column_stack([polar, polar, columns["emotion_prior"] == 1.0])
        other = np.array([1 - half_of(t) if m else 0 for t, m in zip(terms, members.any(axis=1).tolist())],
                         dtype=np.int64)
        class_df = whole_counts([anchor_df.get(a, 0) for a in CORPUS_ANCHORS])
        half_df = whole_counts([[anchor_df.get(half_anchor(a, h), 0) for h in (0, 1)] for a in CORPUS_ANCHORS])
        c_xy = np.where(members, np.take_along_axis(halves, other[:, None, None], axis=2)[:, :, 0],
                        whole[:, :len(CORPUS_ANCHORS)])
        c_y = np.where(members, half_df[:, other].T, class_df)
        values, present = _associations(df, c_xy, c_y, n)
        columns["adapted"], columns["adapted_support"] = _difference(values, c_xy, present[:, 0] & present[:, 1])
        columns["emotions"], columns["emotion_support"] = _centered(values[:, 2:], c_xy[:, 2:], present[:, 2:])
    if "distant" in spec.sources:
        c_xy = whole[:, len(CORPUS_ANCHORS):]
        c_y = np.broadcast_to(whole_counts([anchor_df.get(a, 0) for a in DISTANT_ANCHORS]), c_xy.shape)
        values, present = _associations(df, c_xy, c_y, n)
        present &= np.array([t not in distant_markers for t in terms], dtype=bool)[:, None]  # no evidence about itself
        both = present[:, 0] & present[:, 1] & (c_xy[:, 0] + c_xy[:, 1] != 0)
        columns["distant"], columns["distant_support"] = _difference(values, c_xy, both)
        columns["distant_emotions"], columns["distant_emotion_support"] = _centered(
            values[:, 2:], c_xy[:, 2:], present[:, 2:])
    return Evidence.of(terms, df, **columns)


@dataclass(frozen=True)
class Scales:
    """Per source, the least-squares factor that puts its association on the prior scale, and
    how well that fit reproduces the priors (``*_fit``: the uncentred r², the share of the prior
    words' sum of squares that the scaled association explains; 0 without evidence)."""

    adapted: float = 0.0
    distant: float = 0.0
    emotion: float = 0.0
    distant_emotion: float = 0.0
    adapted_fit: float = 0.0
    distant_fit: float = 0.0
    emotion_fit: float = 0.0
    distant_emotion_fit: float = 0.0


SCALE_PARTS = ("adapted", "distant", "emotion", "distant_emotion")


def _positive_part(values: np.ndarray) -> np.ndarray:
    """max(x, 0.0) of each value, as Python gives it (x itself unless 0.0 is greater)."""
    return np.where(0.0 > values, 0.0, values)


@lru_cache(maxsize=None)
def _emotion_weights(emotions: frozenset[str]) -> tuple[float, ...]:
    """An emotion prior as weights in EMOTIONS order (1 for its emotions), NaN for none at all."""
    return tuple(1.0 if e in emotions else 0.0 for e in EMOTIONS) if emotions else (np.nan,) * _N_EMOTIONS


def scale_sums(evidence: Evidence) -> dict[str, list[tuple[float, float, float]]]:
    """Per source, each prior word's (sum x*y, sum x*x, sum y*y) contribution to its scale fit: x
    the association, y the prior, over what the word has support for (a sum over emotions runs
    left to right, as Python's would)."""
    valence, weights = evidence.valence, evidence.emotion_prior
    sums: dict[str, list[tuple[float, float, float]]] = {}
    for name, x, support in (("adapted", evidence.adapted, evidence.adapted_support),
                             ("distant", evidence.distant, evidence.distant_support)):
        rows = ~np.isnan(valence) & (support != 0)
        if rows.any():
            sums[name] = list(zip((x[rows] * valence[rows]).tolist(), [v ** 2 for v in x[rows].tolist()],
                                  [v ** 2 for v in valence[rows].tolist()]))
    has_emotions = ~np.isnan(weights[:, 0])
    for name, values, supports in (("emotion", evidence.emotions, evidence.emotion_support),
                                   ("distant_emotion", evidence.distant_emotions, evidence.distant_emotion_support)):
        xy, xx, yy = np.zeros(len(evidence)), np.zeros(len(evidence)), np.zeros(len(evidence))
        for j in range(_N_EMOTIONS):
            x, y, counted = _positive_part(values[:, j]), np.nan_to_num(weights[:, j]), supports[:, j] != 0
            xy = xy + np.where(counted, x * y, 0.0)
            xx = xx + np.where(counted, x * x, 0.0)
            yy = yy + np.where(counted, y * y, 0.0)
        rows = has_emotions & (supports != 0).any(axis=1)
        if rows.any():
            sums[name] = list(zip(xy[rows].tolist(), xx[rows].tolist(), yy[rows].tolist()))
    return sums


def fit_scales(parts: Mapping[str, Sequence[tuple[float, float, float]]]) -> Scales:
    """Scales and fits from every term's (xy, xx, yy) per source; a source without evidence gets 0.

    Sums are exact (math.fsum), so the scales, and with them the lexicon and its version,
    do not depend on the order in which Beam combines the shards.
    """
    fitted = {}
    for part in SCALE_PARTS:
        xy, xx, yy = (math.fsum(column) for column in zip(*parts.get(part, ()))) if parts.get(part) else (0.0,) * 3
        fitted[part] = xy / xx if xx else 0.0
        fitted[f"{part}_fit"] = xy * xy / (xx * yy) if xx and yy else 0.0
    return Scales(**fitted)


def _mix(*sources: tuple[np.ndarray, np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
    """Support-weighted mean of (values, supports) columns, sources without support left out,
    and the total support."""
    weighted, total = np.zeros(len(sources[0][0])), np.zeros(len(sources[0][0]), dtype=np.int64)
    for values, support in sources:
        weighted = weighted + np.where(support > 0, values * support, 0.0)
        total = total + np.where(support > 0, support, 0)
    return np.where(total != 0, weighted / np.where(total != 0, total, 1), 0.0), total


def shrink(prior, value, support, spec: LexiconSpec, fit=1.0) -> np.ndarray:
    """A prior moves towards the corpus value by fit * s / (s + M), ``fit`` the share of the priors
    that the corpus measure reproduces (`Scales`): a measure that tracks the priors poorly is
    mostly about something else, however many posts stand behind it, so the priors it reads as
    near 0 stay near theirs. A term without a prior (None, or NaN in an array) gets
    value * s / (s + K); without support a prior stays and a new term gets 0."""
    prior = np.asarray(np.nan if prior is None else prior, dtype=float)
    value, support = np.asarray(value, dtype=float), np.asarray(support)
    with np.errstate(invalid="ignore", divide="ignore"):  # the 0 / 0 of no support is never chosen
        moved = np.where(support != 0, prior + fit * (value - prior) * support / (support + spec.shrink_prior),
                         prior)
        new = np.where(support != 0, value * support / (support + spec.shrink_new), 0.0)
    return np.where(np.isnan(prior), new, moved)


@dataclass(frozen=True)
class GeneralValues:
    """The general layer before shrinkage, per term (rows) and dimension (columns: sentiment, then
    `EMOTIONS`): the prior (NaN: none), what the corpus says on the prior scale (its sources mixed by
    support), the support behind that, how well that measure reproduces the priors (``fit``: its sources'
    fits mixed by support, `Scales`), and whether the term may get a corpus value at all (``carriers``,
    one per term: `may_carry_sentiment`)."""

    prior: np.ndarray
    corpus: np.ndarray
    support: np.ndarray
    fit: np.ndarray
    carriers: np.ndarray

    def shrunk(self, spec: LexiconSpec, at_most: np.ndarray | None = None) -> np.ndarray:
        """The lexicon's values: each prior moved by the corpus value, or a corpus value shrunk
        (`shrink`), by the support behind it, or by at most `at_most` (same shape) of it: two
        periods compared at the same support differ only where their posts say different things,
        not where one of them holds more of them."""
        support = self.support if at_most is None else np.minimum(self.support, at_most)
        values = shrink(self.prior, self.corpus, support, spec, self.fit)
        return np.where(self.carriers[:, None] | ~np.isnan(self.prior), values, 0.0)

    def take(self, rows: Sequence[int]) -> "GeneralValues":
        """These rows, in this order; -1 gives a term without evidence (no prior, no corpus value)."""
        width = self.prior.shape[1]
        nothing = (np.full((1, width), np.nan), np.zeros((1, width)), np.zeros((1, width), dtype=np.int64),
                   np.zeros((1, width)), np.zeros(1, dtype=bool))
        index = np.asarray(rows, dtype=np.intp)
        return GeneralValues(*(np.concatenate([part, none])[index] for part, none in zip(
            (self.prior, self.corpus, self.support, self.fit, self.carriers), nothing)))


def general_values(evidence: Evidence, scales: Scales, carriers: np.ndarray, spec: LexiconSpec) -> GeneralValues:
    """The terms' `GeneralValues`; the priors count only when the spec's sources include them."""
    use_priors = "priors" in spec.sources
    valence = evidence.valence if use_priors else np.full(len(evidence), np.nan)
    weights = evidence.emotion_prior if use_priors else np.full((len(evidence), _N_EMOTIONS), np.nan)
    n = len(evidence)

    def dimension(prior: np.ndarray, *sources: tuple[float, float, np.ndarray, np.ndarray]) -> tuple[np.ndarray, ...]:
        """prior, corpus value, support, fit of one dimension from its sources' (scale, fit, association, support)."""
        corpus, support = _mix(*((scale * x, s) for scale, _, x, s in sources))
        fit, _ = _mix(*((np.full(n, r2), s) for _, r2, _, s in sources))
        return prior, corpus, support, fit

    columns = [dimension(valence, (scales.adapted, scales.adapted_fit, evidence.adapted, evidence.adapted_support),
                         (scales.distant, scales.distant_fit, evidence.distant, evidence.distant_support))]
    for j in range(_N_EMOTIONS):
        columns.append(dimension(
            weights[:, j],
            (scales.emotion, scales.emotion_fit, _positive_part(evidence.emotions[:, j]), evidence.emotion_support[:, j]),
            (scales.distant_emotion, scales.distant_emotion_fit, _positive_part(evidence.distant_emotions[:, j]),
             evidence.distant_emotion_support[:, j])))
    prior, corpus, support, fit = (np.column_stack(parts) for parts in zip(*columns))
    return GeneralValues(prior, corpus, support, fit, np.asarray(carriers, dtype=bool))


def general_entries(evidence: Evidence, scales: Scales, carriers: np.ndarray, spec: LexiconSpec) -> list[LexiconEntry]:
    """The terms' general-layer entries, leaving out those the corpus gives nothing to keep
    (``carriers``: whether each term may get a corpus value, `may_carry_sentiment`); the priors
    count only when the spec's sources include them."""
    general = general_values(evidence, scales, carriers, spec)
    values = general.shrunk(spec)
    support = general.support[:, 0]
    is_prior = ~np.isnan(general.prior[:, 0]) | ~np.isnan(general.prior[:, 1])
    keep = is_prior | ((values != 0) & (np.abs(values) >= spec.min_value)).any(axis=1)
    moved = ((support > 0) | (evidence.emotion_support != 0).any(axis=1)
             | (evidence.distant_emotion_support != 0).any(axis=1))
    rows = np.flatnonzero(keep)
    return [LexiconEntry(evidence.terms[i], row[0], tuple(row[1:]), 0.0, df, s,
                         ("prior+corpus" if m else "prior") if p else "corpus")
            for i, row, df, s, m, p in zip(rows.tolist(), values[rows].tolist(), evidence.df[rows].tolist(),
                                           support[rows].tolist(), moved[rows].tolist(), is_prior[rows].tolist())]


def prior_entry(term: str, valence: float | None, emotions: frozenset[str]) -> LexiconEntry:
    """A prior word the corpus never showed: its prior as it is."""
    return LexiconEntry(term, valence or 0.0, tuple(1.0 if e in emotions else 0.0 for e in EMOTIONS))


# ---- supervised layer -------------------------------------------------------------------

def class_pmi_difference(df_tc: int, df_t: int, n_c: int, n: int, k: float) -> float:
    """PMI(t, c) - PMI(t, not c) = log2 [(df_tc + k r) / n_c] / [(df_t - df_tc + k (1 - r)) / (n - n_c)],
    r = n_c / n: k pseudo-posts of the term split by the class rate (the informative Dirichlet
    prior of Monroe, Colaresi & Quinn 2008). A term seen at the class rate, or not at all, scores 0
    whatever the class's size (add-k on both sides alike gives every rare term a large score
    for a small class); a class with no posts, or all of them, says nothing (0)."""
    if not 0 <= df_tc <= df_t <= n or not 0 <= n_c <= n or df_tc > n_c or df_t - df_tc > n - n_c:
        raise ValueError(f"inconsistent counts df_tc={df_tc} df_t={df_t} n_c={n_c} n={n}")
    if n_c in (0, n):
        return 0.0
    rate = n_c / n
    p_in = (df_tc + k * rate) / n_c
    p_out = (df_t - df_tc + k * (1 - rate)) / (n - n_c)
    return math.log2(p_in / p_out)


def supervised_entry(term: str, df: int, pairs: Mapping[str, int], anchor_df: Mapping[str, int], n: int,
                     spec: LexiconSpec) -> LexiconEntry | None:
    """Class-vs-rest PMI differences of one term, or None below the minimum counts."""
    if df < spec.supervised_min_df or term in PLACEHOLDERS:
        return None
    in_class = {c: pairs.get(label_anchor(c), 0) for c in spec.classes}
    if max(in_class.values()) < spec.supervised_min_class_df:
        return None
    scores = {c: class_pmi_difference(in_class[c], df, anchor_df.get(label_anchor(c), 0), n, spec.supervised_k)
              for c in spec.classes}
    support = sum(in_class.values())
    if set(spec.classes) <= set(SENTIMENT_CLASSES):
        return LexiconEntry(term, scores.get("positive", 0.0) - scores.get("negative", 0.0),
                            neutral=scores.get("neutral", 0.0), df=df, support=support, source="supervised")
    emotions = tuple(scores.get(e, 0.0) for e in EMOTIONS)
    return LexiconEntry(term, 0.0, emotions, 0.0, df, support, "supervised")


# ---- the whole lexicon from global counts (pure; Beam distributes the same functions) ----

def pairs_by_term(pair_df: Mapping[tuple[str, str], int]) -> dict[str, dict[str, int]]:
    """{(term, anchor): df} -> {term: {anchor: df}}."""
    grouped: dict[str, dict[str, int]] = defaultdict(dict)
    for (term, anchor), df in pair_df.items():
        grouped[term][anchor] = df
    return grouped


class TermMath:
    """The per-term functions with the priors and options they need, for one lexicon."""

    def __init__(self, seeds: SeedConfig, spec: LexiconSpec):
        if "supervised" in spec.sources and len(spec.classes) < 2:
            raise ValueError("a supervised lexicon needs at least two label classes")
        self.seeds = seeds
        self.spec = spec
        self.valences = sentiment_priors(seeds) if spec.general else {}
        self.emotions = emotion_priors(seeds) if spec.general else {}
        self.query_terms = query_terms(seeds)
        self.distant_markers = frozenset(t for t, v in self.valences.items() if polarity_of(v) and (
            EMOJI_RE.fullmatch(t) or EMOTICON_RE.fullmatch(t))) | {t for ts in seeds.distant.values() for t in ts}

    def __reduce__(self):
        # Beam pickles (and bz2-compresses) every step's functions each time it sets up a stage,
        # and unpickles them at every bundle set-up: the seed settings and spec are a few KB, the
        # priors built from them ~300 KB; unpickled, they are built once per process.
        return term_math, (self.seeds, self.spec)

    def evidence(self, term_df: Mapping[str, int], pair_df: Mapping, anchor_df: Mapping[str, int],
                 n: int) -> Evidence:
        """Raw general-layer evidence of a shard's terms that can count: terms without any anchor
        pair, and terms that are neither prior words nor may carry sentiment, get none (they
        would get no entry and add nothing to a scale fit; on real vocabulary most terms are rare)."""
        if not {"corpus", "distant"} & set(self.spec.sources):
            return Evidence.of((), ())  # priors alone (or a supervised layer) need no corpus evidence
        def has_evidence(term: str) -> bool:
            return (not term.endswith(NEG_SUFFIX) and term not in PLACEHOLDERS and " " not in term
                    and self.evidence_matters(term, term_df[term], n))

        return term_evidence(term_df, pair_df, anchor_df, n, self.valences, self.emotions, self.spec,
                             self.distant_markers, keep=has_evidence)

    def evidence_matters(self, term: str, df: int, n: int) -> bool:
        """Whether a term's evidence can matter: a prior word (it feeds the scale fits and keeps
        an entry) or a term that may carry sentiment (`may_carry_sentiment`)."""
        return (term in self.valences or term in self.emotions
                or may_carry_sentiment(term, df, n, self.spec, self.query_terms))

    def carriers(self, evidence: Evidence, n: int) -> np.ndarray:
        """Whether each term of the evidence may get a corpus value (`may_carry_sentiment`)."""
        return np.array([may_carry_sentiment(t, df, n, self.spec, self.query_terms)
                         for t, df in zip(evidence.terms, evidence.df.tolist())], dtype=bool)

    def general_entries(self, evidence: Evidence, scales: Scales, n: int) -> list[LexiconEntry]:
        return general_entries(evidence, scales, self.carriers(evidence, n), self.spec)

    def prior_entries(self, seen: set[str]) -> dict[str, LexiconEntry]:
        if "priors" not in self.spec.sources:
            return {}
        terms = (set(self.valences) | set(self.emotions)) - seen
        return {t: self._prior_entries[t] for t in terms}

    @cached_property
    def _prior_entries(self) -> dict[str, LexiconEntry]:
        """Every prior word's `prior_entry`, made once: each lexicon of this TermMath (the report
        builds dozens) shares them (entries are frozen)."""
        return {t: prior_entry(t, self.valences.get(t), self.emotions.get(t, frozenset()))
                for t in set(self.valences) | set(self.emotions)}

    def supervised_entries(self, term_df: Mapping[str, int], pair_df: Mapping, anchor_df: Mapping[str, int],
                           n: int) -> list[LexiconEntry]:
        if "supervised" not in self.spec.sources:
            return []
        out = []
        for term, pairs in sorted(pairs_by_term(pair_df).items()):
            entry = supervised_entry(term, term_df[term], pairs, anchor_df, n, self.spec)
            if entry is not None:
                out.append(entry)
        return out


def term_math(seeds: SeedConfig, spec: LexiconSpec) -> TermMath:
    """The TermMath of a seed configuration and spec, built once per process."""
    return built_once(TermMath, seeds, spec)


def assemble(math_: TermMath, general: Iterable[LexiconEntry], supervised: Iterable[LexiconEntry],
             metadata: Mapping) -> Lexicon:
    """The lexicon: priors the corpus never showed, overlaid by the corpus entries."""
    general = {e.term: e for e in general}
    layers = {}
    if math_.spec.general:
        layers[GENERAL] = {**math_.prior_entries(set(general)), **general}
    supervised = {e.term: e for e in supervised}
    if supervised:
        layers[SUPERVISED] = supervised
    return Lexicon(layers, {**metadata, "engine": ENGINE})


def _general_evidence(term_df: Mapping[str, int], anchor_df: Mapping[str, int], pair_df: Mapping[tuple[str, str], int],
                      n: int, seeds: SeedConfig, spec: LexiconSpec) -> tuple[TermMath, Evidence, Scales]:
    """The term math, the general layer's evidence and its scales, from global counts in one process."""
    math_ = term_math(seeds, spec)
    evidence = math_.evidence(term_df, pair_df, anchor_df, n)
    return math_, evidence, fit_scales(scale_sums(evidence))


def general_values_from_counts(term_df: Mapping[str, int], anchor_df: Mapping[str, int],
                               pair_df: Mapping[tuple[str, str], int], n: int, seeds: SeedConfig,
                               spec: LexiconSpec, terms: Sequence[str]) -> GeneralValues:
    """The `GeneralValues` of `terms` (rows in that order) as `build_lexicon_from_counts` has them before
    shrinking them (the counts of the scale fit's prior words needed)."""
    math_, evidence, scales = _general_evidence(term_df, anchor_df, pair_df, n, seeds, spec)
    general = general_values(evidence, scales, math_.carriers(evidence, n), spec)
    row = {term: i for i, term in enumerate(evidence.terms)}
    return general.take([row.get(term, -1) for term in terms])


def build_lexicon_from_counts(term_df: Mapping[str, int], anchor_df: Mapping[str, int],
                              pair_df: Mapping[tuple[str, str], int], n: int, seeds: SeedConfig,
                              spec: LexiconSpec, metadata: Mapping | None = None) -> Lexicon:
    """The whole lexicon from global counts in one process: what `BuildLexicon` computes."""
    math_, evidence, scales = _general_evidence(term_df, anchor_df, pair_df, n, seeds, spec)
    return assemble(math_, math_.general_entries(evidence, scales, n),
                    math_.supervised_entries(term_df, pair_df, anchor_df, n),
                    {**(metadata or {}), "scales": asdict(scales)})


# ---- sharding and grouping (the Beam composites of `pipelines.induction.transforms`) ------

def term_shards(table: pa.Table) -> dict[int, pa.Table]:
    """A count table keyed by term first (`counts_table`) -> its rows per term shard."""
    distinct = pc.unique(table["term"])
    shard_of = pa.array([term_shard(term) for term in distinct.to_pylist()], pa.int64())
    shards = pc.take(shard_of, pc.index_in(table["term"], value_set=distinct))
    return {shard: table.filter(pc.equal(shards, shard)) for shard in sorted(set(shard_of.to_pylist()))}


def group_shards(sums: Mapping[tuple[str, str], pa.Table]
                 ) -> Iterator[tuple[int, tuple[dict[str, Counter], dict[str, Counter]]]]:
    """Summed count tables (`summed_counts`) keyed (TERMS or PAIRS, group) -> per term shard, in
    order, ({group: {term: df}}, {group: {(term, anchor): df}}) of that shard's terms."""
    by_shard: dict[int, dict[str, dict[str, Counter]]] = defaultdict(lambda: {TERMS: {}, PAIRS: {}})
    for (table, group), rows in sums.items():
        for shard, shard_rows in term_shards(rows).items():
            by_shard[shard][table][group] = table_counter(shard_rows)
    for shard in sorted(by_shard):
        yield shard, (by_shard[shard][TERMS], by_shard[shard][PAIRS])


ALL = "all"  # the name of the lexicon of every partition


def without(groups: Mapping[str, Counter], name: str) -> Counter:
    """The counts of every group (name ALL) or of every group but `name`."""
    return merge_counters(c for g, c in groups.items() if name == ALL or g != name)
