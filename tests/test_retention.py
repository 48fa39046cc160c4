"""Run folders of runs that never loaded (interrupted, killed, failed) are removed once a day old, unless a live
run holds them; loaded runs' folders follow --keep-runs."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from flows.store.retention import (
    RUN_ID, UNLOADED_RUN_MAX_AGE, interrupted_run_folders, is_running, new_run_id, run_in_progress, size_of,
    stale_run_folders,
)

NOW = 1_800_000_000.0
HOUR = 3600


def _entry(path: Path, hours_old: float, content: bytes | None = None) -> Path:
    """A file (`content`) or a folder, last modified `hours_old` hours before NOW."""
    if content is None:
        path.mkdir(parents=True, exist_ok=True)
    else:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content)
    os.utime(path, (NOW - hours_old * HOUR, NOW - hours_old * HOUR))
    return path


def test_folders_of_runs_that_never_loaded_are_removed_once_untouched_for_a_day(tmp_path):
    runs = tmp_path / "runs"
    interrupted = "20240101T000000Z-aaaaaa"
    _entry(runs / interrupted / "posts" / "part-0.parquet", 30, b"PAR1")
    _entry(runs / interrupted / "posts", 30)
    _entry(runs / interrupted, 30)
    _entry(runs / f"{interrupted}.lexicon.parquet", 30, b"PAR1")
    retried = "20240102T000000Z-bbbbbb"  # its job ran again into <run id>~2
    _entry(runs / retried, 25)
    _entry(runs / f"{retried}~2", 24.1)
    killed = "20240103T000000Z-cccccc"  # SIGKILL: its lock file stayed, no process holds it
    _entry(runs / killed, 48)
    _entry(runs / f"{killed}.running", 48, b"")
    writing = "20240104T000000Z-dddddd"  # an old folder, but a file in it was written an hour ago
    _entry(runs / writing / "scores" / "part-0.parquet", 1, b"PAR1")
    os.utime(runs / writing, (NOW - 30 * HOUR, NOW - 30 * HOUR))
    young = "20240105T000000Z-eeeeee"
    _entry(runs / young, 23.9)
    loaded = "20240106T000000Z-ffffff"  # loaded: --keep-runs decides
    _entry(runs / loaded, 100)
    _entry(runs / "notes", 100)  # not a run's
    assert interrupted_run_folders(runs, {loaded}, NOW) == [
        runs / interrupted, runs / f"{interrupted}.lexicon.parquet", runs / retried, runs / f"{retried}~2",
        runs / killed, runs / f"{killed}.running"]
    assert interrupted_run_folders(runs, {loaded}, NOW, max_age=100 * HOUR) == []
    assert stale_run_folders(runs, {loaded}, keep=1) == []
    assert UNLOADED_RUN_MAX_AGE == 24 * HOUR  # what docs/scheduling.md and the run's log line say


def test_the_folder_of_a_run_still_at_work_is_never_removed(tmp_path):
    """A run queued behind a writer (--wait-for-writer) or in a long Beam job holds its lock: however old
    its folder, another run's pruning leaves it; once it ends without loading, its folder goes."""
    runs = tmp_path / "runs"
    run_id = "20240101T000000Z-aaaaaa"
    lock = runs / f"{run_id}.running"
    with run_in_progress(runs, run_id):
        assert is_running(lock)
        _entry(runs / run_id, 72)
        os.utime(lock, (NOW - 72 * HOUR, NOW - 72 * HOUR))
        assert interrupted_run_folders(runs, set(), NOW) == []
    assert not lock.exists() and not is_running(lock)
    assert interrupted_run_folders(runs, set(), NOW) == [runs / run_id]


def test_a_killed_run_holds_its_lock_no_longer(tmp_path):
    """SIGKILL runs no cleanup: the lock file stays, but the kernel drops the lock, so its folder can go."""
    runs, run_id = tmp_path / "runs", "20240101T000000Z-aaaaaa"
    holder = ("import sys, time\nfrom pathlib import Path\nfrom flows.store.retention import run_in_progress\n"
              "with run_in_progress(Path(sys.argv[1]), sys.argv[2]):\n    print('held', flush=True)\n    time.sleep(60)")
    run = subprocess.Popen([sys.executable, "-c", holder, str(runs), run_id], stdout=subprocess.PIPE, text=True,
                           cwd=Path(__file__).resolve().parents[1])
    try:
        assert run.stdout.readline() == "held\n"
        assert is_running(runs / f"{run_id}.running")
    finally:
        run.kill()
        run.wait()
    assert (runs / f"{run_id}.running").exists() and not is_running(runs / f"{run_id}.running")


def test_a_run_whose_runs_folder_cannot_be_locked_runs_on_and_its_folder_has_the_age_rule(tmp_path, monkeypatch):
    """A file system without locks (some network and FUSE mounts) must not fail runs at their start."""
    import errno
    import fcntl

    def no_locks(fd, operation):
        raise OSError(errno.ENOLCK, "No locks available")

    runs, run_id = tmp_path / "runs", "20240101T000000Z-aaaaaa"
    monkeypatch.setattr(fcntl, "flock", no_locks)
    with run_in_progress(runs, run_id):
        assert list(runs.iterdir()) == []
        _entry(runs / f"{run_id}.running", 48, b"")  # such a file, left by a run on that folder: nobody can tell
        _entry(runs / run_id, 48)
        assert is_running(runs / f"{run_id}.running")
        assert interrupted_run_folders(runs, set(), NOW) == []


def test_size_of_counts_the_bytes_of_files_and_of_the_files_in_folders(tmp_path):
    _entry(tmp_path / "run" / "a" / "part-0.parquet", 1, b"123")
    _entry(tmp_path / "run" / "part-1.parquet", 1, b"12345")
    assert size_of([tmp_path / "run", _entry(tmp_path / "run.lexicon.parquet", 1, b"1234")]) == 12


def test_run_ids_are_what_the_pruning_of_interrupted_runs_looks_for():
    assert RUN_ID.fullmatch(new_run_id())

