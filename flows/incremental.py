"""Incremental runs: which input files still need loading, and which loaded ones must come along.

A file is skipped when the database remembers it with the same size and mtime and a window
that contains the requested one. Because the load replaces whole (platform, month)
partitions, a run that touches a partition must also re-read every loaded file with posts in
it: `files_sharing_partitions` finds them (transitively) so no loaded post is lost.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable

import duckdb

import sql
from flows.db import query
from pipelines.window import PostWindow

Partition = tuple[str, str]  # (platform, month)


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


def files_sharing_partitions(
    run_partitions: Iterable[Partition],
    file_partitions: Iterable[tuple[str, str, str]],
    run_files: Iterable[str],
    window: PostWindow,
) -> set[str]:
    """Loaded files (not in the run) whose posts sit in partitions the run will replace.

    `file_partitions` rows are (source_file, platform, month) of the loaded posts. Only
    partitions inside `window` are replaced, and a file pulled in brings its own partitions
    along, so the search continues until nothing new is found.
    """
    by_partition: dict[Partition, set[str]] = {}
    by_file: dict[str, set[Partition]] = {}
    for path, platform, month in file_partitions:
        if window.holds(platform, month):
            by_partition.setdefault((platform, month), set()).add(path)
            by_file.setdefault(path, set()).add((platform, month))
    in_run = set(run_files)
    pending = [p for p in run_partitions if window.holds(*p)]
    seen_partitions: set[Partition] = set()
    extra: set[str] = set()
    while pending:
        partition = pending.pop()
        if partition in seen_partitions:
            continue
        seen_partitions.add(partition)
        for path in by_partition.get(partition, ()):
            if path not in in_run and path not in extra:
                extra.add(path)
                pending.extend(by_file[path])
    return extra


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


def loaded_file_partitions(db_path: str) -> list[tuple[str, str, str]]:
    """(source_file, platform, month) of every loaded post's partition."""
    if not Path(db_path).exists():
        return []
    return query(db_path, sql.read("file_partitions.sql"))[1]


def run_partitions(run_dir: str) -> list[Partition]:
    """The partitions a finished Beam run wrote."""
    con = duckdb.connect()
    try:
        return [tuple(r) for r in con.execute(sql.read("run_partitions.sql"), {"run_dir": run_dir}).fetchall()]
    finally:
        con.close()
