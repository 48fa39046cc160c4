"""End-to-end throughput: Beam (in-process, 2 workers) against the single-process reference.

For each corpus size: generate the synthetic sample once (cached under bench/data/), then
run every mode in its own process — read -> tokenize -> count -> PMI -> lexicon -> score ->
Parquet -> DuckDB load — timing it and sampling the peak RSS of its whole process tree.

    python -m bench.throughput --sizes 100000 200000 400000 1000000
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import psutil

BENCH = Path(__file__).resolve().parent
MODES = {
    "reference": [],
    "inprocess": ["--runner=FnApiRunner"],
    "workers2": ["--runner=FnApiRunner", "--direct_num_workers=2", "--direct_running_mode=multi_processing"],
}


def corpus(size: int, data_dir: Path) -> Path:
    """The cached synthetic sample of `size` posts (seed 0)."""
    from pipelines.synthetic import write_sample

    folder = data_dir / f"posts-{size}"
    if not (folder / ".complete").exists():
        shutil.rmtree(folder, ignore_errors=True)
        write_sample(folder, size, seed=0)
        (folder / ".complete").touch()
    return folder


def measure(command: list[str]) -> dict:
    """Run a command; wall time and the peak summed RSS of it and its children (sampled)."""
    peak = 0
    start = time.perf_counter()
    proc = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    done = threading.Event()

    def sample() -> None:
        nonlocal peak
        root = psutil.Process(proc.pid)
        while not done.wait(0.2):
            try:
                procs = [root, *root.children(recursive=True)]
                peak = max(peak, sum(p.memory_info().rss for p in procs if p.is_running()))
            except psutil.Error:
                pass

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    out, _ = proc.communicate()
    done.set()
    sampler.join()
    if proc.returncode:
        raise RuntimeError(f"{command} failed with {proc.returncode}")
    return {"seconds": time.perf_counter() - start, "peak_rss_mb": peak / 2**20, **json.loads(out.splitlines()[-1])}


def run_one(mode: str, input_dir: str, work: str) -> dict:
    """One mode, in this process: job (or reference) then the DuckDB load; stage timings."""
    from datetime import datetime

    from flows.db import RunRecord, load_run
    from pipelines.config import load_seeds
    from pipelines.job import JobSettings, run_job
    from pipelines.sources import SourceOptions
    from pipelines.text import TOKENIZER_VERSION

    pattern = os.path.join(input_dir, "*.jsonl")
    out = os.path.join(work, "run")
    seeds, source = load_seeds(), SourceOptions(author_salt="bench")
    t0 = time.perf_counter()
    if mode == "reference":
        from bench.reference import run_reference

        run_reference([pattern], out, seeds, source)
    else:
        run_job(JobSettings((pattern,), out, seeds, source), MODES[mode])
    t1 = time.perf_counter()
    load_run(os.path.join(work, "bench.duckdb"),
             RunRecord("bench", out, datetime.now(), [pattern], {"mode": mode}, TOKENIZER_VERSION))
    t2 = time.perf_counter()
    return {"job_seconds": t1 - t0, "load_seconds": t2 - t1}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=[100_000, 200_000, 400_000, 1_000_000])
    parser.add_argument("--modes", nargs="+", default=list(MODES), choices=list(MODES))
    parser.add_argument("--data", default=str(BENCH / "data"))
    parser.add_argument("--out", default=str(BENCH / "results" / "throughput.json"))
    parser.add_argument("--one", nargs=3, metavar=("MODE", "INPUT", "WORK"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.one:
        print(json.dumps(run_one(*args.one)))
        return

    results = {"machine": {"cpus": os.cpu_count(), "python": platform.python_version(),
                           "memory_gb": round(psutil.virtual_memory().total / 2**30)}, "runs": []}
    for size in args.sizes:
        folder = corpus(size, Path(args.data))
        for mode in args.modes:
            with tempfile.TemporaryDirectory(prefix="mipulse-bench-") as work:
                row = {"posts": size, "mode": mode,
                       **measure([sys.executable, "-m", "bench.throughput", "--one", mode, str(folder), work])}
            row["posts_per_second"] = size / row["seconds"]
            results["runs"].append(row)
            print(json.dumps(row), flush=True)
    _add_ratios(results["runs"])
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text(json.dumps(results, indent=2) + "\n")
    print(_table(results["runs"]))


def _add_ratios(runs: list[dict]) -> None:
    """Speed relative to the reference of the same size, and time growth per doubling."""
    reference = {r["posts"]: r["seconds"] for r in runs if r["mode"] == "reference"}
    for r in runs:
        if r["posts"] in reference:
            r["speed_vs_reference"] = reference[r["posts"]] / r["seconds"]


def _table(runs: list[dict]) -> str:
    lines = ["| posts | mode | wall s | job s | load s | posts/s | × reference | peak RSS MB |",
             "|---:|---|---:|---:|---:|---:|---:|---:|"]
    for r in runs:
        lines.append(f"| {r['posts']:,} | {r['mode']} | {r['seconds']:.1f} | {r['job_seconds']:.1f} | "
                     f"{r['load_seconds']:.1f} | {r['posts_per_second']:,.0f} | "
                     f"{r.get('speed_vs_reference', float('nan')):.2f} | {r['peak_rss_mb']:,.0f} |")
    return "\n".join(lines)


if __name__ == "__main__":
    main()
