"""The tools to beat, as people use them: VADER's label and EmoLex's emotions of a text.

Both are read from the installed packages at run time (never copied into mipulse):
``vaderSentiment`` and the NRC Emotion Lexicon as bundled by ``nrclex`` (its tokens'
emotions via ``load_token_list``, offline). The lexicon priors are `pipelines.induction.priors`.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Sequence

#: VADER's own thresholds on the compound score (Hutto & Gilbert 2014).
VADER_THRESHOLD = 0.05
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


def emolex_counts(text: str) -> dict[str, int]:
    """EmoLex (through nrclex's load_token_list): emotion -> how many of the text's words carry it."""
    from nrclex import NRCLex

    analyzer = NRCLex()
    analyzer.__lexicon__ = _nrclex_lexicon()  # reuse the parsed bundle
    analyzer.load_token_list(_EMOLEX_WORD.findall(text.lower()))
    return dict(analyzer.raw_emotion_scores)


def emolex_emotions(text: str, emotions: Sequence[str]) -> tuple[str, ...]:
    """The any-term EmoLex baseline: every emotion of any EmoLex word in the text."""
    found = set(emolex_counts(text))
    return tuple(e for e in emotions if e in found)
