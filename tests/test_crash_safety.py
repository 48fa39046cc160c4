"""Crashes and concurrency: a loader killed at any point, readers during loads, two writers,
a killed Beam job. The database always opens with a complete state and a re-run equals an
uninterrupted one (content checksums)."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from flows.store.checksum import checksums_of
from flows.store.db import PAUSE_ENV, PAUSE_POINTS, LoadAlreadyRunning, load_run, query
from pipelines.writing.manifest import MARKER, IncompleteRunError
from harness.crash import FEBRUARY, JANUARY, READER_LOOP, env, kill, start_loader, wait_for
from harness.run_folders import record, write_run

@pytest.fixture
def runs(tmp_path: Path) -> dict[str, Path]:
    return {"jan": write_run(tmp_path / "run-jan", JANUARY, source_file="jan.jsonl"),
            "feb": write_run(tmp_path / "run-feb", FEBRUARY, source_file="feb.jsonl")}


@pytest.fixture
def reference(tmp_path: Path, runs) -> dict:
    """Checksums after jan alone and after jan + feb, loaded without interruption."""
    db = tmp_path / "reference" / "r.duckdb"
    load_run(db, record(runs["jan"], "run-1"))
    after_jan = checksums_of(db)
    load_run(db, record(runs["feb"], "run-2"))
    return {"jan": after_jan, "jan+feb": checksums_of(db)}


@pytest.mark.parametrize("swap", [True, False], ids=["swap", "in-place"])
def test_a_loader_killed_at_every_point_leaves_a_complete_state(tmp_path, runs, reference, swap):
    points = PAUSE_POINTS if swap else ("locked", "written")  # in place: no copy to make or replace
    for point in points:
        db = tmp_path / point / "m.duckdb"
        load_run(db, record(runs["jan"], "run-1"))
        marker = tmp_path / point / "paused"
        loader = start_loader(db, runs["feb"], "run-2", swap, **{PAUSE_ENV: f"{point}:{marker}"})
        wait_for(marker, loader)
        kill(loader)
        assert loader.returncode == -signal.SIGKILL
        # Killed after the atomic replace the new state is complete; before it, the old one is.
        expected = "jan+feb" if point == "replaced" else "jan"
        assert checksums_of(db) == reference[expected], point
        assert query(db, "SELECT count(*) FROM runs")[1] == [(2 if expected == "jan+feb" else 1,)]
        load_run(db, record(runs["feb"], "run-2"))  # the re-run
        assert checksums_of(db) == reference["jan+feb"], point
        leftovers = sorted(p.name for p in db.parent.iterdir() if p.name.startswith("m.duckdb"))
        assert leftovers == ["m.duckdb", "m.duckdb.lock"], point  # stale staging copy removed


def test_a_loader_killed_after_random_delays_never_corrupts(tmp_path, runs, reference):
    db = tmp_path / "m.duckdb"
    load_run(db, record(runs["jan"], "run-1"))
    for delay_ms in (50, 400, 800, 1200, 1600):
        loader = start_loader(db, runs["feb"], "run-2")
        time.sleep(delay_ms / 1000)
        kill(loader)
        assert checksums_of(db) in (reference["jan"], reference["jan+feb"]), delay_ms
    load_run(db, record(runs["feb"], "run-2"))
    assert checksums_of(db) == reference["jan+feb"]


def test_a_second_writer_gets_already_running_not_a_queue(tmp_path, runs, reference):
    db = tmp_path / "m.duckdb"
    load_run(db, record(runs["jan"], "run-1"))
    marker = tmp_path / "paused"
    first = start_loader(db, runs["feb"], "run-2", **{PAUSE_ENV: f"written:{marker}"})
    try:
        wait_for(marker, first)
        started = time.perf_counter()
        with pytest.raises(LoadAlreadyRunning, match=rf"another load is already running \(pid {first.pid}\)"):
            load_run(db, record(runs["feb"], "run-3"))
        assert time.perf_counter() - started < 2
        waiting = start_loader(db, runs["feb"], "run-3", wait=True)  # queues behind the first
        time.sleep(1.0)
        assert waiting.poll() is None
    finally:
        kill(first)
    assert waiting.wait(60) == 0, waiting.communicate()
    assert checksums_of(db) == reference["jan+feb"]
    assert query(db, "SELECT list(run_id ORDER BY run_id) FROM runs")[1] == [(["run-1", "run-3"],)]


@pytest.mark.slow
def test_cli_prints_already_running(tmp_path, runs, capsys):
    from flows.cli.commands import main
    from flows.store.db import writer_lock

    db = tmp_path / "m.duckdb"
    sample = tmp_path / "in.jsonl"
    sample.write_text(json.dumps({"id": "1", "platform": "twitter", "created_at": "2020-01-01",
                                  "text": "sun"}) + "\n")
    with writer_lock(db):  # this process holds it: the flow's load must fail, not wait
        code = main(["run", "--input", str(sample), "--db", str(db), "--no-report"])
    assert code == 4
    err = capsys.readouterr().err
    assert f"mipulse run: {db}: another load is already running (pid {os.getpid()})" in err




def test_readers_in_a_loop_during_loads_never_fail_nor_see_partial_states(tmp_path):
    months = [f"2020-{m:02d}" for m in range(1, 7)]
    folders = [write_run(tmp_path / f"run-{m}", [("twitter", f"t{m}-{i}", m, "positive", ["sun"], ["good"])
                                                 for i in range(k + 1)], source_file=f"{m}.jsonl")
               for k, m in enumerate(months)]
    db = tmp_path / "m.duckdb"
    load_run(db, record(folders[0], "run-0"))
    readers = [subprocess.Popen([sys.executable, "-c", READER_LOOP, str(db), "8"], env=env(),
                                stdout=subprocess.PIPE, text=True) for _ in range(2)]
    time.sleep(2)  # the readers are importing and reading
    for k, folder in enumerate(folders[1:], start=1):
        load_run(db, record(folder, f"run-{k}"))
    outputs = [json.loads(r.communicate(timeout=60)[0]) for r in readers]
    # After k+1 runs the totals hold 1 + 2 + ... + (k+1) posts: any other pair is a partial state.
    complete = {(k + 1, (k + 1) * (k + 2) // 2) for k in range(len(months))}
    for out in outputs:
        assert out["errors"] == []
        assert len(out["seen"]) > 20
        for runs, runs_again, posts in out["seen"]:
            assert (runs_again, posts) in complete
        assert [s[0] for s in out["seen"]] == sorted(s[0] for s in out["seen"])  # never back in time
    assert max(len({tuple(s) for s in out["seen"]}) for out in outputs) > 1  # reads overlapped the loads


# --- the Beam stage -------------------------------------------------------------------

def test_a_run_folder_without_its_marker_or_with_changed_shards_is_refused(tmp_path, runs):
    db = tmp_path / "m.duckdb"
    folder = runs["feb"]
    (folder / MARKER).rename(tmp_path / "marker")
    with pytest.raises(IncompleteRunError, match="no _SUCCESS marker; the job that wrote this run folder did not"):
        load_run(db, record(folder, "run-x"))
    (tmp_path / "marker").rename(folder / MARKER)
    stray = folder / "posts" / "part-00001-of-00002.parquet"
    shutil.copyfile(folder / "posts" / "part-00000-of-00001.parquet", stray)
    with pytest.raises(IncompleteRunError, match=r"posts: shards differ .*not listed: \['part-00001-of-00002"):
        load_run(db, record(folder, "run-x"))
    stray.unlink()
    shutil.copyfile(runs["jan"] / "posts" / "part-00000-of-00001.parquet",
                    folder / "posts" / "part-00000-of-00001.parquet")  # same name, other rows
    (folder / "rejects" / "part-00000-of-00001.parquet").unlink()
    with pytest.raises(IncompleteRunError, match="missing: \\['part-00000-of-00001.parquet'\\]"):
        load_run(db, record(folder, "run-x"))
    assert not db.exists()


JOB = [sys.executable, "-m", "pipelines.job", "--runner=FnApiRunner"]


def written_parquet(out: Path) -> list[Path]:
    """The Parquet files in the run folder's table folders so far; a scan that meets a folder the
    job renames or removes meanwhile (its `.temp-…` staging) finds nothing yet."""
    try:
        return list(out.glob("*/*.parquet"))
    except FileNotFoundError:
        return []


@pytest.mark.slow
def test_a_killed_beam_job_leaves_a_folder_that_is_never_loaded(tmp_path):
    from pipelines.evaluation.synthetic import write_sample

    inputs = write_sample(tmp_path / "in", 3000, 1)
    out = tmp_path / "run"
    # its own author key: the session's key file exists only once some flow run has made it
    job = subprocess.Popen([*JOB, "--input", *map(str, inputs), "--output", str(out)],
                           env=env(MIPULSE_AUTHOR_SALT="a test author key"),
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 120
    while not written_parquet(out):  # some table is finished, the job is not
        assert job.poll() is None and time.monotonic() < deadline
        time.sleep(0.01)
    kill(job)
    assert not (out / MARKER).exists()
    db = tmp_path / "m.duckdb"
    with pytest.raises(IncompleteRunError, match="did not finish"):
        load_run(db, record(out, "run-killed"))
    assert not db.exists()
