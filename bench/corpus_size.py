"""Do the same tweets get other labels when the corpus around them is larger?

    .venv/bin/python bench/corpus_size.py [--scored heldout|validation] [--extra 0 4000 16000 44000]

`mipulse run` builds its default lexicon from the corpus it is given, so a tweet's label depends on
the other posts of the run. Here a fixed set of labelled tweets is run alone and then inside corpora
of more SemEval 2013-2016 training tweets (their labels dropped), and its accuracy, macro-F1, macro-
recall and label shares are compared. `--scored heldout` (the default) scores 2,000 dated training
tweets of part 0 (sha256(id) mod 5, the development part of bench/calibration_platforms.py) inside
tweets of the other parts; `--scored validation` scores the 1,628 dated TweetEval validation tweets
inside training tweets not among them (a measurement only: choose nothing on it). Writes
bench/results/corpus_size_<scored>.json.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

import duckdb  # noqa: E402

from bench import SHARED_DATA  # noqa: E402
from pipelines.evaluation.labelled import SENTIMENT_CLASSES  # noqa: E402
from pipelines.evaluation.metrics import single_label_report  # noqa: E402

TRAIN = SHARED_DATA / "semeval2017_task4a" / "train_2013_2016.jsonl"
VALIDATION = SHARED_DATA / "tweeteval_sentiment" / "validation.jsonl"
SCORED_HELD_OUT = 2_000
SEED = 3


def part_zero(post_id: str) -> bool:
    return int(hashlib.sha256(post_id.encode()).hexdigest(), 16) % 5 == 0


def read(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.open(encoding="utf-8")]


def scored_and_surrounding(scored: str) -> tuple[list[dict], list[dict]]:
    """The labelled tweets scored (dated ones only: a run rejects the others) and the pool the larger
    corpora are drawn from, shuffled."""
    train = [r for r in read(TRAIN) if r.get("created_at")]
    validation_ids = {r.get("semeval_id") for r in read(VALIDATION)}
    train = [r for r in train if r["id"] not in validation_ids]
    if scored == "validation":
        tweets, pool = [r for r in read(VALIDATION) if r.get("created_at")], train
    else:
        held = [r for r in train if part_zero(r["id"])]
        random.Random(SEED).shuffle(held)
        tweets, pool = held[:SCORED_HELD_OUT], [r for r in train if not part_zero(r["id"])]
    random.Random(SEED).shuffle(pool)
    return tweets, pool


def write_jsonl(path: Path, records: list[dict], labelled: bool) -> Path:
    with path.open("w", encoding="utf-8") as f:
        for r in records:
            f.write(json.dumps(r if labelled else {k: v for k, v in r.items() if k != "label"}) + "\n")
    return path


def figures(tweets: list[dict], pool: list[dict], extra: int, work: Path) -> dict:
    files = [write_jsonl(work / "scored.jsonl", tweets, labelled=True)]
    if extra:
        files.append(write_jsonl(work / f"extra{extra}.jsonl", pool[:extra], labelled=False))
    db = work / f"corpus{extra}.duckdb"
    subprocess.run([str(Path(sys.executable).parent / "mipulse"), "run", "--input", *map(str, files), "--db", str(db),
                    "--out", str(work / f"out{extra}"), "--no-report", "--interval-replicates", "0"],
                   check=True, capture_output=True)
    with duckdb.connect(str(db), read_only=True) as con:
        labels = dict(con.execute("SELECT post_id, sentiment_label FROM post_scores").fetchall())
    gold = {r["id"]: r["label"] for r in tweets}
    ids = sorted(gold)
    report = single_label_report([gold[i] for i in ids], [labels[i] for i in ids], SENTIMENT_CLASSES)
    return {"corpus_posts": len(labels), "scored": len(ids),
            **{k: round(report[k], 4) for k in ("accuracy", "macro_f1", "macro_recall")},
            "label_shares": {c: round(sum(labels[i] == c for i in ids) / len(ids), 4) for c in SENTIMENT_CLASSES}}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scored", choices=("heldout", "validation"), default="heldout")
    parser.add_argument("--extra", type=int, nargs="+", default=[0, 4000, 16000, 36000])
    args = parser.parse_args()
    tweets, pool = scored_and_surrounding(args.scored)
    results = []
    with tempfile.TemporaryDirectory() as tmp:
        for extra in args.extra:
            results.append(figures(tweets, pool, extra, Path(tmp)))
            r = results[-1]
            print(f"{r['corpus_posts']:>7,} posts: {r['scored']} scored, acc {r['accuracy']:.3f} F1 {r['macro_f1']:.3f} "
                  f"recall {r['macro_recall']:.3f}, shares {r['label_shares']}", flush=True)
    out = REPO / "bench" / "results" / f"corpus_size_{args.scored}.json"
    out.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
