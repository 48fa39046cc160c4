"""Per-stage shares of a `mipulse run` profile recorded by py-spy.

    py-spy record -f raw -r RATE --subprocesses -o prof.txt -- mipulse run ...
    py-spy record -f raw -r RATE -o prof.txt -- python -m pipelines.job --input ... --output OUT   # the job alone
    python bench/profile_stages.py prof.txt RATE

Each sampled stack is given to the stage of its innermost frame that names one (first
matching rule below); samples of Prefect's temporary server process, of the report's helper
process and of Beam's SDK worker processes are kept apart. Seconds are samples / RATE:
busy-thread time as py-spy sees it (runnable threads and some blocking C calls count).
"""

from __future__ import annotations

import re
import sys
from collections import Counter

STAGES = [  # (stage, pattern over one frame); the first matching rule wins
    ("import", r"_find_and_load"),
    ("report", r"flows/report|render_report"),
    ("load (DuckDB)", r"flows/store/|load_run"),
    ("read: author keys (scrypt)", r"pipelines/reading/authors\.py"),
    ("tokenize, topics, anchors", r"pipelines/text/|pipelines/induction/anchors\.py"),
    ("score", r"pipelines/scoring/|score_rows"),
    ("lexicon", r"pipelines/induction/(induce|lexicon|pmi|priors)\.py"),
    ("count", r"pipelines/induction/counting\.py"),
    ("write (Arrow, Parquet)", r"pipelines/writing/|parquet"),
    ("read/parse/dedupe", r"pipelines/reading/|pipelines/batches"),
    ("job other (pipelines/)", r"pipelines/"),
    ("Beam coders (pickle, decode)", r"PickleCoder|apache_beam/coders/|process_encoded \("),
    ("Beam runner", r"apache_beam"),
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
        if any("uvicorn" in p or "temporary_server" in p for p in processes):
            samples["Prefect temporary server process"] += int(count)
        elif any("helper_process" in p for p in processes):
            samples["report helper process (word-shift charts)"] += int(count)
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
