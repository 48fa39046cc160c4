"""Which run folders to keep: the Parquet copies of the last N loaded runs.

Every run writes its tables under `OUT/runs/<run id>`; once loaded, the DB holds the data and
the folder is only a copy for inspection. A run the DB has not loaded may still be at work in
another process (a long Beam job, a load queued behind another with --wait-for-writer): it holds
a lock on `<run id>.running` while it lives (`run_in_progress`; the kernel drops the lock of a
killed process), and its folder is never touched. Folders of runs that never loaded and that no
live run holds (interrupted, killed or failed) are removed once untouched for `UNLOADED_RUN_MAX_AGE`.
"""

from __future__ import annotations

import errno
import fcntl
import os
import re
import shutil
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path

DEFAULT_KEEP_RUNS = 5
#: a folder of a run that never loaded, held by no live run, is removed once nothing in it changed for this
#: long (seconds): time to look into a failed run; and a margin for a run the lock cannot see (one writing
#: to a shared folder from another machine, or started before runs took the lock)
UNLOADED_RUN_MAX_AGE = 24 * 3600
RUNNING_SUFFIX = ".running"


#: what `new_run_id` makes: only entries of runs so named are ever removed as those of interrupted runs
RUN_ID = re.compile(r"\d{8}T\d{6}Z-[0-9a-f]{6}")


def new_run_id() -> str:
    """Sortable and unique: UTC time plus a random suffix (`stale_run_folders` keeps the newest)."""
    return datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%SZ") + "-" + uuid.uuid4().hex[:6]


def default_out_dir(db: str) -> Path:
    """`<DB name>-out` beside the DB, so two databases in one folder never share reports."""
    path = Path(db)
    return path.parent / f"{path.stem}-out"


def stale_run_folders(runs_dir: Path, loaded_run_ids: set[str], keep: int) -> list[Path]:
    """Folders (and files) of loaded runs older than the newest `keep` (run ids sort by start time).

    A run writes `<run id>/`, maybe `<run id>~2/` (its job run again with a fresh list of loaded posts),
    `<run id>-widened/` (a widened incremental run) and `<run id>.lexicon.parquet` (the lexicon in force it
    scored with): all belong to that run (`run_of`).
    """
    if not runs_dir.is_dir():
        return []
    by_run: dict[str, list[Path]] = {}
    for entry in runs_dir.iterdir():
        run_id = run_of(entry)
        if run_id in loaded_run_ids:
            by_run.setdefault(run_id, []).append(entry)
    newest_first = sorted(by_run, reverse=True)
    return sorted(f for run_id in newest_first[max(keep, 0):] for f in by_run[run_id])


def run_of(entry: Path) -> str:
    """The run id of an entry of the runs folder: `<run id>`, `<run id>~2`, `<run id>-widened`,
    `<run id>.lexicon.parquet`."""
    return entry.name.split(".", 1)[0].split("~", 1)[0].removesuffix("-widened")


def remove_folders(entries: list[Path]) -> None:
    for entry in entries:
        if entry.is_dir():
            shutil.rmtree(entry, ignore_errors=True)
        else:
            entry.unlink(missing_ok=True)


@contextmanager
def run_in_progress(runs_dir: Path, run_id: str) -> Iterator[None]:
    """Hold the lock `<run id>.running` in `runs_dir` while a run lives, so that no other run's pruning
    takes its folder for an interrupted run's (`interrupted_run_folders`); removed when the run ends."""
    runs_dir.mkdir(parents=True, exist_ok=True)
    path = runs_dir / f"{run_id}{RUNNING_SUFFIX}"
    fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW | os.O_CLOEXEC, 0o600)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)  # a new run id: nobody else holds it
        except BlockingIOError:
            raise
        except OSError:  # a file system without locks: no lock file, the run's folder has the age rule alone
            path.unlink(missing_ok=True)
        yield
    finally:
        path.unlink(missing_ok=True)
        os.close(fd)  # drops the lock


def is_running(lock: Path) -> bool:
    """True while a live run holds this `<run id>.running` lock."""
    try:
        fd = os.open(lock, os.O_RDONLY | os.O_NOFOLLOW | os.O_CLOEXEC)
    except OSError as exc:
        if exc.errno in (errno.ENOENT, errno.ELOOP):  # gone, or a symbolic link and no lock
            return False
        raise
    try:
        fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
        return False
    except OSError:  # held; or a file system without locks, where nobody can tell: keep the folder
        return True
    finally:
        os.close(fd)


def last_change(entry: Path) -> float:
    """The newest modification time (seconds since the epoch) of an entry and of everything inside it
    (what vanishes meanwhile, such as a running job's temporary files, is left out)."""
    return max((info.st_mtime for info in _stats(entry, with_folders=True)), default=0.0)


def size_of(entries: list[Path]) -> int:
    """Bytes of these files and of the files inside these folders."""
    return sum(info.st_size for entry in entries for info in _stats(entry, with_folders=False))


def _stats(entry: Path, with_folders: bool) -> Iterator[os.stat_result]:
    """`lstat` of an entry (a folder: only `with_folders`) and of everything inside it, skipping what is gone."""
    paths = [str(entry)] if with_folders or not entry.is_dir() else []
    for folder, dirs, files in os.walk(entry):
        paths += [os.path.join(folder, name) for name in (dirs + files if with_folders else files)]
    for path in paths:
        try:
            yield os.lstat(path)
        except FileNotFoundError:
            continue


def interrupted_run_folders(runs_dir: Path, loaded_run_ids: set[str], now: float,
                            max_age: float = UNLOADED_RUN_MAX_AGE) -> list[Path]:
    """Folders (and files) of runs that never loaded, held by no live run (`run_in_progress`), in which
    nothing changed for `max_age` seconds before `now`: runs interrupted, killed or failed before
    their load, whose Parquet would otherwise stay forever. Entries not named after a run id stay."""
    if not runs_dir.is_dir():
        return []
    by_run: dict[str, list[Path]] = {}
    for entry in runs_dir.iterdir():
        if (run_id := run_of(entry)) not in loaded_run_ids and RUN_ID.fullmatch(run_id):
            by_run.setdefault(run_id, []).append(entry)
    return sorted(entry for entries in by_run.values()
                  if not any(e.name.endswith(RUNNING_SUFFIX) and is_running(e) for e in entries)
                  and all(now - last_change(e) > max_age for e in entries)
                  for entry in entries)

