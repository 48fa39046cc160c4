"""Load and report timings, and what a reader waits during a load: swap vs in place.

    PYTHONPATH=$PWD python bench/load_swap.py --run-dir mipulse-out/runs/<run_id> [--work /tmp/bench]

Loads one finished run folder into a fresh database (first load), loads it again with the
default copy-and-swap loader and with the in-place loader, times the copy alone, then
starts a reader process 2.5 s into each kind of load and reports how long it took to open
the file and count the posts. Ends with the time to render the report and the checksum
proof that the re-load changed nothing.
"""

from __future__ import annotations

import argparse
import multiprocessing as mp
import shutil
import subprocess
import sys
import time
from datetime import datetime
from pathlib import Path

from flows.store.checksum import checksums_of, database_checksum
from flows.store.db import RunRecord, load_run
from flows.reporting.report import render_report

READER = """
import sys, time
from flows.store.db import connect_read_only
t = time.perf_counter()
with connect_read_only(sys.argv[1]) as con:
    n = con.execute("SELECT count(*) FROM posts").fetchone()[0]
print(n, round(time.perf_counter() - t, 3))
"""


def timed(fn, *args, **kwargs) -> float:
    start = time.perf_counter()
    fn(*args, **kwargs)
    return time.perf_counter() - start


def record(run_dir: Path, run_id: str) -> RunRecord:
    return RunRecord(run_id, str(run_dir), datetime(2026, 1, 1), [], {"bench": True}, "bench")


def reader_during_load(db: Path, run_dir: Path, swap: bool) -> tuple[str, float]:
    loader = mp.get_context("spawn").Process(target=load_run, args=(db, record(run_dir, f"bench-{swap}")),
                                             kwargs={"swap": swap})
    start = time.perf_counter()
    loader.start()
    time.sleep(2.5)  # the spawned loader imports, then holds the file
    out = subprocess.run([sys.executable, "-c", READER, str(db)], capture_output=True, text=True).stdout.strip()
    loader.join()
    return out, time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--run-dir", required=True, type=Path)
    parser.add_argument("--work", default="/tmp/mipulse-bench-load", type=Path)
    args = parser.parse_args()
    shutil.rmtree(args.work, ignore_errors=True)
    args.work.mkdir(parents=True)
    db = args.work / "bench.duckdb"

    print(f"first load (swap):        {timed(load_run, db, record(args.run_dir, 'bench-1')):.2f} s")
    before = checksums_of(db)
    print(f"database size:            {db.stat().st_size / 1e6:.1f} MB")
    print(f"copy of the file alone:   {timed(shutil.copyfile, db, args.work / 'copy.duckdb'):.3f} s")
    print(f"re-load (swap):           {timed(load_run, db, record(args.run_dir, 'bench-2')):.2f} s")
    print(f"re-load (in place):       {timed(load_run, db, record(args.run_dir, 'bench-3'), swap=False):.2f} s")
    after = checksums_of(db)
    print(f"checksum after 1st load:  {database_checksum(before)}")
    print(f"checksum after 3rd load:  {database_checksum(after)}  identical={before == after}")
    for swap in (True, False):
        out, load_s = reader_during_load(db, args.run_dir, swap)
        print(f"reader during {'swap' if swap else 'in-place'} load: posts, open+count s = {out}"
              f"  (load took {load_s:.2f} s)")
    print(f"render report:            {timed(render_report, db, args.work / 'report'):.2f} s")


if __name__ == "__main__":
    main()
