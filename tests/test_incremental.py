"""Incremental runs: which files need loading, which loaded files a run must re-read."""

import json
from datetime import datetime
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from flows.db import RunRecord, load_run
from flows.fingerprints import table_fingerprints
from flows.incremental import (InputFile, LoadedFile, files_sharing_partitions, loaded_file_partitions,
                               loaded_inputs, needs_loading, run_partitions)
from pipelines.config import load_seeds
from pipelines.job import JobSettings, run_job
from pipelines.sources import SourceOptions
from pipelines.window import PostWindow

ALL = PostWindow()


def test_needs_loading_by_hand():
    now = InputFile("/in/a.jsonl", 100, 5)
    assert needs_loading(now, None, ALL)
    assert not needs_loading(now, LoadedFile("/in/a.jsonl", 100, 5, ALL), ALL)
    assert needs_loading(now, LoadedFile("/in/a.jsonl", 101, 5, ALL), ALL)  # grew
    assert needs_loading(now, LoadedFile("/in/a.jsonl", 100, 6, ALL), ALL)  # touched
    loaded_2019 = LoadedFile("/in/a.jsonl", 100, 5, PostWindow("2019-01", "2019-12"))
    assert needs_loading(now, loaded_2019, ALL)  # only a year of it was loaded
    assert not needs_loading(now, loaded_2019, PostWindow("2019-06", "2019-06", ("reddit",)))


def test_files_sharing_partitions_follows_chains():
    loaded = [("/a", "twitter", "2019-01"), ("/b", "twitter", "2019-01"), ("/b", "twitter", "2019-02"),
              ("/c", "twitter", "2019-02"), ("/d", "reddit", "2019-01"), ("/e", "twitter", "2020-01")]
    # new file /n covers twitter/2019-01: /a and /b share it, /b drags in 2019-02 and so /c.
    assert files_sharing_partitions([("twitter", "2019-01")], loaded, ["/n"], ALL) == {"/a", "/b", "/c"}
    # a file of the run itself is never "extra"
    assert files_sharing_partitions([("twitter", "2019-01")], loaded, ["/n", "/a"], ALL) == {"/b", "/c"}
    # partitions outside the window are not replaced, so they pull nothing in
    january = PostWindow("2019-01", "2019-01")
    assert files_sharing_partitions([("twitter", "2019-01")], loaded, ["/n"], january) == {"/a", "/b"}


file_rows = st.lists(st.tuples(st.sampled_from(["/a", "/b", "/c", "/d"]), st.sampled_from(["twitter", "reddit"]),
                               st.sampled_from(["2019-01", "2019-02", "2019-03"])), max_size=12)


@given(file_rows, st.lists(st.tuples(st.sampled_from(["twitter", "reddit"]),
                                     st.sampled_from(["2019-01", "2019-02", "2019-03"])), max_size=4))
def test_no_replaced_partition_keeps_posts_of_a_file_left_out(rows, new_partitions):
    extra = files_sharing_partitions(new_partitions, rows, ["/a"], ALL)
    assert "/a" not in extra
    replaced = set(new_partitions) | {(p, m) for f, p, m in rows if f in extra}
    left_out = {f for f, p, m in rows if (p, m) in replaced} - extra - {"/a"}
    assert left_out == set()


def _write_posts(path: Path, posts: list[tuple[str, str, str]]) -> str:
    lines = [json.dumps({"platform": "twitter", "id": pid, "created_at": f"{month}-15T12:00:00Z", "text": text})
             for pid, month, text in posts]
    path.write_text("\n".join(lines) + "\n")
    return str(path)


def _run_and_load(tmp: Path, db: str, files: list[str], name: str) -> None:
    settings = JobSettings(tuple(files), str(tmp / name), load_seeds(None), SourceOptions("auto", None, "salt"))
    run_job(settings)
    stats = [{"source_file": f, "size_bytes": 1, "mtime_ns": 1, "from_month": None, "to_month": None,
              "platforms": []} for f in files]
    load_run(db, RunRecord(name, str(tmp / name), datetime(2024, 1, 1), files, {}, "t"), stats)


@pytest.mark.slow
def test_new_file_in_a_loaded_month_brings_the_loaded_file_along(tmp_path):
    db = str(tmp_path / "m.duckdb")
    a = _write_posts(tmp_path / "a.jsonl", [("1", "2019-01", "good day"), ("2", "2019-02", "bad day")])
    b = _write_posts(tmp_path / "b.jsonl", [("3", "2019-02", "great news"), ("4", "2019-03", "sad news")])
    _run_and_load(tmp_path, db, [a], "r1")
    assert set(loaded_inputs(db, [a, b])) == {a}
    # b alone would replace twitter/2019-02 and lose post 2 of a: a must come along.
    run_job(JobSettings((b,), str(tmp_path / "probe"), load_seeds(None), SourceOptions("auto", None, "salt")))
    assert run_partitions(str(tmp_path / "probe")) == [("twitter", "2019-02"), ("twitter", "2019-03")]
    assert files_sharing_partitions(run_partitions(str(tmp_path / "probe")), loaded_file_partitions(db),
                                    [b], ALL) == {a}
    _run_and_load(tmp_path, db, [a, b], "r2")
    assert table_fingerprints(db)["posts"][0] == 4
    assert set(loaded_inputs(db, [a, b])) == {a, b}


@pytest.mark.slow
def test_fingerprints_ignore_run_ids_but_see_content(tmp_path):
    a = _write_posts(tmp_path / "a.jsonl", [("1", "2019-01", "good day"), ("2", "2019-02", "bad day")])
    _run_and_load(tmp_path, str(tmp_path / "one.duckdb"), [a], "r1")
    _run_and_load(tmp_path, str(tmp_path / "two.duckdb"), [a], "r2")
    one, two = table_fingerprints(tmp_path / "one.duckdb"), table_fingerprints(tmp_path / "two.duckdb")
    assert one == two and one["posts"][0] == 2 and "input_files" in one
    _write_posts(tmp_path / "a.jsonl", [("1", "2019-01", "good day"), ("2", "2019-02", "bad night")])
    _run_and_load(tmp_path, str(tmp_path / "three.duckdb"), [a], "r3")
    three = table_fingerprints(tmp_path / "three.duckdb")
    assert three["posts"][0] == 2 and three["posts"][1] != one["posts"][1]
