"""Which platforms the default sentiment calibration should learn from, judged on training files only.

    PYTHONPATH=$PWD python bench/calibration_platforms.py [--data ../shared/data]

Each training file of `bench/calibrate_default.py` (SemEval tweets, GoEmotions Reddit comments
whose labels agree on a sentiment group; validation posts left out) is split by sha256(post id)
mod 5: part 0 is held out as development data, the rest is for fitting. Features come from
corpora of 4,000 posts of one platform, each with its own default lexicon (as the calibration and
a run make them). The calibration (`fit_sentiment_calibration`, its class weighting chosen by
cross-validation) is fitted on each platform alone and on all of them, and each fit is scored on
each platform's held-out part: accuracy / macro-F1 / macro-recall.
"""

from __future__ import annotations

import argparse
import hashlib
import sys
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from bench import SHARED_DATA as DEFAULT_DATA  # noqa: E402
from bench.calibrate_default import CHUNK, SENTIMENT_TRAIN, features_by_corpus, sentiment_posts  # noqa: E402
from pipelines.evaluation.calibrate import fit_sentiment_calibration, sentiment_feature_names  # noqa: E402
from pipelines.evaluation.labelled import SENTIMENT_CLASSES  # noqa: E402
from pipelines.evaluation.metrics import single_label_report  # noqa: E402
from pipelines.scoring.combiner import LinearModel  # noqa: E402


def held_out(post_id: str) -> bool:
    return int(hashlib.sha256(post_id.encode()).hexdigest(), 16) % 5 == 0


def figures(model: LinearModel, x: list, y: list) -> str:
    probabilities = model.probability_matrix(np.asarray(x, dtype=float))
    report = single_label_report(y, [model.classes[i] for i in probabilities.argmax(axis=1)], SENTIMENT_CLASSES)
    return f"{report['accuracy']:.3f} / {report['macro_f1']:.3f} / {report['macro_recall']:.3f}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    args = parser.parse_args()
    names = sentiment_feature_names(supervised=False)
    fit, dev = {}, {}
    for _, path, leave_out, gold in SENTIMENT_TRAIN:
        posts, _ = sentiment_posts(args.data, path, leave_out, gold)
        for part, is_dev in ((fit, False), (dev, True)):
            chosen = [p for p in posts if held_out(p.id) == is_dev]
            corpora = -(-len(chosen) // CHUNK)
            part[path] = (features_by_corpus(chosen, CHUNK, corpora, names), [gold(p) for p in chosen])
    mixes = [[path] for path in fit] + [list(fit)]
    print("| fitted on | " + " | ".join(f"held out of {path}" for path in dev) + " |")
    print("|---" * (len(dev) + 1) + "|")
    for mix in mixes:
        x = [row for path in mix for row in fit[path][0]]
        calibration = fit_sentiment_calibration(x, [label for path in mix for label in fit[path][1]], names)
        model = LinearModel.from_dict(calibration["model"])
        print(f"| {' + '.join(mix)} | " + " | ".join(figures(model, *dev[path]) for path in dev) + " |", flush=True)


if __name__ == "__main__":
    main()
