"""Would labelled posts fix the emotion shares as `--labelled` fixes the sentiment shares? How many?

    PYTHONPATH=$PWD .venv/bin/python bench/emotion_labelled.py [--data ../shared/data] [--seeds 5]
        [--lexicon GOEMOTIONS.parquet]

A two-year corpus of GoEmotions comments (Reddit) with exactly one Ekman emotion, or only the
label "neutral" (class "none"), is drawn with a different emotion mix in each year (`MIXES`),
1,000 comments a year, seeded, without replacement. It is scored as `mipulse run` scores it:
each comment's dominant emotion, one of Plutchik's eight or none. Without `--lexicon`, the
corpus comes from the training file and gets its own default lexicon with the default
calibration (platform reddit); with `--lexicon` (a supervised emotion lexicon built from the
training file with the validation file left out, as bench/accuracy.py builds it), the corpus
comes from the validation file and is scored with that lexicon. A random sample of `--labelled` comments with
their gold class plays the user's hand-labelled posts; their 7 x 9 matrix P(dominant emotion |
gold class) solves each year's 9 observed shares back to the 7 gold shares
(`pipelines.evaluation.quantify.adjusted_shares`, least squares, as `--labelled` does for
sentiment). Prints, per sample size, the mean absolute error of the year-to-year changes of the
seven shares: as the run's dominant-emotion shares read them (a gold emotion read through the
Plutchik label of the same name; "none" through no dominant emotion) and adjusted; and the
error of the adjusted shares themselves. Mean over `--seeds` corpora; and the singular values of
the matrix counted on the whole corpus of the first (how far from singular it is).
"""

from __future__ import annotations

import argparse
import random
import sys
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from bench import SHARED_DATA as DEFAULT_DATA  # noqa: E402
from bench.prior_shift import scored_as_run  # noqa: E402
from pipelines.config import EMOTIONS, load_seeds  # noqa: E402
from pipelines.induction.lexicon import read_lexicon  # noqa: E402
from pipelines.text.prepare import PostPreparer  # noqa: E402
from pipelines.evaluation.labelled import read_labelled, to_ekman  # noqa: E402
from pipelines.evaluation.quantify import adjusted_shares  # noqa: E402

GOLD = ("anger", "disgust", "fear", "joy", "sadness", "surprise", "none")
LABELS = (*EMOTIONS, "none")  # Plutchik's eight, or no dominant emotion
MIXES = {  # gold shares per year (disgust and fear small: the validation file has 62 and 77)
    2016: (0.08, 0.02, 0.02, 0.35, 0.08, 0.10, 0.35),
    2017: (0.20, 0.04, 0.05, 0.20, 0.11, 0.10, 0.30),
}
PER_YEAR = 1000
SIZES = (300, 600, 1000, 2000)  # 2,000: every post of the corpus labelled (the matrix exactly)


def gold_class(labels: tuple[str, ...]) -> str | None:
    ekman = to_ekman(labels)
    if len(ekman) == 1:
        return ekman[0]
    return "none" if labels == ("neutral",) else None


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--seeds", type=int, default=5)
    parser.add_argument("--lexicon", help="a supervised emotion lexicon (default: each corpus's own default lexicon)")
    args = parser.parse_args()
    lexicon = read_lexicon(args.lexicon) if args.lexicon else None
    prepare = PostPreparer(load_seeds(), with_bigrams=True) if lexicon else None
    source = "validation" if lexicon else "train"
    posts, _ = read_labelled(str(args.data / f"goemotions/{source}.jsonl"))
    by_class = {c: [p.text for p in posts if gold_class(p.labels) == c] for c in GOLD}
    print("pool:", {c: len(texts) for c, texts in by_class.items()})
    errors = {size: [] for size in SIZES}
    read_errors = []
    for seed in range(args.seeds):
        rng = random.Random(seed)
        pools = {c: rng.sample(texts, len(texts)) for c, texts in by_class.items()}
        corpus = []  # (year, gold class index, text)
        for year, mix in MIXES.items():
            for k, (c, share) in enumerate(zip(GOLD, mix)):
                n = round(PER_YEAR * share)
                corpus += [(year, k, text) for text in pools[c][:n]]
                pools[c] = pools[c][n:]
        scored = scored_as_run([text for _, _, text in corpus], "reddit", lexicon, prepare)
        dominant = [d or "none" for _, d, _ in scored]
        label = np.array([LABELS.index(d) for d in dominant])
        gold = np.array([k for _, k, _ in corpus])
        year = np.array([y for y, _, _ in corpus])
        true = {y: np.array(mix) for y, mix in MIXES.items()}
        observed = {y: np.bincount(label[year == y], minlength=len(LABELS)) / (year == y).sum() for y in MIXES}
        same_name = [LABELS.index(c) for c in GOLD]  # a gold class read through the label of its name
        read = {y: observed[y][same_name] for y in MIXES}
        true_change, read_change = true[2017] - true[2016], read[2017] - read[2016]
        read_errors.append(np.abs(read_change - true_change).mean())
        for size in SIZES:
            sample = np.array(rng.sample(range(len(corpus)), size))
            counts = np.zeros((len(GOLD), len(LABELS)))
            np.add.at(counts, (gold[sample], label[sample]), 1)
            rates = counts / np.maximum(counts.sum(axis=1, keepdims=True), 1)
            adjusted = {y: adjusted_shares(observed[y], rates) for y in MIXES}
            change = adjusted[2017] - adjusted[2016]
            errors[size].append((np.abs(change - true_change).mean(),
                                 np.mean([np.abs(adjusted[y] - true[y]).mean() for y in MIXES]),
                                 counts.sum(axis=1).min()))
        if seed == 0:
            whole = np.zeros((len(GOLD), len(LABELS)))
            np.add.at(whole, (gold, label), 1)
            singular = np.linalg.svd(whole / whole.sum(axis=1, keepdims=True), compute_uv=False)
            print("singular values of the matrix counted on the whole corpus:", np.round(singular, 2))
            print("true change (points):", " / ".join(f"{c} {100 * d:+.0f}" for c, d in zip(GOLD, true_change)))
            print("read change (points):", " / ".join(f"{c} {100 * d:+.1f}" for c, d in zip(GOLD, read_change)))
    print(f"\nchanges as the run's shares read them: mean absolute error {100 * np.mean(read_errors):.1f} points")
    print("| labelled posts | fewest of a class | error of the changes, adjusted | error of the shares, adjusted |")
    print("|---:|---:|---:|---:|")
    for size, rows in errors.items():
        change, level, fewest = np.mean(rows, axis=0)
        print(f"| {size:,} | {fewest:.0f} | {100 * change:.1f} | {100 * level:.1f} |")


if __name__ == "__main__":
    main()
