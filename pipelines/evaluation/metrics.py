"""Classification metrics from gold and predicted labels: pure functions, no dependencies.

Single-label tasks (sentiment) use one confusion matrix; multi-label tasks (emotions)
make one binary decision per label and average the per-label F1 (macro-F1).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable, Sequence


@dataclass(frozen=True)
class ClassScores:
    precision: float
    recall: float
    f1: float
    support: int

    def as_dict(self) -> dict:
        return {"precision": self.precision, "recall": self.recall, "f1": self.f1, "support": self.support}


def _ratio(num: float, den: float) -> float:
    """num / den, 0.0 when den is 0 (the convention of scikit-learn's zero_division=0)."""
    return num / den if den else 0.0


def f1_from_counts(tp: int, fp: int, fn: int) -> float:
    """F1 = 2 tp / (2 tp + fp + fn); 0.0 when the label is never gold nor predicted."""
    return _ratio(2 * tp, 2 * tp + fp + fn)


def confusion_matrix(gold: Sequence[str], predicted: Sequence[str], classes: Sequence[str]) -> list[list[int]]:
    """matrix[i][j] = posts of gold class i predicted as class j."""
    if len(gold) != len(predicted):
        raise ValueError(f"{len(gold)} gold labels but {len(predicted)} predictions")
    index = {c: i for i, c in enumerate(classes)}
    unknown = sorted({label for label in (*gold, *predicted) if label not in index})
    if unknown:
        raise ValueError(f"labels {unknown} are not among the classes {list(classes)}")
    matrix = [[0] * len(classes) for _ in classes]
    for g, p in zip(gold, predicted):
        matrix[index[g]][index[p]] += 1
    return matrix


def scores_from_confusion(matrix: list[list[int]], classes: Sequence[str]) -> dict[str, ClassScores]:
    """Per-class precision, recall, F1 and support from a confusion matrix."""
    out = {}
    for i, name in enumerate(classes):
        tp = matrix[i][i]
        gold_i = sum(matrix[i])
        predicted_i = sum(row[i] for row in matrix)
        out[name] = ClassScores(_ratio(tp, predicted_i), _ratio(tp, gold_i),
                                f1_from_counts(tp, predicted_i - tp, gold_i - tp), gold_i)
    return out


def macro_over(per_class: dict[str, dict], classes: Sequence[str]) -> dict:
    """macro_f1 and macro_recall averaged over `classes` only (e.g. those with gold support)."""
    return {key: _ratio(sum(per_class[c][metric] for c in classes), len(classes))
            for key, metric in (("macro_f1", "f1"), ("macro_recall", "recall"))}


def single_label_report(gold: Sequence[str], predicted: Sequence[str], classes: Sequence[str]) -> dict:
    """accuracy, macro_f1, macro_recall, per_class and the confusion matrix (rows gold)."""
    matrix = confusion_matrix(gold, predicted, classes)
    per_class = scores_from_confusion(matrix, classes)
    total = sum(map(sum, matrix))
    return {
        "accuracy": _ratio(sum(matrix[i][i] for i in range(len(classes))), total),
        "macro_f1": sum(s.f1 for s in per_class.values()) / len(classes),
        "macro_recall": sum(s.recall for s in per_class.values()) / len(classes),
        "per_class": {c: s.as_dict() for c, s in per_class.items()},
        "classes": list(classes),
        "confusion": matrix,
        "n": total,
    }


def multi_label_report(gold: Sequence[Iterable[str]], predicted: Sequence[Iterable[str]],
                       labels: Sequence[str]) -> dict:
    """Per-label binary decisions: macro_f1 and macro_recall over `labels`, accuracy as the
    exact-match (subset) accuracy, and a per-label (tp, fp, fn, tn) table as label_counts (a
    single-label report's `confusion` is a matrix)."""
    if len(gold) != len(predicted):
        raise ValueError(f"{len(gold)} gold label sets but {len(predicted)} predictions")
    gold_sets = [set(g) for g in gold]
    pred_sets = [set(p) for p in predicted]
    per_class, label_counts = {}, {}
    for label in labels:
        tp = sum(1 for g, p in zip(gold_sets, pred_sets) if label in g and label in p)
        fp = sum(1 for g, p in zip(gold_sets, pred_sets) if label not in g and label in p)
        fn = sum(1 for g, p in zip(gold_sets, pred_sets) if label in g and label not in p)
        tn = len(gold_sets) - tp - fp - fn
        per_class[label] = ClassScores(_ratio(tp, tp + fp), _ratio(tp, tp + fn),
                                       f1_from_counts(tp, fp, fn), tp + fn).as_dict()
        label_counts[label] = {"tp": tp, "fp": fp, "fn": fn, "tn": tn}
    known = set(labels)
    exact = sum(1 for g, p in zip(gold_sets, pred_sets) if g & known == p & known)
    return {
        "accuracy": _ratio(exact, len(gold_sets)),
        "macro_f1": sum(s["f1"] for s in per_class.values()) / len(labels),
        "macro_recall": sum(s["recall"] for s in per_class.values()) / len(labels),
        "per_class": per_class,
        "classes": list(labels),
        "label_counts": label_counts,
        "n": len(gold_sets),
    }
