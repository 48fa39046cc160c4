"""Issue 16 items 8, 11, 15: the swap keeps the database's mode, owner and symlinks; the lock
never follows a symlink; a failed COMMIT reports its own error; read-only queries cannot write
into DuckDB's temp folder; a reader never pairs two files when a load replaces the database while it
connects."""

from __future__ import annotations

import os
from dataclasses import replace
from pathlib import Path

import duckdb
import pytest

from flows.store.checksum import checksums_of
from flows.store.db import ReadOnlyQueryError, UnsafeLockFile, connect_read_only, load_run, query
from harness.run_folders import record, write_run

POSTS = [("twitter", "t1", "2020-01", "positive", ["sun"], ["good", "sentiment:positive"])]


@pytest.fixture
def run(tmp_path):
    return record(write_run(tmp_path / "run-1", POSTS), "run-1")


def test_a_load_keeps_the_databases_mode_and_owner(tmp_path, run):
    db = tmp_path / "m.duckdb"
    load_run(db, run)
    db.chmod(0o600)
    before = db.stat()
    load_run(db, replace(run, run_id="run-2"))
    after = db.stat()
    assert after.st_ino != before.st_ino  # swapped, not written in place
    assert (after.st_mode & 0o7777, after.st_uid, after.st_gid) == (0o600, before.st_uid, before.st_gid)


def test_a_symlinked_database_keeps_receiving_the_loads(tmp_path, run):
    real = tmp_path / "data" / "real.duckdb"
    load_run(real, run)
    link = tmp_path / "m.duckdb"
    link.symlink_to(real)
    load_run(link, replace(run, run_id="run-2"))
    assert link.is_symlink() and link.resolve() == real
    assert query(real, "SELECT list(run_id ORDER BY run_id) FROM runs")[1] == [(["run-1", "run-2"],)]


def test_a_planted_lock_symlink_is_refused_and_its_target_untouched(tmp_path, run):
    victim = tmp_path / "precious.txt"
    victim.write_text("keep me")
    db = tmp_path / "m.duckdb"
    Path(f"{db}.lock").symlink_to(victim)
    with pytest.raises(UnsafeLockFile, match="symbolic link"):
        load_run(db, run)
    assert victim.read_text() == "keep me" and not db.exists()


class _CommitFailsLikeAFullDisk:
    """A real connection whose COMMIT fails as DuckDB's does on ENOSPC: the transaction is over."""

    def __init__(self, con):
        self._con = con

    def execute(self, statement, *args):
        if statement == "COMMIT":
            self._con.execute("ROLLBACK")
            raise duckdb.IOException('Could not write file "m.duckdb.wal": No space left on device')
        return self._con.execute(statement, *args)

    def __getattr__(self, name):
        return getattr(self._con, name)


def test_a_commit_failing_on_a_full_disk_reports_the_disk_not_the_rollback(tmp_path, run, monkeypatch):
    """Issue 16.8: the ROLLBACK after a failed COMMIT raised "no transaction is active", hiding
    the ENOSPC, so the load's retry on I/O errors never fired."""
    db = tmp_path / "m.duckdb"
    load_run(db, run)
    before = checksums_of(db)
    real_connect = duckdb.connect
    monkeypatch.setattr(duckdb, "connect", lambda *a, **k: _CommitFailsLikeAFullDisk(real_connect(*a, **k)))
    with pytest.raises(duckdb.IOException, match="No space left on device"):
        load_run(db, replace(run, run_id="run-2"))
    monkeypatch.undo()
    assert checksums_of(db) == before


def test_a_read_only_query_cannot_write_into_the_temp_folder(tmp_path, run):
    db = tmp_path / "m.duckdb"
    load_run(db, run)
    spill = Path(f"{db}.tmp")
    spill.mkdir()  # as a writer that spilled to disk leaves it
    with pytest.raises(ReadOnlyQueryError):
        query(db, f"COPY (SELECT 1 AS x) TO '{spill}/planted.csv'")
    assert list(spill.iterdir()) == []


def _databases(tmp_path: Path) -> tuple[Path, Path]:
    """The database (one row) and the file a load will put in its place (two rows)."""
    db, loaded = tmp_path / "m.duckdb", tmp_path / "m.duckdb.loading-1"
    for path, rows in ((db, 1), (loaded, 2)):
        con = duckdb.connect(str(path))
        con.execute(f"CREATE TABLE t AS SELECT range AS i FROM range({rows})")
        con.close()
    return db, loaded


def _connect_during_a_load(loaded: Path, db: Path, fail_with: str | None = None):
    """duckdb.connect whose first call sees the load's atomic replace land while it opens the file
    (DuckDB opens it three times: the headers of one file, the blocks of the next)."""
    real_connect, calls = duckdb.connect, []

    def connect(*args, **kwargs):
        calls.append(args[0])
        if len(calls) > 1:
            return real_connect(*args, **kwargs)
        con = None if fail_with else real_connect(*args, **kwargs)
        os.replace(loaded, db)
        if fail_with:
            raise duckdb.IOException(fail_with)
        return con

    return connect, calls


def test_a_reader_whose_connect_straddles_a_load_reads_the_new_file(tmp_path, monkeypatch):
    db, loaded = _databases(tmp_path)
    connect, calls = _connect_during_a_load(loaded, db)
    monkeypatch.setattr(duckdb, "connect", connect)
    con = connect_read_only(db)
    assert con.execute("SELECT count(*) FROM t").fetchall() == [(2,)]
    assert len(calls) == 2


def test_a_connect_that_fails_because_a_load_replaced_the_file_is_made_again(tmp_path, monkeypatch):
    db, loaded = _databases(tmp_path)
    error = f'IO Error: Could not read enough bytes from file "{db}": attempted to read 262144 bytes'
    connect, calls = _connect_during_a_load(loaded, db, fail_with=error)
    monkeypatch.setattr(duckdb, "connect", connect)
    assert connect_read_only(db).execute("SELECT count(*) FROM t").fetchall() == [(2,)]
    assert len(calls) == 2


def test_the_same_error_without_a_load_is_raised_not_retried(tmp_path, monkeypatch):
    db, _ = _databases(tmp_path)
    calls = []

    def broken(*args, **kwargs):
        calls.append(args[0])
        raise duckdb.IOException("IO Error: Could not read enough bytes from file")

    monkeypatch.setattr(duckdb, "connect", broken)
    with pytest.raises(duckdb.IOException, match="Could not read enough bytes"):
        connect_read_only(db)
    assert len(calls) == 1
