"""Split-half check of the lexicon-aware intervals (`docs/intervals.md`).

    .venv/bin/python bench/split_half_intervals.py [--work DIR]

The climate sample is split by odd / even days of the month; each half is run on its own
(`mipulse run`: its own lexicon, its own posts), and the yearly sentiment and emotion shares of
the two halves are compared: do their lexicon-aware intervals overlap every year? (Wilson
intervals beside them.) Writes bench/results/split_half_intervals.json.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from bench.accuracy import split_by_day  # noqa: E402
from bench.case_study import rows  # noqa: E402
from bench.sql_docs import CLIMATE, mipulse  # noqa: E402
from flows.store.db import connect_read_only  # noqa: E402
from flows.store.views import add_report_window  # noqa: E402
from flows.reporting.intervals import EMOTION, SENTIMENT, lexicon_intervals, with_share_intervals  # noqa: E402

RESULT = REPO / "bench" / "results" / "split_half_intervals.json"


def shares(db: Path) -> dict[tuple, dict]:
    with connect_read_only(db) as con:
        add_report_window(con)  # a database made before the macro
        intervals = lexicon_intervals(con)
        sentiment = with_share_intervals(rows(con, "report_sentiment_share.sql"), intervals, SENTIMENT,
                                         "sentiment_label")
        emotions = with_share_intervals(rows(con, "report_emotion_share.sql"), intervals, EMOTION, "emotion")
    out = {(r["year"], "sentiment", r["sentiment_label"]): r for r in sentiment}
    out.update({(r["year"], "emotion", r["emotion"]): r for r in emotions if r["share"] is not None})
    return out


def overlap(a: dict, b: dict, low: str, high: str) -> bool:
    return a[low] <= b[high] and b[low] <= a[high]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--work", type=Path, default=None)
    args = parser.parse_args(argv)
    work = args.work or Path(tempfile.mkdtemp(prefix="split-half-"))
    work.mkdir(parents=True, exist_ok=True)
    halves = []
    for i, half in enumerate(split_by_day(CLIMATE, work)):
        db = work / f"half_{i}.duckdb"
        if not db.exists():
            mipulse("run", "--input", str(half), "--db", str(db), "--out", str(work / f"out_{i}"), "--no-report")
        halves.append(shares(db))
    keys = sorted(halves[0].keys() & halves[1].keys())
    table = [{"year": k[0], "dimension": k[1], "label": k[2],
              "odd": [round(halves[0][k][c], 4) for c in ("share", "lex_low", "lex_high", "ci_low", "ci_high")],
              "even": [round(halves[1][k][c], 4) for c in ("share", "lex_low", "lex_high", "ci_low", "ci_high")],
              "lexicon_aware_overlap": overlap(halves[0][k], halves[1][k], "lex_low", "lex_high"),
              "wilson_overlap": overlap(halves[0][k], halves[1][k], "ci_low", "ci_high")} for k in keys]
    summary = {dim: {"cells": sum(r["dimension"] == dim for r in table),
                     "lexicon_aware_overlap": sum(r["lexicon_aware_overlap"] for r in table if r["dimension"] == dim),
                     "wilson_overlap": sum(r["wilson_overlap"] for r in table if r["dimension"] == dim)}
               for dim in ("sentiment", "emotion")}
    RESULT.write_text(json.dumps({"summary": summary, "cells": table}, indent=1) + "\n", encoding="utf-8")
    print(json.dumps(summary, indent=1))
    for r in table:
        if not r["lexicon_aware_overlap"]:
            print("no overlap:", r)
    return 0


if __name__ == "__main__":
    sys.exit(main())
