"""Incremental runs: which input files still need loading.

A file is skipped when the database remembers it with the same size and mtime, a window
that contains the requested one, and the same reading options (`READING_OPTIONS`: a file read
with another `--languages` or `--columns` yields other posts). The load replaces only the data of the files a run read,
so the files left out keep their posts and counts, also in the months the run writes to.

One exception: a post that two files hold is loaded from one of them, and the other file's
copy is dropped as a duplicate. When the first file is read again and no longer holds the post,
its replacement removes the post, and only the other file still has it. So when a run reads
again a file it loaded before, it also reads the files that dropped duplicates
(`files_to_read`); files it cannot read, since they are not among its inputs, are named in a
warning when the re-read files lost posts (`lost_copies_warning`).
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from typing import Any, Mapping
from pathlib import Path

import duckdb

import sql
from flows.store.db import query, records
from pipelines.reading.window import PostWindow


NAMED_FILES = 5  # files a warning names; the rest are counted
#: the run options that decide which posts, with which fields, a file yields
READING_OPTIONS = ("input_format", "columns", "default_platform", "undated_as", "languages")
Reading = tuple[tuple[str, str], ...]


def reading_of(options: Mapping[str, Any]) -> Reading:
    """The reading options of a run's options (as `RunOptions.model_dump(mode="json")` and the runs
    table's `options` hold them), comparable between the two."""
    return tuple((name, json.dumps(options.get(name), sort_keys=True)) for name in READING_OPTIONS)


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
    reading: Reading | None = None  # of the run that loaded it (None: not known)


def needs_loading(file: InputFile, loaded: LoadedFile | None, window: PostWindow,
                  reading: Reading | None = None) -> bool:
    """True unless the same bytes were already loaded with a window containing `window` and, when
    `reading` is given, with those reading options."""
    if loaded is None:
        return True
    unchanged = (loaded.size_bytes, loaded.mtime_ns) == (file.size_bytes, file.mtime_ns)
    same_reading = reading is None or loaded.reading == reading
    return not (unchanged and loaded.window.contains(window) and same_reading)


def files_to_read(current: list[InputFile], loaded: dict[str, LoadedFile], window: PostWindow,
                  with_duplicates: set[str], reading: Reading | None = None) -> list[InputFile]:
    """The files that need loading; and when one of them was loaded before (its posts will be
    replaced), also the files of `current` that dropped duplicates (`with_duplicates`): the copies
    they hold may be of posts the re-read file no longer has. In `current`'s order."""
    chosen = {f.path for f in current if needs_loading(f, loaded.get(f.path), window, reading)}
    if chosen & set(loaded):
        chosen |= with_duplicates
    return [f for f in current if f.path in chosen]


def files_with_duplicates(db_path: str) -> set[str]:
    """The loaded input files whose last load dropped duplicates (`sql/files_with_duplicates.sql`)."""
    if not Path(db_path).exists():
        return set()
    return {row[0] for row in query(db_path, sql.read("files_with_duplicates.sql"))[1]}


def posts_of_files(db_path: str, paths: list[str]) -> int:
    """How many loaded posts come from these input files (0 for a new database)."""
    if not Path(db_path).exists():
        return 0
    return query(db_path, sql.read("posts_of_files.sql"), {"paths": paths})[1][0][0]


def lost_copies_warning(reading: list[str], posts_before: int, posts_after: int,
                        with_duplicates: set[str]) -> str | None:
    """A warning when the files a run read hold fewer posts after its load than before and
    loaded files that the run did not read dropped duplicates: some of the posts gone may
    still be in those files, which only a run that reads them can load again."""
    unread = sorted(with_duplicates - set(reading))
    if posts_after >= posts_before or not unread:
        return None
    named = ", ".join(unread[:NAMED_FILES]) + (f" and {len(unread) - NAMED_FILES} more" if len(unread) > NAMED_FILES
                                               else "")
    return (f"the files this run read hold {posts_before - posts_after} fewer posts than when they were loaded; "
            f"{named} dropped copies of posts as duplicates when loaded and were not read now: posts "
            "they hold that only the files read now had put in the database are gone from it; run again with "
            "them among --input to load their copies")


def loaded_inputs(db_path: str, paths: list[str]) -> dict[str, LoadedFile]:
    """The database's memory of these input files (empty for a new database)."""
    if not Path(db_path).exists():
        return {}
    try:
        _, rows = query(db_path, sql.read("input_files_loaded.sql"), {"paths": paths})
    except duckdb.CatalogException:  # a database made before input_files existed
        return {}
    return {path: LoadedFile(path, size, mtime, PostWindow(lo, hi, tuple(platforms or ())),
                             reading_of(json.loads(options)) if options else None)
            for path, size, mtime, lo, hi, platforms, options in rows}


def loaded_language_settings(con: duckdb.DuckDBPyConnection) -> list[dict]:
    """The --languages settings the loaded input files were read with, with their files and posts, most
    posts first (`sql/loaded_languages.sql`; `languages` None: the run that loaded them is not known)."""
    return records(con, "loaded_languages.sql")


def mixed_languages_warning(settings: list[dict]) -> str | None:
    """The line a run and a report carry when the loaded files were read with different --languages
    (`loaded_language_settings`): a year's shares then mix files read with one setting and files read
    with another. An --incremental run reads again the files loaded with other reading options."""
    if len(settings) < 2:
        return None
    each = "; ".join(f"{s['languages'] or 'not known'}: {_counted(s['files'], 'file')}, {_counted(s['posts'], 'post')}"
                     for s in settings)
    return (f"WARNING: the loaded input files were read with different --languages ({each}); shares mix posts "
            "kept by different settings. To read them all with one, run again over all of them with it and "
            "--incremental (e.g. --languages en --incremental, with the other reading options they were loaded "
            "with): only the files loaded with another setting are read again.")


def _counted(n: int, noun: str) -> str:
    return f"{n:,} {noun}{'' if n == 1 else 's'}"
