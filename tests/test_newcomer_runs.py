"""A newcomer's runs, end to end: a folder as --input, progress lines, named tasks, run folders kept,
a run that accepts nothing fails, and pytest ends quietly after a flow ran."""

from __future__ import annotations

import json
import logging
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

import flows.run_flow
from flows.cli.commands import main
from flows.options import RunOptions
from flows.run_flow import run_flow
from flows.store.db import query
from flows.store.retention import UNLOADED_RUN_MAX_AGE, is_running, run_in_progress

REPO = Path(__file__).resolve().parents[1]
pytestmark = pytest.mark.slow


def test_every_task_of_the_run_flow_has_a_readable_name():
    tasks = [v for v in vars(flows.run_flow).values() if type(v).__name__ == "Task"]
    assert len(tasks) == 11
    assert [t.name for t in tasks if t.name == t.fn.__name__] == []
    assert flows.run_flow.discover_inputs.retries == 0  # a missing input is a mistake, not a passing I/O error


def test_sample_folder_as_input_runs_with_progress_and_keeps_the_last_runs(tmp_path, capsys):
    assert main(["sample", "--posts", "300", "--out", str(tmp_path / "sample")]) == 0
    (tmp_path / "sample" / "README.txt").write_text("not posts")
    db = str(tmp_path / "pulse.duckdb")
    for _ in range(2):
        assert main(["run", "--input", str(tmp_path / "sample"), "--db", db, "--no-report", "--keep-runs", "1"]) == 0
    err = capsys.readouterr().err
    assert "mipulse run: skipped 1 file in input folders: " in err and "README.txt (not a supported extension)" in err
    for stage in ("reading: ", "tokenizing and counting: ", "scoring: "):
        assert f"| INFO    | {stage}" in err, stage
    # records that became posts, counted before the window and the duplicate check: "accepted" there had
    # contradicted the final table whenever a duplicate or a post outside the window followed
    assert "reading: 300 records, 300 valid posts, 3 files read" in err
    runs = sorted(p.name for p in (tmp_path / "pulse-out" / "runs").iterdir())
    # only the second run's folder (and the lexicon file it scored with) is left
    assert len({name.split(".")[0] for name in runs}) == 1 and any("." not in name for name in runs), runs


def test_a_run_that_accepts_nothing_exits_non_zero(tmp_path, capsys):
    export = tmp_path / "posts.jsonl"
    export.write_text("".join(json.dumps({"platform": "twitter", "id": str(i), "text": "hi",
                                          "created_at": "yesterday"}) + "\n" for i in range(3)))
    assert main(["run", "--input", str(export), "--db", str(tmp_path / "m.duckdb"), "--no-report"]) == 1
    err = capsys.readouterr().err
    assert "mipulse run: none of the 3 records read was accepted: 3 rejected (reasons above)" in err


def test_why_nothing_was_accepted_names_rejects_duplicates_or_empty_files():
    from flows.cli.commands import _nothing_accepted

    def row(read, rejected, duplicates):
        return {"records_read": read, "accepted": 0, "rejected": rejected, "duplicates": duplicates}

    assert _nothing_accepted([row(0, 0, 0), row(0, 0, 0)], 0) == "the 2 input files hold no records"
    assert _nothing_accepted([row(0, 0, 0)], 0) == "the input file holds no records"  # a header-only CSV exited 0
    assert _nothing_accepted([row(240, 0, 240)], 0) == (  # said "(reasons above)", and no reason was above
        "none of the 240 records read was accepted: 240 duplicates of posts already loaded from other files "
        "(a corrected re-export under a new name, or a moved folder? see 'Replacing an export' in docs/scheduling.md)")
    # the files' own posts, loaded by a run over another window: no other file is involved
    assert _nothing_accepted([row(5, 2, 0), row(3, 0, 3)], 3) == (
        "none of the 8 records read was accepted: 2 rejected (reasons above), 3 duplicates of posts already loaded")


def test_a_corrected_export_under_a_new_name_is_refused_with_its_cause_and_applied_over_the_old_file(tmp_path, capsys):
    """The corrected file's records were all duplicates of the old file's posts: exit 1 with "none of
    the … records read was accepted" and no word why; written over the old file, it replaces its posts."""
    db = str(tmp_path / "m.duckdb")

    def export(name: str, texts: list[str]) -> str:
        (tmp_path / name).write_text("".join(json.dumps({"platform": "twitter", "id": str(i), "text": text,
                                                         "created_at": "2019-05-05T00:00:00Z"}) + "\n"
                                             for i, text in enumerate(texts)))
        return str(tmp_path / name)

    assert main(["run", "--input", export("march.jsonl", ["a god day", "a bad day"]), "--db", db, "--no-report"]) == 0
    assert main(["run", "--input", export("march-fixed.jsonl", ["a good day", "a bad day"]), "--db", db,
                 "--no-report"]) == 1
    assert capsys.readouterr().err.splitlines()[-1] == (
        "mipulse run: none of the 2 records read was accepted: 2 duplicates of posts already loaded from other "
        "files (a corrected re-export under a new name, or a moved folder? see 'Replacing an export' in "
        "docs/scheduling.md)")
    assert main(["run", "--input", export("march.jsonl", ["a good day", "a bad day"]), "--db", db, "--no-report"]) == 0
    assert query(db, "SELECT text FROM posts ORDER BY post_id")[1] == [("a good day",), ("a bad day",)]


def test_pytest_ends_without_a_logging_error_after_a_flow_ran():
    done = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
                           "tests/prefect_exit_check.py"], cwd=REPO, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "Logging error" not in done.stdout + done.stderr
    assert "I/O operation on closed file" not in done.stdout + done.stderr


def test_an_incremental_run_with_other_languages_reads_the_unchanged_file_again(tmp_path):
    """Loaded with the default (English), the file's Spanish tweets are rejects; an `--incremental` run
    with `--languages all` had skipped the unchanged file, loading nothing and saying nothing."""
    tweets = tmp_path / "tweets.jsonl"
    tweets.write_text("".join(json.dumps({"created_at": "Wed Oct 10 20:19:24 +0000 2018", "id_str": str(n),
                                          "text": text, "lang": lang, "user": {"id_str": "7"}}) + "\n"
                              for n, (text, lang) in enumerate([("I love it", "en"), ("Me encanta", "es")], 1)))
    db = str(tmp_path / "m.duckdb")
    assert main(["run", "--input", str(tweets), "--db", db, "--no-report"]) == 0
    assert query(db, "SELECT post_id FROM posts")[1] == [("1",)]
    assert main(["run", "--input", str(tweets), "--db", db, "--no-report", "--incremental"]) == 0
    assert query(db, "SELECT count(*) FROM runs")[1] == [(1,)]  # the same options: skipped, nothing loaded
    assert main(["run", "--input", str(tweets), "--db", db, "--no-report", "--incremental", "--languages", "all"]) == 0
    assert query(db, "SELECT post_id FROM posts ORDER BY post_id")[1] == [("1",), ("2",)]


def _tweets(path: Path, tweets: list[tuple[str, str, str]]) -> str:
    """Twitter v1.1 statuses: (id, text, lang)."""
    path.write_text("".join(json.dumps({"created_at": "Wed Oct 10 20:19:24 +0000 2018", "id_str": tweet_id,
                                        "text": text, "lang": lang, "user": {"id_str": "7"}}) + "\n"
                            for tweet_id, text, lang in tweets))
    return str(path)


def test_a_history_read_with_two_language_settings_is_warned_of_until_an_incremental_run_reads_it_with_one(
        tmp_path, caplog):
    """One file loaded with --languages all, another with the default: the years mixed their shares and
    neither the run nor the report said so. The warning's advice, --languages en --incremental over every
    input, reads again only the file loaded with all."""
    both = _tweets(tmp_path / "both.jsonl", [("1", "I love it", "en"), ("2", "Me encanta", "es")])
    english = _tweets(tmp_path / "english.jsonl", [("3", "So sad", "en")])
    db, out = str(tmp_path / "m.duckdb"), str(tmp_path / "out")
    run_flow(RunOptions(inputs=[both], db=db, report=False, languages=["all"]))
    with caplog.at_level(logging.WARNING):
        run_flow(RunOptions(inputs=[english], db=db, out=out, interval_replicates=0))
    line = ("the loaded input files were read with different --languages (all: 1 file, 2 posts; en: 1 file, 1 post); "
            "shares mix posts kept by different settings. To read them all with one, run again over all of them "
            "with it and --incremental (e.g. --languages en --incremental, with the other reading options they "
            "were loaded with): only the files loaded with another setting are read again.")
    assert [r.getMessage() for r in caplog.records if "--languages" in r.getMessage()] == [line]
    assert f"WARNING: {line}" in (Path(out) / "report" / "report.html").read_text(encoding="utf-8")
    caplog.clear()
    with caplog.at_level(logging.WARNING):
        run_flow(RunOptions(inputs=[both, english], db=db, report=False, incremental=True))
    assert query(db, "SELECT inputs FROM runs ORDER BY run_id DESC LIMIT 1")[1] == [([both],)]
    assert query(db, "SELECT post_id FROM posts ORDER BY post_id")[1] == [("1",), ("3",)]
    assert [r.getMessage() for r in caplog.records if "--languages" in r.getMessage()] == []


def test_a_run_removes_the_folders_of_interrupted_runs_and_says_so(tmp_path, caplog, monkeypatch):
    """A run stopped before its load (Ctrl-C, a crash, SIGKILL) had left out/runs/<run id>/ forever, saying nothing.
    A run at work holds its lock (so no other run's pruning takes its folder), the held one's folder stays."""
    posts = tmp_path / "posts.jsonl"
    posts.write_text(json.dumps({"id": "1", "platform": "twitter", "created_at": "2020-01-05", "text": "good sun"}) + "\n")
    options = RunOptions(inputs=[str(posts)], db=str(tmp_path / "m.duckdb"), out=str(tmp_path / "out"), report=False)
    first = run_flow(options)  # a loaded run: --keep-runs keeps its folder
    runs = tmp_path / "out" / "runs"
    interrupted, fresh, held = "20240101T000000Z-aaaaaa", "20240102T000000Z-bbbbbb", "20240103T000000Z-cccccc"
    (runs / interrupted).mkdir()
    (runs / interrupted / "part-0.parquet").write_bytes(b"x" * 1_500_000)
    (runs / f"{interrupted}.lexicon.parquet").write_bytes(b"x" * 500_000)
    (runs / fresh).mkdir()
    (runs / held).mkdir()
    old = time.time() - UNLOADED_RUN_MAX_AGE - 60
    for entry in (runs / interrupted / "part-0.parquet", runs / interrupted, runs / f"{interrupted}.lexicon.parquet",
                  runs / held):
        os.utime(entry, (old, old))
    locked_during_the_job, job = [], flows.run_flow.run_beam_job

    def watched_job(settings, beam_args):
        locked_during_the_job.append(is_running(Path(f"{settings.output}.running")))
        return job(settings, beam_args)

    monkeypatch.setattr(flows.run_flow, "run_beam_job", watched_job)
    with run_in_progress(runs, held), caplog.at_level(logging.INFO):
        os.utime(runs / f"{held}.running", (old, old))  # a run at work for over a day
        second = run_flow(options)
    assert locked_during_the_job == [True]
    names = {p.name for p in runs.iterdir()}
    assert {fresh, held, Path(first.run_dir).name, Path(second.run_dir).name} <= names
    assert {interrupted, f"{interrupted}.lexicon.parquet"}.isdisjoint(names)
    assert [name for name in names if name.endswith(".running")] == []  # each run's lock went with it
    lines = [r.getMessage() for r in caplog.records if "never loaded" in r.getMessage()]
    assert lines == [f"removed 1 folders of runs that never loaded (interrupted), 2.0 MB, under {runs} (untouched "
                     "for over 24 h)"]


def test_a_run_that_fails_still_removes_the_folders_of_interrupted_runs(tmp_path, monkeypatch):
    """They had gone only after a successful load: the folders of runs that all failed stayed."""
    posts = tmp_path / "posts.jsonl"
    posts.write_text(json.dumps({"id": "1", "platform": "twitter", "created_at": "2020-01-05", "text": "good sun"}) + "\n")
    options = RunOptions(inputs=[str(posts)], db=str(tmp_path / "m.duckdb"), out=str(tmp_path / "out"), report=False)
    runs = tmp_path / "out" / "runs"
    interrupted = runs / "20240101T000000Z-aaaaaa"
    interrupted.mkdir(parents=True)
    old = time.time() - UNLOADED_RUN_MAX_AGE - 60
    os.utime(interrupted, (old, old))

    def failing_job(settings, beam_args):
        raise RuntimeError("the job failed")

    monkeypatch.setattr(flows.run_flow, "run_beam_job", failing_job)
    with pytest.raises(RuntimeError, match="the job failed"):
        run_flow(options)
    assert not interrupted.exists() and not (tmp_path / "m.duckdb").exists()
