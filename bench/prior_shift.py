"""How far the share of posts *labelled* negative is from the true share when a corpus's class mix
differs from the training data's, and what two textbook quantification corrections recover.

    PYTHONPATH=$PWD .venv/bin/python bench/prior_shift.py --lexicon L.parquet --test DEV.jsonl

mipulse's yearly shares count labels. A classifier pulls every corpus toward the class mix it
was fitted on, so a year with many negative posts is under-counted and a year with few is
over-counted: a trend is flattened. This measures that on a labelled file the lexicon was not
built from (a dev fold cut from training data; never a validation or test file). The file's
posts are split by sha256(id) into two halves: the first gives the confusion matrix
P(label | gold) of the lexicon's own labels, the second is resampled (with replacement, seeded)
to corpora of `--posts` posts with a chosen negative share, the neutral share fixed. For each mix:

* labels: the shares of the labels `labels_and_scores` gives (what mipulse reports today);
* adjusted: "adjusted classify and count" (Forman 2008), the label shares solved through the
  confusion matrix (least squares, clipped at 0, renormalized): needs only label counts per
  group and one 3 x 3 matrix;
* EM: Saerens, Latinne & Decaestecker (2002), the calibration's class probabilities re-weighted
  until the corpus's estimated class mix is a fixed point (reference mix: the mean probability on
  the first half).

Prints the mean of `--repeats` corpora per mix and the SD of the negative share.
"""

from __future__ import annotations

import argparse
import hashlib
import sys
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from pipelines.config import load_seeds  # noqa: E402
from pipelines.evaluation.labelled import SENTIMENT_CLASSES, read_labelled  # noqa: E402
from pipelines.induction.lexicon import read_lexicon  # noqa: E402
from pipelines.scoring.score import PostEvidence, PostText, calibration_of, feature_rows, labels_and_scores  # noqa: E402
from pipelines.text.prepare import PostPreparer  # noqa: E402


def first_half(post_id: str) -> bool:
    return int(hashlib.sha256(post_id.encode()).hexdigest(), 16) % 2 == 0


def adjusted_shares(observed: np.ndarray, confusion: np.ndarray) -> np.ndarray:
    """True class shares s with confusion.T @ s = observed (rows of `confusion`: P(label | gold))."""
    solved, *_ = np.linalg.lstsq(confusion.T, observed, rcond=None)
    solved = np.clip(solved, 0.0, None)
    return solved / solved.sum()


def em_shares(probabilities: np.ndarray, reference: np.ndarray, iterations: int = 200) -> np.ndarray:
    shares = reference.copy()
    for _ in range(iterations):
        weighted = probabilities * (shares / reference)
        new = (weighted / weighted.sum(axis=1, keepdims=True)).mean(axis=0)
        if np.abs(new - shares).max() < 1e-7:
            return new
        shares = new
    return shares


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--lexicon", required=True, help="a lexicon file with a sentiment calibration")
    parser.add_argument("--test", required=True, help="labelled JSONL (negative / neutral / positive) not used to build it")
    parser.add_argument("--posts", type=int, default=2000)
    parser.add_argument("--repeats", type=int, default=30)
    parser.add_argument("--neutral", type=float, default=0.45)
    parser.add_argument("--negative", type=float, nargs="+", default=[0.10, 0.20, 0.30, 0.40, 0.50])
    args = parser.parse_args()

    lexicon = read_lexicon(args.lexicon)
    posts, _ = read_labelled(args.test)
    prepare = PostPreparer(load_seeds(), with_bigrams=bool(lexicon.supervised))
    texts = [PostText(prepare({"text": p.text})["tokens"]) for p in posts]
    classes = list(SENTIMENT_CLASSES)
    gold = np.array([classes.index(p.labels[0]) for p in posts])
    labels = np.array([classes.index(label) for label, _, _ in labels_and_scores(texts, lexicon)])
    calibration = calibration_of(lexicon)
    model = calibration.sentiment
    if model is None or list(model.classes) != classes:
        raise SystemExit(f"{args.lexicon}: no sentiment model over {classes}")
    rows = feature_rows([PostEvidence(t, lexicon) for t in texts], calibration)
    probabilities = model.probability_matrix(rows[:, model.columns])

    half = np.array([first_half(p.id) for p in posts])
    confusion = np.zeros((3, 3))
    np.add.at(confusion, (gold[half], labels[half]), 1)
    confusion /= confusion.sum(axis=1, keepdims=True)
    reference = probabilities[half].mean(axis=0)
    pool = np.flatnonzero(~half)
    print(f"{len(posts)} posts; confusion matrix from {half.sum()}, corpora drawn from {len(pool)}; "
          f"P(label | gold), rows gold {classes}:\n{confusion.round(3)}")
    rng = np.random.default_rng(0)
    print(f"\n| true {'/'.join(c[:3] for c in classes)} | labels | adjusted | EM | SD of negative: labels / adjusted / EM |")
    print("|---|---|---|---|---|")
    for negative in args.negative:
        mix = (negative, args.neutral, 1.0 - args.neutral - negative)
        found = {"labels": [], "adjusted": [], "EM": []}
        for _ in range(args.repeats):
            drawn = np.concatenate([rng.choice(pool[gold[pool] == c], round(args.posts * share))
                                    for c, share in enumerate(mix)])
            observed = np.bincount(labels[drawn], minlength=3) / len(drawn)
            found["labels"].append(observed)
            found["adjusted"].append(adjusted_shares(observed, confusion))
            found["EM"].append(em_shares(probabilities[drawn], reference))
        means = {k: "/".join(f"{x:.3f}" for x in np.mean(v, axis=0)) for k, v in found.items()}
        sds = " / ".join(f"{np.std(np.asarray(v)[:, 0]):.3f}" for v in found.values())
        print(f"| {'/'.join(f'{x:.2f}' for x in mix)} | {means['labels']} | {means['adjusted']} | {means['EM']} | {sds} |")


if __name__ == "__main__":
    main()
