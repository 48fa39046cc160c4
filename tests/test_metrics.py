"""Metrics on hand-computed confusion matrices."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pipelines.evaluation.metrics import confusion_matrix, f1_from_counts, multi_label_report, single_label_report

CLASSES = ("a", "b", "c")


def test_single_label_report_by_hand():
    gold = ["a", "a", "b", "b", "c"]
    pred = ["a", "b", "b", "b", "a"]
    report = single_label_report(gold, pred, CLASSES)
    assert report["confusion"] == [[1, 1, 0], [0, 2, 0], [1, 0, 0]]
    assert report["accuracy"] == pytest.approx(3 / 5)
    # a: P 1/2 R 1/2 F1 1/2; b: P 2/3 R 1 F1 4/5; c: never predicted right -> 0
    assert report["per_class"]["a"] == {"precision": 0.5, "recall": 0.5, "f1": 0.5, "support": 2}
    assert report["per_class"]["b"]["precision"] == pytest.approx(2 / 3)
    assert report["per_class"]["b"]["f1"] == pytest.approx(0.8)
    assert report["per_class"]["c"] == {"precision": 0.0, "recall": 0.0, "f1": 0.0, "support": 1}
    assert report["macro_f1"] == pytest.approx((0.5 + 0.8 + 0.0) / 3)
    assert report["macro_recall"] == pytest.approx((0.5 + 1.0 + 0.0) / 3)


def test_multi_label_report_by_hand():
    gold = [("a",), ("a", "b"), (), ("b",)]
    pred = [("a",), ("a",), ("b",), ("b", "c")]
    report = multi_label_report(gold, pred, CLASSES)
    assert report["label_counts"]["a"] == {"tp": 2, "fp": 0, "fn": 0, "tn": 2}
    assert report["label_counts"]["b"] == {"tp": 1, "fp": 1, "fn": 1, "tn": 1}
    assert report["label_counts"]["c"] == {"tp": 0, "fp": 1, "fn": 0, "tn": 3}
    assert report["per_class"]["b"]["f1"] == pytest.approx(0.5)
    assert report["macro_f1"] == pytest.approx((1.0 + 0.5 + 0.0) / 3)
    assert report["accuracy"] == pytest.approx(1 / 4)  # only the first post matches exactly


def test_bad_inputs_raise():
    with pytest.raises(ValueError, match="not among the classes"):
        confusion_matrix(["a"], ["z"], CLASSES)
    with pytest.raises(ValueError, match="1 gold labels but 2"):
        single_label_report(["a"], ["a", "b"], CLASSES)


@given(st.lists(st.tuples(st.sampled_from(CLASSES), st.sampled_from(CLASSES)), min_size=1, max_size=60))
def test_single_label_properties(pairs):
    gold, pred = [g for g, _ in pairs], [p for _, p in pairs]
    report = single_label_report(gold, pred, CLASSES)
    assert sum(map(sum, report["confusion"])) == len(pairs)
    assert report["accuracy"] == pytest.approx(sum(g == p for g, p in pairs) / len(pairs))
    for value in (report["accuracy"], report["macro_f1"], report["macro_recall"]):
        assert 0.0 <= value <= 1.0
    assert single_label_report(gold, gold, CLASSES)["accuracy"] == 1.0


@given(st.integers(0, 50), st.integers(0, 50), st.integers(0, 50))
def test_f1_is_harmonic_mean(tp, fp, fn):
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    expected = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    assert f1_from_counts(tp, fp, fn) == pytest.approx(expected)
