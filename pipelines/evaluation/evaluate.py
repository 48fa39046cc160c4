"""`mipulse evaluate`: build a lexicon, score the labelled test posts exactly as `mipulse run`
would (`pipelines.scoring.score.score_posts`), compare with the gold labels and with VADER / EmoLex.

The lexicon: ``--lexicon PATH`` as it is; ``--train FILE`` a supervised one built by
`mipulse lexicon build --train FILE` with the test posts left out; otherwise the default
lexicon built from the test posts' own texts, as a run builds it from its corpus.

Label sets: sentiment is negative / neutral / positive. Emotion output is Plutchik's eight;
gold labels outside them are mapped explicitly (`GOLD_MAPPINGS`) and reported, never
dropped silently; macro averages run over the classes with gold support only.
"""

from __future__ import annotations

import json
import os
import tempfile
from dataclasses import dataclass
from typing import Mapping

from pipelines.evaluation.baselines import emolex_emotions, vader_label
from pipelines.config import EMOTIONS, load_seeds
from pipelines.evaluation.labelled import (
    EKMAN, GOLD_MAPPINGS, SENTIMENT_CLASSES, check_labels, left_out_note, read_labelled, task_labels,
)
from pipelines.induction.lexicon import Lexicon, read_lexicon
from pipelines.induction.lexicon_job import (
    SupervisedSettings, build_default_lexicon, build_supervised_lexicon, file_digest,
)
from pipelines.evaluation.metrics import macro_over, multi_label_report, single_label_report
from pipelines.scoring.score import score_posts
from pipelines.reading.sources import SourceOptions
from pipelines.text.tokenizer import tokenize

EMOTION_SETS = {"ekman": EKMAN, "plutchik": EMOTIONS}
#: the month of a test file's undated posts (evaluation files are often undated; dates play no part in a
#: score), as `run --undated-as` would take it (`pipelines.reading.months.check_undated_month`)
UNDATED_MONTH = "2020-01"


@dataclass(frozen=True)
class EvaluateOptions:
    test: str
    train: str | None = None
    lexicon: str | None = None
    task: str = "sentiment"
    emotion_set: str = "plutchik"
    beam_args: tuple[str, ...] = ()


def evaluate(opts: EvaluateOptions) -> dict:
    """Run one evaluation and return the report (see `mipulse evaluate --json`)."""
    test, rejects = read_labelled(opts.test)
    if not test:
        raise ValueError(f"{opts.test}: no labelled posts")
    check_labels(test, opts.task, opts.emotion_set, f"--test {opts.test}")
    with tempfile.TemporaryDirectory() as work:
        lexicon, built = _lexicon(opts, os.path.join(work, "lexicon.parquet"))
    scores = score_posts([tokenize(p.text) for p in test], lexicon, [p.platform for p in test])
    if opts.task == "sentiment":
        gold = [p.labels[0] for p in test]
        report = single_label_report(gold, [s["sentiment_label"] for s in scores], SENTIMENT_CLASSES)
        baseline = {"name": "vader", **single_label_report(gold, [vader_label(p.text) for p in test],
                                                           SENTIMENT_CLASSES)}
    else:
        report, baseline = _emotion_reports(test, scores, opts.emotion_set)
    trained_on = trained_on_test(lexicon.metadata, opts.test)
    return {**report, "baseline": baseline, "task": opts.task, "test": opts.test, "test_rejects": len(rejects),
            **({"left_out": left_out_note(rejects)} if rejects else {}),
            **({"warning": trained_on} if trained_on else {}),
            "lexicon_version": lexicon.version, "lexicon": built,
            "scores": {p.id: s for p, s in zip(test, scores)}}


def _lexicon(opts: EvaluateOptions, path: str) -> tuple[Lexicon, dict]:
    if opts.lexicon:
        lexicon = read_lexicon(opts.lexicon)
        return lexicon, {"file": opts.lexicon}
    seeds = load_seeds()
    if opts.train:
        summary = build_supervised_lexicon(
            SupervisedSettings(opts.train, path, opts.task, opts.emotion_set, leave_out=opts.test), seeds,
            opts.beam_args)
        return read_lexicon(path), summary
    version = build_default_lexicon([opts.test], path, seeds, SourceOptions(format="jsonl", default_platform="twitter",
                                                                              undated_as=UNDATED_MONTH),
                                    beam_args=opts.beam_args)
    return read_lexicon(path), {"kind": "default", "corpus": opts.test, "version": version}


def trained_on_test(metadata: Mapping, test: str) -> str:
    """A one-line warning when the test file is the very file the lexicon was trained on (its
    metadata records the training file's SHA-256), else ''."""
    training = metadata.get("training_data") or {}
    if not training.get("sha256_16") or training["sha256_16"] != file_digest(test):
        return ""
    return (f"--test {test} is the file this lexicon was trained on ({training.get('file')}): the figures "
            "score training posts; test on posts left out of training (lexicon build --train FILE --leave-out TEST)")


def partners(core: str) -> tuple[str, ...]:
    """The emotions that pair with `core` in a dyad of GOLD_MAPPINGS (anticipation: joy, trust)."""
    return tuple(sorted({other for first, other in GOLD_MAPPINGS.values() if first == core}))


def matches(gold_label: str, score: dict) -> bool:
    """Whether a post's predicted emotions express a gold label: a dyad of GOLD_MAPPINGS counts as
    its first emotion, or as one of that emotion's partners with the first present too."""
    if gold_label not in GOLD_MAPPINGS:
        return gold_label == score["dominant_emotion"]
    core = GOLD_MAPPINGS[gold_label][0]
    dominant = score["dominant_emotion"]
    return dominant == core or (dominant in partners(core) and score.get(core, 0.0) > 0)


def mapping_descriptions(labels, single_label: bool = True) -> dict[str, str]:
    """What each mapped gold label among `labels` counts as, for the report: as `matches` takes it
    (one emotion per post), or as both emotions of its dyad (`task_labels`, several per post)."""
    present = set(labels)
    return {label: (f"{core}, or {' / '.join(partners(core))} with {core} present" if single_label else
                    f"{core} and {other}") + f" (Plutchik's dyad: {label} = {core} + {other})"
            for label, (core, other) in GOLD_MAPPINGS.items() if label in present}


def _emotion_reports(test, scores, emotion_set: str) -> tuple[dict, dict]:
    """Single-label gold (one emotion per post, some a dyad or not among Plutchik's eight):
    dominant-emotion accuracy with the mappings, macro figures over the gold classes. Otherwise
    per-label reports over the set, macro figures over the labels with gold support."""
    classes = EMOTION_SETS[emotion_set]
    if emotion_set == "plutchik" and all(len(p.labels) == 1 for p in test) and any(
            p.labels[0] in GOLD_MAPPINGS for p in test):  # check_labels has refused labels outside the set
        return single_emotion_reports([p.text for p in test], [p.labels[0] for p in test], scores)
    gold = [task_labels(p, "emotion", emotion_set) for p in test]
    predicted = [tuple(e for e in s["emotion_labels"] if e in classes) for s in scores]
    report = multi_label_report(gold, predicted, classes)
    baseline = multi_label_report(gold, [emolex_emotions(p.text, classes) for p in test], classes)
    supported = [c for c in classes if any(c in g for g in gold)]
    mappings = mapping_descriptions((x for p in test for x in p.labels), single_label=False)
    return ({**report, **macro_over(report["per_class"], supported), "classes_with_support": supported,
             **({"mappings": mappings} if mappings else {})},
            {"name": "emolex-any-term", **baseline, **macro_over(baseline["per_class"], supported)})


OTHER = "(other)"  # a predicted emotion that is no gold class: always wrong


def supported_report(gold: list[str], predicted: list[str], classes: tuple[str, ...]) -> dict:
    """Single-label report in which predictions outside `classes` count as wrong, and macro
    figures average over `classes` (the classes with gold support) only."""
    report = single_label_report(gold, [p if p in classes else OTHER for p in predicted], (*classes, OTHER))
    per_class = {c: report["per_class"][c] for c in classes}
    return {**report, "per_class": per_class, "classes_with_support": list(classes), **macro_over(per_class, classes)}


def single_emotion_reports(texts: list[str], gold: list[str], scores: list[dict]) -> tuple[dict, dict]:
    """(ours, EmoLex argmax) on one-emotion-per-post gold labels, with GOLD_MAPPINGS."""
    gold_classes = tuple(sorted(set(gold)))
    unmapped = sorted({g for g in gold if g not in EMOTIONS and g not in GOLD_MAPPINGS})
    if unmapped:
        raise ValueError(f"gold emotion labels {unmapped} are neither Plutchik's eight nor mapped "
                         f"({sorted(GOLD_MAPPINGS)})")

    def predicted(g: str, found: dict | None) -> str:
        return g if found and matches(g, found) else ((found or {}).get("dominant_emotion") or "none")

    mapping = mapping_descriptions(gold_classes)
    ours = supported_report(gold, [predicted(g, s) for g, s in zip(gold, scores)], gold_classes)
    emolex = supported_report(gold, [predicted(g, emolex_argmax(t)) for g, t in zip(gold, texts)], gold_classes)
    return {**ours, "mappings": mapping}, {"name": "emolex-argmax", **emolex}


def emolex_argmax(text: str) -> dict | None:
    """EmoLex's most frequent emotion in a text (ties: Plutchik order), with its counts."""
    from pipelines.evaluation.baselines import emolex_counts

    counts = emolex_counts(text)
    if not counts:
        return None
    best = max(EMOTIONS, key=lambda e: counts.get(e, 0))
    return {"dominant_emotion": best, **{e: float(counts.get(e, 0)) for e in EMOTIONS}}


def format_report(report: dict) -> str:
    """Human-readable summary: headline metrics, per class, confusion, baseline side by side."""
    lines = [f"task={report['task']} test={report['test']} n={report['n']} lexicon={report['lexicon_version']}"]
    if report.get("left_out"):
        lines.append(report["left_out"])
    base = report.get("baseline") or {}
    lines.append(f"{'metric':<14}{'mipulse':>10}" + (f"{base['name']:>18}" if base else ""))
    for key in ("accuracy", "macro_f1", "macro_recall"):
        lines.append(f"{key:<14}{report[key]:>10.3f}" + (f"{base[key]:>18.3f}" if base else ""))
    lines.append("per class (precision / recall / f1 / support):")
    for c, s in report["per_class"].items():
        lines.append(f"  {c:<12}{s['precision']:.3f} / {s['recall']:.3f} / {s['f1']:.3f} / {s['support']}")
    if "confusion" in report:  # single-label reports (a multi-label one has label_counts instead)
        lines += confusion_lines(report["classes"], report["confusion"])
    for gold, meaning in report.get("mappings", {}).items():
        lines.append(f"gold '{gold}' counts as {meaning}")
    if "classes_with_support" in report:
        lines.append(f"macro figures over the classes with gold support: {', '.join(report['classes_with_support'])}")
    return "\n".join(lines)


def confusion_lines(classes: list[str], matrix: list[list[int]]) -> list[str]:
    """mipulse's confusion matrix, one row per gold class: what a user needs to correct label
    shares for posts like these (docs/intervals.md)."""
    width = max(12, *(len(c) + 2 for c in classes))
    lines = ["confusion (rows: gold; columns: mipulse's label):", " " * 14 + "".join(f"{c:>{width}}" for c in classes)]
    lines += [f"  {gold:<12}" + "".join(f"{n:>{width}}" for n in row) for gold, row in zip(classes, matrix)]
    return lines


def report_json(report: dict) -> str:
    keys = ("task", "n", "accuracy", "macro_f1", "macro_recall", "per_class", "classes", "confusion", "baseline",
            "lexicon_version", "classes_with_support", "mappings", "test_rejects", "left_out", "warning")
    return json.dumps({k: report[k] for k in keys if k in report}, default=str)
