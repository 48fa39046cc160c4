"""Incremental runs: which input files still need loading.

A file is skipped when the database remembers it with the same size and mtime and a window
that contains the requested one. The load replaces only the data of the files a run read,
so the files left out keep their posts and counts, also in the months the run writes to.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import duckdb

import sql
from flows.store.db import query
from pipelines.reading.window import PostWindow


@dataclass(frozen=True)
class InputFile:
    """An input file as it is on disk now: path, size and modification time."""

    path: str
    size_bytes: int
    mtime_ns: int

    @classmethod
    def stat(cls, path: str) -> InputFile:
        info = os.stat(path)
        return cls(path, info.st_size, info.st_mtime_ns)


@dataclass(frozen=True)
class LoadedFile:
    """What the database remembers of an input file it loaded."""

    path: str
    size_bytes: int
    mtime_ns: int
    window: PostWindow


def needs_loading(file: InputFile, loaded: LoadedFile | None, window: PostWindow) -> bool:
    """True unless the same bytes were already loaded with a window containing `window`."""
    if loaded is None:
        return True
    unchanged = (loaded.size_bytes, loaded.mtime_ns) == (file.size_bytes, file.mtime_ns)
    return not (unchanged and loaded.window.contains(window))


def loaded_inputs(db_path: str, paths: list[str]) -> dict[str, LoadedFile]:
    """The database's memory of these input files (empty for a new database)."""
    if not Path(db_path).exists():
        return {}
    try:
        _, rows = query(db_path, sql.read("input_files_loaded.sql"), {"paths": paths})
    except duckdb.CatalogException:  # a database made before input_files existed
        return {}
    return {path: LoadedFile(path, size, mtime, PostWindow(lo, hi, tuple(platforms or ())))
            for path, size, mtime, lo, hi, platforms in rows}
