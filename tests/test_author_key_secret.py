"""Issue 16 item 5: the author-key secret never changes or vanishes silently, and never
travels on a command line or as a stored flow parameter."""

from __future__ import annotations

import argparse
import inspect

import duckdb
import pytest

from flows.store.db import load_run
from flows.store.keys import FINGERPRINT_OPTION, AuthorKeyMismatch, secret_for, stored_fingerprint
from pipelines.reading.authors import KEY_FILE_ENV, SECRET_ENV, AuthorKeyError, create_key_file, fingerprint
from harness.run_folders import record, write_run

POSTS = [("twitter", "1", "2020-01", "positive", ["sun"], [])]


@pytest.fixture
def key_file(tmp_path, monkeypatch):
    path = tmp_path / "config" / "author.key"
    monkeypatch.setenv(KEY_FILE_ENV, str(path))
    monkeypatch.delenv(SECRET_ENV, raising=False)
    return path


def load_with(db, tmp_path, name: str, found: str) -> None:
    run = record(write_run(tmp_path / name, POSTS), name)
    load_run(db, type(run)(**{**run.__dict__, "options": {FINGERPRINT_OPTION: found}}))


def test_a_new_database_gets_a_private_key_file_not_beside_it(key_file, tmp_path):
    secret, found = secret_for(str(tmp_path / "m.duckdb"))
    assert key_file.exists() and oct(key_file.stat().st_mode & 0o777) == "0o600"
    assert found == fingerprint(secret) and len(secret) == 64
    assert not list(tmp_path.glob("m.duckdb*"))  # nothing secret beside the database


def test_a_deleted_key_file_stops_the_run_instead_of_making_a_new_key(key_file, tmp_path):
    db = tmp_path / "m.duckdb"
    _, found = secret_for(str(db))
    load_with(db, tmp_path, "r1", found)
    assert stored_fingerprint(str(db)) == found
    key_file.unlink()
    with pytest.raises(AuthorKeyError, match="does not exist"):
        secret_for(str(db))
    assert not key_file.exists()


def test_an_empty_key_file_or_variable_is_refused(key_file, tmp_path, monkeypatch):
    key_file.parent.mkdir(parents=True)
    key_file.write_text("")  # e.g. left 0-byte by a full disk
    with pytest.raises(AuthorKeyError, match="is empty"):
        secret_for(str(tmp_path / "m.duckdb"))
    monkeypatch.setenv(SECRET_ENV, "  ")
    with pytest.raises(AuthorKeyError, match="is empty"):
        secret_for(str(tmp_path / "m.duckdb"))


def test_a_variable_set_for_one_run_and_not_the_next_is_refused(key_file, tmp_path, monkeypatch):
    db = tmp_path / "m.duckdb"
    monkeypatch.setenv(SECRET_ENV, "set for the first run only")
    _, found = secret_for(str(db))
    load_with(db, tmp_path, "r1", found)
    monkeypatch.delenv(SECRET_ENV)
    create_key_file()  # some other key lying around
    with pytest.raises(AuthorKeyMismatch, match="Restore the original key file"):
        secret_for(str(db))


def test_the_load_itself_refuses_another_key_and_changes_nothing(tmp_path):
    db = tmp_path / "m.duckdb"
    load_with(db, tmp_path, "r1", "aaaa")
    with pytest.raises(AuthorKeyMismatch, match="fingerprint aaaa"):
        load_with(db, tmp_path, "r2", "bbbb")
    con = duckdb.connect(str(db), read_only=True)
    assert con.execute("SELECT run_id FROM runs").fetchall() == [("r1",)]
    assert con.execute("SELECT fingerprint FROM author_key_scheme").fetchall() == [("aaaa",)]


def test_a_database_with_posts_of_unknown_keys_is_refused(tmp_path):
    db = tmp_path / "m.duckdb"
    load_run(db, record(write_run(tmp_path / "old", POSTS), "old"))  # no fingerprint: made before them
    with pytest.raises(AuthorKeyMismatch, match="new database"):
        load_with(db, tmp_path, "r2", "aaaa")


def test_the_secret_is_never_a_flag_or_a_flow_parameter(key_file, monkeypatch, tmp_path):
    from flows.run_flow import run_flow
    from pipelines.options import JobOptions, add_job_arguments, from_namespace

    def settings_from_args(args, output):
        return from_namespace(JobOptions, args).job_settings(output)

    parser = argparse.ArgumentParser()
    add_job_arguments(parser)
    with pytest.raises(SystemExit):
        parser.parse_args(["--input", "x.jsonl", "--author-salt", "visible-in-ps"])
    assert not any("salt" in name or "secret" in name for name in inspect.signature(run_flow.fn).parameters)
    (tmp_path / "x.jsonl").write_text("{}\n")
    args = parser.parse_args(["--input", str(tmp_path / "x.jsonl")])
    with pytest.raises(AuthorKeyError, match="no author key"):  # python -m pipelines.job: no silent ""
        settings_from_args(args, "out")
    monkeypatch.setenv(SECRET_ENV, "from the environment")
    assert settings_from_args(args, "out").source.author_salt == "from the environment"


def test_a_failed_beam_task_raises_no_secret_for_prefect_to_log_or_pickle(monkeypatch, tmp_path):
    import pickle

    import flows.run_flow
    from pipelines.config import load_seeds
    from pipelines.job import JobSettings
    from pipelines.reading.sources import SourceOptions

    secret = "the-secret-of-this-test"

    def failing_job(settings, beam_args):
        raise UnicodeEncodeError("utf-8", f"{secret}\x00twitter\x00handle\ud800", 40, 41, "surrogates not allowed")

    monkeypatch.setattr(flows.run_flow, "run_job", failing_job)
    settings = JobSettings(("in.jsonl",), str(tmp_path / "run"), load_seeds(None), SourceOptions(author_salt=secret))
    with pytest.raises(RuntimeError) as raised:
        flows.run_flow.run_beam_job.fn(settings, [])
    assert "UnicodeEncodeError" in str(raised.value)
    assert secret not in str(raised.value) and secret.encode() not in pickle.dumps(raised.value)


def test_the_old_secret_flag_is_refused_not_passed_on_to_beam(capsys):
    from flows.cli.commands import main

    with pytest.raises(SystemExit):
        main(["run", "--input", "x.jsonl", "--db", "m.duckdb", "--author-salt", "visible-in-ps"])
    assert "MIPULSE_AUTHOR_SALT" in capsys.readouterr().err


def test_mipulse_run_with_another_key_is_refused_in_one_line_before_the_flow(key_file, tmp_path, monkeypatch, capsys):
    """The refusal came from inside the flow, with Prefect's traceback and the message four times."""
    import json

    import flows.run_flow
    from flows.cli.commands import main

    db = tmp_path / "m.duckdb"
    _, found = secret_for(str(db))
    load_with(db, tmp_path, "r1", found)
    export = tmp_path / "posts.jsonl"
    export.write_text(json.dumps({"platform": "twitter", "id": "9", "text": "hi", "created_at": "2020-01-02"}) + "\n")
    monkeypatch.setattr(flows.run_flow, "run_flow", lambda **_: pytest.fail("the flow started"))
    monkeypatch.setenv(SECRET_ENV, "another key")
    assert main(["run", "--input", str(export), "--db", str(db)]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "Traceback" not in err
    assert err.startswith(f"mipulse run: {db}: its author keys were made with the author key of fingerprint {found}")
