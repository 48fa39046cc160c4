"""`mipulse report --labelled` on real tweets, through the commands a user types.

    PYTHONPATH=$PWD .venv/bin/python bench/labelled_shares.py [--data ../shared/data] [--labelled 600]
        [--source semeval|goemotions]

A two-year corpus is drawn from SemEval 2017 training tweets (TweetEval validation tweets left
out), or from GoEmotions training comments whose labels agree on a sentiment (Reddit; validation
comments left out), seeded, without replacement: 2016 with 15 % negative / 45 % neutral / 40 %
positive, 2017 with 45 / 45 / 10, 3,000 posts each. `mipulse run` scores it with its default lexicon; a random
sample of the corpus with its human labels plays the user's hand-labelled posts; `mipulse report
--labelled` adjusts. Prints each year's true mix, the label shares the run gives and the adjusted
shares with their 95 % intervals, as the report's `sentiment_share_adjusted.csv` has them.
"""

from __future__ import annotations

import argparse
import json
import random
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

import duckdb  # noqa: E402

from bench import SHARED_DATA as DEFAULT_DATA  # noqa: E402
from flows.store.db import connect_read_only  # noqa: E402
from pipelines.evaluation.labelled import SENTIMENT_CLASSES, goemotions_sentiment, read_labelled  # noqa: E402
from pipelines.induction.lexicon_job import leave_out_keys  # noqa: E402

MIXES = {2016: (0.15, 0.45, 0.40), 2017: (0.45, 0.45, 0.10)}
PER_YEAR = 3000
#: source -> (platform, labelled training file, its held-out file, a post's sentiment)
SOURCES = {
    "semeval": ("twitter", "semeval2017_task4a/train_2013_2016.jsonl", "tweeteval_sentiment/validation.jsonl",
                lambda post: post.labels[0]),
    "goemotions": ("reddit", "goemotions/train.jsonl", "goemotions/validation.jsonl",
                   lambda post: goemotions_sentiment(post.labels)),
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--labelled", type=int, default=600, help="posts of the corpus the user labelled")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--source", choices=sorted(SOURCES), default="semeval")
    args = parser.parse_args()
    platform, train, held_out, sentiment = SOURCES[args.source]
    held = leave_out_keys(str(args.data / held_out))
    posts, _ = read_labelled(str(args.data / train))
    rng = random.Random(args.seed)
    pools = {c: [p for p in posts if sentiment(p) == c and not p.overlap_keys() & held] for c in SENTIMENT_CLASSES}
    for pool in pools.values():
        rng.shuffle(pool)
    corpus = []
    for year, mix in MIXES.items():
        for c, share in zip(SENTIMENT_CLASSES, mix):
            taken, pools[c] = pools[c][:round(PER_YEAR * share)], pools[c][round(PER_YEAR * share):]
            corpus += [(year, p, c) for p in taken]
    with tempfile.TemporaryDirectory(prefix="labelled-shares-") as tmp:
        folder = Path(tmp)
        with open(folder / "corpus.jsonl", "w", encoding="utf-8") as out:
            for i, (year, post, _) in enumerate(corpus):
                out.write(json.dumps({"post_id": f"t{i}", "platform": platform, "author": f"a{i}", "text": post.text,
                                      "created_at": f"{year}-{1 + i % 12:02d}-15T12:00:00Z"}) + "\n")
        sample = rng.sample(range(len(corpus)), args.labelled)
        with open(folder / "mine.jsonl", "w", encoding="utf-8") as out:
            for i in sample:
                out.write(json.dumps({"id": f"t{i}", "platform": platform, "text": corpus[i][1].text,
                                      "label": corpus[i][2]}) + "\n")
        mipulse = str(Path(sys.executable).parent / "mipulse")
        db = folder / "corpus.duckdb"
        subprocess.run([mipulse, "run", "--input", str(folder / "corpus.jsonl"), "--db", str(db), "--no-report"],
                       check=True, capture_output=True)
        subprocess.run([mipulse, "report", "--db", str(db), "--out", str(folder / "report"), "--labelled",
                        str(folder / "mine.jsonl"), "--interval-replicates", "0"], check=True, capture_output=True)
        with connect_read_only(db) as con:  # what the user reads: the label shares and the report's CSV
            rows = con.execute("SELECT year, sentiment_label, n / total FROM yearly_sentiment_share").fetchall()
        adjusted = duckdb.connect().execute("SELECT year, sentiment_label, share, ci_low, ci_high FROM read_csv($csv)",
                                            {"csv": str(folder / "report" / "sentiment_share_adjusted.csv")}).fetchall()
    print("| year | true neg / neu / pos | label shares | adjusted [95 %] |")
    print("|---|---|---|---|")
    for year, mix in MIXES.items():
        labels = {label: share for y, label, share in rows if y == year}
        fixed = {label: bounds for y, label, *bounds in adjusted if y == year}
        print(f"| {year} | {' / '.join(f'{x:.2f}' for x in mix)} | "
              f"{' / '.join(f'{labels[c]:.3f}' for c in SENTIMENT_CLASSES)} | "
              + " / ".join(f"{fixed[c][0]:.3f} [{fixed[c][1]:.3f}–{fixed[c][2]:.3f}]" for c in SENTIMENT_CLASSES)
              + " |")


if __name__ == "__main__":
    main()
