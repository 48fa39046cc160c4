"""Score one post with a frozen lexicon: sentiment, emotion distribution, topics, reasons."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Mapping

from pipelines.config import EMOTIONS
from pipelines.lexicon import LexiconEntry
from pipelines.text import NEG_SUFFIX, is_content_term

LABELS = ("negative", "neutral", "positive")


@dataclass(frozen=True)
class ScoringOptions:
    """``neutral_band``: |score| <= tau is neutral. ``flip_negated``: a negated term
    missing from the lexicon takes minus its base term's sentiment."""

    neutral_band: float = 0.05
    flip_negated: bool = True
    explanation_terms: int = 3

    def __post_init__(self) -> None:
        if self.neutral_band < 0:
            raise ValueError(f"neutral_band must be >= 0, got {self.neutral_band}")


def sentiment_label(score: float, neutral_band: float) -> str:
    """'positive' above the band, 'negative' below it, 'neutral' inside it."""
    if score > neutral_band:
        return "positive"
    if score < -neutral_band:
        return "negative"
    return "neutral"


def score_post(tokens: list[str], lexicon: Mapping[str, LexiconEntry], options: ScoringOptions) -> dict:
    """Sentiment = mean lexicon sentiment of the post's content terms found in the lexicon;
    emotion shares = each emotion's positive association summed over those terms, normalized."""
    hits: list[tuple[str, float]] = []
    emotion_mass = [0.0] * len(EMOTIONS)
    n_terms = 0
    for token in tokens:
        if not is_content_term(token):
            continue
        n_terms += 1
        entry = lexicon.get(token)
        if entry is not None:
            hits.append((token, entry.sentiment))
            emotion_mass = [m + v for m, v in zip(emotion_mass, entry.emotion_evidence)]
        elif options.flip_negated and token.endswith(NEG_SUFFIX):
            base = lexicon.get(token[: -len(NEG_SUFFIX)])
            if base is not None:
                hits.append((token, -base.sentiment))
    score = sum(v for _, v in hits) / len(hits) if hits else 0.0
    total_mass = sum(emotion_mass)
    shares = [m / total_mass for m in emotion_mass] if total_mass > 0 else [0.0] * len(EMOTIONS)
    dominant = EMOTIONS[max(range(len(EMOTIONS)), key=shares.__getitem__)] if total_mass > 0 else None
    strongest = sorted(hits, key=lambda h: (-abs(h[1]), h[0]))[: options.explanation_terms]
    return {
        "sentiment_score": score,
        "sentiment_label": sentiment_label(score, options.neutral_band),
        **dict(zip(EMOTIONS, shares)),
        "dominant_emotion": dominant,
        "explanation": [f"{term}:{value:+.3f}" for term, value in strongest],
        "n_terms": n_terms,
        "n_lexicon_hits": len(hits),
    }
