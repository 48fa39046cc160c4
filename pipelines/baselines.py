"""The tools to beat, and the base lexicons seed mode may start from.

Both are read from the installed packages at run time (never copied into mipulse):
VADER's valence lexicon (``vaderSentiment``) and the NRC Emotion Lexicon, EmoLex, as
bundled by ``nrclex`` (its tokens' emotions via ``load_token_list``, offline).
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Sequence

#: VADER's own thresholds on the compound score (Hutto & Gilbert 2014).
VADER_THRESHOLD = 0.05
#: |valence| a VADER word needs to seed a polarity class in seed mode (VADER's range is ±4).
VADER_SEED_VALENCE = 1.0
_EMOLEX_WORD = re.compile(r"[a-z]+(?:'[a-z]+)?")


@lru_cache(maxsize=1)
def _vader():
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

    return SentimentIntensityAnalyzer()


@lru_cache(maxsize=1)
def _nrclex_lexicon() -> dict[str, tuple[str, ...]]:
    from nrclex import NRCLex

    return {w: tuple(e) for w, e in NRCLex().__lexicon__.items()}


def vader_label(text: str, threshold: float = VADER_THRESHOLD) -> str:
    """VADER's label: compound >= threshold positive, <= -threshold negative, else neutral."""
    compound = _vader().polarity_scores(text)["compound"]
    if compound >= threshold:
        return "positive"
    if compound <= -threshold:
        return "negative"
    return "neutral"


def vader_valences() -> dict[str, float]:
    """VADER's lexicon: lower-case term -> mean valence in [-4, 4]."""
    return dict(_vader().lexicon)


def vader_seed_sets(min_valence: float = VADER_SEED_VALENCE) -> dict[str, tuple[str, ...]]:
    """Positive and negative seed words: VADER words with |valence| >= min_valence."""
    valences = vader_valences()
    return {"positive": tuple(sorted(w for w, v in valences.items() if v >= min_valence)),
            "negative": tuple(sorted(w for w, v in valences.items() if v <= -min_valence))}


def emolex_words() -> dict[str, tuple[str, ...]]:
    """EmoLex: word -> its emotions (Plutchik's eight plus positive/negative)."""
    return dict(_nrclex_lexicon())


def emolex_seed_sets(emotions: Sequence[str]) -> dict[str, tuple[str, ...]]:
    """Emotion -> EmoLex words associated with it."""
    lexicon = _nrclex_lexicon()
    return {e: tuple(sorted(w for w, es in lexicon.items() if e in es)) for e in emotions}


def emolex_emotions(text: str, emotions: Sequence[str]) -> tuple[str, ...]:
    """The any-term EmoLex baseline: every emotion of any EmoLex word in the text."""
    from nrclex import NRCLex

    analyzer = NRCLex()
    analyzer.__lexicon__ = _nrclex_lexicon()  # reuse the parsed bundle
    analyzer.load_token_list(_EMOLEX_WORD.findall(text.lower()))
    found = set(analyzer.raw_emotion_scores)
    return tuple(e for e in emotions if e in found)
