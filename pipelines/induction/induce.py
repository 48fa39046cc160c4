"""Lexicon building: the per-term math (pure functions) and the Beam composite that distributes it.

General layer (no labels), for a term t with df(t) posts among n, from the additive counts:

* corpus adaptation (SO-nPMI, Turney 2002 with nPMI; SocialSent's idea of seeds from a
  large base lexicon): a = nPMI(t, positive prior words) - nPMI(t, negative prior words),
  with support s = posts holding t and a prior word of either class. A prior word is
  measured against the half of each class it is not in (`pipelines.induction.anchors`).
* distant labels: d = nPMI(t, posts with positive emoji/emoticons) - nPMI(t, negative ones).
* both put on the prior scale by least-squares factors fitted over the prior words
  (no labels involved), then mixed by support: z = (s_a za + s_d zd) / (s_a + s_d).
* shrinkage by support: a corpus-only term gets z s / (s + K) (K = `shrink_new`), a prior
  word moves from its prior b to b + (z - b) s / (s + M) (M = `shrink_prior`), so a term
  seen with a seed twice stays near 0 and a VADER word moves only on much evidence.
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
from functools import cached_property
from typing import Callable, Iterable, Mapping, Sequence

import apache_beam as beam

from pipelines.induction.anchors import distant_anchor, label_anchor, other_half
from pipelines.config import EMOTIONS, SeedConfig, built_once
from pipelines.induction.counting import ANCHORS, PAIRS, TERMS, TOTALS, merge_counters
from pipelines.induction.lexicon import GENERAL, SUPERVISED, Lexicon, LexiconEntry, emotion_anchor, sentiment_anchor
from pipelines.induction.pmi import npmi
from pipelines.induction.priors import emotion_priors, polarity_of, query_terms, sentiment_priors
from pipelines.text.tokenizer import EMOJI_RE, EMOTICON_RE, NEG_SUFFIX, PLACEHOLDERS

TERM_SHARDS = 16
#: Tokens that are markup or retweet residue, never sentiment carriers.
NOT_CARRIERS = frozenset({"rt", "amp", "gt", "lt", "quot", "nbsp", "apos", "via", "http", "https"})
SENTIMENT_CLASSES = ("negative", "neutral", "positive")


@dataclass(frozen=True)
class LexiconSpec:
    """What a lexicon is built from and how. ``sources``: any of priors, corpus, distant
    (general layer) and supervised (needs ``classes``: the labels counted as ``label:*``)."""

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
        unknown = set(self.sources) - {"priors", "corpus", "distant", "supervised"}
        if unknown or not self.sources:
            raise ValueError(f"lexicon sources must be among priors, corpus, distant, supervised; got {self.sources}")
        if self.min_df < 1 or self.supervised_min_df < 1 or self.supervised_k <= 0:
            raise ValueError("min_df values must be >= 1 and supervised_k > 0")
        if not 0 < self.max_df_share <= 1 or self.shrink_new < 0 or self.shrink_prior < 0:
            raise ValueError("max_df_share must be in (0, 1] and shrinkage constants >= 0")

    def as_dict(self) -> dict:
        return {k: list(v) if isinstance(v, tuple) else v for k, v in asdict(self).items()}

    @property
    def general(self) -> bool:
        return bool({"priors", "corpus", "distant"} & set(self.sources))


def term_shard(term: str) -> int:
    return zlib.crc32(term.encode()) % TERM_SHARDS


# ---- general layer: raw corpus evidence of one term ------------------------------------

@dataclass(frozen=True)
class Evidence:
    """A term's corpus evidence before scaling: association and support per source."""

    term: str
    df: int
    adapted: float = 0.0
    adapted_support: int = 0
    distant: float = 0.0
    distant_support: int = 0
    emotions: tuple[float, ...] = (0.0,) * len(EMOTIONS)
    emotion_support: tuple[int, ...] = (0,) * len(EMOTIONS)
    distant_emotions: tuple[float, ...] = (0.0,) * len(EMOTIONS)
    distant_emotion_support: tuple[int, ...] = (0,) * len(EMOTIONS)


def may_carry_sentiment(term: str, df: int, n: int, spec: LexiconSpec, query_terms: frozenset[str]) -> bool:
    """Whether a term may get a corpus value (see the module docstring)."""
    return (df >= spec.min_df and df <= spec.max_df_share * n and not term.endswith(NEG_SUFFIX)
            and term not in PLACEHOLDERS and term not in NOT_CARRIERS and term not in query_terms
            and not any(ch.isdigit() for ch in term) and len(term) > 1)


def _association(term: str, member: bool, anchor: str, df: int, pairs: Mapping[str, int],
                 anchor_df: Mapping[str, int], n: int) -> tuple[float, int] | None:
    """nPMI of a term with a class (the other half of it for a member) and the joint count."""
    key = other_half(anchor, term) if member else anchor
    c_y = anchor_df.get(key, 0)
    if not c_y:
        return None
    c_xy = pairs.get(key, 0)
    return npmi(c_xy, df, c_y, n), c_xy


def _centered(values: list[tuple[float, int] | None]) -> tuple[tuple[float, ...], tuple[int, ...]]:
    """Each class's association minus the mean of the others present; supports alongside."""
    present = [v[0] for v in values if v is not None]
    out, support = [], []
    for v in values:
        if v is None or len(present) < 2:
            out.append(0.0)
            support.append(0)
            continue
        others = (sum(present) - v[0]) / (len(present) - 1)
        out.append(v[0] - others)
        support.append(v[1])
    return tuple(out), tuple(support)


def term_evidence(term: str, df: int, pairs: Mapping[str, int], anchor_df: Mapping[str, int], n: int,
                  prior_valence: float | None, prior_emotions: frozenset[str], spec: LexiconSpec,
                  distant_marker: bool = False) -> Evidence:
    """The raw corpus evidence of one term (see the module docstring)."""
    evidence: dict = {}
    if "corpus" in spec.sources:
        member = prior_valence is not None and polarity_of(prior_valence) is not None
        pos, neg = (_association(term, member, sentiment_anchor(p), df, pairs, anchor_df, n)
                    for p in ("positive", "negative"))
        if pos and neg:
            evidence.update(adapted=pos[0] - neg[0], adapted_support=pos[1] + neg[1])
        emotions = [_association(term, e in prior_emotions, emotion_anchor(e), df, pairs, anchor_df, n)
                    for e in EMOTIONS]
        evidence["emotions"], evidence["emotion_support"] = _centered(emotions)
    if "distant" in spec.sources and not distant_marker:  # a marker is no evidence about itself
        pos, neg = (_association(term, False, distant_anchor(p), df, pairs, anchor_df, n)
                    for p in ("positive", "negative"))
        if pos and neg and (pos[1] + neg[1]):
            evidence.update(distant=pos[0] - neg[0], distant_support=pos[1] + neg[1])
        emotions = [_association(term, False, distant_anchor(e), df, pairs, anchor_df, n) for e in EMOTIONS]
        evidence["distant_emotions"], evidence["distant_emotion_support"] = _centered(emotions)
    return Evidence(term, df, **evidence)


@dataclass(frozen=True)
class Scales:
    """Least-squares factors that put each source's association on the prior scale."""

    adapted: float = 0.0
    distant: float = 0.0
    emotion: float = 0.0
    distant_emotion: float = 0.0


SCALE_PARTS = ("adapted", "distant", "emotion", "distant_emotion")


def scale_sums(evidence: Evidence, prior_valence: float | None, prior_emotions: frozenset[str]) -> dict[str, tuple[float, float]]:
    """This term's contribution (sum x*y, sum x*x) to each scale fit: x association, y prior."""
    sums: dict[str, tuple[float, float]] = {}
    if prior_valence is not None:
        if evidence.adapted_support:
            sums["adapted"] = (evidence.adapted * prior_valence, evidence.adapted ** 2)
        if evidence.distant_support:
            sums["distant"] = (evidence.distant * prior_valence, evidence.distant ** 2)
    if prior_emotions:
        for name, values, supports in (("emotion", evidence.emotions, evidence.emotion_support),
                                       ("distant_emotion", evidence.distant_emotions,
                                        evidence.distant_emotion_support)):
            xy = xx = 0.0
            for e, x, s in zip(EMOTIONS, values, supports):
                if s:
                    x = max(x, 0.0)
                    xy += x * (1.0 if e in prior_emotions else 0.0)
                    xx += x * x
            if xx:
                sums[name] = (xy, xx)
    return sums


def fit_scales(parts: Mapping[str, Sequence[tuple[float, float]]]) -> Scales:
    """Scales from every term's (xy, xx) per source; a source without evidence gets 0.

    Sums are exact (math.fsum), so the scales, and with them the lexicon and its version,
    do not depend on the order in which Beam combines the shards.
    """
    scales = {}
    for part in SCALE_PARTS:
        pairs = parts.get(part, ())
        xx = math.fsum(b for _, b in pairs)
        scales[part] = math.fsum(a for a, _ in pairs) / xx if xx else 0.0
    return Scales(**scales)


def _mix(values: Iterable[tuple[float, float]]) -> tuple[float, float]:
    """Support-weighted mean of (value, support) pairs and the total support."""
    pairs = [(v, s) for v, s in values if s > 0]
    total = sum(s for _, s in pairs)
    return (sum(v * s for v, s in pairs) / total if total else 0.0), total


def shrink(prior: float | None, value: float, support: float, spec: LexiconSpec) -> float:
    """A prior moves towards the corpus value by s / (s + M); a new term is value * s / (s + K)."""
    if prior is not None:
        return prior + (value - prior) * support / (support + spec.shrink_prior) if support else prior
    return value * support / (support + spec.shrink_new) if support else 0.0


def general_entry(evidence: Evidence, prior_valence: float | None, prior_emotions: frozenset[str],
                  scales: Scales, carrier: bool, spec: LexiconSpec) -> LexiconEntry | None:
    """One term's general-layer entry, or None when the corpus gives it nothing to keep."""
    use_priors = "priors" in spec.sources
    valence = prior_valence if use_priors else None
    z, support = _mix([(scales.adapted * evidence.adapted, evidence.adapted_support),
                       (scales.distant * evidence.distant, evidence.distant_support)])
    sentiment = shrink(valence, z, support, spec) if (carrier or valence is not None) else 0.0
    emotions = []
    for i, e in enumerate(EMOTIONS):
        ze, se = _mix([(scales.emotion * max(evidence.emotions[i], 0.0), evidence.emotion_support[i]),
                       (scales.distant_emotion * max(evidence.distant_emotions[i], 0.0),
                        evidence.distant_emotion_support[i])])
        prior = (1.0 if e in prior_emotions else 0.0) if use_priors and prior_emotions else None
        emotions.append(shrink(prior, ze, se, spec) if (carrier or prior is not None) else 0.0)
    is_prior = valence is not None or (use_priors and bool(prior_emotions))
    if not is_prior and not any(v and abs(v) >= spec.min_value for v in (sentiment, *emotions)):
        return None  # nothing worth keeping: no entry at all
    moved = support > 0 or any(evidence.emotion_support) or any(evidence.distant_emotion_support)
    source = ("prior+corpus" if moved else "prior") if is_prior else "corpus"
    return LexiconEntry(evidence.term, sentiment, tuple(emotions), 0.0, evidence.df, support, source)


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

def pairs_by_term(pair_df: Mapping[tuple[str, str], int],
                  keep: Callable[[str], bool] | None = None) -> dict[str, dict[str, int]]:
    """{(term, anchor): df} -> {term: {anchor: df}}, only for the terms `keep` accepts (each term
    asked once) when it is given."""
    grouped: dict[str, dict[str, int]] = defaultdict(dict)
    kept: dict[str, bool] = {}
    for (term, anchor), df in pair_df.items():
        if keep is not None:
            accepted = kept.get(term)
            if accepted is None:
                accepted = kept[term] = keep(term)
            if not accepted:
                continue
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
                 n: int) -> list[Evidence]:
        """Raw general-layer evidence of a shard's terms that can count: terms without any anchor
        pair, and terms that are neither prior words nor may carry sentiment, get none (they
        would get no entry and add nothing to a scale fit; on real vocabulary most terms are rare)."""
        if not {"corpus", "distant"} & set(self.spec.sources):
            return []  # priors alone (or a supervised layer) need no corpus evidence
        def has_evidence(term: str) -> bool:
            return (not term.endswith(NEG_SUFFIX) and term not in PLACEHOLDERS and " " not in term
                    and self.evidence_matters(term, term_df[term], n))

        grouped = pairs_by_term(pair_df, keep=has_evidence)
        return [term_evidence(term, term_df[term], grouped[term], anchor_df, n, self.valences.get(term),
                              self.emotions.get(term, frozenset()), self.spec, term in self.distant_markers)
                for term in sorted(grouped)]

    def evidence_matters(self, term: str, df: int, n: int) -> bool:
        """Whether a term's evidence can matter: a prior word (it feeds the scale fits and keeps
        an entry) or a term that may carry sentiment (`may_carry_sentiment`)."""
        return (term in self.valences or term in self.emotions
                or may_carry_sentiment(term, df, n, self.spec, self.query_terms))

    def scale_sums(self, evidence: Iterable[Evidence]) -> dict[str, list[tuple[float, float]]]:
        """Per source, every term's (xy, xx) contribution to its scale fit."""
        parts: dict[str, list[tuple[float, float]]] = defaultdict(list)
        for ev in evidence:
            for part, pair in scale_sums(ev, self.valences.get(ev.term), self.emotions.get(ev.term, frozenset())).items():
                parts[part].append(pair)
        return dict(parts)

    def general_entries(self, evidence: Iterable[Evidence], scales: Scales, n: int) -> list[LexiconEntry]:
        out = []
        for ev in evidence:
            carrier = may_carry_sentiment(ev.term, ev.df, n, self.spec, self.query_terms)
            entry = general_entry(ev, self.valences.get(ev.term), self.emotions.get(ev.term, frozenset()),
                                  scales, carrier, self.spec)
            if entry is not None:
                out.append(entry)
        return out

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
    return Lexicon(layers, dict(metadata))


def build_lexicon_from_counts(term_df: Mapping[str, int], anchor_df: Mapping[str, int],
                              pair_df: Mapping[tuple[str, str], int], n: int, seeds: SeedConfig,
                              spec: LexiconSpec, metadata: Mapping | None = None) -> Lexicon:
    """The whole lexicon from global counts in one process: what `BuildLexicon` computes."""
    math_ = term_math(seeds, spec)
    evidence = math_.evidence(term_df, pair_df, anchor_df, n)
    scales = fit_scales(math_.scale_sums(evidence))
    return assemble(math_, math_.general_entries(evidence, scales, n),
                    math_.supervised_entries(term_df, pair_df, anchor_df, n),
                    {**(metadata or {}), "scales": asdict(scales)})


# ---- Beam --------------------------------------------------------------------------------

def split_terms(counter: Counter) -> list[tuple[int, Counter]]:
    """{term: df} -> one Counter per term shard."""
    shards: dict[int, Counter] = defaultdict(Counter)
    for term, df in counter.items():
        shards[term_shard(term)][term] = df
    return list(shards.items())


def split_pairs(counter: Counter) -> list[tuple[int, Counter]]:
    """{(term, anchor): df} -> one Counter per term shard."""
    shards: dict[int, Counter] = defaultdict(Counter)
    shard_of: dict[str, int] = {}
    for key, df in counter.items():
        term = key[0]
        shard = shard_of.get(term)
        if shard is None:
            shard = shard_of[term] = term_shard(term)
        shards[shard][key] = df
    return list(shards.items())


ALL = "all"  # the name of the lexicon of every partition


class _SumGroups(beam.CombineFn):
    """Sums {group: Counter} dicts; lifted by Beam so partial sums happen before the shuffle."""

    def create_accumulator(self):
        return {}

    def add_input(self, acc, part):
        for group, counter in part.items():
            total = acc.get(group)
            if total is None:
                acc[group] = Counter(counter)  # a copy: the input may be shared with other steps
            else:
                total.update(counter)
        return acc

    def merge_accumulators(self, accumulators):
        accumulators = iter(accumulators)
        merged = next(accumulators)  # Beam lets the first accumulator be updated in place
        for acc in accumulators:
            self.add_input(merged, acc)
        return merged

    def extract_output(self, acc):
        return acc

    def merged(self, sums: Iterable[dict[str, Counter]]) -> dict[str, Counter]:
        """The sums of one key's side after a CoGroupByKey as one (a CombinePerKey gives one per
        key: returned as it is, not copied), or {} when that side has none."""
        return self.merge_accumulators(list(sums) or [{}])


def without(groups: Mapping[str, Counter], name: str) -> Counter:
    """The counts of every group (name ALL) or of every group but `name`."""
    return merge_counters(c for g, c in groups.items() if name == ALL or g != name)


class GroupedCounts(beam.PTransform):
    """Partition counts -> ({group: posts}, {group: {anchor: df}}, per term shard
    (shard, ({group: term df}, {group: pair df}))), group = ``group_of(partition)``.

    One shuffle serves every lexicon that leaves a group out (cross-fitting); terms are
    spread over TERM_SHARDS so the per-term work runs in parallel and no single element
    holds the whole vocabulary.
    """

    def __init__(self, group_of=None):
        super().__init__()
        self._group_of = group_of or (lambda partition: ALL)

    def expand(self, counts):
        group_of = self._group_of

        def grouped(kv):
            return {group_of(kv[0]): kv[1]}

        n_posts = (counts[TOTALS] | "PostsPerPartition" >> beam.Map(lambda kv: {group_of(kv[0]): Counter({None: kv[1][None]})})
                   | "AllPosts" >> beam.CombineGlobally(_SumGroups())
                   | "PostsPerGroup" >> beam.Map(lambda groups: {g: c[None] for g, c in groups.items()}))
        anchor_df = (counts[ANCHORS] | "AnchorGroups" >> beam.Map(grouped)
                     | "AnchorDf" >> beam.CombineGlobally(_SumGroups()))
        term_df = (counts[TERMS] | "TermShards" >> beam.FlatMap(
                       lambda kv: [(shard, {group_of(kv[0]): c}) for shard, c in split_terms(kv[1])])
                   | "TermDf" >> beam.CombinePerKey(_SumGroups()))
        pair_df = (counts[PAIRS] | "PairShards" >> beam.FlatMap(
                       lambda kv: [(shard, {group_of(kv[0]): c}) for shard, c in split_pairs(kv[1])])
                   | "PairDf" >> beam.CombinePerKey(_SumGroups()))
        shards = ({"df": term_df, "pairs": pair_df} | "JoinShards" >> beam.CoGroupByKey()
                  | "MergeShard" >> beam.MapTuple(lambda shard, parts, sums=_SumGroups(): (
                      shard, (sums.merged(parts["df"]), sums.merged(parts["pairs"])))))
        return n_posts, anchor_df, shards


class _FitScales(beam.CombineFn):
    """Collects every shard's scale contributions; fits the scales once, exactly (fit_scales)."""

    def create_accumulator(self):
        return {}

    def add_input(self, acc, parts):
        for part, pairs in parts.items():
            acc.setdefault(part, []).extend(pairs)
        return acc

    def merge_accumulators(self, accumulators):
        merged = {}
        for acc in accumulators:
            self.add_input(merged, acc)
        return merged

    def extract_output(self, acc):
        return fit_scales(acc)


class BuildLexicons(beam.PTransform):
    """Partition counts -> (name, `Lexicon`) for the lexicon of all partitions (name ALL) and,
    for each name in ``leave_out``, the lexicon of every group but that one.

    Per term shard and name: raw evidence; per name: the scale factors; per shard again:
    entries; then one element per name assembles them with the priors (the functions of
    `build_lexicon_from_counts`, which a test holds this equal to).
    """

    def __init__(self, seeds: SeedConfig, spec: LexiconSpec, metadata: Mapping | None = None,
                 group_of=None, leave_out: Sequence[str] = ()):
        super().__init__()
        self._math = TermMath(seeds, spec)
        self._metadata = dict(metadata or {})
        self._group_of = group_of
        self._names = (ALL, *leave_out)

    def expand(self, counts):
        math_, metadata, names = self._math, self._metadata, self._names
        n_posts, anchor_df, shards = counts | "GroupedCounts" >> GroupedCounts(self._group_of)

        def views(shard, n, anchors):
            groups_df, groups_pairs = shard[1]
            for name in names:
                yield name, (without(groups_df, name), without(groups_pairs, name),
                             sum(v for g, v in n.items() if name == ALL or g != name), without(anchors, name))

        per_name = shards | "PerName" >> beam.FlatMap(views, n=beam.pvalue.AsSingleton(n_posts),
                                                      anchors=beam.pvalue.AsSingleton(anchor_df))
        evidence = per_name | "Evidence" >> beam.MapTuple(
            lambda name, view: (name, (math_.evidence(view[0], view[1], view[3], view[2]), view[2])))
        scales = (evidence | "ScaleSums" >> beam.MapTuple(lambda name, ev: (name, math_.scale_sums(ev[0])))
                  | "FitScales" >> beam.CombinePerKey(_FitScales()))
        general = evidence | "GeneralEntries" >> beam.MapTuple(
            lambda name, ev, scales=None: (name, math_.general_entries(ev[0], scales.get(name, Scales()), ev[1])),
            scales=beam.pvalue.AsDict(scales))
        supervised = per_name | "SupervisedEntries" >> beam.MapTuple(
            lambda name, view: (name, math_.supervised_entries(view[0], view[1], view[3], view[2])))
        return ({"general": general, "supervised": supervised} | "ByName" >> beam.CoGroupByKey()
                | "Assemble" >> beam.MapTuple(
                    lambda name, parts, scales=None: (name, assemble(
                        math_, [e for shard in parts["general"] for e in shard],
                        [e for shard in parts["supervised"] for e in shard],
                        {**metadata, "scales": asdict(scales.get(name, Scales()))})),
                    scales=beam.pvalue.AsDict(scales)))


class BuildLexicon(beam.PTransform):
    """Partition counts -> a one-element PCollection holding the `Lexicon` of all of them."""

    def __init__(self, seeds: SeedConfig, spec: LexiconSpec, metadata: Mapping | None = None):
        super().__init__()
        self._build = BuildLexicons(seeds, spec, metadata)

    def expand(self, counts):
        return counts | "BuildLexicons" >> self._build | "Lexicon" >> beam.Values()
