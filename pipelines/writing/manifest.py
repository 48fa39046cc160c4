"""The commit marker of a run folder: `_SUCCESS`, a JSON manifest of every table's shards.

Beam's file sinks finalize each table's shards by rename, but a job can die between two
tables, leaving some finished and others missing or half renamed. `run_job` writes
`_SUCCESS` only after the whole pipeline finished; a loader accepts a run folder only if
the marker exists and the shards on disk are exactly the ones it lists, with the same row
counts. Works through Beam's `FileSystems`, so run folders on object stores work alike.
"""

from __future__ import annotations

import json
from typing import Iterable
from pipelines.errors import NotNow

# Beam and pyarrow are imported where used: the CLI imports this module for its error type only.

MARKER = "_SUCCESS"
MANIFEST_VERSION = 1


class IncompleteRunError(NotNow, RuntimeError):
    """A run folder that is not a complete, untouched output of a finished job."""


def _fs():
    from apache_beam.io.filesystems import FileSystems

    return FileSystems


def _raw():
    from apache_beam.io.filesystem import CompressionTypes

    return CompressionTypes.UNCOMPRESSED


def _join(*parts: str) -> str:
    return _fs().join(*parts)


def _shards(run_dir: str, table: str) -> list[str]:
    """File names of the Parquet shards of one table, sorted."""
    pattern = _join(run_dir, table, "*.parquet")
    matched = _fs().match([pattern])[0].metadata_list
    return sorted(m.path.rsplit("/", 1)[-1] for m in matched)


def _row_count(path: str) -> int:
    import pyarrow as pa
    import pyarrow.parquet as pq

    try:
        with _fs().open(path, compression_type=_raw()) as handle:
            return pq.ParquetFile(handle).metadata.num_rows
    except (pa.ArrowException, OSError) as exc:
        raise IncompleteRunError(f"{path}: unreadable Parquet shard ({exc})") from None


def describe_tables(run_dir: str, tables: Iterable[str]) -> dict[str, dict[str, int]]:
    """{table: {shard file name: rows}} as the folder holds them now."""
    return {table: {name: _row_count(_join(run_dir, table, name)) for name in _shards(run_dir, table)}
            for table in tables}


def write_manifest(run_dir: str, tables: Iterable[str]) -> dict:
    """Write `<run_dir>/_SUCCESS` listing every shard of `tables`; call after the job finished."""
    manifest = {"version": MANIFEST_VERSION, "tables": describe_tables(run_dir, sorted(tables))}
    with _fs().create(_join(run_dir, MARKER), mime_type="application/json", compression_type=_raw()) as handle:
        handle.write(json.dumps(manifest, indent=1, sort_keys=True).encode())
    return manifest


def read_manifest(run_dir: str) -> dict:
    """The manifest of a finished run folder; IncompleteRunError if it has none or it is unreadable."""
    path = _join(run_dir, MARKER)
    if not _fs().exists(path):
        raise IncompleteRunError(f"{run_dir}: no {MARKER} marker; the job that wrote this run folder did not "
                                 "finish (crashed or killed), so its tables may be partial. Run it again.")
    try:
        with _fs().open(path, compression_type=_raw()) as handle:
            manifest = json.loads(handle.read().decode("utf-8"))
        tables = manifest["tables"]
        if not isinstance(tables, dict):
            raise TypeError("tables is not an object")
    except (ValueError, KeyError, TypeError) as exc:
        raise IncompleteRunError(f"{path}: unreadable manifest ({exc})") from None
    return manifest


def verify_run_folder(run_dir: str, required: Iterable[str] = ()) -> dict[str, dict[str, int]]:
    """Check the shards on disk are exactly those of the manifest (names and row counts).

    Returns the manifest's tables; IncompleteRunError names the first difference found.
    """
    listed = read_manifest(run_dir)["tables"]
    missing_tables = sorted(set(required) - set(listed))
    if missing_tables:
        raise IncompleteRunError(f"{run_dir}: manifest lacks tables {', '.join(missing_tables)}")
    for table, shards in sorted(listed.items()):
        on_disk = _shards(run_dir, table)
        if sorted(shards) != on_disk:
            extra, gone = sorted(set(on_disk) - set(shards)), sorted(set(shards) - set(on_disk))
            raise IncompleteRunError(f"{run_dir}/{table}: shards differ from {MARKER} "
                                     f"(not listed: {extra or 'none'}; missing: {gone or 'none'})")
        for name, rows in sorted(shards.items()):
            found = _row_count(_join(run_dir, table, name))
            if found != rows:
                raise IncompleteRunError(f"{run_dir}/{table}/{name}: {found} rows, {MARKER} lists {rows}")
    return listed
