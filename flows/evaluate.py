"""`mipulse evaluate`: build a lexicon with the Beam job, score labelled test posts, compare
with VADER (sentiment) or EmoLex (emotion) on the same posts."""

from __future__ import annotations

import json
import os
import tempfile
from dataclasses import dataclass, field
from typing import Sequence

from pipelines.baselines import (
    emolex_emotions, emolex_seed_sets, emolex_words, vader_label, vader_seed_sets, vader_valences,
)
from pipelines.combiner import (
    BaseLexicon, LogisticCombiner, band_label, feature_names, pick_band, pick_threshold, post_features,
)
from pipelines.config import EMOTIONS
from pipelines.evaljob import EvalLexiconSettings, base_seed_config, run_eval_lexicon
from pipelines.labelled import (
    EKMAN, SENTIMENT_CLASSES, LabelledPost, in_calibration_split, read_labelled, task_labels,
)
from pipelines.metrics import multi_label_report, single_label_report
from pipelines.seedscore import (
    VADER_SCALE, expand_emotions, expand_sentiment, normalized_sum, seed_emotions, seed_sentiment_score,
)
from pipelines.supervised import SupervisedOptions
from pipelines.text import tokenize

EMOTION_SETS = {"ekman": EKMAN, "plutchik": EMOTIONS}
#: Seed-mode neutral band on the normalized sum; fixed once on development data (a sample
#: of the SemEval 2013-2016 training tweets), never on a validation or test file.
SEED_NEUTRAL_BAND = 0.3
BAND_CANDIDATES = tuple(i / 100 for i in range(0, 61))


@dataclass(frozen=True)
class EvaluateOptions:
    test: str
    train: str | None = None
    mode: str = "supervised"
    task: str = "sentiment"
    emotion_set: str = "ekman"
    calibration_share: float = 0.3
    supervised: SupervisedOptions = field(default_factory=SupervisedOptions)
    beam_args: tuple[str, ...] = ()
    workdir: str | None = None
    keep_test_overlap: bool = False  # True counts train posts that are also test posts


def evaluate(opts: EvaluateOptions) -> dict:
    """Run one evaluation and return the report (see `mipulse evaluate --json`)."""
    if opts.mode == "supervised" and not opts.train:
        raise ValueError("supervised mode needs --train FILE with labelled posts")
    if opts.emotion_set not in EMOTION_SETS:
        raise ValueError(f"emotion set must be one of {sorted(EMOTION_SETS)}")
    test, test_rejects = read_labelled(opts.test)
    if not test:
        raise ValueError(f"{opts.test}: no labelled posts")
    classes = _classes(opts, test)
    gold = [task_labels(p, opts.task, opts.emotion_set) for p in test]
    tokens = [tokenize(p.text) for p in test]
    exclude = frozenset() if opts.keep_test_overlap else frozenset(k for p in test for k in p.overlap_keys())
    with tempfile.TemporaryDirectory(dir=opts.workdir) as work:
        if opts.mode == "supervised":
            predicted, detail = _supervised(opts, classes, test, tokens, os.path.join(work, "lex"), exclude)
        else:
            predicted, detail = _seed(opts, classes, tokens, os.path.join(work, "lex"), exclude)
    report = _report(opts.task, gold, predicted, classes)
    baseline = _baseline(opts, test, gold, classes)
    return {**report, "baseline": baseline, "mode": opts.mode, "task": opts.task, "test": opts.test,
            "train": opts.train, "test_rejects": len(test_rejects), **detail,
            "predictions": [list(p) for p in predicted]}


def seed_sentiment_labels(corpus: str, texts: list[str], workdir: str | None = None,
                          beam_args: Sequence[str] = ()) -> list[str]:
    """Seed-mode sentiment labels of `texts` with a lexicon expanded on an unlabelled corpus."""
    opts = EvaluateOptions(test=corpus, train=corpus, mode="seed", beam_args=tuple(beam_args), workdir=workdir)
    with tempfile.TemporaryDirectory(dir=workdir) as work:
        predicted, _ = _seed(opts, SENTIMENT_CLASSES, [tokenize(t) for t in texts],
                             os.path.join(work, "lex"), frozenset())
    return [p[0] for p in predicted]


def _classes(opts: EvaluateOptions, test: list[LabelledPost]) -> tuple[str, ...]:
    if opts.task == "emotion":
        return EMOTION_SETS[opts.emotion_set]
    found = {p.labels[0] for p in test if p.labels}
    if found <= set(SENTIMENT_CLASSES):
        return SENTIMENT_CLASSES
    if opts.mode == "seed":
        raise ValueError(f"seed mode predicts {SENTIMENT_CLASSES}; the test labels are {sorted(found)}")
    return tuple(sorted(found))


def _report(task: str, gold, predicted, classes) -> dict:
    if task == "sentiment":
        return single_label_report([g[0] for g in gold], [p[0] for p in predicted], classes)
    return multi_label_report(gold, predicted, classes)


def _baseline(opts: EvaluateOptions, test, gold, classes) -> dict:
    if opts.task == "sentiment":
        if set(classes) != set(SENTIMENT_CLASSES):
            return {}
        return {"name": "vader", **_report("sentiment", gold, [(vader_label(p.text),) for p in test], classes)}
    return {"name": "emolex-any-term",
            **_report("emotion", gold, [emolex_emotions(p.text, classes) for p in test], classes)}


def _load_lexicon(path: str) -> list[dict]:
    with open(path, encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


def _supervised(opts: EvaluateOptions, classes, test, test_tokens, out: str, exclude: frozenset[str]):
    settings = EvalLexiconSettings(opts.train, out, "supervised", opts.task, classes, opts.emotion_set,
                                   supervised=opts.supervised, calibration_share=opts.calibration_share,
                                   exclude=exclude)
    files = run_eval_lexicon(settings, list(opts.beam_args))
    # calibration posts get features from the lexicon that never counted them; test posts
    # from the lexicon of all training posts
    fit_lexicon = {row["term"]: row["scores"] for row in _load_lexicon(files.fit_lexicon)}
    lexicon = {row["term"]: row["scores"] for row in _load_lexicon(files.lexicon)}
    train, _ = read_labelled(opts.train)
    overlap = [p for p in train if p.overlap_keys() & exclude]
    calib = [p for p in train if in_calibration_split(p.text, opts.calibration_share)
             and not p.overlap_keys() & exclude]
    if len(calib) < 20:
        raise ValueError(f"{opts.train}: only {len(calib)} posts fall in the calibration split")
    base = _base_lexicon(opts.task)
    x_cal = [post_features(tokenize(p.text), p.text, fit_lexicon, classes, base) for p in calib]
    y_cal = [task_labels(p, opts.task, opts.emotion_set) for p in calib]
    x_test = [post_features(t, p.text, lexicon, classes, base) for t, p in zip(test_tokens, test)]
    detail = {"lexicon_terms": len(lexicon), "calibration_posts": len(calib),
              "train_posts_left_out_as_test_overlap": len(overlap),
              "features": feature_names(classes, base)}
    if opts.task == "sentiment":
        return _fit_single_label(x_cal, y_cal, x_test, classes, detail)
    return _fit_multi_label(x_cal, y_cal, x_test, classes, detail)


def _base_lexicon(task: str) -> BaseLexicon:
    """The installed base lexicon the combiner may use beside the PMI lexicons."""
    if task == "sentiment":
        return BaseLexicon(valences={t: v / VADER_SCALE for t, v in vader_valences().items()})
    return BaseLexicon(emotions=emolex_words())


def _fit_single_label(x_cal, y_cal, x_test, classes, detail):
    index = {c: i for i, c in enumerate(classes)}
    rows = [(x, index[y[0]]) for x, y in zip(x_cal, y_cal) if y and y[0] in index]
    model = LogisticCombiner().fit([r[0] for r in rows], [r[1] for r in rows], len(classes))
    probs = model.predict_proba(x_test)
    if set(classes) != set(SENTIMENT_CLASSES):
        return [(classes[int(i)],) for i in probs.argmax(axis=1)], detail
    # polarity = P(positive) - P(negative); the neutral band is picked on the calibration posts
    pos, neg = index["positive"], index["negative"]
    cal_probs = model.predict_proba([r[0] for r in rows])
    cal_scores = (cal_probs[:, pos] - cal_probs[:, neg]).tolist()
    cal_gold = [classes[r[1]] for r in rows]
    band = pick_band(cal_scores, cal_gold, _accuracy_plus_macro_recall, BAND_CANDIDATES)
    scores = probs[:, pos] - probs[:, neg]
    return [(band_label(s, band),) for s in scores], {**detail, "neutral_band": band}


def _accuracy_plus_macro_recall(gold: list[str], predicted: list[str]) -> float:
    report = single_label_report(gold, predicted, SENTIMENT_CLASSES)
    return report["accuracy"] + report["macro_recall"]


def _fit_multi_label(x_cal, y_cal, x_test, classes, detail):
    thresholds, columns = {}, []
    for label in classes:
        target = [int(label in y) for y in y_cal]
        model = LogisticCombiner(class_weight_power=0.0).fit(x_cal, target, 2)
        cal_p = model.predict_proba(x_cal)[:, 1].tolist()
        thresholds[label] = pick_threshold(cal_p, [bool(t) for t in target])
        columns.append(model.predict_proba(x_test)[:, 1])
    predicted = [tuple(c for c, col in zip(classes, columns) if col[i] >= thresholds[c])
                 for i in range(len(x_test))]
    return predicted, {**detail, "thresholds": thresholds}


def _seed(opts: EvaluateOptions, classes, test_tokens, out: str, exclude: frozenset[str]):
    corpus = opts.train or opts.test
    seeds = base_seed_config(opts.task, vader_seed_sets(), emolex_seed_sets(EMOTIONS))
    # an unlabelled corpus other than the test file leaves the test posts out; the test
    # file itself may serve as the corpus (its labels are never read)
    settings = EvalLexiconSettings(corpus, out, "seed", opts.task, classes, seeds=seeds,
                                   exclude=exclude if opts.train else frozenset())
    rows = _load_lexicon(run_eval_lexicon(settings, list(opts.beam_args)).lexicon)
    detail = {"corpus": corpus, "corpus_terms": len(rows)}
    dfs = {r["term"]: r["df"] for r in rows}
    valences = {t: v / VADER_SCALE for t, v in vader_valences().items()}
    if opts.task == "sentiment":
        lexicon = expand_sentiment(valences, {r["term"]: r["sentiment"] for r in rows}, dfs)
        predicted = [(band_label(normalized_sum([v for _, v in seed_sentiment_score(t, lexicon)[1]]),
                                 SEED_NEUTRAL_BAND),) for t in test_tokens]
        return predicted, {**detail, "lexicon_terms": len(lexicon), "expanded_terms": len(lexicon) - len(valences),
                           "neutral_band": SEED_NEUTRAL_BAND}
    base = {w: tuple(e for e in es if e in EMOTIONS) for w, es in emolex_words().items()}
    base = {w: es for w, es in base.items() if es}
    lexicon = expand_emotions(base, {r["term"]: [r[e] for e in EMOTIONS] for r in rows}, EMOTIONS, dfs)
    wanted = [EMOTIONS.index(c) for c in classes]
    restricted = {t: [w[i] for i in wanted] for t, w in lexicon.items()}
    predicted = [seed_emotions(t, restricted, classes, valences) for t in test_tokens]
    return predicted, {**detail, "lexicon_terms": len(lexicon), "expanded_terms": len(lexicon) - len(base)}


def format_report(report: dict) -> str:
    """Human-readable summary: headline metrics, per class, confusion, baseline side by side."""
    lines = [f"mode={report['mode']} task={report['task']} test={report['test']} n={report['n']}"]
    base = report.get("baseline") or {}
    header = f"{'metric':<14}{'mipulse':>10}" + (f"{base['name']:>18}" if base else "")
    lines.append(header)
    for key in ("accuracy", "macro_f1", "macro_recall"):
        lines.append(f"{key:<14}{report[key]:>10.3f}" + (f"{base[key]:>18.3f}" if base else ""))
    lines.append("per class (precision / recall / f1 / support):")
    for c, s in report["per_class"].items():
        lines.append(f"  {c:<12}{s['precision']:.3f} / {s['recall']:.3f} / {s['f1']:.3f} / {s['support']}")
    lines.append("confusion (rows gold):" if isinstance(report["confusion"], list) else "per-label counts:")
    if isinstance(report["confusion"], list):
        lines.append(" " * 12 + "".join(f"{c[:9]:>10}" for c in report["classes"]))
        for c, row in zip(report["classes"], report["confusion"]):
            lines.append(f"  {c[:9]:<10}" + "".join(f"{v:>10}" for v in row))
    else:
        for c, t in report["confusion"].items():
            lines.append(f"  {c:<12}tp={t['tp']} fp={t['fp']} fn={t['fn']} tn={t['tn']}")
    return "\n".join(lines)

