"""Dominant-emotion shares against the true mix, when a corpus's mix changes (the emotion side of
`bench/prior_shift.py`).

    PYTHONPATH=$PWD .venv/bin/python bench/emotion_shift.py [--data ../shared/data] [--posts 800]

Corpora of `--posts` TweetEval emotion training tweets (anger, joy, sadness; seeded, without
replacement) are drawn with the anger share set from 20 % to 65 %, joy and sadness sharing the rest,
each scored as `mipulse run` scores it (its own default lexicon, the default calibration). Prints
the shares of the dominant emotions among posts that have one (as the report's emotion shares),
the share of those given another of Plutchik's eight, and the share of posts without one; mean of
`--repeats` corpora.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from bench import SHARED_DATA as DEFAULT_DATA  # noqa: E402
from bench.prior_shift import scored_as_run  # noqa: E402
from pipelines.evaluation.labelled import read_labelled  # noqa: E402

EMOTIONS = ("anger", "joy", "sadness")


def dominant_emotions(texts: list[str]) -> list[str | None]:
    """Each post's dominant emotion as `mipulse run` gives it, the corpus with its own default lexicon."""
    return [dominant for _, dominant, _ in scored_as_run(texts, "twitter")]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--posts", type=int, default=800)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--anger", type=float, nargs="+", default=[0.20, 0.35, 0.50, 0.65])
    args = parser.parse_args()
    posts, _ = read_labelled(str(args.data / "tweeteval_emotion/train.jsonl"))
    pools = {e: [p.text for p in posts if p.labels[0] == e] for e in EMOTIONS}
    rng = np.random.default_rng(0)
    print("| true anger / joy / sadness | dominant anger / joy / sadness / another | no dominant emotion |")
    print("|---|---|---|")
    for anger in args.anger:
        mix = {"anger": anger, "joy": (1 - anger) / 2, "sadness": (1 - anger) / 2}
        found = []
        for _ in range(args.repeats):
            texts = [t for e, share in mix.items()
                     for t in rng.choice(pools[e], round(args.posts * share), replace=False)]
            dominant = dominant_emotions(texts)
            have = [d for d in dominant if d]
            shares = [have.count(e) / len(have) for e in EMOTIONS]
            found.append([*shares, 1 - sum(shares), 1 - len(have) / len(dominant)])
        mean = np.mean(found, axis=0)
        print(f"| {' / '.join(f'{mix[e]:.3f}' for e in EMOTIONS)} | {' / '.join(f'{x:.3f}' for x in mean[:4])} "
              f"| {mean[4]:.3f} |", flush=True)


if __name__ == "__main__":
    main()
