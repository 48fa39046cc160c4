"""Wall time of the same Beam job on three runners, plus Prefect server start-up.

    PYTHONPATH=$PWD python bench/runners.py --posts 100000 [--out /tmp/mipulse-bench]

Runners: the in-process FnApiRunner; multi-processing with 2 workers; the portable runner
(local job service + external worker pool; Beam's local job service starts one SDK worker). Every run reads the same
synthetic corpus (`mipulse sample`) with the same salt; the tables of each run are loaded
into their own DuckDB file and their fingerprints compared with the in-process run's.
"""

from __future__ import annotations

import argparse
import glob
import json
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from flows.store.db import RunRecord, load_run  # noqa: E402
from flows.store.checksum import checksums_of  # noqa: E402
from flows.local_server import prefect_server  # noqa: E402
from pipelines.config import load_seeds  # noqa: E402
from pipelines.job import JobSettings, run_job  # noqa: E402
from harness.portable import local_portable_services  # noqa: E402
from pipelines.reading.sources import SourceOptions  # noqa: E402
from pipelines.evaluation.synthetic import write_sample  # noqa: E402

MULTI = ["--runner=FnApiRunner", "--direct_num_workers=2", "--direct_running_mode=multi_processing"]
RUNNERS = ("in_process", "multi_processing_2", "portable_external")


def _timed_job(settings: JobSettings, beam_args: list[str]) -> float:
    started = time.perf_counter()
    run_job(settings, beam_args)
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--posts", type=int, default=100_000)
    parser.add_argument("--out", default=None)
    parser.add_argument("--runners", nargs="+", default=list(RUNNERS), choices=RUNNERS)
    parser.add_argument("--skip-server", action="store_true")
    args = parser.parse_args()
    out = Path(args.out or tempfile.mkdtemp(prefix="mipulse-bench-"))
    inputs = out / "input"
    if not glob.glob(str(inputs / "*.jsonl")):
        write_sample(inputs, args.posts, seed=0)
    files = tuple(sorted(glob.glob(str(inputs / "*.jsonl"))))
    base = JobSettings(files, "", load_seeds(None), SourceOptions("auto", None, "bench-salt"))

    results: dict[str, dict] = {}

    def measure(name: str, beam_args: list[str], **extra) -> None:
        run_dir = out / "runs" / name
        settings = JobSettings(files, str(run_dir), base.seeds, base.source)
        seconds = _timed_job(settings, beam_args)
        db = out / f"{name}.duckdb"
        db.unlink(missing_ok=True)
        load_run(db, RunRecord(name, str(run_dir), datetime.now(), list(files), {}, "bench"))
        results[name] = {"seconds": round(seconds, 1), "posts_per_s": round(args.posts / seconds),
                         "fingerprints": checksums_of(db), "beam_args": beam_args, **extra}
        print(f"{name}: {seconds:.1f} s ({args.posts / seconds:,.0f} posts/s)", flush=True)

    if "in_process" in args.runners:
        measure("in_process", ["--runner=FnApiRunner"])
    if "multi_processing_2" in args.runners:
        measure("multi_processing_2", MULTI)
    if "portable_external" in args.runners:
        with local_portable_services(REPO, log_dir=out / "portable-logs") as services:
            print(f"portable services up in {services.startup_seconds:.1f} s", flush=True)
            # Beam's local job service always asks the pool for ONE SDK worker: it calls
            # FnApiRunner.run_via_runner_api, which never reads direct_num_workers, and
            # sdk_worker_parallelism is for real job servers (Flink, Spark).
            measure("portable_external", services.beam_args,
                    services_startup_s=round(services.startup_seconds, 1))
    reference = checksums_of(out / "in_process.duckdb") if (out / "in_process.duckdb").exists() else None
    for result in results.values():
        result["same_tables_as_in_process"] = result.pop("fingerprints") == reference
    if not args.skip_server:
        with prefect_server(out / "prefect-home") as server:
            results["prefect_server_startup_s"] = round(server.startup_seconds, 1)
        print(f"Prefect server (SQLite, fresh home) healthy after {server.startup_seconds:.1f} s")
    print(json.dumps({"posts": args.posts, **results}, indent=2))


if __name__ == "__main__":
    main()
