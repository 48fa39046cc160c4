"""Seed mode without labels: a base lexicon expanded with corpus terms, then post scores.

Base terms keep their base value (VADER valence / 4, EmoLex membership 1.0). Corpus terms
outside the base get their SO-nPMI association, put on the base's scale by the least-squares
factor that maps association to base value over the terms both know (no labels involved).
"""

from __future__ import annotations

import math
from typing import Mapping, Sequence

from pipelines.text import NEG_SUFFIX, counting_terms

#: VADER's valence range is [-4, 4]; base sentiment is valence / 4.
VADER_SCALE = 4.0
NEGATIVE_EMOTIONS = frozenset({"anger", "disgust", "fear", "sadness"})
POSITIVE_EMOTIONS = frozenset({"joy", "trust"})
#: Expansion keeps corpus terms seen in this many posts ...
EXPANSION_MIN_DF = 20
#: ... whose scaled score reaches VADER's seed strength (valence 1 of 4) / half a membership.
EXPANSION_MIN_SENTIMENT = 0.25
EXPANSION_MIN_EMOTION = 0.5
#: Seed-mode sentiment: sum of hits s normalized as s / sqrt(s^2 + alpha), VADER's compound form.
NORMALIZATION_ALPHA = 1.0
#: Negated terms take this fraction of minus the base term's score (VADER's N_SCALAR).
NEGATION_FACTOR = 0.74


def fit_scale(pairs: Sequence[tuple[float, float]]) -> float:
    """Least-squares factor a minimizing sum (base - a * assoc)^2 over (assoc, base) pairs."""
    den = sum(x * x for x, _ in pairs)
    return sum(x * y for x, y in pairs) / den if den else 0.0


def expand_sentiment(base: Mapping[str, float], association: Mapping[str, float],
                     df: Mapping[str, int] | None = None, min_df: int = EXPANSION_MIN_DF,
                     min_strength: float = EXPANSION_MIN_SENTIMENT) -> dict[str, float]:
    """term -> sentiment in about [-1, 1]: base value where known; elsewhere the scaled
    association of confident corpus terms (df >= min_df, |value| >= min_strength)."""
    scale = fit_scale([(association[t], base[t]) for t in association if t in base])
    expanded = {t: scale * a for t, a in association.items()
                if t not in base and (df is None or df.get(t, 0) >= min_df) and abs(scale * a) >= min_strength}
    return {**expanded, **base}


def expand_emotions(base: Mapping[str, Sequence[str]], association: Mapping[str, Sequence[float]],
                    emotions: Sequence[str], df: Mapping[str, int] | None = None,
                    min_df: int = EXPANSION_MIN_DF, min_weight: float = EXPANSION_MIN_EMOTION,
                    ) -> dict[str, list[float]]:
    """term -> one non-negative weight per emotion: EmoLex membership where known; elsewhere
    the scaled positive association (scale fitted per emotion against membership) of
    confident corpus terms (df >= min_df, some weight >= min_weight)."""
    scales = []
    for i, e in enumerate(emotions):
        pairs = [(max(v[i], 0.0), 1.0 if e in base[t] else 0.0) for t, v in association.items() if t in base]
        scales.append(fit_scale(pairs))
    out = {}
    for t, v in association.items():
        weights = [scales[i] * max(v[i], 0.0) for i in range(len(emotions))]
        if t not in base and (df is None or df.get(t, 0) >= min_df) and max(weights) >= min_weight:
            out[t] = weights
    out.update({t: [1.0 if e in es else 0.0 for e in emotions] for t, es in base.items()})
    return out


def normalized_sum(values: Sequence[float], alpha: float = NORMALIZATION_ALPHA) -> float:
    """s / sqrt(s^2 + alpha) of the sum s: in (-1, 1), the form of VADER's compound score."""
    total = sum(values)
    return total / math.sqrt(total * total + alpha)


def seed_sentiment_score(tokens: list[str], lexicon: Mapping[str, float]) -> tuple[float, list[tuple[str, float]]]:
    """Mean sentiment of the post's lexicon terms (negated terms flipped), and the hits."""
    hits = []
    for term in counting_terms(tokens):
        if term in lexicon:
            hits.append((term, lexicon[term]))
        elif term.endswith(NEG_SUFFIX) and term[: -len(NEG_SUFFIX)] in lexicon:
            hits.append((term, -NEGATION_FACTOR * lexicon[term[: -len(NEG_SUFFIX)]]))
    score = sum(v for _, v in hits) / len(hits) if hits else 0.0
    return score, hits


def seed_emotions(tokens: list[str], lexicon: Mapping[str, Sequence[float]], emotions: Sequence[str],
                  valences: Mapping[str, float]) -> tuple[str, ...]:
    """A post's emotions from emotion weights gated by polarity (VADER-style valences).

    Negative emotions: those whose words occur, when the post holds negative words. Joy: when
    positive words outweigh negative ones (joy is the one positive emotion of Ekman's six);
    trust alongside it when its words occur. Polarity-free emotions (surprise, anticipation):
    whenever their words occur.
    """
    mass = dict.fromkeys(emotions, 0.0)
    for term in counting_terms(tokens):
        for e, w in zip(emotions, lexicon.get(term, ())):
            mass[e] += w
    _, hits = seed_sentiment_score(tokens, valences)
    positive = sum(v for _, v in hits if v > 0)
    negative = -sum(v for _, v in hits if v < 0)
    found = set()
    if negative > 0:
        found |= {e for e in emotions if e in NEGATIVE_EMOTIONS and mass[e] > 0}
    if positive > negative:
        found |= {e for e in emotions if e == "joy" or (e in POSITIVE_EMOTIONS and mass[e] > 0)}
    found |= {e for e in emotions if e not in NEGATIVE_EMOTIONS | POSITIVE_EMOTIONS and mass[e] > 0}
    return tuple(e for e in emotions if e in found)
