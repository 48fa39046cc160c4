"""Which anchors a tokenized post holds: prior classes, distant labels, gold labels, topics.

Anchors are what terms are counted against (only term x anchor pairs, never all pairs):

* ``sentiment:positive`` / ``sentiment:negative`` and ``emotion:<e>``: the post holds a prior
  word of that class (un-negated), plus the same class split in two halves of its words
  (``sentiment:positive#0``, ``#1``, by a hash of the word) so that a prior word's own
  association is measured against the half it is not in (cross-fitting: a word is never
  its own evidence). Only those pairs are counted with a half anchor: (t, class#k) for a
  prior word t with k the half it is not in, for both sentiment classes when t has a
  polarity and for each of its own emotions (what `pipelines.induction.induce` reads); every other
  anchor is paired with every term of the post.
* ``distant:positive`` / ``distant:negative``: an emoji or emoticon of that polarity;
  ``distant:<e>``: an emotion hashtag of the seed file (noisy labels, NRC Hashtag style).
* ``label:<class>``: a gold label (supervised lexicons).
* ``topic:<t>``: a topic keyword (word, hashtag or phrase).
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass
from typing import Iterable, Mapping

from pipelines.config import SeedConfig, built_once
from pipelines.induction.lexicon import emotion_anchor, sentiment_anchor, topic_anchor
from pipelines.induction.priors import emotion_priors, polarity_of, sentiment_priors
from pipelines.text.tokenizer import EMOJI_RE, EMOTICON_RE, base_form

DISTANT_PREFIX = "distant:"
LABEL_PREFIX = "label:"


def half_of(term: str) -> int:
    """Which half of its class a prior word is in (stable across runs and machines)."""
    return zlib.crc32(term.encode()) & 1


def half_anchor(anchor: str, half: int) -> str:
    return f"{anchor}#{half}"


def other_half(anchor: str, term: str) -> str:
    """The half of a class a prior word is measured against: the one it is not in."""
    return half_anchor(anchor, 1 - half_of(term))


def distant_anchor(label: str) -> str:
    return f"{DISTANT_PREFIX}{label}"


def label_anchor(label: str) -> str:
    return f"{LABEL_PREFIX}{label}"


def find_topics(tokens: list[str], seeds: SeedConfig) -> list[str]:
    """Topics whose keyword (a word, a hashtag or a phrase of consecutive words) occurs,
    in the order of the seed file. Negation marks are ignored: 'no plastic' is still about plastic.
    """
    bases = [base_form(t) for t in tokens]
    index = seeds.topic_phrases_by_first_word
    found: set[str] = set()
    for i, first in enumerate(bases):
        for topic, phrase in index.get(first, ()):
            if topic not in found and tuple(bases[i:i + len(phrase)]) == phrase:
                found.add(topic)
    return [topic for topic in seeds.topics if topic in found]


@dataclass(frozen=True)
class PostAnchors:
    """A post's anchors: ``all`` of them (each counted once per post), those ``paired`` with
    every term, and the (term, half anchor) pairs cross-fitting reads (``half_pairs``)."""

    all: set[str]
    paired: set[str]
    half_pairs: list[tuple[str, str]]


class AnchorIndex:
    """term -> the anchors it gives a post, precomputed from the priors and the seed file."""

    def __init__(self, seeds: SeedConfig):
        index: dict[str, set[str]] = {}
        halves: dict[str, set[str]] = {}
        measured_against: dict[str, set[str]] = {}  # a prior word -> the half anchors it is read with
        for term, valence in sentiment_priors(seeds).items():
            polarity = polarity_of(valence)
            if polarity:
                anchor = sentiment_anchor(polarity)
                index.setdefault(term, set()).add(anchor)
                halves.setdefault(term, set()).add(half_anchor(anchor, half_of(term)))
                measured_against.setdefault(term, set()).update(
                    other_half(sentiment_anchor(p), term) for p in ("positive", "negative"))
                if EMOJI_RE.fullmatch(term) or EMOTICON_RE.fullmatch(term):
                    index[term].add(distant_anchor(polarity))
        for term, emotions in emotion_priors(seeds).items():
            for emotion in emotions:
                anchor = emotion_anchor(emotion)
                index.setdefault(term, set()).add(anchor)
                halves.setdefault(term, set()).add(half_anchor(anchor, half_of(term)))
                measured_against.setdefault(term, set()).add(other_half(anchor, term))
        for emotion, tags in seeds.distant.items():
            for tag in tags:
                index.setdefault(tag, set()).add(distant_anchor(emotion))
        self._index: Mapping[str, tuple[frozenset[str], frozenset[str], frozenset[str]]] = {
            t: (frozenset(index.get(t, ())), frozenset(halves.get(t, ())), frozenset(measured_against.get(t, ())))
            for t in index.keys() | halves.keys()}

    def anchors(self, terms: Iterable[str], topics: Iterable[str] = (), labels: Iterable[str] = ()) -> PostAnchors:
        """Anchors of a post with these counting terms (negated terms carry `_NEG` and seed nothing)."""
        paired: set[str] = set()
        halves: set[str] = set()
        priors = []
        for term in terms:
            found = self._index.get(term)
            if found:
                paired |= found[0]
                if found[1]:
                    halves |= found[1]
                    priors.append((term, found[2]))
        paired.update(topic_anchor(t) for t in topics)
        paired.update(label_anchor(label) for label in labels)
        half_pairs = [(term, anchor) for term, against in priors for anchor in against if anchor in halves]
        return PostAnchors(paired | halves, paired, half_pairs)


def anchor_index(seeds: SeedConfig) -> AnchorIndex:
    """The AnchorIndex of a seed configuration, built once per process."""
    return built_once(AnchorIndex, seeds)
