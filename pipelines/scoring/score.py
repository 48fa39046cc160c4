"""Score one post with a lexicon: sentiment, emotions, topics' evidence, the terms that moved it.

`score_columns(token_lists, lexicon, platforms)` is the one scoring function (`mipulse run`
turns its columns into Arrow; `score_posts` gives them a dict per post, as `evaluate` reads
them; `score_post` is one post of it; the report's rescoring takes three fields alone,
`labels_and_scores`). Each post's features are one row of a matrix that every calibrated
model scores at once: its word evidence and, for a lexicon with a character layer, that
layer's evidence (`pipelines.induction.characters`). VADER-grade rules (Hutto & Gilbert 2014)
over the general layer:

* negation: a word in a negation scope (`_NEG`, up to clause punctuation, commas included,
  or 'but') with its cue among the three tokens before it (VADER's window) takes VADER's
  N_SCALAR (-0.74) times its valence, unless the lexicon has the negated form itself; further
  into the scope it keeps its own valence ('not going to see the amazing show' -> amazing);
* intensifiers and dampeners up to three words before a word (VADER's booster list, decaying
  1, 0.95, 0.9);
* 'but': words before it count half, words after it one and a half;
* exclamation marks (up to four) push the sum away from zero; emoji and emoticons are
  lexicon terms like words.

compound = s / sqrt(s^2 + alpha), alpha = 15/16 (VADER's 15 on its 4x scale). The
lexicon's calibration decides the label: a fitted linear model over `pipelines.scoring.combiner`
features (label = most probable class; score = P(positive) - P(negative)), or a neutral
band on the compound; a platform with models of its own (the calibration's ``platforms``)
has its posts scored by them. Emotions: calibrated per-emotion models over the same evidence, or
the emotion mass of un-negated hits gated by polarity (a negative post's emotions among
anger, disgust, fear, sadness, anticipation and surprise; a positive post's among joy,
trust, anticipation, surprise); a post without emotion evidence has no dominant emotion.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from functools import cached_property
from operator import add
from typing import Mapping, NamedTuple, Sequence

import numpy as np

from pipelines.scoring.combiner import (
    FEATURE_INDEX, FEATURES, SUPERVISED_DIMS, SURFACE_FEATURES, WORD_FEATURES, LinearModel, supervised_feature_names,
    supervised_features,
)
from pipelines.config import EMOTIONS
from pipelines.induction.characters import NGRAMS_FEATURE, CharacterModel, post_text
from pipelines.induction.lexicon import Lexicon
from pipelines.induction.priors import booster_weights, negation_factor
from pipelines.text.tokenizer import (
    NEG_SUFFIX, URL, USER, base_form, counting_terms, is_content_term, is_negation_cue,
)

LABELS = ("negative", "neutral", "positive")
COMPOUND_ALPHA = 15 / 16
EXCLAMATION_BOOST = 0.292 / 4  # VADER's per-'!' amplifier on the [-1, 1] scale
MAX_EXCLAMATIONS = 4
BUT_BEFORE, BUT_AFTER = 0.5, 1.5
BOOSTER_DECAY = (1.0, 0.95, 0.9)
#: a negation cue negates a word at most this many tokens after it (VADER looks three words back)
NEGATION_WINDOW = 3
DEFAULT_NEUTRAL_BAND = 0.3
NEGATIVE_EMOTIONS = frozenset({"anger", "disgust", "fear", "sadness", "anticipation", "surprise"})
POSITIVE_EMOTIONS = frozenset({"joy", "trust", "anticipation", "surprise"})
EXPLANATION_TERMS = 3

_BOOSTERS = booster_weights()
#: booster weight by token, negated forms included: what `_BOOSTERS.get(base_form(token))` gives
_BOOSTER_TOKENS = {**_BOOSTERS, **{word + NEG_SUFFIX: weight for word, weight in _BOOSTERS.items()}}
_NEGATION = negation_factor()


class Hit(NamedTuple):
    """A token that moved the sentiment: its position, the token and its value after the rules
    (a tuple: a post makes several, and a tuple is made several times faster than a dataclass)."""

    position: int
    token: str
    value: float


def sentiment_hits(tokens: list[str], general: Mapping) -> list[Hit]:
    """The general layer's valence of every scoring token, after negation, boosters and 'but'."""
    hits: list[Hit] = []
    but_at = None
    lookup, boosters = general.get, _BOOSTER_TOKENS.get
    boosted = not _BOOSTER_TOKENS.keys().isdisjoint(tokens)  # most posts have no booster to look back for
    for i, token in enumerate(tokens):
        if token == "but":
            but_at = len(hits)
            continue
        entry = lookup(token)
        negated = False
        if entry is None:
            if not token.endswith(NEG_SUFFIX):
                continue
            word = base_form(token)
            entry = lookup(word)
            if entry is not None and _cue_before(tokens, i):
                negated = True
            else:  # further into the scope than VADER's window: the word itself
                token = word
        if entry is None or not entry.sentiment:
            continue
        value = entry.sentiment
        if boosted:
            for distance, decay in enumerate(BOOSTER_DECAY[:i], start=1):
                boost = boosters(tokens[i - distance])
                if boost:
                    value += math.copysign(boost * decay, value)
        if negated:
            value *= _NEGATION
        hits.append(Hit(i, token, value))
    if but_at is not None:
        hits = [Hit(h.position, h.token, h.value * (BUT_BEFORE if j < but_at else BUT_AFTER))
                for j, h in enumerate(hits)]
    return hits


def _cue_before(tokens: list[str], i: int) -> bool:
    """Whether a negation cue is among the `NEGATION_WINDOW` tokens before position i."""
    return any(map(is_negation_cue, tokens[max(0, i - NEGATION_WINDOW):i]))


def compound(hits: list[Hit], exclamations: float) -> float:
    """VADER's normalized sum in (-1, 1), the post's (capped) exclamation marks included."""
    total = sum(h.value for h in hits)
    if total:
        total += math.copysign(exclamations * EXCLAMATION_BOOST, total)
    return total / math.sqrt(total * total + COMPOUND_ALPHA)


def bigrams(tokens: list[str]) -> list[str]:
    """Adjacent pairs of content tokens ('not_NEG good_NEG' style kept), joined by a space."""
    content = [t for t in tokens if is_content_term(t)]
    return [f"{a} {b}" for a, b in zip(content, content[1:])]


def lexicon_terms(tokens: list[str], with_bigrams: bool) -> set[str]:
    """The terms a post is counted (and looked up) with: content unigrams, plus bigrams if asked."""
    terms = counting_terms(tokens)
    if with_bigrams:
        terms.update(bigrams(tokens))
    return terms


_EXCLAMATIONS = SURFACE_FEATURES.index("exclamations")
_SUPERVISED = FEATURE_INDEX[supervised_feature_names(SUPERVISED_DIMS)[0]]  # the first supervised feature
_NGRAMS = FEATURE_INDEX[NGRAMS_FEATURE]


def surface_features(tokens: list[str], n_terms: int) -> list[float]:
    """`SURFACE_FEATURES` of a post, in that order ('!' capped at VADER's `MAX_EXCLAMATIONS`)."""
    text = "".join(tokens)
    negated = len([t for t in tokens if t.endswith(NEG_SUFFIX)]) if NEG_SUFFIX in text else 0
    return [float(min(text.count("!"), MAX_EXCLAMATIONS)), float(text.count("?")),
            float(negated), math.log1p(n_terms),
            float(tokens.count(URL)), float(tokens.count(USER))]


def general_features(hits: list[Hit], compound_score: float) -> list[float]:
    positive = [h.value for h in hits if h.value > 0]
    negative = [h.value for h in hits if h.value < 0]
    return [compound_score, sum(positive), sum(negative), float(len(positive)), float(len(negative)),
            max(positive, default=0.0), min(negative, default=0.0)]


class PostText:
    """What scoring reads of a post whatever the lexicon, computed once: a post scored with many
    lexicons (the report's replicate lexicons) is passed to `score_posts` as one of these."""

    def __init__(self, tokens: list[str]):
        self.tokens = tokens
        self.terms = counting_terms(tokens)
        self.surface = surface_features(tokens, len(self.terms))

    @cached_property
    def lexicon_terms(self) -> list[str]:
        """Its unigrams and bigrams in order: what a supervised layer is looked up with."""
        return sorted(lexicon_terms(self.tokens, True))

    @cached_property
    def joined(self) -> str:
        """Its tokens, one space apart: what a character layer reads."""
        return post_text(self.tokens)


def summed_emotions(terms: set[str], general: Mapping) -> list[float]:
    """Summed emotion weight of a post's un-negated general-layer terms, added in the terms'
    sorted order (a fixed order: float sums then agree across processes)."""
    mass = [0.0] * len(EMOTIONS)
    for term in sorted(general.keys() & terms):  # the few terms of the layer sorted, not all
        mass = list(map(add, mass, general[term].emotion_evidence))
    return mass


_GATES = {"negative": NEGATIVE_EMOTIONS, "positive": POSITIVE_EMOTIONS}


class PostEvidence:
    """Everything the lexicon says about one post, computed once for scoring and features."""

    def __init__(self, tokens: list[str] | PostText, lexicon: Lexicon):
        self.text = tokens if isinstance(tokens, PostText) else PostText(tokens)
        self.tokens = self.text.tokens
        self.terms = self.text.terms
        general = lexicon.general
        self.hits = sentiment_hits(self.tokens, general)
        #: the general layer's compound score (a feature, and the score when no model scores the post)
        self.compound = compound(self.hits, self.text.surface[_EXCLAMATIONS])
        #: the features and the emotion decision both read it
        self.summed_emotions = summed_emotions(self.terms, general)
        supervised = lexicon.supervised
        self.supervised_hits = ([supervised[t] for t in self.text.lexicon_terms if t in supervised]
                                if supervised else [])

    @property
    def general_vector(self) -> list[float]:
        """The features of `pipelines.scoring.combiner.WORD_FEATURES` before the supervised ones, in that order."""
        return [*general_features(self.hits, self.compound), *self.text.surface, *self.summed_emotions]

    def emotion_mass(self, gated_by: str | None) -> list[float]:
        """The post's emotion mass, optionally gated by polarity (kept whole when the gate leaves nothing)."""
        mass = self.summed_emotions
        allowed = _GATES.get(gated_by)
        if allowed is None:
            return list(mass)
        gated = [m if e in allowed else 0.0 for e, m in zip(EMOTIONS, mass)]
        return gated if sum(gated) > 0 else list(mass)


@dataclass(frozen=True)
class Calibration:
    """A lexicon's calibration with its models parsed once (not once per post).

    ``platforms``: the calibrations of platforms that have models of their own (the mapping's
    ``platforms`` entry, each overriding the ``sentiment`` and / or ``emotion`` it names);
    posts of any other platform, or of none, are scored by this one."""

    sentiment: LinearModel | None
    neutral_band: float
    emotions: Mapping[str, LinearModel]
    thresholds: Mapping[str, float]
    characters: CharacterModel | None = None
    platforms: Mapping[str, "Calibration"] = field(default_factory=dict)

    @classmethod
    def of(cls, lexicon: Lexicon) -> "Calibration":
        calibration = lexicon.calibration
        characters = CharacterModel(lexicon.characters, calibration["characters"]) if lexicon.characters else None
        return cls._parsed(calibration, characters, {
            platform: cls._parsed({**calibration, **override}, characters, {})
            for platform, override in calibration.get("platforms", {}).items()})

    @classmethod
    def _parsed(cls, calibration: Mapping, characters: CharacterModel | None,
                platforms: Mapping[str, "Calibration"]) -> "Calibration":
        sentiment, emotion = calibration.get("sentiment", {}), calibration.get("emotion", {})
        return cls(LinearModel.from_dict(sentiment["model"]) if sentiment.get("model") else None,
                   sentiment.get("neutral_band", DEFAULT_NEUTRAL_BAND),
                   {label: LinearModel.from_dict(m) for label, m in emotion.get("models", {}).items()},
                   dict(emotion.get("thresholds", {})), characters, platforms)

    @property
    def has_models(self) -> bool:
        """Whether any post is scored by a fitted model (which reads the feature rows)."""
        return bool(self.sentiment or self.emotions) or any(c.has_models for c in self.platforms.values())

    def by_platform(self, platforms: Sequence[str | None] | None, n: int) -> list[tuple["Calibration", list[int]]]:
        """The posts (positions) each calibration scores, given the posts' platforms (None: all by this one)."""
        if not self.platforms or platforms is None:
            return [(self, list(range(n)))]
        groups: dict[str, list[int]] = {}
        for i, platform in enumerate(platforms):
            groups.setdefault(platform if platform in self.platforms else "", []).append(i)
        return [(self.platforms.get(platform, self), positions) for platform, positions in groups.items()]


_CALIBRATIONS: dict[tuple[int, int], tuple[Mapping, Mapping, Calibration]] = {}  # ids -> those, parsed
_CALIBRATIONS_KEPT = 64


def calibration_of(lexicon: Lexicon) -> Calibration:
    """The parsed calibration of a lexicon, cached by the calibration mapping and the character
    layer it holds (held here, so their ids stay theirs; the report's replicate lexicons share
    their original's): no content hash of every entry (`Lexicon.version`) just to find it."""
    key = (id(lexicon.calibration), id(lexicon.characters))
    found = _CALIBRATIONS.get(key)
    if found is None or found[0] is not lexicon.calibration or found[1] is not lexicon.characters:
        if len(_CALIBRATIONS) >= _CALIBRATIONS_KEPT:
            _CALIBRATIONS.clear()
        found = _CALIBRATIONS[key] = (lexicon.calibration, lexicon.characters, Calibration.of(lexicon))
    return found[2]


def feature_rows(evidence: Sequence[PostEvidence], calibration: Calibration) -> np.ndarray:
    """Each post's `pipelines.scoring.combiner.FEATURES` (rows): its word evidence and, with a
    character layer, its character evidence (zeros without one)."""
    rows = np.zeros((len(evidence), len(FEATURES)))
    rows[:, :_SUPERVISED] = [ev.general_vector for ev in evidence]
    supervised = [i for i, ev in enumerate(evidence) if ev.supervised_hits]  # the others' stay zeros
    if supervised:
        rows[supervised, _SUPERVISED:len(WORD_FEATURES)] = [supervised_features(evidence[i].supervised_hits)
                                                             for i in supervised]
    if calibration.characters is not None:
        rows[:, len(WORD_FEATURES):] = calibration.characters.features([ev.text.joined for ev in evidence])
    return rows


def post_features(token_lists: Sequence[list[str] | PostText], lexicon: Lexicon, names: Sequence[str]) -> np.ndarray:
    """The named features of each post as scoring computes them (rows): what a calibration is fitted on."""
    evidence = [PostEvidence(tokens, lexicon) for tokens in token_lists]
    return feature_rows(evidence, calibration_of(lexicon))[:, [FEATURE_INDEX[name] for name in names]]


def sentiments_of(evidence: Sequence[PostEvidence], features: np.ndarray | None,
                  calibration: Calibration) -> list[tuple[float, str]]:
    """(score in [-1, 1], label) of each post by the lexicon's calibration."""
    model = calibration.sentiment
    if model:
        probabilities = model.probability_matrix(features[:, model.columns])
        score = _column(probabilities, model, "positive") - _column(probabilities, model, "negative")
        labels = [model.classes[i] for i in probabilities.argmax(axis=1)]  # the first of equals, as max()
        return list(zip(score.tolist(), labels))
    scores = [ev.compound for ev in evidence]
    return [(score, band_label(score, calibration.neutral_band)) for score in scores]


def _column(probabilities: np.ndarray, model: LinearModel, label: str) -> np.ndarray:
    """One class's probabilities (zeros for a class the model does not have)."""
    if label not in model.classes:
        return np.zeros(len(probabilities))
    return probabilities[:, model.classes.index(label)]


def band_label(score: float, band: float) -> str:
    """'positive' above the band, 'negative' below minus the band, 'neutral' inside it."""
    if score > band:
        return "positive"
    if score < -band:
        return "negative"
    return "neutral"


Emotions = tuple[list[float], "str | None", list[str]]


def emotions_of(evidence: Sequence[PostEvidence], features: np.ndarray | None, calibration: Calibration,
                sentiment_labels: Sequence[str]) -> list[Emotions]:
    """Per post: (shares over Plutchik's eight, dominant emotion or None, the emotions it expresses).

    Without emotion evidence (no emotion weight among its general-layer terms, no supervised
    hit, no n-gram of an emotion character layer) a post has no emotions. With calibrated
    models (one binary model per emotion): shares are the normalized probabilities, the
    dominant emotion the most probable one, the expressed emotions those whose probability
    passes their threshold. Without models: the polarity-gated emotion mass, its largest share
    dominant and expressed.
    """
    characters = calibration.characters is not None and calibration.characters.task == "emotion"
    # emotion evidence: a positive whole mass (the polarity-gated mass has a positive sum exactly
    # then: the gate keeps some of it or, keeping none, the whole)
    modelled = [i for i, ev in enumerate(evidence)
                if sum(ev.summed_emotions) > 0 or ev.supervised_hits
                or (characters and features[i, _NGRAMS] > 0)] if calibration.emotions else []
    by_models = set(modelled)
    out: list[Emotions | None] = [None if i in by_models else _emotions_by_mass(ev.emotion_mass(gated_by=label))
                                  for i, (ev, label) in enumerate(zip(evidence, sentiment_labels))]
    if modelled:
        rows = features[modelled]
        probabilities = np.column_stack([_column(model.probability_matrix(rows[:, model.columns]), model, label)
                                         for label, model in calibration.emotions.items()])
        for i, emotions in zip(modelled, _emotions_by_models(probabilities, tuple(calibration.emotions),
                                                              calibration.thresholds)):
            out[i] = emotions
    return out


def _emotions_by_models(probabilities: np.ndarray, labels: tuple[str, ...], thresholds: Mapping[str, float]
                        ) -> list[Emotions]:
    """Each row's emotions from its models' probabilities (a column per label): the shares of their
    sum over `EMOTIONS` (0 for an emotion without a model), the most probable label, and the labels
    whose probability passes their threshold, most probable first (ties: by name)."""
    totals = np.cumsum(probabilities, axis=1)[:, -1:]  # added in label order, one after another, as `sum` does
    divided = np.divide(probabilities, totals, out=np.zeros_like(probabilities), where=totals != 0)
    shares = np.zeros((len(probabilities), len(EMOTIONS)))
    with_model = [k for k, emotion in enumerate(EMOTIONS) if emotion in labels]
    shares[:, with_model] = divided[:, [labels.index(EMOTIONS[k]) for k in with_model]]
    by_name = np.broadcast_to([sorted(labels).index(label) for label in labels], probabilities.shape)
    ranked = np.lexsort((by_name, -probabilities), axis=1)  # by falling probability, then by name
    passed = np.take_along_axis(probabilities >= np.array([thresholds[label] for label in labels]), ranked, axis=1)
    return [(row_shares, labels[row[0]], [labels[j] for j, kept in zip(row, row_passed) if kept])
            for row_shares, row, row_passed in zip(shares.tolist(), ranked.tolist(), passed.tolist())]


def _emotions_by_mass(mass: list[float]) -> Emotions:
    total = sum(mass)
    if total <= 0:
        return [0.0] * len(EMOTIONS), None, []
    shares = [m / total for m in mass]
    dominant = EMOTIONS[max(range(len(EMOTIONS)), key=shares.__getitem__)]
    return shares, dominant, [dominant]


def explanation(evidence: PostEvidence, limit: int = EXPLANATION_TERMS) -> list[str]:
    """The terms that moved the score most: each token once, non-zero values only, strongest first."""
    strongest: dict[str, float] = {}
    for hit in evidence.hits:
        if hit.value and abs(hit.value) > abs(strongest.get(hit.token, 0.0)):
            strongest[hit.token] = hit.value
    for entry in evidence.supervised_hits:
        if entry.sentiment and abs(entry.sentiment) > abs(strongest.get(entry.term, 0.0)):
            strongest[entry.term] = entry.sentiment
    ranked = sorted(strongest.items(), key=lambda kv: (-abs(kv[1]), kv[0]))[:limit]
    return [f"{term}:{value:+.3f}" for term, value in ranked]


def _scored(token_lists: Sequence[list[str] | PostText], lexicon: Lexicon, platforms: Sequence[str | None] | None
            ) -> tuple[list[PostEvidence], list[tuple[float, str]], list[Emotions]]:
    """Each post's evidence, (score, sentiment label) and emotions, the posts scored as one
    batch (the posts of each platform with a calibration of its own by that one)."""
    calibration = calibration_of(lexicon)
    evidence = [PostEvidence(tokens, lexicon) for tokens in token_lists]
    features = feature_rows(evidence, calibration) if calibration.has_models else None
    sentiments: list = [None] * len(evidence)
    emotions: list = [None] * len(evidence)
    for by, positions in calibration.by_platform(platforms, len(evidence)):
        group = [evidence[i] for i in positions]
        rows = features if features is None or len(positions) == len(evidence) else features[positions]
        group_sentiments = sentiments_of(group, rows, by)
        group_emotions = emotions_of(group, rows, by, [label for _, label in group_sentiments])
        for i, sentiment, emotion in zip(positions, group_sentiments, group_emotions):
            sentiments[i], emotions[i] = sentiment, emotion
    return evidence, sentiments, emotions


def labels_and_scores(texts: Sequence[list[str] | PostText], lexicon: Lexicon,
                      platforms: Sequence[str | None] | None = None) -> list[tuple[str, str | None, float]]:
    """(sentiment label, dominant emotion, sentiment score) of each post: those fields of
    `score_posts` alone (no explanation), for a caller that scores the same posts many times."""
    if not texts:
        return []
    _, sentiments, emotions = _scored(texts, lexicon, platforms)
    return [(label, dominant, score) for (score, label), (_, dominant, _) in zip(sentiments, emotions)]


#: the post_scores fields scoring gives (`score_columns`' columns, `score_posts`' keys), in that order
SCORE_COLUMNS = ("sentiment_score", "sentiment_label", *EMOTIONS, "dominant_emotion", "emotion_labels", "explanation",
                 "n_terms", "n_lexicon_hits")


def score_columns(token_lists: Sequence[list[str] | PostText], lexicon: Lexicon,
                  platforms: Sequence[str | None] | None = None) -> dict[str, list]:
    """The post_scores fields of each tokenized post (its tokens, or its `PostText`) as columns
    ({field: its value for each post}, `SCORE_COLUMNS` in order), given each post's platform
    (which calibration scores it) or None (the lexicon's general one)."""
    if not token_lists:
        return {name: [] for name in SCORE_COLUMNS}
    evidence, sentiments, emotions = _scored(token_lists, lexicon, platforms)
    scores, labels = zip(*sentiments)
    shares, dominant, expressed = zip(*emotions)
    return {"sentiment_score": list(scores), "sentiment_label": list(labels),
            **dict(zip(EMOTIONS, map(list, zip(*shares)))),
            "dominant_emotion": list(dominant), "emotion_labels": list(expressed),
            "explanation": [explanation(ev) for ev in evidence],
            "n_terms": [len(ev.terms) for ev in evidence],
            "n_lexicon_hits": [len(ev.hits) + len(ev.supervised_hits) for ev in evidence]}


def score_posts(token_lists: Sequence[list[str] | PostText], lexicon: Lexicon,
                platforms: Sequence[str | None] | None = None) -> list[dict]:
    """`score_columns` as a dict per post."""
    columns = score_columns(token_lists, lexicon, platforms)
    return [dict(zip(SCORE_COLUMNS, values)) for values in zip(*(columns[name] for name in SCORE_COLUMNS))]


def score_post(tokens: list[str], lexicon: Lexicon, platform: str | None = None) -> dict:
    """The post_scores fields of one tokenized post (`score_posts` of a batch of one)."""
    return score_posts([tokens], lexicon, None if platform is None else [platform])[0]
