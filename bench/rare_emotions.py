"""How often the default lexicon names each of Plutchik's eight, against how often people did.

    PYTHONPATH=$PWD .venv/bin/python bench/rare_emotions.py [--data ../shared/data]

SemEval-2018 E-c validation tweets (multi-label, eleven emotions; the eight of Plutchik's wheel
among them), scored as `mipulse run` scores them: the corpus's own default lexicon, the default
calibration, platform twitter. Per emotion: the share of tweets whose gold labels hold it, whose
dominant emotion it is (what the report's emotion chart counts) and whose expressed emotions
(`post_scores.emotion_labels`) hold it; and, among the tweets labelled with it, the share whose
dominant emotion it is and the share that express it.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from bench import SHARED_DATA as DEFAULT_DATA  # noqa: E402
from bench.prior_shift import own_default_lexicon  # noqa: E402
from pipelines.config import EMOTIONS  # noqa: E402
from pipelines.evaluation.labelled import read_labelled  # noqa: E402
from pipelines.scoring.score import PostText, score_posts  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    args = parser.parse_args()
    posts, _ = read_labelled(str(args.data / "semeval2018_ec/validation.jsonl"))
    lexicon, prepared = own_default_lexicon([p.text for p in posts])
    scored = score_posts([PostText(p["tokens"]) for p in prepared], lexicon, ["twitter"] * len(prepared))
    n = len(posts)
    print(f"{n:,} tweets\n")
    print("| emotion | gold | dominant | expressed | of its gold tweets: dominant | of its gold tweets: expressed |")
    print("|---|---:|---:|---:|---:|---:|")
    for emotion in EMOTIONS:
        gold = [emotion in p.labels for p in posts]
        dominant = [s["dominant_emotion"] == emotion for s in scored]
        expressed = [emotion in (s["emotion_labels"] or []) for s in scored]
        labelled = max(sum(gold), 1)
        print(f"| {emotion} | {sum(gold) / n:.3f} | {sum(dominant) / n:.3f} | {sum(expressed) / n:.3f} | "
              f"{sum(d for d, g in zip(dominant, gold) if g) / labelled:.3f} | "
              f"{sum(x for x, g in zip(expressed, gold) if g) / labelled:.3f} |")


if __name__ == "__main__":
    main()
