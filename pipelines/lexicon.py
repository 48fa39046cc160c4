"""Seed-induced PMI lexicons: SO-nPMI sentiment and Plutchik emotion associations.

Anchors are what terms are counted against: single seed words (``good``) and seed
classes (``sentiment:positive``, ``emotion:fear``, ``topic:plastic``; a post holds a
class when it holds any of its words). The pure functions here turn one term's
counts into one lexicon entry; Beam only distributes them.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass
from functools import cached_property
from statistics import fmean
from typing import Iterable, Mapping

from pipelines.config import EMOTIONS, POLARITIES, SeedConfig
from pipelines.pmi import NO_SMOOTHING, Smoothing, npmi

SEED_AGGREGATIONS = ("mean", "set")


def sentiment_anchor(polarity: str) -> str:
    return f"sentiment:{polarity}"


def emotion_anchor(emotion: str) -> str:
    return f"emotion:{emotion}"


def topic_anchor(topic: str) -> str:
    return f"topic:{topic}"


@dataclass(frozen=True)
class LexiconOptions:
    """How counts become a lexicon. ``aggregation``: 'mean' nPMI over single seed words
    (Turney's SO-PMI with nPMI) or nPMI with the seed 'set' as one class."""

    aggregation: str = "mean"
    min_df: int = 3
    smoothing: Smoothing = NO_SMOOTHING

    def __post_init__(self) -> None:
        if self.aggregation not in SEED_AGGREGATIONS:
            raise ValueError(f"aggregation must be one of {SEED_AGGREGATIONS}, got {self.aggregation!r}")
        if self.min_df < 1:
            raise ValueError(f"min_df must be >= 1, got {self.min_df}")

    def fingerprint(self) -> str:
        return json.dumps(
            {"aggregation": self.aggregation, "min_df": self.min_df, **asdict(self.smoothing)},
            sort_keys=True,
        )


@dataclass(frozen=True)
class LexiconEntry:
    """One term's scores: sentiment in [-2, 2] (positive > 0) and one score per emotion."""

    term: str
    df: int
    sentiment: float
    emotions: tuple[float, ...]  # in EMOTIONS order

    def as_row(self) -> dict:
        return {"term": self.term, "df": self.df, "sentiment": self.sentiment,
                **dict(zip(EMOTIONS, self.emotions))}

    @cached_property
    def emotion_evidence(self) -> tuple[float, ...]:
        """The positive part of each emotion score: what a post's emotion shares add up."""
        return tuple(v if v > 0 else 0.0 for v in self.emotions)


def seed_association(
    term_df: int,
    pair_df: Mapping[str, int],
    anchor_df: Mapping[str, int],
    n: int,
    seeds: Iterable[str],
    class_anchor: str,
    options: LexiconOptions,
) -> float | None:
    """nPMI of a term with a seed class: mean over present seeds, or with the class as a whole.

    Returns None when no seed of the class occurs in the corpus (no evidence either way).
    """
    if options.aggregation == "set":
        if not anchor_df.get(class_anchor):
            return None
        return npmi(pair_df.get(class_anchor, 0), term_df, anchor_df[class_anchor], n, options.smoothing)
    values = [
        npmi(pair_df.get(seed, 0), term_df, anchor_df[seed], n, options.smoothing)
        for seed in seeds
        if anchor_df.get(seed)
    ]
    return fmean(values) if values else None


def lexicon_entry(
    term: str,
    term_df: int,
    pair_df: Mapping[str, int],
    anchor_df: Mapping[str, int],
    n: int,
    seeds: SeedConfig,
    options: LexiconOptions,
) -> LexiconEntry | None:
    """One term's lexicon entry, or None below min_df.

    sentiment = assoc(positive seeds) - assoc(negative seeds) (SO-PMI, Turney 2002, with nPMI);
    emotion e = assoc(seeds of e) - mean assoc(seeds of the other emotions), so a positive
    value means the term leans to e more than to the average other emotion.
    """
    if term_df < options.min_df:
        return None

    def assoc(words: Iterable[str], anchor: str) -> float | None:
        return seed_association(term_df, pair_df, anchor_df, n, words, anchor, options)

    pos, neg = (assoc(seeds.sentiment[p], sentiment_anchor(p)) for p in POLARITIES)
    sentiment = (pos - neg) if pos is not None and neg is not None else 0.0
    raw = [assoc(seeds.emotions[e], emotion_anchor(e)) for e in EMOTIONS]
    emotions = []
    for i, value in enumerate(raw):
        others = [v for j, v in enumerate(raw) if j != i and v is not None]
        emotions.append(value - fmean(others) if value is not None and others else 0.0)
    return LexiconEntry(term, term_df, sentiment, tuple(emotions))


def lexicon_version(seeds: SeedConfig, options: LexiconOptions, totals: Iterable[tuple[str, str, int]]) -> str:
    """Content version: seed set, options and the (month, platform, posts) window counted."""
    window = json.dumps(sorted(totals))
    digest = hashlib.sha256(f"{seeds.fingerprint}|{options.fingerprint()}|{window}".encode()).hexdigest()
    return f"lex-{seeds.fingerprint[:6]}-{digest[:10]}"
