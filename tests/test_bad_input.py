"""Bad input end to end: 10,000 malformed records of every kind mixed into valid files of
every format, through the real Beam job and the DuckDB load. Nothing crashes, every record
is accounted for per file, every reject has its reason, every valid post lands; the same
input run twice gives identical tables; no raw handle reaches disk."""

from __future__ import annotations

import glob
import json
from collections import Counter
from datetime import datetime
from pathlib import Path

import duckdb
import pyarrow.parquet as pq
import pytest

from flows.store.checksum import checksums_of
from flows.store.db import RunRecord, load_run
from pipelines.config import load_seeds
from pipelines.job import JobSettings, run_job
from pipelines.writing.sinks import SCHEMAS
from pipelines.reading.sources import SourceOptions
from harness.malformed import DUPLICATE, HANDLE, MENTION, REASONS, VALID, Corpus, write_corpus

pytestmark = pytest.mark.slow
BEAM_ARGS = ["--runner=FnApiRunner"]


def run_and_load(corpus: Corpus, root: Path, name: str) -> tuple[Path, Path]:
    run_dir = root / name
    settings = JobSettings(tuple(str(f) for f in corpus.files), str(run_dir), load_seeds(),
                           source=SourceOptions(author_salt="fixed-salt"))
    run_job(settings, BEAM_ARGS)
    db = root / f"{name}.duckdb"
    load_run(db, RunRecord(name, str(run_dir), datetime(2026, 1, 1), [str(f) for f in corpus.files], {}, "t"))
    return run_dir, db


@pytest.fixture(scope="module")
def bad(tmp_path_factory) -> dict:
    root = tmp_path_factory.mktemp("bad-input")
    corpus = write_corpus(root / "in", seed=8)
    run_dir, db = run_and_load(corpus, root, "run-a")
    return {"root": root, "corpus": corpus, "run_dir": run_dir, "db": db}


def rows(db: Path, statement: str) -> list[tuple]:
    with duckdb.connect(str(db), read_only=True) as con:
        return con.execute(statement).fetchall()


def test_the_corpus_is_what_the_issue_asks_for(bad):
    corpus = bad["corpus"]
    assert corpus.malformed - 1 + corpus.junk_lines == 10_000  # the cut frame's reject is not a record
    assert {k for k in corpus.by_kind() if k not in (VALID, DUPLICATE)} == set(REASONS)
    assert corpus.by_kind()[DUPLICATE] > 100 and len(corpus.valid_ids) == 2000


def test_every_record_of_every_file_is_accounted_for(bad):
    corpus = bad["corpus"]
    got = {Path(f).name: (read, acc, rej, dup) for f, read, acc, rej, dup in rows(
        bad["db"], "SELECT source_file, records_read, accepted, rejected, duplicates FROM file_accounting")}
    assert set(got) == {f.name for f in corpus.files}
    for name, (read, accepted, rejected, duplicates) in got.items():
        assert read == accepted + rejected + duplicates, name
        assert accepted == corpus.count(name, VALID), name
        assert duplicates == corpus.count(name, DUPLICATE), name
        if name in corpus.uncounted:  # the readable part of the cut frame, then one reject
            assert rejected >= corpus.count(name) - corpus.count(name, VALID) - corpus.count(name, DUPLICATE)
        else:
            assert read == corpus.count(name), name
    assert rows(bad["db"], "SELECT count(*) FROM rejects WHERE reason IS NULL OR reason = ''") == [(0,)]


def test_each_reject_has_the_reason_of_its_flaw(bad):
    corpus = bad["corpus"]
    rejects = {(Path(f).name, n): reason for f, n, reason in rows(
        bad["db"], "SELECT source_file, record_no, reason FROM rejects")}
    wrong = []
    for key, kind in corpus.kinds.items():
        if kind in (VALID, DUPLICATE):
            assert key not in rejects, (key, kind, rejects.get(key))
        elif key[0] in corpus.uncounted and kind == "broken_zst_frame":
            last = max(n for f, n in rejects if f == key[0])
            assert rejects[(key[0], last)] == "corrupt compressed stream: ZstdError"
        elif rejects.get(key) not in REASONS[kind]:
            wrong.append((key, kind, rejects.get(key)))
    assert wrong == []
    reasons = Counter(rejects.values())
    assert reasons["text too long"] == 2


def test_every_valid_post_lands_and_nothing_else(bad):
    landed = set(rows(bad["db"], "SELECT platform, post_id FROM posts"))
    assert landed == bad["corpus"].valid_ids
    assert rows(bad["db"], "SELECT count(*) FROM post_scores") == [(len(landed),)]


def test_two_runs_of_the_same_input_give_identical_tables(bad):
    run_b, db_b = run_and_load(bad["corpus"], bad["root"], "run-b")
    assert checksums_of(db_b) == checksums_of(bad["db"])
    for table in SCHEMAS:  # the Parquet content too, shard layout and row order aside
        a, b = (sorted(json.dumps(r, default=str, sort_keys=True) for r in parquet_rows(d / table))
                for d in (bad["run_dir"], run_b))
        assert a == b, table


def parquet_rows(folder: Path) -> list[dict]:
    return [r for path in sorted(glob.glob(f"{folder}/*.parquet")) for r in pq.read_table(path).to_pylist()]


def test_no_raw_handle_reaches_disk(bad):
    files = [bad["db"], *Path(bad["run_dir"]).glob("*/*.parquet")]
    for path in files:  # the bytes as stored
        data = path.read_bytes()
        assert HANDLE.encode() not in data and MENTION.encode() not in data, path
    for table in SCHEMAS:  # and the decoded values, in case storage compressed them
        text = json.dumps(parquet_rows(Path(bad["run_dir"]) / table), default=str)
        assert HANDLE not in text and MENTION not in text, table
    with duckdb.connect(str(bad["db"]), read_only=True) as con:
        for (table,) in con.execute("SELECT table_name FROM duckdb_tables()").fetchall():
            # the fixture's handles and mentions, not any 'zz' (lexicon priors hold words like 'puzzled')
            leaks = con.execute(f"SELECT count(*) FROM {table} AS t WHERE t::VARCHAR LIKE '%{HANDLE}%' "
                                f"OR t::VARCHAR LIKE '%{MENTION}%'").fetchone()
            assert leaks == (0,), table
