"""Loads: partitions replaced exactly, idempotent re-runs, failed loads change nothing,
readers never wait for or see a half load; schema comments; the table checksum."""

from __future__ import annotations

import subprocess
import sys
import threading
from pathlib import Path

import duckdb
import pytest

import flows.db
from flows.checksum import checksums_of, database_checksum
from flows.db import connect_read_only, load_run
from tests.run_folders import record, write_run

POS, NEG = "sentiment:positive", "sentiment:negative"
JANUARY = [
    ("twitter", "t1", "2020-01", "positive", ["sun", "wind"], ["good", POS, "topic:renewable_energy"]),
    ("twitter", "t2", "2020-01", "negative", ["smog", "sun"], ["bad", NEG]),
    ("reddit", "r1", "2020-01", "negative", ["smog"], ["bad", NEG, "emotion:fear"]),
]
FEBRUARY = [("twitter", "t3", "2020-02", "positive", ["wind"], ["good", POS])]


def scalar(db: Path, query: str):
    with duckdb.connect(str(db), read_only=True) as con:
        return con.execute(query).fetchone()[0]


@pytest.fixture
def january(tmp_path: Path) -> Path:
    return write_run(tmp_path / "run-jan", JANUARY, lexicon={"sun": 0.3, "smog": -0.4})


def test_every_table_and_column_has_a_comment(tmp_path, january):
    db = tmp_path / "m.duckdb"
    load_run(db, record(january, "run-1"))
    with duckdb.connect(str(db), read_only=True) as con:
        tables = con.execute("SELECT table_name, comment FROM duckdb_tables() WHERE schema_name = 'main'").fetchall()
        columns = con.execute("SELECT table_name, column_name FROM duckdb_columns() "
                              "WHERE schema_name = 'main' AND NOT internal AND (comment IS NULL OR comment = '') "
                              "AND table_name IN (SELECT table_name FROM duckdb_tables())").fetchall()
    assert len(tables) == 13 and all(comment for _, comment in tables)
    assert columns == []


def test_every_view_column_has_a_comment():
    with duckdb.connect() as con:
        flows.db.ensure_schema(con)
        views = con.execute("SELECT count(*) FROM duckdb_views() WHERE NOT internal").fetchone()[0]
        bare = con.execute("SELECT table_name, column_name FROM duckdb_columns() "
                           "WHERE NOT internal AND (comment IS NULL OR comment = '') "
                           "AND table_name IN (SELECT view_name FROM duckdb_views() WHERE NOT internal)").fetchall()
    assert views == 7
    assert bare == []


def test_rerunning_the_same_input_gives_identical_tables(tmp_path, january):
    db = tmp_path / "m.duckdb"
    load_run(db, record(january, "run-1"))
    first = checksums_of(db)
    load_run(db, record(january, "run-2"))
    assert checksums_of(db) == first
    assert scalar(db, "SELECT count(*) FROM runs") == 2  # the log keeps both runs
    assert scalar(db, "SELECT list(DISTINCT run_id) FROM posts") == ["run-2"]
    assert first["posts"][0] == 3 and first["totals"][0] == 2 and first["rejects"][0] == 1


def test_checksum_sees_one_changed_value_and_duplicate_rows(tmp_path, january):
    db = tmp_path / "m.duckdb"
    load_run(db, record(january, "run-1"))
    before = checksums_of(db)
    with duckdb.connect(str(db)) as con:
        con.execute("UPDATE term_counts SET df = df + 1 WHERE term = 'wind'")
        con.execute("INSERT INTO rejects SELECT * FROM rejects")
        con.execute("UPDATE posts SET run_id = 'other'")  # a run id is not content
    after = checksums_of(db)
    assert after["term_counts"][1] != before["term_counts"][1]
    assert after["rejects"][0] == 2
    assert after["rejects"][1] != before["rejects"][1]  # x + x is not x XOR x = 0
    assert after["posts"] == before["posts"]
    assert database_checksum(after) != database_checksum(before)


def test_a_new_month_leaves_earlier_months_untouched(tmp_path, january):
    db = tmp_path / "m.duckdb"
    load_run(db, record(january, "run-1"))
    load_run(db, record(write_run(tmp_path / "run-feb", FEBRUARY, source_file="feb.jsonl"), "run-2"))
    got = duckdb.connect(str(db), read_only=True).execute(
        "SELECT month, platform, posts, run_id FROM totals ORDER BY month, platform").fetchall()
    assert got == [("2020-01", "reddit", 1, "run-1"), ("2020-01", "twitter", 2, "run-1"),
                   ("2020-02", "twitter", 1, "run-2")]
    assert scalar(db, "SELECT count(*) FROM posts WHERE run_id = 'run-1'") == 3
    assert scalar(db, "SELECT count(*) FROM rejects") == 2  # per source file


def test_a_rerun_replaces_exactly_its_partitions(tmp_path, january):
    db = tmp_path / "m.duckdb"
    load_run(db, record(january, "run-1"))
    # twitter 2020-01 again, with one post fewer and a new term: reddit 2020-01 stays as it was
    smaller = [("twitter", "t1", "2020-01", "positive", ["sun", "tide"], ["good", POS])]
    load_run(db, record(write_run(tmp_path / "run-2", smaller, source_file="t.jsonl"), "run-2"))
    with duckdb.connect(str(db), read_only=True) as con:
        assert con.execute("SELECT platform, post_id, run_id FROM posts ORDER BY 1, 2").fetchall() == [
            ("reddit", "r1", "run-1"), ("twitter", "t1", "run-2")]
        assert con.execute("SELECT term, df FROM term_counts WHERE platform = 'twitter' ORDER BY term").fetchall() == [
            ("sun", 1), ("tide", 1)]
        assert sorted(con.execute("SELECT term, anchor, df, run_id FROM anchor_pair_counts "
                                  "WHERE platform = 'reddit'").fetchall()) == [
            ("smog", "bad", 1, "run-1"), ("smog", "emotion:fear", 1, "run-1"), ("smog", NEG, 1, "run-1")]
        assert con.execute("SELECT partitions FROM runs WHERE run_id = 'run-2'").fetchone() == (["twitter/2020-01"],)


def test_a_lexicon_version_is_stored_once_with_its_header(tmp_path, january):
    db = tmp_path / "m.duckdb"
    load_run(db, record(january, "run-1"))
    load_run(db, record(january, "run-2"))  # the same lexicon version again: kept as it was
    with duckdb.connect(str(db), read_only=True) as con:
        entries = con.execute("SELECT lexicon_version, layer, term, run_id FROM lexicon ORDER BY term").fetchall()
        headers = con.execute("SELECT lexicon_version, run_id FROM lexicons").fetchall()
    assert entries == [("lex-test", "general", "smog", "run-1"), ("lex-test", "general", "sun", "run-1")]
    assert headers == [("lex-test", "run-1")]


def skip_manifest_check(monkeypatch) -> None:
    """Let a corrupt shard through the `_SUCCESS` check, to reach a failure inside the transaction."""
    import pipelines.manifest
    monkeypatch.setattr(pipelines.manifest, "verify_run_folder", lambda *args, **kwargs: {})


def test_a_failed_load_leaves_the_previous_state_intact(tmp_path, january, monkeypatch):
    skip_manifest_check(monkeypatch)
    db = tmp_path / "m.duckdb"
    load_run(db, record(january, "run-1"))
    before = checksums_of(db)
    broken = write_run(tmp_path / "run-bad", FEBRUARY + JANUARY[:1], source_file="x.jsonl")
    # corrupt one shard of a table loaded after the deletes ran
    (broken / "lexicon" / "part-00001-of-00002.parquet").write_bytes(b"PAR1 this is not parquet")
    with pytest.raises(duckdb.Error):
        load_run(db, record(broken, "run-bad"))
    assert checksums_of(db) == before
    assert scalar(db, "SELECT list(run_id) FROM runs") == ["run-1"]
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith("m.duckdb")) == [
        "m.duckdb", "m.duckdb.lock"]  # no staging copy left behind


def test_a_failed_in_place_load_rolls_back(tmp_path, january, monkeypatch):
    skip_manifest_check(monkeypatch)
    db = tmp_path / "m.duckdb"
    load_run(db, record(january, "run-1"), swap=False)
    before = checksums_of(db)
    broken = write_run(tmp_path / "run-bad", FEBRUARY, source_file="x.jsonl")
    (broken / "rejects" / "part-00000-of-00001.parquet").write_bytes(b"garbage")
    with pytest.raises(duckdb.Error):
        load_run(db, record(broken, "run-bad"), swap=False)
    assert checksums_of(db) == before


READER = """
import sys, time, duckdb
t = time.perf_counter()
con = duckdb.connect(sys.argv[1], read_only=True)
print(con.execute("SELECT sum(posts) FROM totals").fetchone()[0], time.perf_counter() - t)
"""


def read_in_other_process(db: Path) -> tuple[int, float]:
    out = subprocess.run([sys.executable, "-c", READER, str(db)], capture_output=True, text=True,
                         timeout=60, check=True).stdout.split()
    return int(out[0]), float(out[1])


def test_readers_see_the_old_state_during_a_load_and_never_wait(tmp_path, january, monkeypatch):
    db = tmp_path / "m.duckdb"
    load_run(db, record(january, "run-1"))
    mid_load, release = threading.Event(), threading.Event()
    real_execute_file = flows.db.execute_file

    def paused(con, name, params):  # everything written, not yet committed or published
        real_execute_file(con, name, params)
        mid_load.set()
        assert release.wait(30)

    monkeypatch.setattr(flows.db, "execute_file", paused)
    loader = threading.Thread(target=load_run, args=(db, record(
        write_run(tmp_path / "run-feb", FEBRUARY, source_file="feb.jsonl"), "run-2")))
    loader.start()
    try:
        assert mid_load.wait(30)
        posts, seconds = read_in_other_process(db)
        assert posts == 3  # the state before the load, not a half one
        assert seconds < 5  # opened at once, no lock wait
    finally:
        release.set()
        loader.join(30)
    assert read_in_other_process(db)[0] == 4
    with connect_read_only(db) as con:
        assert con.execute("SELECT count(*) FROM runs").fetchone() == (2,)
