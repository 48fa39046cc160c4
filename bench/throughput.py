"""End to end: `mipulse run` as a user types it against an independent single-process reference.

    python -m bench.throughput [--sizes 200000 1000000] [--real 500000] [--modes ...]

Corpora (built once under --data, never committed): synthetic posts (`mipulse sample
--seed 5`) of each size, and a real-vocabulary corpus of --real posts resampled from every
text in ../shared/data/*/*.jsonl with dates spread over 2014-2023. Modes, each a separate
process timed from launch to exit (report included):

* reference: `bench/reference_plain.py` (imports nothing from mipulse): tokenize, count,
  nPMI seed lexicon, score, Parquet, DuckDB load, in one process;
* inprocess: `mipulse run --input ... --db ...` (Beam's FnApiRunner, Prefect's temporary server);
* workers2: the same with `--direct_num_workers=2 --direct_running_mode=multi_processing`.

For each run: wall and CPU seconds (user + sys of the run, every process it waited for and those that
outlived it),
the peak RSS summed over the process tree (sampled every 0.2 s; split at that moment into the run's
own process, Prefect's temporary server and Beam's workers), the load average before it,
and the stages, timed by when the run's stage lines arrive (start-up to the flow's first line,
Beam job, load, report, flow end to exit), or the reference's per-stage CPU. Then ratios (reference
seconds / mipulse seconds: >= 1 means mipulse is faster), the fixed cost (1,000 posts) and the
scaling from the smallest to the largest synthetic size. Results go to --out as JSON after
every run, so a partial run keeps what it measured.
"""

from __future__ import annotations

import argparse
import json
import math
import ctypes
import os
import platform
import random
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections import defaultdict
from datetime import datetime, timedelta, timezone
from pathlib import Path

import psutil

BENCH = Path(__file__).resolve().parent
from bench import SHARED_DATA, data_files
WORKERS2 = ["--direct_num_workers=2", "--direct_running_mode=multi_processing"]
MODES = ("reference", "inprocess", "workers2")
PLATFORMS = ("twitter", "reddit", "youtube")
FIXED_COST_POSTS = 1_000
# mipulse's log lines (flows/run_flow.py) that open each stage; the first stage runs from launch
STAGE_MARKS = (("start-up: imports, Prefect server", None),
               ("flow tasks before the job", r"Beginning flow run"),
               ("Beam job", r"stage 1/3"),
               ("load", r"stage 2/3"),
               ("report", r"stage 3/3"),
               ("flow end to exit", r"posts in [0-9.]+ s \("))


def synthetic_corpus(size: int, data_dir: Path) -> Path:
    """`mipulse sample --posts size --seed 5`, cached."""
    from pipelines.evaluation.synthetic import write_sample

    folder = data_dir / f"synthetic-{size}"
    if not (folder / ".complete").exists():
        shutil.rmtree(folder, ignore_errors=True)
        write_sample(folder, size, seed=5)
        (folder / ".complete").touch()
    return folder


def real_corpus(size: int, data_dir: Path, source: Path = SHARED_DATA) -> Path:
    """`size` posts whose texts are drawn (with replacement, seeded) from every text of the
    labelled data sets, each with a fresh id, a platform and a date spread over 2014-2023: real
    vocabulary at a synthetic scale. Written once under `data_dir`, never in the repository."""
    folder = data_dir / f"real-{size}"
    if (folder / ".complete").exists():
        return folder
    texts = sorted({json.loads(line)["text"] for path in data_files(str(source / "*" / "*.jsonl"))
                    for line in open(path, encoding="utf-8") if line.strip() and '"text"' in line})
    if not texts:
        raise FileNotFoundError(f"no texts under {source}/*/*.jsonl")
    rng = random.Random(5)
    start, span = datetime(2014, 1, 1, tzinfo=timezone.utc), 10 * 365 * 86_400
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    files = {p: open(folder / f"{p}.jsonl", "w", encoding="utf-8") for p in PLATFORMS}
    try:
        for i in range(size):
            p = rng.choice(PLATFORMS)
            created = start + timedelta(seconds=rng.randrange(span))
            files[p].write(json.dumps({"platform": p, "post_id": f"real-{i:08d}",
                                       "created_at": created.strftime("%Y-%m-%dT%H:%M:%SZ"),
                                       "author": f"user{rng.randrange(50_000)}", "text": rng.choice(texts)}) + "\n")
    finally:
        for f in files.values():
            f.close()
    (folder / ".complete").touch()
    return folder


def command_for(mode: str, corpus: Path, work: Path) -> list[str]:
    inputs = sorted(str(p) for p in corpus.glob("*.jsonl"))
    if mode == "reference":
        return [sys.executable, str(BENCH / "reference_plain.py"), "--input", *inputs, "--out", str(work / "ref")]
    mipulse = str(Path(sys.executable).parent / "mipulse")
    return [mipulse, "run", "--input", *inputs, "--db", str(work / "bench.duckdb"),
            *(WORKERS2 if mode == "workers2" else [])]


def become_subreaper() -> None:
    """Adopt the run's orphans (Linux): a run does not wait for its Prefect server to finish stopping,
    so the server ends after the run, as this process's child, and `orphans_cpu_seconds` counts it."""
    if sys.platform.startswith("linux"):
        pr_set_child_subreaper = 36
        ctypes.CDLL(None, use_errno=True).prctl(pr_set_child_subreaper, 1)


def orphans_cpu_seconds() -> float:
    """User + sys seconds of the run's processes that outlived it (adopted by `become_subreaper`), once
    they have ended."""
    total = 0.0
    while True:
        try:
            _, _, usage = os.wait4(-1, 0)
        except ChildProcessError:
            return total
        total += usage.ru_utime + usage.ru_stime


def measure(command: list[str]) -> dict:
    """Run a command to its end: wall and CPU seconds, peak summed RSS of its process tree, and
    its output lines with the second each arrived (its own log format differs between runners)."""
    become_subreaper()
    load = os.getloadavg()[0]
    peak = 0
    start = time.perf_counter()
    proc = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    done = threading.Event()
    lines: list[tuple[float, str]] = []

    at_peak: dict[str, int] = {}

    def sample() -> None:
        nonlocal peak, at_peak
        root = psutil.Process(proc.pid)
        while not done.wait(0.2):
            try:
                procs = [root, *root.children(recursive=True)]
                by_role: dict[str, int] = defaultdict(int)
                for p in procs:
                    if p.is_running():
                        by_role["run" if p.pid == root.pid else process_role(p)] += p.memory_info().rss
                if sum(by_role.values()) > peak:
                    peak, at_peak = sum(by_role.values()), dict(by_role)
            except psutil.Error:
                pass

    def read() -> None:
        for line in proc.stdout:
            lines.append((time.perf_counter() - start, line))

    threads = [threading.Thread(target=sample, daemon=True), threading.Thread(target=read, daemon=True)]
    for thread in threads:
        thread.start()
    _, status, usage = os.wait4(proc.pid, 0)
    seconds = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    cpu = usage.ru_utime + usage.ru_stime + orphans_cpu_seconds()
    done.set()
    for thread in threads:
        thread.join()
    if proc.returncode:
        raise RuntimeError(f"{' '.join(command)} failed with {proc.returncode}:\n"
                           + "".join(line for _, line in lines[-40:]))
    return {"seconds": seconds, "cpu_seconds": cpu, "peak_rss_mb": peak / 2**20,
            "peak_rss_mb_by_process": {role: round(rss / 2**20) for role, rss in sorted(at_peak.items())},
            "load_average": load, "stages": stages_of(lines, seconds)}


def process_role(process: psutil.Process) -> str:
    """What a child process of a run is, by its command line: Prefect's temporary server, a Beam SDK
    worker (2-worker mode), the report's helper process, or other."""
    command = " ".join(process.cmdline())
    if "uvicorn" in command or ("prefect" in command and "server" in command):
        return "prefect server"
    if "sdk_worker" in command or "worker_pool" in command:
        return "beam workers"
    if "helper_process" in command:
        return "report helper"
    return "other"


def stages_of(lines: list[tuple[float, str]], seconds: float) -> dict[str, float]:
    """Wall seconds per stage, from when mipulse's stage lines arrived; or the reference's CPU lines."""
    reference = {m.group(1): float(m.group(2)) for _, line in lines
                 if (m := re.match(r"(\w+)\s+([0-9.]+) s CPU", line))}
    if reference:
        return {f"{name} (CPU)": value for name, value in reference.items() if name != "total"}
    starts = [(STAGE_MARKS[0][0], 0.0)]
    for name, pattern in STAGE_MARKS[1:]:
        arrived = next((t for t, line in lines if re.search(pattern, line)), None)
        if arrived is not None:
            starts.append((name, arrived))
    ends = [t for _, t in starts[1:]] + [seconds]
    return {name: end - t for (name, t), end in zip(starts, ends)}


def run_all(corpora: list[tuple[str, int, Path]], modes: list[str], out: Path, results: dict) -> None:
    for kind, size, folder in corpora:
        for mode in modes:
            with tempfile.TemporaryDirectory(prefix="mipulse-bench-") as work:
                row = {"corpus": kind, "posts": size, "mode": mode,
                       **measure(command_for(mode, folder, Path(work)))}
            row["posts_per_second"] = size / row["seconds"]
            row["commit"] = measured_commit()
            results["runs"].append(row)
            print(json.dumps(row), flush=True)
            out.write_text(json.dumps(results, indent=2) + "\n")


def measured_commit() -> str:
    """The commit measured ('+changes' when the work tree differs from it)."""
    def git(*args: str) -> str:
        return subprocess.run(["git", *args], cwd=BENCH.parent, capture_output=True, text=True).stdout.strip()

    commit = git("rev-parse", "--short", "HEAD") or "unknown"
    return commit + ("+changes" if git("status", "--porcelain", "--untracked-files=no") else "")


def summary(runs: list[dict]) -> str:
    """Tables: every run with its ratios; stages; scaling; fixed cost."""
    ref = {(r["corpus"], r["posts"]): r for r in runs if r["mode"] == "reference"}
    lines = ["| corpus | posts | mode | load avg | wall s | CPU s | posts/s | × reference (wall) | "
             "× reference (CPU) | peak RSS MB |", "|---|---:|---|---:|---:|---:|---:|---:|---:|---:|"]
    for r in runs:
        base = ref.get((r["corpus"], r["posts"]))
        wall = f"{base['seconds'] / r['seconds']:.2f}" if base else "-"
        cpu = f"{base['cpu_seconds'] / r['cpu_seconds']:.2f}" if base else "-"
        lines.append(f"| {r['corpus']} | {r['posts']:,} | {r['mode']} | {r['load_average']:.1f} | {r['seconds']:.1f} | "
                     f"{r['cpu_seconds']:.1f} | {r['posts_per_second']:,.0f} | {wall} | {cpu} | {r['peak_rss_mb']:,.0f} |")
    lines += ["", "Stages (wall s; the reference's are CPU s):", ""]
    for r in runs:
        parts = ", ".join(f"{name} {value:.1f}" for name, value in r["stages"].items())
        memory = ", ".join(f"{role} {mb:,}" for role, mb in r.get("peak_rss_mb_by_process", {}).items())
        at_peak = f" (at peak RSS, MB: {memory})" if memory else ""
        lines.append(f"- {r['corpus']} {r['posts']:,} {r['mode']}: {parts}{at_peak}")
    synthetic = sorted({r["posts"] for r in runs if r["corpus"] == "synthetic" and r["posts"] > FIXED_COST_POSTS})
    if len(synthetic) > 1:
        small, large = synthetic[0], synthetic[-1]
        lines += ["", f"Scaling {small:,} -> {large:,} posts ({large / small:.1f}x posts; target: per doubling "
                  "of posts at most 2.1x the time):", ""]
        for mode in MODES:
            pair = [next((r for r in runs if r["corpus"] == "synthetic" and r["posts"] == n and r["mode"] == mode),
                         None) for n in (small, large)]
            if all(pair):
                ratio = pair[1]["seconds"] / pair[0]["seconds"]
                per_doubling = ratio ** (math.log(2) / math.log(large / small))
                lines.append(f"- {mode}: {ratio:.2f}x the time, {per_doubling:.2f}x per doubling")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="*", default=[200_000, 1_000_000], help="synthetic corpus sizes")
    parser.add_argument("--real", type=int, default=500_000, help="posts of the real-vocabulary corpus (0: none)")
    parser.add_argument("--modes", nargs="+", default=list(MODES), choices=MODES)
    parser.add_argument("--no-fixed-cost", action="store_true", help="skip the 1,000-post runs")
    parser.add_argument("--data", default=str(BENCH / "data"), help="where corpora are built (never committed)")
    parser.add_argument("--texts", default=str(SHARED_DATA), help="folders of labelled JSONL whose texts the real corpus draws")
    parser.add_argument("--out", default=str(BENCH / "results" / "throughput.json"))
    parser.add_argument("--append", action="store_true", help="add to the runs already in --out")
    args = parser.parse_args(argv)

    data, out = Path(args.data), Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    results = {"machine": {"cpus": os.cpu_count(), "python": platform.python_version(),
                           "memory_gb": round(psutil.virtual_memory().total / 2**30)},
               "started": datetime.now(timezone.utc).isoformat(timespec="seconds"), "runs": []}
    if args.append and out.exists():
        results = json.loads(out.read_text())
    if not args.no_fixed_cost:
        run_all([("synthetic", FIXED_COST_POSTS, synthetic_corpus(FIXED_COST_POSTS, data))], args.modes, out, results)
    sizes = sorted(args.sizes)
    if sizes:
        run_all([("synthetic", sizes[0], synthetic_corpus(sizes[0], data))], args.modes, out, results)
    if args.real:
        run_all([("real", args.real, real_corpus(args.real, data, Path(args.texts)))], args.modes, out, results)
    run_all([("synthetic", n, synthetic_corpus(n, data)) for n in sizes[1:]], args.modes, out, results)
    print(summary(results["runs"]))


if __name__ == "__main__":
    main()
