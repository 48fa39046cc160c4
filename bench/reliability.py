"""Reliability figures: malformed input, killed loaders, readers during loads, determinism.

    PYTHONPATH=. python -m bench.reliability [--work /tmp/mipulse-bench-reliability] [--delays 10]

Prints one Markdown table (cases tried, records generated, crashes, records lost, kill
points, equality checks). The same properties are asserted by tests/test_bad_input.py and
tests/test_crash_safety.py; this script only counts them at a larger number of kill points.
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
import subprocess
import sys
import time
from datetime import datetime
from pathlib import Path

import duckdb

from flows.store.checksum import checksums_of
from flows.store.db import PAUSE_ENV, PAUSE_POINTS, RunRecord, load_run
from pipelines.config import load_seeds
from pipelines.job import JobSettings, run_job
from pipelines.reading.sources import SourceOptions
from harness.malformed import DUPLICATE, VALID, write_corpus
from harness.run_folders import record, write_run
from harness.crash import FEBRUARY, JANUARY, READER_LOOP, env, kill, start_loader, wait_for


def bad_input(work: Path) -> dict:
    corpus = write_corpus(work / "in", seed=8)
    started = time.perf_counter()
    checksums, crashes = [], 0
    for name in ("run-a", "run-b"):
        try:
            run_job(JobSettings(tuple(map(str, corpus.files)), str(work / name), load_seeds(),
                                source=SourceOptions(author_salt="bench")), ["--runner=FnApiRunner"])
            load_run(work / f"{name}.duckdb", RunRecord(name, str(work / name), datetime(2026, 1, 1), [], {}, "b"))
            checksums.append(checksums_of(work / f"{name}.duckdb"))
        except Exception as exc:  # a crash is what this counts
            crashes += 1
            print(f"crash: {exc!r}", file=sys.stderr)
    with duckdb.connect(str(work / "run-a.duckdb"), read_only=True) as con:
        accounting = con.execute("SELECT source_file, records_read, accepted, rejected, duplicates "
                                 "FROM file_accounting").fetchall()
        landed = set(con.execute("SELECT platform, post_id FROM posts").fetchall())
        no_reason = con.execute("SELECT count(*) FROM rejects WHERE coalesce(reason, '') = ''").fetchone()[0]
    lost = len(corpus.valid_ids - landed)
    for path, read, accepted, rejected, duplicates in accounting:
        name = Path(path).name
        lost += abs(read - (accepted + rejected + duplicates))
        if name not in corpus.uncounted:
            lost += abs(corpus.count(name) - read)
    return {"files": len(corpus.files), "generated": len(corpus.kinds) - 1 + corpus.junk_lines,
            "malformed": corpus.malformed - 1 + corpus.junk_lines, "valid": corpus.count_kind(VALID),
            "duplicates": corpus.count_kind(DUPLICATE), "crashes": crashes, "lost": lost, "no_reason": no_reason,
            "extra_accepted": len(landed - corpus.valid_ids),
            "deterministic": len(checksums) == 2 and checksums[0] == checksums[1],
            "tables_compared": len(checksums[0]) if checksums else 0, "seconds": time.perf_counter() - started}


def kill_points(work: Path, delays: int) -> dict:
    jan = write_run(work / "run-jan", JANUARY, source_file="jan.jsonl")
    feb = write_run(work / "run-feb", FEBRUARY, source_file="feb.jsonl")
    ref = work / "ref" / "r.duckdb"
    load_run(ref, record(jan, "run-1"))
    before = checksums_of(ref)
    load_run(ref, record(feb, "run-2"))
    after = checksums_of(ref)
    cases = [(point, True, None) for point in PAUSE_POINTS] + [(p, False, None) for p in ("locked", "written")]
    rng = random.Random(8)
    cases += [(f"after {ms} ms", True, ms) for ms in sorted(rng.randrange(50, 2000) for _ in range(delays))]
    complete, equal, broken = 0, 0, []
    for n, (point, swap, delay_ms) in enumerate(cases):
        db = work / f"k{n}" / "m.duckdb"
        load_run(db, record(jan, "run-1"))
        marker = db.parent / "paused"
        if delay_ms is None:
            loader = start_loader(db, feb, "run-2", swap, **{PAUSE_ENV: f"{point}:{marker}"})
            wait_for(marker, loader)
        else:
            loader = start_loader(db, feb, "run-2", swap)
            time.sleep(delay_ms / 1000)
        kill(loader)
        state = checksums_of(db)
        complete += state in (before, after)
        load_run(db, record(feb, "run-2"))
        rerun_equal = checksums_of(db) == after
        equal += rerun_equal
        if state not in (before, after) or not rerun_equal:
            broken.append(point)
    return {"kill_points": len(cases), "complete_after_kill": complete, "rerun_equal": equal, "broken": broken}


def readers_during_loads(work: Path, loads: int = 6, readers: int = 2) -> dict:
    months = [f"2020-{m:02d}" for m in range(1, loads + 1)]
    folders = [write_run(work / f"run-{m}", [("twitter", f"t{m}-{i}", m, "positive", ["sun"], ["good"])
                                             for i in range(k + 1)], source_file=f"{m}.jsonl")
               for k, m in enumerate(months)]
    db = work / "m.duckdb"
    load_run(db, record(folders[0], "run-0"))
    procs = [subprocess.Popen([sys.executable, "-c", READER_LOOP, str(db), "8"], env=env(), stdout=subprocess.PIPE,
                              text=True) for _ in range(readers)]
    time.sleep(2)
    for k, folder in enumerate(folders[1:], start=1):
        load_run(db, record(folder, f"run-{k}"))
    outs = [json.loads(p.communicate(timeout=60)[0]) for p in procs]
    complete = {(k + 1, (k + 1) * (k + 2) // 2) for k in range(loads)}
    seen = [tuple(s[1:]) for out in outs for s in out["seen"]]
    return {"reads": len(seen), "failed_reads": sum(len(o["errors"]) for o in outs),
            "partial_states": sum(s not in complete for s in seen), "loads": loads - 1}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--work", default="/tmp/mipulse-bench-reliability", type=Path)
    parser.add_argument("--delays", type=int, default=10, help="kills after random delays, besides the named points")
    args = parser.parse_args()
    shutil.rmtree(args.work, ignore_errors=True)
    bad = bad_input(args.work / "bad")
    kills = kill_points(args.work / "kills", args.delays)
    reads = readers_during_loads(args.work / "reads")
    rows = [
        ("malformed input (Beam job + load, run twice)",
         f"{bad['files']} files, {bad['generated']:,} records ({bad['malformed']:,} malformed, "
         f"{bad['valid']:,} valid, {bad['duplicates']} duplicates)",
         bad["crashes"], bad["lost"], "-",
         f"{bad['tables_compared']} table checksums equal: {bad['deterministic']}; "
         f"rejects without reason: {bad['no_reason']}; malformed accepted: {bad['extra_accepted']}"),
        ("loader SIGKILLed (the crash is the point)", "-", "-", "-", f"{kills['kill_points']} ({len(PAUSE_POINTS)} named swap, 2 in-place, "
         f"{args.delays} random)", f"complete state after kill {kills['complete_after_kill']}/{kills['kill_points']}; "
         f"re-run equals uninterrupted {kills['rerun_equal']}/{kills['kill_points']}"),
        ("readers during loads", f"{reads['reads']} reads during {reads['loads']} loads", reads["failed_reads"], "-",
         "-", f"partial states seen: {reads['partial_states']}"),
    ]
    print("| case | records / operations | crashes | records lost | kill points | equality checks |")
    print("|---|---|---|---|---|---|")
    for row in rows:
        print("| " + " | ".join(str(c) for c in row) + " |")
    print(f"\nbad-input job + load, twice: {bad['seconds']:.1f} s; broken kill points: {kills['broken'] or 'none'}")


if __name__ == "__main__":
    main()
