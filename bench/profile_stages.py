"""Per-stage shares of a `mipulse run` profile recorded by py-spy.

    py-spy record -f raw -r RATE --subprocesses -o prof.txt -- mipulse run ...
    python bench/profile_stages.py prof.txt RATE

Each sampled stack is given to the stage of its innermost frame that names one (first
matching rule below); samples of Prefect's temporary server process and of Beam's SDK
worker processes are kept apart. Seconds are samples / RATE: busy-thread time as py-spy
sees it (runnable threads and some blocking C calls count).
"""

from __future__ import annotations

import re
import sys
from collections import Counter

STAGES = [  # (stage, pattern over one frame); the first matching rule wins
    ("import", r"_find_and_load"),
    ("report", r"flows/report|render_report"),
    ("load (DuckDB)", r"flows/db\.py|load_run"),
    ("tokenize", r"pipelines/text\.py|pipelines/hashtags\.py"),
    ("score", r"pipelines/(scoring|combiner)\.py|score_rows|seedscore"),
    ("lexicon", r"pipelines/(induce|lexicon|pmi|anchors)\.py"),
    ("count", r"pipelines/counting\.py"),
    ("write (Parquet)", r"pipelines/sinks\.py|parquet"),
    ("read/parse/dedupe", r"pipelines/(readers|sources|posts|dedupe|manifest|batches|window)"),
    ("job other (pipelines/)", r"pipelines/"),
    ("Beam runner/coders", r"apache_beam"),
    ("Prefect", r"prefect"),
]


def stage_of(frames: list[str]) -> str:
    for frame in reversed(frames):
        for name, pattern in STAGES:
            if re.search(pattern, frame):
                return name
    return "other"


def stage_samples(lines) -> Counter:
    samples = Counter()
    for line in lines:
        stack, count = line.rsplit(" ", 1)
        frames = stack.split(";")
        processes = [f for f in frames if f.startswith("process ")]
        if any("uvicorn" in p for p in processes):
            samples["Prefect temporary server process"] += int(count)
        elif len(processes) > 1:
            samples[f"SDK worker: {stage_of(frames)}"] += int(count)
        else:
            samples[stage_of(frames)] += int(count)
    return samples


def main() -> None:
    path, rate = sys.argv[1], float(sys.argv[2])
    with open(path, encoding="utf-8") as f:
        samples = stage_samples(f)
    total = sum(samples.values())
    for stage, count in samples.most_common():
        print(f"{stage:36s} {count / rate:7.1f} s {100 * count / total:5.1f} %")
    print(f"{'sampled busy-thread time':36s} {total / rate:7.1f} s")


if __name__ == "__main__":
    main()
