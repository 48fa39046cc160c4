"""Features of a post's lexicon evidence and the small linear model that turns them into a label.

The features are the same whoever scores (`mipulse run`, `evaluate`, the calibration of the
default lexicon). Models are fitted with scikit-learn (`fit_sentiment_model`,
`fit_label_models`) and stored as plain numbers in the lexicon's calibration, so scoring
needs only numpy and a lexicon file carries everything it is scored with.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from functools import cached_property
from typing import Mapping, Sequence

import numpy as np

from pipelines.config import EMOTIONS
from pipelines.induction.characters import CHARACTER_FEATURES

SURFACE_FEATURES = ("exclamations", "questions", "negated", "log_terms", "links", "mentions")
GENERAL_FEATURES = ("compound", "positive_sum", "negative_sum", "positive_hits", "negative_hits",
                    "max_positive", "min_negative")
_STATS = ("sum", "max", "min", "mean", "leaning")


def supervised_feature_names(dims: Sequence[str]) -> tuple[str, ...]:
    return tuple(f"supervised_{d}_{s}" for d in dims for s in _STATS) + ("supervised_hits",)


def emotion_feature_names() -> tuple[str, ...]:
    return tuple(f"general_{e}" for e in EMOTIONS)


#: the supervised layer's values summarized per post (each by `value_stats`)
SUPERVISED_DIMS = ("sentiment", "neutral", *EMOTIONS)
#: a post's word evidence: `score.PostEvidence.general_vector`, then its supervised hits' `supervised_features`
WORD_FEATURES = GENERAL_FEATURES + SURFACE_FEATURES + emotion_feature_names() + supervised_feature_names(SUPERVISED_DIMS)
#: every feature a model may use, in the order of a post's feature row (`score.feature_rows`)
FEATURES = WORD_FEATURES + CHARACTER_FEATURES
FEATURE_INDEX = {name: i for i, name in enumerate(FEATURES)}


def value_stats(values: Sequence[float]) -> list[float]:
    """sum, max, min, mean and the count of positive values (zeros when there are none)."""
    if not values:
        return [0.0] * len(_STATS)
    return [sum(values), max(values), min(values), sum(values) / len(values), float(sum(1 for v in values if v > 0))]


def supervised_features(entries: Sequence) -> list[float]:
    """`value_stats` of each of SUPERVISED_DIMS over a post's supervised entries, then their count."""
    if not entries:
        return [0.0] * (len(SUPERVISED_DIMS) * len(_STATS) + 1)
    dims = [[e.sentiment for e in entries], [e.neutral for e in entries], *zip(*(e.emotions for e in entries))]
    return [value for dim in dims for value in value_stats(dim)] + [float(len(entries))]


@dataclass(frozen=True)
class LinearModel:
    """A fitted (multinomial or binary) logistic regression on standardized features."""

    features: tuple[str, ...]
    classes: tuple[str, ...]
    mean: tuple[float, ...]
    scale: tuple[float, ...]
    coef: tuple[tuple[float, ...], ...]
    intercept: tuple[float, ...]

    def probabilities(self, x: Sequence[float]) -> dict[str, float]:
        """The class probabilities of one feature vector (in `features` order)."""
        return dict(zip(self.classes, self.probability_matrix(np.asarray([x], dtype=float))[0].tolist()))

    def probability_matrix(self, x: np.ndarray) -> np.ndarray:
        """Rows of features (in `features` order) -> rows of class probabilities (in `classes` order).

        Each logit is the running sum of its products in feature order (a cumulative sum; a
        BLAS product or `sum` may round differently for one row and many), so a post's
        probabilities do not depend on the batch it is scored in.
        """
        products = ((x - self._mean) / self._scale)[:, None, :] * self._coef  # (rows, classes, features)
        logits = (np.cumsum(products, axis=2)[:, :, -1] if products.shape[2] else 0.0) + self._intercept
        if len(self.classes) == 2 and logits.shape[1] == 1:  # binary: one logit for classes[1]
            with np.errstate(over="ignore"):  # exp overflows to inf: p = 0, as it should
                p = 1.0 / (1.0 + np.exp(-logits[:, 0]))
            return np.column_stack([1.0 - p, p])
        shifted = np.exp(logits - logits.max(axis=1, keepdims=True))
        return shifted / shifted.sum(axis=1, keepdims=True)

    @cached_property
    def columns(self) -> np.ndarray:
        """Where this model's features are in a `FEATURES` vector."""
        unknown = [name for name in self.features if name not in FEATURE_INDEX]
        if unknown:
            raise ValueError(f"a calibration model names unknown features: {', '.join(unknown)}")
        return np.array([FEATURE_INDEX[name] for name in self.features], dtype=np.intp)

    @cached_property
    def _mean(self) -> np.ndarray:
        return np.asarray(self.mean, dtype=float)

    @cached_property
    def _scale(self) -> np.ndarray:
        return np.asarray(self.scale, dtype=float)

    @cached_property
    def _coef(self) -> np.ndarray:
        return np.asarray(self.coef, dtype=float).reshape(len(self.intercept), len(self.features))

    @cached_property
    def _intercept(self) -> np.ndarray:
        return np.asarray(self.intercept, dtype=float)

    def as_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: Mapping) -> "LinearModel":
        return cls(tuple(data["features"]), tuple(data["classes"]), tuple(data["mean"]), tuple(data["scale"]),
                   tuple(tuple(row) for row in data["coef"]), tuple(data["intercept"]))


def fit_linear_model(x: Sequence[Sequence[float]], y: Sequence[str], features: Sequence[str],
                     class_weight: Mapping[str, float] | str | None = None, c: float = 1.0) -> LinearModel:
    """scikit-learn's LogisticRegression on standardized features (constant features kept at scale 1),
    BLAS on one thread (tens of features: threads only contend for the cores)."""
    from sklearn.linear_model import LogisticRegression
    from sklearn.preprocessing import StandardScaler
    from threadpoolctl import threadpool_limits

    data = np.asarray(x, dtype=float)
    if data.ndim != 2 or len(data) != len(y) or len(set(y)) < 2:
        raise ValueError("a model needs a feature matrix with one label per row and at least two classes")
    scaler = StandardScaler().fit(data)
    scale = np.where(scaler.scale_ > 1e-9, scaler.scale_, 1.0)
    model = LogisticRegression(max_iter=5000, C=c, class_weight=class_weight)
    with threadpool_limits(limits=1, user_api="blas"):
        model.fit((data - scaler.mean_) / scale, list(y))
    return LinearModel(tuple(features), tuple(str(k) for k in model.classes_), tuple(scaler.mean_.tolist()),
                       tuple(scale.tolist()), tuple(tuple(row) for row in model.coef_.tolist()),
                       tuple(model.intercept_.tolist()))


def best_threshold(probabilities: Sequence[float], positives: Sequence[bool]) -> float:
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
