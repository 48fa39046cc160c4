"""A small calibrated combiner over lexicon features (supervised mode).

Features of a post, per class lexicon: sum, max, min and mean of its terms' scores and the
count of terms leaning to the class; plus counts of hits, negated tokens, emoji, '!' and '?'
tokens, all-caps words and links; plus features from an optional base lexicon (VADER's
valences: mean, sum, positive and negative hits; EmoLex: hits per emotion). A
logistic regression (softmax for one label per post, one-vs-rest for multi-label) turns
them into probabilities; the neutral band or per-label thresholds are then picked on the
same calibration posts. Fitted on a calibration split carved from the training data, never
on the test file.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Callable, Mapping, Sequence

import numpy as np

from pipelines.labelled import bigrams
from pipelines.seedscore import seed_sentiment_score
from pipelines.text import NEG_SUFFIX, URL, counting_terms

Lexicon = Mapping[str, Mapping[str, float]]  # term -> {class: score}
_PER_CLASS = ("sum", "max", "min", "mean", "leaning")
_SURFACE = ("hits", "negated", "emoji", "log_terms", "exclamations", "questions", "all_caps", "links")


@dataclass(frozen=True)
class BaseLexicon:
    """A fixed lexicon whose hits add features: ``valences`` (term -> polarity, VADER / 4)
    or ``emotions`` (term -> emotions it is listed with, EmoLex)."""

    valences: Mapping[str, float] | None = None
    emotions: Mapping[str, tuple[str, ...]] | None = None


NO_BASE = BaseLexicon()


def feature_names(classes: Sequence[str], base: BaseLexicon = NO_BASE) -> list[str]:
    names = [f"{c}_{f}" for c in classes for f in _PER_CLASS] + list(_SURFACE)
    if base.valences is not None:
        names += ["base_mean", "base_sum", "base_positive", "base_negative"]
    if base.emotions is not None:
        names += [f"base_{c}" for c in classes]
    return names


def post_features(tokens: list[str], text: str, lexicon: Lexicon, classes: Sequence[str],
                  base: BaseLexicon = NO_BASE) -> list[float]:
    """The feature vector of one tokenized post (see feature_names)."""
    terms = counting_terms(tokens)
    hits = [lexicon[t] for t in (*terms, *set(bigrams(tokens))) if t in lexicon]
    out: list[float] = []
    for c in classes:
        values = [h[c] for h in hits]
        if values:
            out += [sum(values), max(values), min(values), sum(values) / len(values),
                    sum(1 for v in values if v > 0)]
        else:
            out += [0.0] * len(_PER_CLASS)
    negated = sum(1 for t in tokens if t.endswith(NEG_SUFFIX))
    emoji = sum(1 for t in terms if not t.isascii() and not any(ch.isalpha() for ch in t))
    out += [len(hits), negated, emoji, math.log1p(len(terms)),
            sum(1 for t in tokens if "!" in t), sum(1 for t in tokens if "?" in t),
            sum(1 for w in text.split() if len(w) > 1 and w.isupper()), tokens.count(URL)]
    if base.valences is not None:
        mean, base_hits = seed_sentiment_score(tokens, base.valences)
        values = [v for _, v in base_hits]
        out += [mean, sum(values), sum(1 for v in values if v > 0), sum(1 for v in values if v < 0)]
    if base.emotions is not None:
        listed = [base.emotions[t] for t in terms if t in base.emotions]
        out += [sum(1 for es in listed if c in es) for c in classes]
    return out


@dataclass
class LogisticCombiner:
    """Softmax regression on standardized features, L2-regularized, full-batch gradient descent.

    ``class_weight_power``: 0 plain, 1 balanced (weights n / n_c), in between a mix.
    """

    l2: float = 1e-3
    iterations: int = 600
    learning_rate: float = 0.5
    class_weight_power: float = 0.5
    mean_: np.ndarray | None = None
    scale_: np.ndarray | None = None
    weights_: np.ndarray | None = None

    def fit(self, x: Sequence[Sequence[float]], y: Sequence[int], n_classes: int) -> "LogisticCombiner":
        data = np.asarray(x, dtype=float)
        target = np.asarray(y, dtype=int)
        if data.ndim != 2 or len(data) != len(target) or len(data) == 0:
            raise ValueError("features must be a non-empty matrix with one label per row")
        self.mean_ = data.mean(axis=0)
        self.scale_ = data.std(axis=0)
        self.scale_[self.scale_ == 0] = 1.0
        z = self._design(data)
        onehot = np.eye(n_classes)[target]
        counts = np.maximum(onehot.sum(axis=0), 1)
        row_weight = ((len(target) / (n_classes * counts)) ** self.class_weight_power)[target]
        row_weight /= row_weight.sum()
        w = np.zeros((z.shape[1], n_classes))
        for _ in range(self.iterations):
            grad = z.T @ ((_softmax(z @ w) - onehot) * row_weight[:, None]) + self.l2 * w
            w -= self.learning_rate * grad
        self.weights_ = w
        return self

    def predict_proba(self, x: Sequence[Sequence[float]]) -> np.ndarray:
        if self.weights_ is None:
            raise ValueError("combiner is not fitted")
        return _softmax(self._design(np.asarray(x, dtype=float)) @ self.weights_)

    def _design(self, data: np.ndarray) -> np.ndarray:
        return np.hstack([(data - self.mean_) / self.scale_, np.ones((len(data), 1))])

    def as_dict(self) -> dict:
        return {"mean": self.mean_.tolist(), "scale": self.scale_.tolist(), "weights": self.weights_.tolist()}


def _softmax(logits: np.ndarray) -> np.ndarray:
    shifted = np.exp(logits - logits.max(axis=1, keepdims=True))
    return shifted / shifted.sum(axis=1, keepdims=True)


def band_label(score: float, band: float) -> str:
    """'positive' above the band, 'negative' below minus the band, else 'neutral'."""
    return "positive" if score > band else "negative" if score < -band else "neutral"


def pick_band(scores: Sequence[float], gold: Sequence[str], objective: Callable[[list[str], list[str]], float],
              candidates: Sequence[float]) -> float:
    """The neutral band from `candidates` that maximizes objective(gold, predicted); the
    smallest band wins ties."""
    best, best_value = candidates[0], -math.inf
    for band in sorted(candidates):
        value = objective(list(gold), [band_label(s, band) for s in scores])
        if value > best_value:
            best, best_value = band, value
    return best


def pick_threshold(probabilities: Sequence[float], positives: Sequence[bool]) -> float:
    """The probability cut (predict the label when p >= cut) with the best F1 for one label."""
    pairs = sorted(zip(probabilities, positives), reverse=True)
    total_pos = sum(positives)
    best_cut, best_f1, tp = 1.0 + 1e-9, 0.0, 0
    for i, (p, is_pos) in enumerate(pairs, 1):
        tp += is_pos
        if i < len(pairs) and pairs[i][0] == p:
            continue  # cut between distinct probabilities only
        f1 = 2 * tp / (i + total_pos) if i + total_pos else 0.0
        if f1 > best_f1:
            best_cut, best_f1 = p, f1
    return best_cut
