"""Fit a lexicon's calibration: the linear model from lexicon features to labels.

The class weighting is chosen by 5-fold cross-validation on the calibration posts
themselves (the mean of accuracy and macro-F1, or macro-recall for a supervised build), never
on a test file. Emotion models are
one binary model per class, each with the F1-best probability threshold from out-of-fold
predictions. The folds are the caller's (a supervised build passes its cross-fitting folds, a
hash of each post's text, so the same posts in another order give the same calibration), or
the posts' positions mod 5.
"""

from __future__ import annotations

from typing import Sequence

from pipelines.scoring.combiner import (
    GENERAL_FEATURES, SURFACE_FEATURES, best_threshold, emotion_feature_names, fit_linear_model,
    supervised_feature_names,
)
from pipelines.config import EMOTIONS
from pipelines.induction.characters import EMOTION_CHARACTER_FEATURES, SENTIMENT_CHARACTER_FEATURES

FOLDS = 5
CLASS_WEIGHTS = ("none", "balanced", "sqrt-balanced")


def _feature_names(supervised_dims: Sequence[str], character_features: tuple[str, ...], supervised: bool,
                   characters: bool) -> tuple[str, ...]:
    """The word features every calibration reads, then a task's supervised and character ones if asked."""
    names = GENERAL_FEATURES + SURFACE_FEATURES + emotion_feature_names()
    names += supervised_feature_names(supervised_dims) if supervised else ()
    return names + character_features if characters else names


def sentiment_feature_names(supervised: bool, characters: bool = False) -> tuple[str, ...]:
    return _feature_names(("sentiment", "neutral"), SENTIMENT_CHARACTER_FEATURES, supervised, characters)


def emotion_feature_names_for(supervised: bool, characters: bool = False) -> tuple[str, ...]:
    return _feature_names(EMOTIONS, EMOTION_CHARACTER_FEATURES, supervised, characters)


def class_weights(kind: str, labels: Sequence[str]) -> dict[str, float] | None:
    """None, 'balanced' (n / (k n_c)) or its square root (between plain and balanced)."""
    if kind == "none":
        return None
    counts = {c: labels.count(c) for c in set(labels)}
    power = 1.0 if kind == "balanced" else 0.5
    return {c: (len(labels) / (len(counts) * n)) ** power for c, n in counts.items()}


def _folds(n: int, folds: Sequence[int] | None) -> list[int]:
    if folds is None:
        return [i % FOLDS for i in range(n)]
    if len(folds) != n or not set(folds) <= set(range(FOLDS)):
        raise ValueError(f"calibration folds must give each of the {n} posts one of 0..{FOLDS - 1}")
    return list(folds)


#: what the class weighting is chosen by, with accuracy: macro-F1 (the default lexicon's target
#: measures), or macro-recall (SemEval 2017 task 4's own measure, a supervised build's)
MEASURES = ("macro_f1", "macro_recall")


def _score(gold: Sequence[str], predicted: Sequence[str], measure: str) -> float:
    from sklearn.metrics import accuracy_score, f1_score, recall_score

    macro = (f1_score if measure == "macro_f1" else recall_score)(gold, predicted, average="macro")
    return (accuracy_score(gold, predicted) + macro) / 2


def fit_sentiment_calibration(x: list[list[float]], y: list[str], features: Sequence[str],
                              folds: Sequence[int] | None = None, measure: str = "macro_f1") -> dict:
    """{'model': ..., 'class_weight': kind, 'cv_score': ..., 'chosen_by': ...}: the class
    weighting with the best cross-validated (accuracy + ``measure``) / 2, refitted on all
    calibration posts."""
    if measure not in MEASURES:
        raise ValueError(f"measure must be one of {MEASURES}, got {measure!r}")
    folds = _folds(len(y), folds)
    best = None
    for kind in CLASS_WEIGHTS:
        predicted = [""] * len(y)
        for f in range(FOLDS):
            train = [i for i in range(len(y)) if folds[i] != f]
            labels = [y[i] for i in train]
            model = fit_linear_model([x[i] for i in train], labels, features, class_weights(kind, labels))
            for i in range(len(y)):
                if folds[i] == f:
                    p = model.probabilities(x[i])
                    predicted[i] = max(p, key=p.get)
        score = _score(y, predicted, measure)
        if best is None or score > best[1]:
            best = (kind, score)
    model = fit_linear_model(x, y, features, class_weights(best[0], y))
    chosen_by = {} if measure == "macro_f1" else {"chosen_by": f"(accuracy + {measure}) / 2"}
    return {"model": model.as_dict(), "class_weight": best[0], "cv_score": round(best[1], 4), **chosen_by}


def fit_emotion_calibration(x: list[list[float]], y: list[tuple[str, ...]], classes: Sequence[str],
                            features: Sequence[str], folds: Sequence[int] | None = None) -> dict:
    """One binary model per class with gold support; thresholds from out-of-fold probabilities."""
    folds = _folds(len(y), folds)
    models, thresholds = {}, {}
    for label in classes:
        target = ["yes" if label in labels else "no" for labels in y]
        if len(set(target)) < 2:
            continue  # no gold support: no model, never predicted
        out_of_fold = [0.0] * len(y)
        for f in range(FOLDS):
            train = [i for i in range(len(y)) if folds[i] != f]
            model = fit_linear_model([x[i] for i in train], [target[i] for i in train], features)
            for i in range(len(y)):
                if folds[i] == f:
                    out_of_fold[i] = model.probabilities(x[i])["yes"]
        thresholds[label] = best_threshold(out_of_fold, [t == "yes" for t in target])
        model = fit_linear_model(x, target, features)
        models[label] = {**model.as_dict(), "classes": ["no", label]}
    return {"models": models, "thresholds": thresholds}
