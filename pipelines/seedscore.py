"""Seed mode without labels: a base lexicon expanded with corpus terms, then post scores.

Base terms keep their base value (VADER valence / 4, EmoLex membership 1.0). Corpus terms
outside the base get their SO-nPMI association, put on the base's scale by the least-squares
factor that maps association to base value over the terms both know (no labels involved).
"""

from __future__ import annotations

from typing import Mapping, Sequence

from pipelines.text import NEG_SUFFIX, counting_terms

#: VADER's valence range is [-4, 4]; base sentiment is valence / 4.
VADER_SCALE = 4.0
#: Negated terms take this fraction of minus the base term's score (VADER's N_SCALAR).
NEGATION_FACTOR = 0.74


def fit_scale(pairs: Sequence[tuple[float, float]]) -> float:
    """Least-squares factor a minimizing sum (base - a * assoc)^2 over (assoc, base) pairs."""
    den = sum(x * x for x, _ in pairs)
    return sum(x * y for x, y in pairs) / den if den else 0.0


def expand_sentiment(base: Mapping[str, float], association: Mapping[str, float]) -> dict[str, float]:
    """term -> sentiment in about [-1, 1]: base value where known, scaled association elsewhere."""
    scale = fit_scale([(association[t], base[t]) for t in association if t in base])
    expanded = {t: scale * a for t, a in association.items() if t not in base}
    return {**expanded, **base}


def expand_emotions(base: Mapping[str, Sequence[str]], association: Mapping[str, Sequence[float]],
                    emotions: Sequence[str]) -> dict[str, list[float]]:
    """term -> one non-negative weight per emotion: EmoLex membership where known, scaled
    positive association elsewhere (scale fitted per emotion against membership)."""
    scales = []
    for i, e in enumerate(emotions):
        pairs = [(max(v[i], 0.0), 1.0 if e in base[t] else 0.0) for t, v in association.items() if t in base]
        scales.append(fit_scale(pairs))
    out = {t: [scales[i] * max(v[i], 0.0) for i in range(len(emotions))]
           for t, v in association.items() if t not in base}
    out.update({t: [1.0 if e in es else 0.0 for e in emotions] for t, es in base.items()})
    return out


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
                  share: float) -> tuple[str, ...]:
    """Emotions whose summed weight over the post's un-negated terms reaches `share` of the
    strongest emotion's (share=1: only the strongest; ties all kept)."""
    mass = [0.0] * len(emotions)
    for term in counting_terms(tokens):
        for i, w in enumerate(lexicon.get(term, ())):
            mass[i] += w
    top = max(mass, default=0.0)
    if top <= 0:
        return ()
    return tuple(e for e, m in zip(emotions, mass) if m >= share * top)
