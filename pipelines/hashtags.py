"""Hashtags into words: CamelCase boundaries, digit runs, then dictionary segmentation.

All-lowercase tags (`#savetheplanet`) are split by the most probable sequence of known
words (Viterbi over unigram log-probabilities, as in Norvig's `segment`). The word list
is spaCy's English lexeme probability table from `spacy-lookups-data`, an installed
dependency, so nothing is downloaded; it is loaded once per process (~1 s), on the
first tag that needs it.
"""

from __future__ import annotations

import gzip
import json
import math
import re
from functools import lru_cache
from pathlib import Path

MIN_LOG_PROB = -15.0      # rarer words are mostly names and typos: never used as parts
MAX_WORD_CHARS = 20
MAX_TAG_CHARS = 40        # longer runs are left whole rather than guessed at
MIN_SEGMENT_CHARS = 5     # shorter runs are too ambiguous to split
WORD_PENALTY = 3.0        # added per word: prefer fewer, longer words
# The only words under three letters allowed as parts; others ('th', 'rg') make junk splits.
SHORT_WORDS = frozenset("a i am an as at be by do go he if in is it me my no of on or so to up us we".split())
# Digits stay glued to the letters before them: CO2, COP26, COVID19 are single terms.
_CAMEL_RE = re.compile(r"[A-Z]+\d*(?![a-z])|[A-Z]?[a-z]+\d*|\d+|[^\W\d_]+")


def split_hashtag(tag: str) -> list[str]:
    """`#ClimateChange` -> ['climate', 'change']; `#savetheplanet` -> ['save', 'the', 'planet'].

    A tag that is one known word, or cannot be split into known words, yields itself.
    """
    words: list[str] = []
    for part in _CAMEL_RE.findall(tag.lstrip("#")):
        lower = part.lower()
        # An all-capital part is an acronym (COVID, NASA): never segmented.
        splittable = lower.isalpha() and lower.isascii() and not (part.isupper() and len(part) > 1)
        words.extend(segment(lower) if splittable else [lower])
    return words


def segment(run: str) -> list[str]:
    """The most probable split of a lowercase run into known words, or [run] if none."""
    costs = word_costs()
    if len(run) < MIN_SEGMENT_CHARS or len(run) > MAX_TAG_CHARS or run in costs:
        return [run]
    best = [0.0] + [math.inf] * len(run)
    back = [0] * (len(run) + 1)
    for end in range(1, len(run) + 1):
        for start in range(max(0, end - MAX_WORD_CHARS), end):
            cost = costs.get(run[start:end])
            if cost is not None and best[start] + cost + WORD_PENALTY < best[end]:
                best[end], back[end] = best[start] + cost + WORD_PENALTY, start
    if math.isinf(best[-1]):
        return [run]
    words, end = [], len(run)
    while end:
        words.append(run[back[end]:end])
        end = back[end]
    return words[::-1]


@lru_cache(maxsize=1)
def word_costs() -> dict[str, float]:
    """Lowercase ASCII word -> -log probability, from spaCy's English lexeme table."""
    from spacy_lookups_data import en

    path = Path(en["lexeme_prob"])
    if not path.exists():
        path = path.with_name(path.name + ".gz")
    with gzip.open(path, "rt", encoding="utf-8") if path.suffix == ".gz" else open(path, encoding="utf-8") as f:
        table = json.load(f)
    costs: dict[str, float] = {}
    for word, log_prob in table.items():
        lower = word.lower()
        if log_prob < MIN_LOG_PROB or not (lower.isalpha() and lower.isascii()):
            continue
        if len(lower) < 3 and lower not in SHORT_WORDS:
            continue
        costs[lower] = min(costs.get(lower, math.inf), -log_prob)
    return costs
