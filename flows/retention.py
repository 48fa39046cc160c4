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
    """Folders of loaded runs older than the newest `keep` (run ids sort by start time).

    A widened incremental run writes `<run id>-widened` beside `<run id>`: both belong to that run.
    """
    if not runs_dir.is_dir():
        return []
    by_run: dict[str, list[Path]] = {}
    for folder in runs_dir.iterdir():
        run_id = folder.name.removesuffix("-widened")
        if folder.is_dir() and run_id in loaded_run_ids:
            by_run.setdefault(run_id, []).append(folder)
    newest_first = sorted(by_run, reverse=True)
    return sorted(f for run_id in newest_first[max(keep, 0):] for f in by_run[run_id])


def remove_folders(folders: list[Path]) -> None:
    for folder in folders:
        shutil.rmtree(folder, ignore_errors=True)
