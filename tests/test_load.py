"""Loads: each input file's data replaced exactly (other files of the same months stay),
one row per post id, idempotent re-runs, failed loads change nothing, readers never wait for
or see a half load; schema comments; the table checksum."""

from __future__ import annotations

import subprocess
import sys
import threading
from dataclasses import replace
from pathlib import Path

import duckdb
import pytest

import flows.store.db
from flows.store.checksum import checksums_of, database_checksum
from flows.store.db import PostsLoadedMeanwhile, connect_read_only, load_run
from pipelines.reading.window import PostWindow
from harness.run_folders import record, write_run

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
        flows.store.db.ensure_schema(con)
        views = con.execute("SELECT count(*) FROM duckdb_views() WHERE NOT internal").fetchone()[0]
        bare = con.execute("SELECT table_name, column_name FROM duckdb_columns() "
                           "WHERE NOT internal AND (comment IS NULL OR comment = '') "
                           "AND table_name IN (SELECT view_name FROM duckdb_views() WHERE NOT internal)").fetchall()
    assert views == 8  # the report's seven and lexicon_in_force
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


def test_a_rerun_of_a_file_replaces_exactly_its_rows(tmp_path, january):
    db = tmp_path / "m.duckdb"
    load_run(db, record(january, "run-1"))
    other = [("twitter", "o1", "2020-01", "positive", ["sun"], ["good", POS])]
    load_run(db, record(write_run(tmp_path / "run-2", other, source_file="o.jsonl"), "run-2"))
    # in.jsonl again, now with one post and a new term: its r1 and t2 go, o.jsonl's o1 stays
    smaller = [("twitter", "t1", "2020-01", "positive", ["sun", "tide"], ["good", POS])]
    load_run(db, record(write_run(tmp_path / "run-3", smaller), "run-3"))
    with duckdb.connect(str(db), read_only=True) as con:
        assert con.execute("SELECT platform, post_id, run_id FROM posts ORDER BY 1, 2").fetchall() == [
            ("twitter", "o1", "run-2"), ("twitter", "t1", "run-3")]
        assert con.execute("SELECT post_id FROM post_scores ORDER BY 1").fetchall() == [("o1",), ("t1",)]
        assert con.execute("SELECT term, sum(df) FROM term_counts GROUP BY term ORDER BY term").fetchall() == [
            ("sun", 2), ("tide", 1)]
        assert con.execute("SELECT count(*) FROM anchor_pair_counts WHERE platform = 'reddit'").fetchone() == (0,)
        assert con.execute("SELECT partitions FROM runs WHERE run_id = 'run-3'").fetchone() == (["twitter/2020-01"],)


ACCEPTED_POSTS_COUNTED = """
SELECT (SELECT count(*) FROM posts), (SELECT count(*) FROM post_scores), (SELECT sum(posts) FROM totals),
       (SELECT sum(accepted) FROM file_accounting)
"""


def test_a_second_file_in_the_same_months_keeps_the_first_files_posts(tmp_path, january):
    """Issue 16.1: `run --input a` then `run --input b` on the same months kept only b's posts."""
    db = tmp_path / "m.duckdb"
    load_run(db, record(january, "run-1"))
    second = [("twitter", "b1", "2020-01", "negative", ["smog", "tide"], ["bad", NEG]),
              ("twitter", "b2", "2020-02", "positive", ["sun"], ["good", POS])]
    load_run(db, record(write_run(tmp_path / "run-2", second, source_file="b.jsonl"), "run-2"))
    with duckdb.connect(str(db), read_only=True) as con:
        assert con.execute(ACCEPTED_POSTS_COUNTED).fetchone() == (5, 5, 5, 5)
        assert con.execute("SELECT list(post_id ORDER BY post_id) FROM posts").fetchone() == (
            ["b1", "b2", "r1", "t1", "t2"],)
        # counts stay additive: every window sums both files (smog: t2, r1 of in.jsonl and b1)
        assert con.execute("SELECT c_x, c_y, c_xy, n FROM pmi_window(from_month := '2020-01', "
                           "to_month := '2020-01') WHERE term = 'smog' AND anchor = 'bad'").fetchone() == (3, 3, 3, 4)
    load_run(db, record(january, "run-3"))  # re-reading in.jsonl leaves b.jsonl alone
    assert scalar(db, "SELECT count(*) FROM posts WHERE source_file = 'b.jsonl' AND run_id = 'run-2'") == 2
    assert scalar(db, "SELECT sum(posts) FROM totals") == 5


def test_a_load_queued_behind_another_keeps_the_first_writers_posts(tmp_path, january):
    """Issue 16.1: a run waiting for the writer lock deleted posts the first writer had loaded."""
    db = tmp_path / "m.duckdb"
    second = write_run(tmp_path / "run-2", [("twitter", "b1", "2020-01", "positive", ["sun"], ["good", POS])],
                       source_file="b.jsonl")
    loads = [threading.Thread(target=load_run, args=(db, record(january, "run-1")), kwargs={"wait": True}),
             threading.Thread(target=load_run, args=(db, record(second, "run-2")), kwargs={"wait": True})]
    for load in loads:
        load.start()
    for load in loads:
        load.join(60)
    with duckdb.connect(str(db), read_only=True) as con:
        assert con.execute(ACCEPTED_POSTS_COUNTED).fetchone() == (4, 4, 4, 4)


def test_a_windowed_rerun_replaces_the_files_rows_inside_the_window_only(tmp_path):
    db = tmp_path / "m.duckdb"
    both = [("twitter", "t1", "2020-01", "positive", ["sun"], ["good", POS]),
            ("twitter", "t3", "2020-02", "positive", ["wind"], ["good", POS])]
    load_run(db, record(write_run(tmp_path / "run-1", both), "run-1"))
    february = [("twitter", "t4", "2020-02", "negative", ["smog"], ["bad", NEG])]
    load_run(db, replace(record(write_run(tmp_path / "run-2", february), "run-2"),
                         window=PostWindow("2020-02", "2020-02")))
    with duckdb.connect(str(db), read_only=True) as con:
        assert con.execute("SELECT post_id, run_id FROM posts ORDER BY 1").fetchall() == [
            ("t1", "run-1"), ("t4", "run-2")]
        assert con.execute("SELECT month, term, df FROM term_counts ORDER BY 1, 2").fetchall() == [
            ("2020-01", "sun", 1), ("2020-02", "smog", 1)]


def test_a_post_already_loaded_from_another_file_is_refused_not_stored_twice(tmp_path, january):
    """Issue 16.13: the same (platform, post_id) was stored twice when two runs put it in different months."""
    db = tmp_path / "m.duckdb"
    load_run(db, record(january, "run-1"))
    before = checksums_of(db)
    moved = [("twitter", "t1", "2019-12", "positive", ["sun"], ["good", POS])]  # t1, a month earlier
    with pytest.raises(PostsLoadedMeanwhile, match="twitter t1 of b.jsonl is already loaded from in.jsonl"):
        load_run(db, record(write_run(tmp_path / "run-2", moved, source_file="b.jsonl"), "run-2"))
    assert checksums_of(db) == before


def test_counts_of_an_older_database_get_their_file_or_refuse_a_partial_reload(tmp_path, january):
    db = tmp_path / "m.duckdb"
    load_run(db, record(january, "run-1"))
    two_files = write_run(tmp_path / "run-2", [("twitter", "c1", "2020-03", "positive", ["sun"], ["good", POS])],
                          source_file="c.jsonl")
    load_run(db, record(two_files, "run-2"))
    with duckdb.connect(str(db)) as con:  # as before per-file counts: no file, and 2020-03 from two files
        for table in ("totals", "term_counts", "anchor_counts", "anchor_pair_counts"):
            con.execute(f"UPDATE {table} SET source_file = NULL")
        con.execute("UPDATE posts SET source_file = 'd.jsonl' WHERE post_id = 'c1'")
        con.execute("INSERT INTO posts SELECT * REPLACE ('c2' AS post_id) FROM posts WHERE post_id = 'c1'")
        con.execute("UPDATE posts SET source_file = 'c.jsonl' WHERE post_id = 'c2'")
    load_run(db, record(january, "run-3"))  # 2020-01 was in.jsonl's alone: attributed, then replaced
    assert scalar(db, "SELECT sum(posts) FROM totals WHERE month = '2020-01' AND source_file = 'in.jsonl'") == 3
    assert scalar(db, "SELECT sum(posts) FROM totals WHERE month = '2020-03' AND source_file IS NULL") == 1
    with pytest.raises(duckdb.InvalidInputException, match="twitter 2020-03 holds counts of several files"):
        load_run(db, record(two_files, "run-4"))


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
    import pipelines.writing.manifest
    monkeypatch.setattr(pipelines.writing.manifest, "verify_run_folder", lambda *args, **kwargs: {})


def test_a_failed_load_leaves_the_previous_state_intact(tmp_path, january, monkeypatch):
    skip_manifest_check(monkeypatch)
    db = tmp_path / "m.duckdb"
    load_run(db, record(january, "run-1"))
    before = checksums_of(db)
    broken = write_run(tmp_path / "run-bad", FEBRUARY + JANUARY[:1])  # a re-run of in.jsonl
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
    real_execute_file = flows.store.db.execute_file

    def paused(con, name, params):  # everything written, not yet committed or published
        real_execute_file(con, name, params)
        mid_load.set()
        assert release.wait(30)

    monkeypatch.setattr(flows.store.db, "execute_file", paused)
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
