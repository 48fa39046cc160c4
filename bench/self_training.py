"""Would the default lexicon gain from a text model fitted on the corpus's own labels (self-training)?

    PYTHONPATH=$PWD python bench/self_training.py [--data ../shared/data] [--cache FILE]

A run has no labels, but after scoring it has its own labels. Self-training fits a model over
character n-grams (the supervised character layer's form) on them and feeds its log-probabilities
back as three more calibration features; it could carry evidence the word lexicon misses.

Protocol of `bench/calibration_platforms.py` (training files only): part 0 of each file by
sha256(post id) mod 5 is held out. Each corpus (4,000 posts; the held-out tweets also in corpora of
1,600, the size of the validation file) gets its own default lexicon and features. The calibration
(the shipped one's form, fitted on the fit parts of both platforms) labels every corpus; the text model is fitted
on those labels within the corpus, cross-fitted in 5 folds (each post's features from the model of
the other four folds); a second calibration is fitted on the fit corpora with the three features
added, and both are scored on the held-out parts: accuracy / macro-F1 / macro-recall.
"""

from __future__ import annotations

import argparse
import pickle
import sys
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from bench import SHARED_DATA as DEFAULT_DATA  # noqa: E402
from bench.calibrate_default import SENTIMENT_TRAIN, sentiment_posts  # noqa: E402
from bench.calibration_platforms import held_out  # noqa: E402
from pipelines.config import load_seeds  # noqa: E402
from pipelines.evaluation.calibrate import fit_sentiment_calibration, sentiment_feature_names  # noqa: E402
from pipelines.evaluation.labelled import SENTIMENT_CLASSES  # noqa: E402
from pipelines.evaluation.metrics import single_label_report  # noqa: E402
from pipelines.induction.characters import SENTIMENT_CHARACTER_FEATURES, post_text  # noqa: E402
from pipelines.induction.induce import LexiconSpec  # noqa: E402
from pipelines.induction.lexicon_local import build_local  # noqa: E402
from pipelines.scoring.combiner import LinearModel  # noqa: E402
from pipelines.scoring.score import post_features  # noqa: E402

NAMES = sentiment_feature_names(supervised=False)
FOLDS = 5
#: (n-grams, least confidence of a label the text model learns from, labels weighted by confidence,
#: C, class weight)
VARIANTS = (
    ("char_wb", 0.0, False, 1.0, None),
    ("char_wb", 0.5, False, 1.0, None),
    ("char_wb", 0.0, True, 1.0, None),
    ("word", 0.0, False, 1.0, None),
    ("char_wb", 0.0, False, 0.3, None),
    ("char_wb", 0.0, False, 3.0, None),
    ("char_wb", 0.0, False, 1.0, "balanced"),
    ("char_wb", 0.0, True, 1.0, "balanced"),
)


def corpora(posts, gold, size: int) -> list[dict]:
    """Corpora of `size` posts (at least one), each with its own default lexicon: features, texts, gold."""
    seeds, spec = load_seeds(), LexiconSpec()
    out = []
    for i in range(max(1, len(posts) // size)):
        chunk = posts[i * size:(i + 1) * size]
        lexicon, prepared = build_local([{"text": p.text} for p in chunk], seeds, spec)
        tokens = [post["tokens"] for post in prepared]
        out.append({"x": post_features(tokens, lexicon, NAMES), "texts": [post_text(t) for t in tokens],
                    "gold": [gold(p) for p in chunk]})
    return out


def all_corpora(data: Path) -> dict[str, list[dict]]:
    by_part = {}
    for platform, path, leave_out, gold in SENTIMENT_TRAIN:
        posts, _ = sentiment_posts(data, path, leave_out, gold)
        fit = [p for p in posts if not held_out(p.id)]
        dev = [p for p in posts if held_out(p.id)]
        by_part[f"{platform} fit"] = corpora(fit, gold, 4000)
        by_part[f"{platform} held out, corpora of 4,000"] = corpora(dev, gold, 4000)
        if platform == "twitter":
            by_part[f"{platform} held out, corpora of 1,600"] = corpora(dev, gold, 1600)
    return by_part


def self_trained(corpus: dict, labeller: LinearModel, variant) -> np.ndarray:
    """Out-of-fold log-probabilities (negative, neutral, positive) of a text model fitted on the
    corpus's own labels."""
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression

    analyzer, least, weighted, c, class_weight = variant
    probabilities = labeller.probability_matrix(corpus["x"])
    labels = np.array([labeller.classes[i] for i in probabilities.argmax(axis=1)])
    confidence = probabilities.max(axis=1)
    pattern = {"token_pattern": r"\S+", "ngram_range": (1, 2), "min_df": 2} if analyzer == "word" else {
        "ngram_range": (2, 5), "min_df": 3}
    x = TfidfVectorizer(analyzer=analyzer, sublinear_tf=True, **pattern).fit_transform(corpus["texts"])
    folds = np.arange(len(labels)) % FOLDS
    out = np.zeros((len(labels), 3))
    for f in range(FOLDS):
        train = (folds != f) & (confidence >= least)
        model = LogisticRegression(C=c, solver="saga", max_iter=3000, random_state=0, class_weight=class_weight)
        model.fit(x[train], labels[train], sample_weight=confidence[train] if weighted else None)
        order = [list(model.classes_).index(k) for k in SENTIMENT_CLASSES]
        out[folds == f] = model.predict_log_proba(x[folds == f])[:, order]
    return out


def figures(model: LinearModel, x: np.ndarray, gold: list[str]) -> str:
    predicted = [model.classes[i] for i in model.probability_matrix(x).argmax(axis=1)]
    report = single_label_report(gold, predicted, SENTIMENT_CLASSES)
    return f"{report['accuracy']:.4f} / {report['macro_f1']:.4f} / {report['macro_recall']:.4f}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--cache", type=Path, help="keep the corpora's features in this file between runs")
    args = parser.parse_args()
    if args.cache and args.cache.exists():
        parts = pickle.loads(args.cache.read_bytes())
    else:
        parts = all_corpora(args.data)
        if args.cache:
            args.cache.write_bytes(pickle.dumps(parts))
    fit = [c for name, cs in parts.items() if name.endswith(" fit") for c in cs]
    held = [name for name in parts if not name.endswith(" fit")]
    gold = [g for c in fit for g in c["gold"]]
    labeller = LinearModel.from_dict(
        fit_sentiment_calibration(np.vstack([c["x"] for c in fit]).tolist(), gold, NAMES)["model"])
    print("| variant | " + " | ".join(held) + " |")
    print("|---" * (len(held) + 1) + "|")
    print("| no text model (the calibration's form, fitted on the fit parts) | " + " | ".join(
        figures(labeller, np.vstack([c["x"] for c in parts[n]]), [g for c in parts[n] for g in c["gold"]])
        for n in held) + " |", flush=True)
    names = NAMES + SENTIMENT_CHARACTER_FEATURES
    for variant in VARIANTS:
        def augmented(cs):
            return np.vstack([np.hstack([c["x"], self_trained(c, labeller, variant)]) for c in cs])

        model = LinearModel.from_dict(fit_sentiment_calibration(augmented(fit).tolist(), gold, names)["model"])
        print(f"| {variant} | " + " | ".join(
            figures(model, augmented(parts[n]), [g for c in parts[n] for g in c["gold"]]) for n in held) + " |",
            flush=True)


if __name__ == "__main__":
    main()
