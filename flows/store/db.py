"""The DuckDB side: create the schema, load one run's Parquet tables, read-only queries.

Readers never block on or see a half load. DuckDB lets one process write a file, and while
it does a read-only connection cannot even open it. So a load works on a private copy
(``<db>.loading-<pid>``) and publishes it with an atomic ``os.replace``: a reader opens
either the old complete file or the new complete one, and a reader that already has the
old file open keeps reading it (POSIX keeps the unlinked inode alive). Loads are serialized
by an exclusive lock on ``<db>.lock`` (opened without following a symlink): a second writer
fails at once with `LoadAlreadyRunning` (or waits, with ``wait=True``). A symlinked database
path is resolved once, so its target keeps receiving the loads, and the new file gets the old
one's mode and owner; where the owner cannot be kept (another user's file) the load runs in
place instead. A run folder is loaded only if its
`_SUCCESS` manifest matches its shards (`pipelines.writing.manifest`). Staging copies left by a
killed loader are removed by the next load. The price is one file copy per load (measured in
``bench/load_swap.py``) and twice the disk space during a load. ``swap=False`` loads in
place instead; readers then wait (``connect_read_only`` retries with backoff).
"""

from __future__ import annotations

import errno
import fcntl
import glob
import json
import os
import re
import shutil
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any, Mapping, Sequence

import duckdb

import sql
from flows.store.keys import FINGERPRINT_OPTION, check_author_key
from flows.store.views import create_views
from pipelines.reading.window import PostWindow
from pipelines.errors import NotNow, Refused

_PARAM_RE = re.compile(r"\$([a-z_]+)")
#: words of sql/load.sql's error when another run loaded one of the run's post ids meanwhile
LOADED_MEANWHILE = "loaded by a run that finished while this one ran"


class ReadOnlyQueryError(Refused, RuntimeError):
    """A query that tried to write, attach or touch files through the read-only connection."""


class LoadAlreadyRunning(NotNow, RuntimeError):
    """Another process holds the writer lock of the database."""


class PostsLoadedMeanwhile(RuntimeError):
    """Another run loaded some of this run's post ids after its job listed the loaded ones."""


class UnsafeLockFile(RuntimeError):
    """The database's lock file is a symbolic link: locking it could truncate another file."""


#: Test hook: "<point>:<marker file>" makes `load_run` write its PID to the marker file and
#: sleep at that named point, so a test can SIGKILL the loader exactly there.
PAUSE_ENV = "MIPULSE_TEST_PAUSE_LOAD_AT"
PAUSE_POINTS = ("locked", "copied", "written", "committed", "replaced")


def _pause_point(name: str) -> None:
    point, _, marker = os.environ.get(PAUSE_ENV, "").partition(":")
    if point == name and marker:
        Path(marker).write_text(str(os.getpid()))
        print(f"load paused at {name}", file=sys.stderr, flush=True)
        time.sleep(3600)


@dataclass(frozen=True)
class RunRecord:
    """What the runs table remembers of a run besides its accounting.

    The load replaces the data of the `inputs` inside `window` (the posts the run kept).
    """

    run_id: str
    run_dir: str
    started_at: datetime
    inputs: list[str]
    options: dict[str, Any]
    tokenizer_version: str
    window: PostWindow = PostWindow()


def execute_file(con: duckdb.DuckDBPyConnection, name: str, params: dict[str, Any]) -> None:
    """Run every statement of `sql/<name>`, binding only the parameters each one uses."""
    for statement in sql.statements(name):
        used = {p: params[p] for p in _PARAM_RE.findall(statement)}
        con.execute(statement, used or None)


def ensure_schema(con: duckdb.DuckDBPyConnection) -> None:
    """Create missing tables and (re)create the views; safe to call on every connect."""
    con.execute(sql.read("schema.sql"))
    create_views(con)
    if con.execute(sql.read("totals_without_file.sql")).fetchone()[0]:
        execute_file(con, "migrate_file_counts.sql", {})


def load_run(db_path: str | Path, run: RunRecord, input_files: Sequence[dict[str, Any]] = (), *,
             swap: bool = True, wait: bool = False) -> None:
    """Load a finished run's Parquet tables in one transaction, replacing the data of its input files.

    With ``swap`` (the default) the load runs on a copy that atomically replaces the file
    once committed: a failure leaves the file untouched and readers never wait.
    `input_files` (parameters of `sql/input_files_record.sql`) are remembered in the same
    transaction, so an incremental run never skips a file whose load was rolled back.
    The run folder must carry a `_SUCCESS` manifest matching its shards. Another load in
    progress raises `LoadAlreadyRunning`, unless ``wait`` (then this one queues behind it).
    """
    from pipelines.writing.manifest import verify_run_folder  # Beam's file systems: only loads need them
    from pipelines.writing.sinks import SCHEMAS

    db_path = Path(os.path.realpath(db_path))  # a symlink's target is the database
    verify_run_folder(run.run_dir, SCHEMAS)
    with writer_lock(db_path, wait=wait):
        _pause_point("locked")
        _remove_stale_staging(db_path)
        if not swap or not _can_keep_owner(db_path):
            _load_into(db_path, run, input_files)
            return
        staging = _staging_copy(db_path)
        try:
            _pause_point("copied")
            _load_into(staging, run, input_files)
            _keep_mode_and_owner(db_path, staging)
            _fsync(staging)
            _pause_point("committed")
            _wal(db_path).unlink(missing_ok=True)  # replayed into the copy; stale for the new file
            os.replace(staging, db_path)
            _fsync(db_path.parent)
            _pause_point("replaced")
        finally:
            staging.unlink(missing_ok=True)
            _wal(staging).unlink(missing_ok=True)


def _load_into(db_path: Path, run: RunRecord, input_files: Sequence[dict[str, Any]]) -> None:
    con = duckdb.connect(str(db_path))
    try:
        con.execute("BEGIN TRANSACTION")
        try:
            ensure_schema(con)  # in the load's transaction: one commit, not one per statement (0.17 -> 0.06 s)
            check_author_key(con, run.run_id, run.options.get(FINGERPRINT_OPTION))
            _execute_load(con, {
                "run_dir": run.run_dir, "run_id": run.run_id, "started_at": run.started_at,
                "inputs": run.inputs, "options": json.dumps(run.options, sort_keys=True),
                "tokenizer_version": run.tokenizer_version, **window_params(run.window),
            })
            for params in input_files:
                execute_file(con, "input_files_record.sql", {**params, "run_id": run.run_id})
            _pause_point("written")
            con.execute("COMMIT")
        except Exception:
            _rollback(con)
            raise
        con.execute("CHECKPOINT")  # everything in the main file: no WAL to carry along
    finally:
        con.close()


def _execute_load(con: duckdb.DuckDBPyConnection, params: dict[str, Any]) -> None:
    try:
        execute_file(con, "load.sql", params)
    except duckdb.InvalidInputException as exc:
        if LOADED_MEANWHILE in str(exc):  # the message of the check in sql/load.sql
            raise PostsLoadedMeanwhile(str(exc)) from exc
        raise


def window_params(window: PostWindow) -> dict[str, Any]:
    """A window as the parameters of `in_window` (NULL = open, no platforms = all)."""
    return {"from_month": window.from_month, "to_month": window.to_month,
            "platforms": list(window.platforms) or None}


def write_kept_posts(db_path: str | Path, inputs: Sequence[str], window: PostWindow, dest: str | Path) -> bool:
    """Write (platform, post_id) of the loaded posts a run over `inputs` in `window` keeps, as Parquet.

    The job drops its copies of these (`pipelines.reading.dedupe`), so `posts` keeps one row per id.
    Returns False, writing nothing, when there is no database yet.
    """
    import pyarrow.parquet as pq  # Arrow comes with Beam; only runs need it

    if not Path(db_path).exists():
        return False
    con = connect_read_only(db_path)
    try:
        reader = con.sql(sql.read("kept_posts.sql"),
                         params={"inputs": list(inputs), **window_params(window)}).to_arrow_reader()
        Path(dest).parent.mkdir(parents=True, exist_ok=True)
        with pq.ParquetWriter(str(dest), reader.schema) as writer:
            for batch in reader:
                writer.write_batch(batch)
    finally:
        con.close()
    return True


def _rollback(con: duckdb.DuckDBPyConnection) -> None:
    """Roll back; a failed COMMIT (say, disk full) has already ended the transaction, and
    then the COMMIT's own error is the one to raise, not "no transaction is active"."""
    try:
        con.execute("ROLLBACK")
    except duckdb.TransactionException:
        pass


def _can_keep_owner(db_path: Path) -> bool:
    """True when a new file can get the database's owner and group (or there is no database)."""
    if not db_path.exists():
        return True
    info = db_path.stat()
    return os.geteuid() == 0 or (info.st_uid == os.geteuid() and info.st_gid in {os.getegid(), *os.getgroups()})


def _keep_mode_and_owner(db_path: Path, staging: Path) -> None:
    """Give the staging copy the database's permission bits, owner and group."""
    if db_path.exists():
        info = db_path.stat()
        os.chmod(staging, info.st_mode & 0o7777)
        os.chown(staging, info.st_uid, info.st_gid)


@contextmanager
def writer_lock(db_path: Path, wait: bool = False) -> Iterator[None]:
    """Hold the exclusive writer lock of a database (``<db>.lock``).

    Another holder makes this raise `LoadAlreadyRunning` at once, or block with ``wait``.
    The kernel drops the lock of a killed process, so a crash never leaves it stuck. The lock
    file is never a symlink (that could make the loader truncate any file it can write).
    """
    db_path.parent.mkdir(parents=True, exist_ok=True)
    lock_path = f"{db_path}.lock"
    try:
        fd = os.open(lock_path, os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW | os.O_CLOEXEC, 0o600)
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            raise UnsafeLockFile(f"{lock_path} is a symbolic link, not a lock file: remove it") from None
        raise
    with os.fdopen(fd, "r+") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX if wait else fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.seek(0)
            holder = handle.read().strip() or "unknown"
            raise LoadAlreadyRunning(f"{db_path}: another load is already running (pid {holder}); "
                                     "wait for it to finish or let this run wait for it") from None
        try:
            handle.seek(0)
            handle.truncate()
            handle.write(str(os.getpid()))
            handle.flush()
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _remove_stale_staging(db_path: Path) -> None:
    """Delete staging copies of killed loaders (call only while holding the writer lock)."""
    for stale in glob.glob(glob.escape(str(db_path)) + ".loading-*"):
        Path(stale).unlink(missing_ok=True)


def _staging_copy(db_path: Path) -> Path:
    """A private copy of the database (and of a WAL left by a crash) to load into."""
    staging = db_path.with_name(f"{db_path.name}.loading-{os.getpid()}")
    staging.unlink(missing_ok=True)
    _wal(staging).unlink(missing_ok=True)
    if db_path.exists():
        shutil.copyfile(db_path, staging)
        if _wal(db_path).exists():
            shutil.copyfile(_wal(db_path), _wal(staging))
    return staging


def _wal(db_path: Path) -> Path:
    return db_path.with_name(db_path.name + ".wal")


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


#: How long a reader waits for a writer that holds the file in place (``swap=False`` or a
#: foreign process), retrying with exponential backoff.
READ_LOCK_TIMEOUT_S = 30.0


def connect_read_only(db_path: str | Path, timeout_s: float = READ_LOCK_TIMEOUT_S) -> duckdb.DuckDBPyConnection:
    """A connection that can read the database and nothing else: no writes, no files, no ATTACH.

    Waits (up to ``timeout_s``) while another process holds the file for writing in place.
    DuckDB opens the file three times while connecting (magic bytes, headers, then the blocks), so
    a load that replaces the file in between would pair one file's headers with the other's
    blocks ("Could not read enough bytes", or wrong data): a connection made while the file was
    replaced is dropped and made again on the new file.
    """
    if not Path(db_path).exists():
        raise FileNotFoundError(f"no database at {db_path}")
    delay, deadline = 0.02, time.monotonic() + timeout_s
    while True:
        file_before = _file_identity(db_path)
        try:
            # temp_directory '': no spill folder, which DuckDB would let a query write to
            con = duckdb.connect(str(db_path), read_only=True,
                                 config={"enable_external_access": False, "temp_directory": "",
                                         "lock_configuration": True})
        except duckdb.Error as exc:
            if _file_identity(db_path) != file_before:
                continue  # replaced by a load while DuckDB opened it
            if not isinstance(exc, duckdb.IOException) or "lock" not in str(exc).lower() \
                    or time.monotonic() + delay > deadline:
                raise
            time.sleep(delay)
            delay = min(delay * 2, 1.0)
            continue
        if _file_identity(db_path) == file_before:
            return con
        con.close()


def _file_identity(path: str | Path) -> tuple[int, int] | None:
    """(device, inode) of the file at `path` now: a load's atomic replace changes it."""
    try:
        info = os.stat(path)
    except FileNotFoundError:
        return None
    return info.st_dev, info.st_ino


#: what a refused file access (read_csv, 'file.csv', COPY, ATTACH) adds to DuckDB's line
FILE_ACCESS_HINT = "mipulse query reads its database only: for files use the duckdb CLI or Python's duckdb"


def refusal(exc: duckdb.Error) -> str:
    """The one line a statement the read-only connection refused prints; a file access says what to use instead."""
    if isinstance(exc, duckdb.PermissionException) and "Cannot access file" in str(exc):
        return f"refused: {str(exc).splitlines()[0]} ({FILE_ACCESS_HINT})"
    return f"refused: {exc}"


def records(con: duckdb.DuckDBPyConnection, name: str, params: Mapping[str, Any] | None = None) -> list[dict[str, Any]]:
    """The rows of `sql/<name>` on an open connection, each a dict by column name."""
    cursor = con.execute(sql.read(name), dict(params) if params else None)
    columns = [d[0] for d in cursor.description]
    return [dict(zip(columns, row)) for row in cursor.fetchall()]


def query(db_path: str | Path, statement: str, params: dict[str, Any] | None = None) -> tuple[list[str], list[tuple]]:
    """Run one query read-only; returns (column names, rows)."""
    return next(queries(db_path, [statement], params))


def queries(db_path: str | Path, statements: Sequence[str],
            params: dict[str, Any] | None = None) -> Iterator[tuple[list[str], list[tuple]]]:
    """Run statements read-only on one connection, in order, so that a TEMP table or macro one makes
    is there for the next; yields each one's (column names, rows)."""
    con = connect_read_only(db_path)
    try:
        for statement in statements:
            try:
                cursor = con.execute(statement, params)
            except (duckdb.InvalidInputException, duckdb.PermissionException) as exc:
                raise ReadOnlyQueryError(refusal(exc)) from exc
            columns = [d[0] for d in cursor.description] if cursor.description else []
            yield columns, cursor.fetchall() if columns else []
    finally:
        con.close()
