"""Which run folders to keep: the Parquet copies of the last N loaded runs.

Every run writes its tables under `OUT/runs/<run id>`; once loaded, the DB holds the data and
the folder is only a copy for inspection. Folders of runs the DB has not loaded (failed, or
still running in another process) are never touched.
"""

from __future__ import annotations

import shutil
from pathlib import Path

DEFAULT_KEEP_RUNS = 5


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
