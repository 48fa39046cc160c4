"""Drift where nothing changed: the climate sample split at random into two years.

    .venv/bin/python bench/drift_null.py [--shares 0.25 0.5] [--work DIR]

Every tweet of ../shared/data/climate_tweets_2014_2021/sample.jsonl is dated 2014-06 or 2015-06 at
random (a share of them in 2014), so the two years are samples of the same posts: any term the
report calls a drift between them is a false one. Each split is run as a user runs it (`mipulse run`),
and the report's own drift (`flows.reporting.report_lexicon.drift`) is read from the database. Writes
bench/results/drift_null.json.
"""

from __future__ import annotations

import argparse
import json
import random
import subprocess
import sys
import tempfile
from collections import Counter
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from bench import SHARED_DATA  # noqa: E402
from flows.reporting.report_lexicon import drift  # noqa: E402
from flows.store.db import connect_read_only  # noqa: E402

CLIMATE = SHARED_DATA / "climate_tweets_2014_2021" / "sample.jsonl"
SEED = 7


def split_file(records: list[dict], share: float, path: Path) -> None:
    """The records dated 2014-06-15 (a random `share` of them) or 2015-06-15, written as JSONL."""
    order = list(range(len(records)))
    random.Random(SEED).shuffle(order)
    first = set(order[:int(len(records) * share)])
    with path.open("w", encoding="utf-8") as f:
        for i, record in enumerate(records):
            year = 2014 if i in first else 2015
            f.write(json.dumps({**record, "created_at": f"{year}-06-15T12:00:00Z"}) + "\n")


def null_drift(records: list[dict], share: float, work: Path) -> dict:
    folder = work / f"share-{share}"
    folder.mkdir(parents=True, exist_ok=True)
    split_file(records, share, folder / "posts.jsonl")
    db = folder / "split.duckdb"
    subprocess.run([str(Path(sys.executable).parent / "mipulse"), "run", "--input", str(folder / "posts.jsonl"),
                    "--db", str(db), "--out", str(folder / "out"), "--no-report", "--interval-replicates", "0"],
                   check=True, capture_output=True)
    with connect_read_only(str(db)) as con:
        rows = drift(con, ((2014, 2014), (2015, 2015)), None)
    return {"share_2014": share, "drifts": len(rows), "by_dimension": dict(Counter(r["dimension"] for r in rows)),
            "largest": [{k: r[k] for k in ("dimension", "term", "value_a", "value_b", "band", "support_a", "support_b")}
                        for r in rows[:5]]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shares", type=float, nargs="+", default=[0.25, 0.5])
    parser.add_argument("--work", type=Path, default=None)
    args = parser.parse_args()
    records = [json.loads(line) for line in CLIMATE.open(encoding="utf-8")]
    with tempfile.TemporaryDirectory() as tmp:
        work = args.work or Path(tmp)
        results = [null_drift(records, share, work) for share in args.shares]
    for result in results:
        print(f"{result['share_2014']:.2f} of the posts in 2014: {result['drifts']} drifts {result['by_dimension']}")
    out = REPO / "bench" / "results" / "drift_null.json"
    out.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
