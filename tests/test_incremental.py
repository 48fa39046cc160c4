"""Incremental runs: which files need loading; a run over some files keeps the others' data."""

import json
from datetime import datetime
from pathlib import Path

import duckdb
import pytest

from flows.store.db import RunRecord, load_run, query, write_kept_posts
from flows.store.checksum import checksums_of
from flows.store.incremental import (
    InputFile, LoadedFile, files_to_read, files_with_duplicates, loaded_inputs, lost_copies_warning, needs_loading,
    reading_of,
)
from pipelines.config import load_seeds
from pipelines.job import JobSettings, run_job
from pipelines.reading.sources import SourceOptions
from pipelines.reading.window import PostWindow

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


def test_a_file_loaded_with_other_reading_options_is_read_again():
    """A file loaded without Spanish posts stayed so after `--incremental --languages all`: unchanged, skipped."""
    now = InputFile("/in/a.jsonl", 100, 5)
    english = reading_of({"input_format": "auto", "languages": ["en"]})
    assert reading_of({"languages": ["en"], "input_format": "auto", "seeds": "other.toml"}) == english
    loaded = LoadedFile("/in/a.jsonl", 100, 5, ALL, english)
    assert not needs_loading(now, loaded, ALL, english)
    assert needs_loading(now, loaded, ALL, reading_of({"input_format": "auto", "languages": ["all"]}))
    assert needs_loading(now, loaded, ALL, reading_of({"input_format": "auto", "languages": ["en"], "columns": "text=body"}))
    assert not needs_loading(now, loaded, ALL)  # no reading options asked about: bytes and window only
    assert files_to_read([now], {now.path: loaded}, ALL, set(), reading_of({"languages": ["all"]})) == [now]


def test_files_that_dropped_duplicates_are_read_again_only_with_a_file_read_again():
    a, b, c = InputFile("/in/a.jsonl", 100, 5), InputFile("/in/b.jsonl", 200, 5), InputFile("/in/c.jsonl", 300, 5)
    loaded = {f.path: LoadedFile(f.path, f.size_bytes, f.mtime_ns, ALL) for f in (a, b)}
    with_duplicates = {"/in/b.jsonl", "/in/elsewhere.jsonl"}
    assert files_to_read([a, b, c], loaded, ALL, with_duplicates) == [c]  # c is new: nothing is replaced
    a_changed = InputFile("/in/a.jsonl", 90, 6)
    assert files_to_read([a_changed, b, c], loaded, ALL, with_duplicates) == [a_changed, b, c]
    assert files_to_read([a_changed, b, c], loaded, ALL, set()) == [a_changed, c]
    assert files_to_read([a, b], loaded, ALL, with_duplicates) == []


def test_lost_copies_are_warned_of_only_when_posts_went_and_an_unread_file_dropped_duplicates():
    reading = ["/in/a.jsonl"]
    assert lost_copies_warning(reading, 10, 10, {"/in/b.jsonl"}) is None
    assert lost_copies_warning(reading, 10, 5, {"/in/a.jsonl"}) is None  # it read the only one
    warning = lost_copies_warning(reading, 10, 5, {"/in/a.jsonl", "/in/b.jsonl"})
    assert warning.startswith("the files this run read hold 5 fewer posts") and "/in/b.jsonl dropped" in warning
    many = {f"/in/{i}.jsonl" for i in range(7)}
    assert "/in/4.jsonl and 2 more dropped" in lost_copies_warning(reading, 3, 2, many)


def _write_posts(path: Path, posts: list[tuple[str, str, str]]) -> str:
    lines = [json.dumps({"platform": "twitter", "id": pid, "created_at": f"{month}-15T12:00:00Z", "text": text})
             for pid, month, text in posts]
    path.write_text("\n".join(lines) + "\n")
    return str(path)


def _run_and_load(tmp: Path, db: str, files: list[str], name: str, window: PostWindow = ALL) -> None:
    """Run the job and load it as the flow does: copies of posts loaded from other files are duplicates."""
    kept = tmp / f"{name}-loaded.parquet"
    settings = JobSettings(tuple(files), str(tmp / name), load_seeds(None), SourceOptions("auto", None, "salt"),
                           window=window, loaded_posts=str(kept) if write_kept_posts(db, files, window, kept) else None)
    run_job(settings)
    stats = [{"source_file": f, "size_bytes": 1, "mtime_ns": 1, "from_month": window.from_month,
              "to_month": window.to_month, "platforms": list(window.platforms)} for f in files]
    load_run(db, RunRecord(name, str(tmp / name), datetime(2024, 1, 1), files, {}, "t", window), stats)


def _load_one_then_the_other(tmp: Path, a_posts: list, b_posts: list) -> tuple[str, str, str]:
    """Run and load a.jsonl, then b.jsonl alone; returns (db, a, b)."""
    db = str(tmp / "m.duckdb")
    a, b = _write_posts(tmp / "a.jsonl", a_posts), _write_posts(tmp / "b.jsonl", b_posts)
    _run_and_load(tmp, db, [a], "r1")
    _run_and_load(tmp, db, [b], "r2")
    return db, a, b


@pytest.mark.slow
def test_a_new_file_in_a_loaded_month_keeps_the_loaded_files_posts(tmp_path):
    """Issue 16.1: a run over b alone replaced the months it shares with a, losing a's posts."""
    db, a, b = _load_one_then_the_other(tmp_path, [("1", "2019-01", "good day"), ("2", "2019-02", "bad day")],
                                        [("3", "2019-02", "great news"), ("4", "2019-03", "sad news")])
    assert query(db, "SELECT source_file, post_id FROM posts ORDER BY post_id")[1] == [(a, "1"), (a, "2"), (b, "3"), (b, "4")]
    assert query(db, "SELECT sum(posts) FROM totals WHERE month = '2019-02'")[1] == [(2,)]
    assert set(loaded_inputs(db, [a, b])) == {a, b}


@pytest.mark.slow
def test_a_post_moved_to_another_month_by_a_second_file_is_kept_once(tmp_path):
    """Issue 16.13: two exports placing one post id in different months stored it twice."""
    db, a, b = _load_one_then_the_other(tmp_path, [("1", "2019-01", "good day"), ("2", "2019-01", "bad day")],
                                        [("1", "2019-02", "good day"), ("5", "2019-02", "new day")])
    assert query(db, "SELECT post_id, month, source_file FROM posts ORDER BY post_id")[1] == [
        ("1", "2019-01", a), ("2", "2019-01", a), ("5", "2019-02", b)]
    # the counts hold exactly the posts kept: b's copy of 1 is a duplicate, not counted
    assert query(db, "SELECT month, source_file, posts FROM totals ORDER BY month")[1] == [
        ("2019-01", a, 2), ("2019-02", b, 1)]
    assert query(db, "SELECT source_file, accepted, duplicates FROM file_accounting ORDER BY 1")[1] == [
        (a, 2, 0), (b, 1, 1)]
    assert files_with_duplicates(db) == {b}  # b's copy of 1 is a's post
    _run_and_load(tmp_path, db, [b], "r3")  # re-reading b changes nothing
    assert query(db, "SELECT count(*), count(DISTINCT post_id) FROM posts")[1] == [(3, 3)]


@pytest.mark.slow
def test_fingerprints_ignore_run_ids_but_see_content(tmp_path):
    a = _write_posts(tmp_path / "a.jsonl", [("1", "2019-01", "good day"), ("2", "2019-02", "bad day")])
    _run_and_load(tmp_path, str(tmp_path / "one.duckdb"), [a], "r1")
    _run_and_load(tmp_path, str(tmp_path / "two.duckdb"), [a], "r2")
    one, two = checksums_of(tmp_path / "one.duckdb"), checksums_of(tmp_path / "two.duckdb")
    assert one == two and one["posts"][0] == 2 and "input_files" in one
    _write_posts(tmp_path / "a.jsonl", [("1", "2019-01", "good day"), ("2", "2019-02", "bad night")])
    _run_and_load(tmp_path, str(tmp_path / "three.duckdb"), [a], "r3")
    three = checksums_of(tmp_path / "three.duckdb")
    assert three["posts"][0] == 2 and three["posts"][1] != one["posts"][1]


@pytest.mark.slow
def test_backfills_window_by_window_leave_each_record_one_post_or_one_reject(tmp_path):
    """A run over January then one over February of the same file: the second had rejected January's
    record as 'outside date range' although the first had loaded it (posts + rejects > records)."""
    db = str(tmp_path / "m.duckdb")
    year = _write_posts(tmp_path / "year.jsonl", [("1", "2019-01", "good day"), ("2", "2019-02", "bad day"),
                                                 ("3", "2019-03", "new day")])
    _run_and_load(tmp_path, db, [year], "jan", PostWindow("2019-01", "2019-01"))
    assert query(db, "SELECT record_no, reason FROM rejects ORDER BY 1")[1] == [
        (2, "outside date range"), (3, "outside date range")]  # not loaded (yet): rejects
    _run_and_load(tmp_path, db, [year], "feb", PostWindow("2019-02", "2019-02"))
    assert query(db, "SELECT post_id FROM posts ORDER BY 1")[1] == [("1",), ("2",)]
    assert query(db, "SELECT record_no, reason FROM rejects ORDER BY 1")[1] == [(3, "outside date range")]
    assert query(db, "SELECT records_read, accepted, rejected, duplicates FROM file_accounting")[1] == [(3, 1, 1, 1)]
    # its own January post is no copy of another file's: nothing to read again with a changed file
    assert files_with_duplicates(db) == set()


def _language_settings(runs: dict[str, str], files: dict[str, str], posts: dict[str, int]) -> list[dict]:
    """`loaded_language_settings` of a database holding these runs (run id: options JSON), input files (path:
    run id) and posts per file."""
    from flows.store.db import ensure_schema
    from flows.store.incremental import loaded_language_settings

    with duckdb.connect(":memory:") as con:
        ensure_schema(con)
        for statement, rows in [
                ("INSERT INTO runs (run_id, options) VALUES (?, ?)", list(runs.items())),
                ("INSERT INTO input_files VALUES (?, 1, 1, NULL, NULL, [], ?, now())", list(files.items())),
                ("INSERT INTO posts (platform, post_id, month, created_at, source_file, run_id) "
                 "VALUES ('twitter', ?, '2020-01', '2020-01-05', ?, ?)",
                 [(f"{path}-{n}", path, files[path]) for path, count in posts.items() for n in range(count)])]:
            if rows:
                con.executemany(statement, rows)
        return loaded_language_settings(con)


def test_the_language_settings_of_the_loaded_files_are_those_of_the_run_that_last_loaded_each():
    """A history loaded partly with --languages all and partly with the default mixed them in every year,
    saying nothing."""
    from flows.store.incremental import mixed_languages_warning

    settings = _language_settings(
        runs={"r0": '{"languages": ["es"]}',  # loaded a.jsonl before r1 did: no file is loaded by it now
              "r1": '{"languages": ["all"]}', "r2": '{"languages": ["en"]}', "r3": '{"languages": ["es", "en"]}',
              "r4": '{"languages": ["en", "es"]}', "old": '{"input_format": "auto"}'},
        files={"a": "r1", "b": "r2", "c": "r2", "d": "r3", "e": "r4", "f": "old", "g": "gone"},
        posts={"a": 3, "b": 1, "d": 1, "e": 1, "f": 2, "g": 1})
    assert settings == [{"languages": "all", "files": 2, "posts": 5},  # a, and f: loaded before --languages existed
                        {"languages": "en es", "files": 2, "posts": 2},  # the same setting in two orders
                        {"languages": "en", "files": 2, "posts": 1},  # c: no post
                        {"languages": None, "files": 1, "posts": 1}]  # g: its run's row is gone
    assert mixed_languages_warning(settings) == (
        "WARNING: the loaded input files were read with different --languages (all: 2 files, 5 posts; en es: "
        "2 files, 2 posts; en: 2 files, 1 post; not known: 1 file, 1 post); shares mix posts kept by different "
        "settings. To read them all with one, run again over all of them with it and --incremental (e.g. "
        "--languages en --incremental, with the other reading options they were loaded with): only the files "
        "loaded with another setting are read again.")


def test_one_language_setting_gets_no_warning():
    from flows.store.incremental import mixed_languages_warning

    english = _language_settings({"r1": '{"languages": ["en"]}', "r2": '{"languages": ["en"]}'},
                                 {"a": "r1", "b": "r2"}, {"a": 2, "b": 1})
    assert english == [{"languages": "en", "files": 2, "posts": 3}]
    assert mixed_languages_warning(english) is None
    old = _language_settings({"old": '{"input_format": "auto"}'}, {"a": "old"}, {"a": 2})
    assert old == [{"languages": "all", "files": 1, "posts": 2}]  # loaded before --languages: every language
    assert mixed_languages_warning(old) is None
    assert mixed_languages_warning(_language_settings({}, {}, {})) is None
