"""Input discovery: what the user typed after --input -> the input files, in a stable order.

Each argument is taken literally when it names an existing file or folder (a file called
`x[1].jsonl` is that file, not a pattern), else expanded as a glob. A folder contributes
its supported files, recursively, sorted by path; what it holds besides is listed in
`skipped` with the reason. Files named directly or matched by a glob are taken as given
(their format is detected from their content).
"""

from __future__ import annotations

import glob
import os
from dataclasses import dataclass
from pipelines.errors import BadInput

# Extensions read from folders; compressed files (.zst, .gz) are read whatever their inner name
# (Reddit dumps are `RC_2019-01.zst`).
SUPPORTED_SUFFIXES = (".jsonl", ".ndjson", ".json", ".csv", ".tsv", ".parquet", ".pq", ".zst", ".zstd", ".gz")


class NoInputFiles(BadInput, FileNotFoundError):
    """An --input argument that names no readable file; the message says which and why."""


@dataclass(frozen=True)
class Inputs:
    files: tuple[str, ...]  # absolute paths, sorted, without duplicates
    skipped: tuple[tuple[str, str], ...] = ()  # (path, reason) of files in folders that are not read

    def describe_skipped(self, limit: int = 5) -> str:
        """'skipped 2 files: a.txt (not a supported extension), ...' or ''."""
        if not self.skipped:
            return ""
        shown = ", ".join(f"{os.path.relpath(path)} ({reason})" for path, reason in self.skipped[:limit])
        more = f" and {len(self.skipped) - limit} more" if len(self.skipped) > limit else ""
        files = f"{len(self.skipped)} file{'s' if len(self.skipped) != 1 else ''}"
        return f"skipped {files} in input folders: {shown}{more}"


def find_inputs(arguments: list[str] | tuple[str, ...]) -> Inputs:
    """The files named by `arguments` (files, folders, globs); NoInputFiles for one that names none."""
    files: set[str] = set()
    skipped: list[tuple[str, str]] = []
    for argument in arguments:
        found: list[str] = []
        for path in _expand(argument):
            if os.path.isdir(path):
                taken, passed = _folder_files(path)
                found += taken
                skipped += passed
            elif os.path.isfile(path):
                found.append(path)
        if not found:
            raise NoInputFiles(_why_nothing(argument))
        files.update(os.path.abspath(f) for f in found)
    return Inputs(tuple(sorted(files)), tuple(sorted(set(skipped))))


def _expand(argument: str) -> list[str]:
    if os.path.exists(argument) or not glob.has_magic(argument):
        return [argument]
    return sorted(glob.glob(argument, recursive=True))


def _folder_files(folder: str) -> tuple[list[str], list[tuple[str, str]]]:
    taken, skipped = [], []
    for root, dirs, names in os.walk(folder):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in sorted(names):
            path = os.path.abspath(os.path.join(root, name))
            if name.startswith("."):
                skipped.append((path, "hidden file"))
            elif not name.lower().endswith(SUPPORTED_SUFFIXES):
                skipped.append((path, "not a supported extension"))
            else:
                taken.append(path)
    return taken, skipped


def _why_nothing(argument: str) -> str:
    if os.path.isdir(argument):
        return (f"input folder {argument!r} holds no supported file "
                f"({', '.join(SUPPORTED_SUFFIXES)})")
    if glob.has_magic(argument):
        return f"no input file matches {argument!r}"
    if os.path.exists(argument):
        return f"input {argument!r} is not a regular file"
    return f"input file {argument!r} does not exist"
