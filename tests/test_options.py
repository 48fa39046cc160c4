"""Issue 13 item 1: each run option is declared once (flows.options.RunOptions, pipelines.options.JobOptions)
and the command lines, the flow, the job's settings and the runs table all come from that declaration."""

from __future__ import annotations

import argparse

import pytest
from pydantic import ValidationError

from flows.options import RunOptions
from pipelines.reading.authors import KEY_FILE_ENV, SECRET_ENV, AuthorKeyError
from pipelines.options import JobOptions, add_arguments, add_job_arguments, from_namespace

# The flags users have today (docs/command-line.md); the model must keep every spelling.
RUN_FLAGS = {"--input", "--seeds", "--format", "--columns", "--undated-as", "--platform", "--lexicon", "--min-df",
             "--from-month", "--to-month", "--platforms", "--languages", "--runner", "--db", "--out", "--keep-runs", "--no-report",
             "--interval-replicates", "--labelled", "--rebuild-lexicon", "--incremental", "--wait-for-writer"}


def run_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser()
    add_arguments(parser, RunOptions)
    return parser


def test_every_flag_users_have_is_generated_from_the_model():
    flags = {s for a in run_parser()._actions for s in a.option_strings} - {"-h", "--help", "--author-salt"}
    assert flags == RUN_FLAGS


def test_flags_become_the_model_with_its_defaults(tmp_path):
    args = run_parser().parse_args(["--input", "a.jsonl", "b.jsonl", "--db", "m.duckdb", "--format", "csv",
                                    "--platform", "reddit", "--min-df", "3", "--no-report", "--runner", "PortableRunner",
                                    "--interval-replicates", "0", "--incremental"])
    options = from_namespace(RunOptions, args)
    assert options.inputs == ["a.jsonl", "b.jsonl"]
    assert (options.input_format, options.default_platform, options.min_df) == ("csv", "reddit", 3)
    assert (options.report, options.runner, options.interval_replicates) == (False, "PortableRunner", 0)
    assert (options.incremental, options.wait_for_writer, options.rebuild_lexicon) == (True, False, False)
    assert (options.keep_runs, options.seeds, options.beam_args) == (5, None, [])


@pytest.mark.parametrize("bad, message", [
    ({"interval_replicates": 1}, "give 0 (Wilson intervals only) or 2 or more replicates"),
    ({"from_month": "2019-13"}, "from-month must be YYYY-MM, got '2019-13'"),
    ({"platforms": ["mastodon"]}, "unknown platform(s) mastodon"),
    ({"input_format": "myspace"}, "input_format"),
    ({"author_salt": "s"}, "author_salt"),  # never an option: options are stored and shown
])
def test_bad_options_are_refused_by_the_model(bad, message):
    with pytest.raises(ValidationError, match=message.replace("(", r"\(").replace(")", r"\)")):
        RunOptions(inputs=["a.jsonl"], db="m.duckdb", **bad)


def test_the_flow_form_schema_names_every_option():
    """Prefect builds the flow's form from this schema."""
    properties = RunOptions.model_json_schema()["properties"]
    assert set(properties) == set(RunOptions.model_fields)
    assert properties["min_df"]["default"] == 5 and properties["min_df"]["description"]


def test_the_run_record_holds_every_option_and_what_the_run_resolved():
    options = RunOptions(inputs=["a.jsonl"], db="m.duckdb", platforms=["twitter", "reddit", "twitter"], min_df=7)
    record = options.run_record("lexicons/seeds.toml", "lex.parquet", "abcd")
    assert set(RunOptions.model_fields) <= set(record)
    assert record["min_df"] == 7 and record["platforms"] == ["reddit", "twitter"]
    assert (record["seeds"], record["lexicon_file"], record["author_key_fingerprint"]) == (
        "lexicons/seeds.toml", "lex.parquet", "abcd")


def test_the_job_settings_carry_every_job_option(tmp_path, monkeypatch):
    monkeypatch.setenv(SECRET_ENV, "from the environment")
    posts = tmp_path / "a.jsonl"
    posts.write_text("{}\n")
    options = JobOptions(inputs=[str(posts)], input_format="jsonl", default_platform="reddit", min_df=9,
                         from_month="2019-01", platforms=["twitter"], undated_as="2019-06", runner="PortableRunner",
                         lexicon="given.parquet")
    settings = options.job_settings("out")
    assert settings.inputs == (str(posts),) and settings.output == "out"
    assert (settings.source.format, settings.source.default_platform, settings.source.undated_as) == (
        "jsonl", "reddit", "2019-06")
    assert settings.lexicon.min_df == 9 and settings.lexicon_file == "given.parquet"
    assert (settings.window.from_month, settings.window.platforms) == ("2019-01", ("twitter",))
    assert settings.runner == "PortableRunner"


def test_the_author_secret_is_resolved_in_one_place(tmp_path, monkeypatch):
    """`python -m pipelines.job` and `mipulse run` both get it from JobOptions.job_settings: the one the run
    checked against its database, else $MIPULSE_AUTHOR_SALT or the key file, never an empty one."""
    posts = tmp_path / "a.jsonl"
    posts.write_text("{}\n")
    options = JobOptions(inputs=[str(posts)])
    monkeypatch.delenv(SECRET_ENV, raising=False)
    monkeypatch.setenv(KEY_FILE_ENV, str(tmp_path / "none.key"))
    with pytest.raises(AuthorKeyError, match="no author key"):
        options.job_settings("out")
    (tmp_path / "none.key").write_text("from the key file\n")
    assert options.job_settings("out").source.author_salt == "from the key file"
    assert options.job_settings("out", secret="checked by the run").source.author_salt == "checked by the run"


def test_the_runner_is_a_field_that_reaches_beam_options():
    from apache_beam.options.pipeline_options import StandardOptions

    from pipelines.job import pipeline_options

    def runner(beam_args, given=None):
        return pipeline_options(beam_args, given).view_as(StandardOptions).runner

    assert runner([]) == "FnApiRunner"
    assert runner(["--runner=PortableRunner"]) == "PortableRunner"
    assert runner([], "PortableRunner") == "PortableRunner"
    parser = argparse.ArgumentParser()
    add_job_arguments(parser)
    args, beam_args = parser.parse_known_args(["--input", "a.jsonl", "--runner", "PortableRunner",
                                               "--direct_num_workers=2"])
    assert from_namespace(JobOptions, args).runner == "PortableRunner" and beam_args == ["--direct_num_workers=2"]
