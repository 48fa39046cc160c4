"""Per-stage shares of a `mipulse run` profile recorded by py-spy.

    py-spy record -f raw -r RATE --subprocesses -o prof.txt -- mipulse run ...
    py-spy record -f raw -r RATE -o prof.txt -- python -m pipelines.job --input ... --output OUT   # the job alone
    python bench/profile_stages.py prof.txt RATE [--top N]

Each sampled stack is given to the stage of its innermost frame that names one (first
matching rule below); samples of Prefect's temporary server process, of the report's helper
processes and of Beam's SDK worker processes are kept apart. Seconds are samples / RATE:
busy-thread time as py-spy sees it (runnable threads and some blocking C calls count).
With --phases, each sample is first given to the part of the run it is in (the Beam job, the
load, the report with its helpers, the start-up's imports, the rest: Prefect and the flow),
then to its stage within it, so the report's re-tokenizing and re-scoring are not counted
as the job's. With --top N, also the N mipulse functions (flows/, pipelines/) with the most self time inside
the Beam job (stacks through `run_job`, SDK workers, or all of a profile of the job alone):
a sample is the function's when it is the innermost mipulse frame of the stack, so time in
what it calls outside mipulse (the standard library, C, numpy) counts as its own.
"""

from __future__ import annotations

import argparse
import re
from collections import Counter

STAGES = [  # (stage, pattern over one frame); the first matching rule wins
    ("import", r"_find_and_load"),
    ("report", r"flows/report|render_report"),
    ("load (DuckDB)", r"flows/store/|load_run"),
    ("read: author keys (scrypt)", r"pipelines/reading/authors\.py"),
    ("tokenize, topics, anchors", r"pipelines/text/|pipelines/induction/anchors\.py"),
    ("score", r"pipelines/scoring/|score_table"),
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


#: a frame of mipulse's own code: (function, file)
OWN_FRAME = re.compile(r"^(.*) \(((?:flows|pipelines)/[^:]*):\d+\)$")


def parsed(lines):
    """(frames, processes, samples) of each line of a py-spy raw profile."""
    for line in lines:
        stack, count = line.rsplit(" ", 1)
        frames = stack.split(";")
        yield frames, [f for f in frames if f.startswith("process ")], int(count)


def in_run_job(frames: list[str]) -> bool:
    """Whether a stack of the run's own process is inside the Beam job."""
    return any(f.startswith("run_job (pipelines/job.py") for f in frames)


def process_of(frames: list[str], processes: list[str]) -> str:
    """Which process a stack is of: "server", "worker" (Beam's SDK workers), "helper" (the report's
    chart helpers: every other child of a run) or "run"."""
    if any("uvicorn" in p or "temporary_server" in p for p in processes):
        return "server"
    if any("sdk_worker" in p for p in processes):
        return "worker"
    # a helper may show its parent's command line (py-spy can read it before the exec), so any other child is one
    return "helper" if len(processes) > 1 else "run"


def stage_samples(lines) -> Counter:
    samples = Counter()
    for frames, processes, count in parsed(lines):
        process = process_of(frames, processes)
        if process == "server":
            samples["Prefect temporary server process"] += count
        elif process == "helper":
            samples["report helper processes (charts)"] += count
        elif process == "worker":
            samples[f"SDK worker: {stage_of(frames)}"] += count
        else:
            samples[stage_of(frames)] += count
    return samples


def phase_of(frames: list[str], processes: list[str]) -> str:
    """The part of a run a stack is in (the first of these it is inside)."""
    process = process_of(frames, processes)
    if process == "server":
        return "Prefect temporary server"
    if process == "helper":
        return "report"
    if process == "worker" or in_run_job(frames):
        return "Beam job"
    if any(re.search(r"render_report|flows/reporting/", f) for f in frames):
        return "report"
    if any(re.search(r"flows/store/|load_run", f) for f in frames):
        return "load"
    if any("_find_and_load" in f for f in frames):
        return "start-up imports"
    return "Prefect and the flow"


def phase_samples(lines) -> dict[str, Counter]:
    """{phase: {stage: samples}}; a stage of a worker or helper process is prefixed as such."""
    samples: dict[str, Counter] = {}
    for frames, processes, count in parsed(lines):
        process = process_of(frames, processes)
        prefix = {"worker": "SDK worker: ", "helper": "helper process: "}.get(process, "")
        samples.setdefault(phase_of(frames, processes), Counter())[prefix + stage_of(frames)] += count
    return samples


def job_self_samples(lines) -> Counter:
    """{(function, file): samples} of the innermost mipulse frame of each stack inside the Beam job."""
    samples = Counter()
    for frames, processes, count in parsed(lines):
        process = process_of(frames, processes)
        in_job = process == "worker" or (process == "run" and (not processes or in_run_job(frames)))
        own = [m for m in map(OWN_FRAME.match, reversed(frames)) if m] if in_job else []
        if own:
            samples[own[0].groups()] += count
    return samples


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("profile", help="py-spy raw output (-f raw)")
    parser.add_argument("rate", type=float, help="the sampling rate it was recorded at (-r)")
    parser.add_argument("--phases", action="store_true", help="split the samples by part of the run first")
    parser.add_argument("--top", type=int, default=0, help="also list the N mipulse functions with most self time in the job")
    args = parser.parse_args()
    with open(args.profile, encoding="utf-8") as f:
        lines = f.readlines()
    samples = stage_samples(lines)
    total = sum(samples.values())
    if args.phases:
        phases = phase_samples(lines)
        for phase, stages in sorted(phases.items(), key=lambda item: -sum(item[1].values())):
            in_phase = sum(stages.values())
            print(f"{phase:44s} {in_phase / args.rate:7.1f} s {100 * in_phase / total:5.1f} %")
            for stage, count in stages.most_common():
                print(f"  {stage:42s} {count / args.rate:7.1f} s {100 * count / in_phase:5.1f} % of it")
    else:
        for stage, count in samples.most_common():
            print(f"{stage:36s} {count / args.rate:7.1f} s {100 * count / total:5.1f} %")
    print(f"{'sampled busy-thread time':36s} {total / args.rate:7.1f} s")
    if args.top:
        own = job_self_samples(lines)
        in_job = sum(own.values())
        print(f"\nmipulse functions by self time inside the job (of {in_job / args.rate:.1f} s; run_job's own:"
              " Beam's runner and coders outside any step):")
        for (function, file), count in own.most_common(args.top):
            print(f"{count / args.rate:7.2f} s {100 * count / in_job:5.1f} %  {function} ({file})")


if __name__ == "__main__":
    main()
