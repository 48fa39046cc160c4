"""Every command-line mistake fails before the flow starts: exit 2, one line, no traceback, nothing written."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

import flows.run_flow
from flows.cli.commands import main
from flows.cli.preflight import UsageError, check_beam_args, suggest_mapping


@pytest.fixture
def no_flow(monkeypatch):
    """Fail the test if the flow is ever started."""
    def started(**_):
        raise AssertionError("the flow started although the command line was wrong")
    monkeypatch.setattr(flows.run_flow, "run_flow", started)


@pytest.fixture
def sample(tmp_path: Path) -> Path:
    folder = tmp_path / "sample"
    folder.mkdir()
    (folder / "twitter.jsonl").write_text(json.dumps({"platform": "twitter", "id": "1", "text": "clean air",
                                                      "created_at": "2020-01-02T00:00:00Z"}) + "\n")
    return folder


def one_line_error(capsys, argv: list[str]) -> str:
    code = main(argv)
    err = capsys.readouterr().err
    assert code == 2, err
    assert len(err.strip().splitlines()) == 1, err
    assert "Traceback" not in err
    return err.strip()


def refused_run(capsys, sample, db, option: str, path) -> str:
    """The one error line of `mipulse run --input SAMPLE --db DB OPTION PATH`."""
    return one_line_error(capsys, ["run", "--input", str(sample), "--db", str(db), option, str(path)])


@pytest.mark.parametrize("extra, expected", [
    (["--from-month", "2019-13"], "mipulse run: from-month must be YYYY-MM, got '2019-13'"),
    (["--to-month", "2019-01", "--from-month", "2020-01"], "mipulse run: from-month 2020-01 is after to-month 2019-01"),
    (["--columns", "txt=body"], "mipulse run: --columns: unknown field 'txt'"),
    (["--undated-as", "2019"], "mipulse run: undated-as must be YYYY-MM, got '2019'"),
    (["--undated-as", "2019-1"], "mipulse run: undated-as must be YYYY-MM, got '2019-1'"),  # as --from-month 2019-1
    (["--from-month", "2019-1"], "mipulse run: from-month must be YYYY-MM, got '2019-1'"),
    (["--undated-as", "2999-01"], "mipulse run: undated-as 2999-01 is in the future: give the month the posts were "
                                  "written in, or before"),
    (["--undated-as", "2004-12"], "mipulse run: undated-as 2004-12 is before 2005-01, the earliest month a post is "
                                  "read in"),  # every undated record had become a 'created_at out of range' reject
    (["--platforms", "Reddit"], "mipulse run: unknown platform(s) Reddit"),
    (["--platform", "mastodon"], "mipulse run: --platform 'mastodon' is not one of twitter, reddit, youtube"),
    (["--seeds", "nope.toml"], "mipulse run: nope.toml: seed file not found"),
    (["--from-mnth", "2019-01"], "mipulse run: unknown option --from-mnth (did you mean --from-month?)"),
    (["--direct_num_workerz=2"], "mipulse run: unknown option --direct_num_workerz"),
    (["more.jsonl"], "mipulse run: unexpected argument 'more.jsonl'"),
    # refused by the options' own bounds, named by their flags (0 had run until the lexicon's own check)
    (["--min-df", "0"], "mipulse run: --min-df: Input should be greater than or equal to 1"),
    # -1 had kept no run folder at all, the opposite of what "keep -1" often means
    (["--keep-runs", "-1"], "mipulse run: --keep-runs: Input should be greater than or equal to 0"),
])
def test_option_mistakes(tmp_path, sample, capsys, no_flow, extra, expected):
    db = tmp_path / "m.duckdb"
    line = one_line_error(capsys, ["run", "--input", str(sample), "--db", str(db), *extra])
    assert line.startswith(expected)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["sample"]  # no DB, no .salt, no run folder


@pytest.mark.parametrize("argument, expected", [
    ("nope.jsonl", "mipulse run: input file 'nope.jsonl' does not exist"),
    ("nothing/*.jsonl", "mipulse run: no input file matches 'nothing/*.jsonl'"),
])
def test_missing_input(tmp_path, capsys, no_flow, monkeypatch, argument, expected):
    monkeypatch.chdir(tmp_path)
    assert one_line_error(capsys, ["run", "--input", argument, "--db", "m.duckdb"]) == expected
    assert list(tmp_path.iterdir()) == []


def test_an_output_folder_that_is_a_file_is_refused_before_the_flow(tmp_path, sample, capsys, no_flow):
    notes = tmp_path / "notes.md"
    notes.write_text("keep")
    line = refused_run(capsys, sample, tmp_path / "m.duckdb", "--out", notes)
    assert line == f"mipulse run: --out {notes} is a file, not a folder"
    (tmp_path / "m-out").write_text("also a file")  # the default output folder beside the DB
    line = one_line_error(capsys, ["run", "--input", str(sample), "--db", str(tmp_path / "m.duckdb")])
    assert line.startswith(f"mipulse run: the output folder {tmp_path / 'm-out'} (--out) is a file, not a folder")
    assert notes.read_text() == "keep" and sorted(p.name for p in tmp_path.iterdir()) == ["m-out", "notes.md", "sample"]
    db = tmp_path / "loaded.duckdb"
    duckdb.connect(str(db)).close()
    assert one_line_error(capsys, ["report", "--db", str(db), "--out", str(notes)]) == (
        f"mipulse report: --out {notes} is a file, not a folder")
    assert notes.read_text() == "keep"


def test_report_platform_x_is_twitter_as_in_the_inputs(tmp_path, capsys):
    db = tmp_path / "m.duckdb"
    with duckdb.connect(str(db)) as con:
        con.execute("CREATE TABLE posts (platform VARCHAR, month VARCHAR)")
        con.execute("INSERT INTO posts VALUES ('reddit', '2019-12')")
    # refused for want of twitter posts, as twitter would be: X is not an unknown platform
    assert one_line_error(capsys, ["report", "--db", str(db), "--out", str(tmp_path / "r"), "--platform", "X"]) == (
        f"mipulse report: --platform 'twitter': no posts of that platform in {db}; platforms with posts: reddit")


def test_a_report_of_years_without_posts_is_refused_not_drawn_empty(tmp_path, capsys):
    """`mipulse report --from 2030` drew six "no data" charts and exited 0."""
    db = tmp_path / "m.duckdb"
    with duckdb.connect(str(db)) as con:
        con.execute("CREATE TABLE posts (platform VARCHAR, month VARCHAR)")
        con.execute("INSERT INTO posts VALUES ('twitter', '2014-03'), ('reddit', '2019-12'), ('twitter', '2023-01')")

    def refused(*extra: str) -> str:
        return one_line_error(capsys, ["report", "--db", str(db), "--out", str(tmp_path / "r"), *extra])

    assert refused("--from", "2030") == "mipulse report: no posts in the years from 2030 on; years with posts: 2014..2023"
    assert refused("--to", "2010") == "mipulse report: no posts in the years up to 2010; years with posts: 2014..2023"
    assert refused("--from", "2020", "--to", "2018") == "mipulse report: --from 2020 is after --to 2018"
    assert refused("--from", "2020", "--platform", "reddit") == (
        "mipulse report: no posts of reddit in the years from 2020 on; years with posts: 2019..2019")
    assert not (tmp_path / "r").exists()


def test_db_that_is_not_duckdb_is_refused_untouched(tmp_path, sample, capsys, no_flow):
    notes = tmp_path / "notes.txt"
    notes.write_text("shopping list\n")
    line = one_line_error(capsys, ["run", "--input", str(sample), "--db", str(notes)])
    assert line == f"mipulse run: --db {notes} is not a DuckDB database file (nothing was written to it)"
    assert notes.read_text() == "shopping list\n"
    line = one_line_error(capsys, ["run", "--input", str(sample), "--db", str(sample)])
    assert line.startswith(f"mipulse run: --db {sample} is a folder")


def test_a_lexicon_file_that_is_not_one_is_refused_before_the_flow(tmp_path, sample, capsys, no_flow):
    db = tmp_path / "m.duckdb"
    missing = tmp_path / "missing.parquet"
    line = refused_run(capsys, sample, db, "--lexicon", missing)
    assert line == f"mipulse run: {missing}: lexicon file not found"
    junk = tmp_path / "junk.parquet"
    junk.write_text("not parquet\n")
    line = refused_run(capsys, sample, db, "--lexicon", junk)
    assert line.startswith(f"mipulse run: {junk}: not a Parquet lexicon file")
    import pyarrow as pa
    import pyarrow.parquet as pq

    plain = tmp_path / "plain.parquet"
    pq.write_table(pa.table({"term": ["a"]}), plain)
    line = refused_run(capsys, sample, db, "--lexicon", plain)
    assert line == f"mipulse run: {plain}: no mipulse lexicon metadata (write it with `mipulse lexicon build`)"
    from pipelines.induction.lexicon import GENERAL, Lexicon, LexiconEntry

    edited = tmp_path / "edited.parquet"  # a lexicon whose rows were edited by hand, one of them badly
    Lexicon({GENERAL: {"good": LexiconEntry("good", 0.5)}}, {"kind": "test"}, {}).write(str(edited))
    table = pq.read_table(edited)
    pq.write_table(table.set_column(table.schema.get_field_index("layer"), "layer", pa.array(["bogus"])), edited)
    line = refused_run(capsys, sample, db, "--lexicon", edited)
    assert line.startswith(f"mipulse run: {edited}: unknown lexicon layer 'bogus'")
    assert not db.exists()


@pytest.mark.parametrize("name, separator", [("other.csv", ","), ("other.tsv", "\t")])
def test_csv_with_other_column_names_names_every_missing_field_and_a_mapping(tmp_path, capsys, no_flow,
                                                                               name, separator):
    export = tmp_path / name
    export.write_text(separator.join(["tweet_id", "body", "when", "user"]) + "\n"
                      + separator.join(["1", "Love this clean air", "2019-05-01T10:00:00Z", "a"]) + "\n")
    line = one_line_error(capsys, ["run", "--input", str(export), "--db", str(tmp_path / "m.duckdb")])
    assert line == (f"mipulse run: {export}: records have no platform, post_id, created_at, text "
                    "(columns: tweet_id, body, when, user); map them, e.g. "
                    "--columns post_id=tweet_id,created_at=when,text=body --platform twitter|reddit|youtube "
                    "(or --undated-as YYYY-MM for an undated corpus)")


class FlowStarted(Exception):
    pass


def test_the_suggested_mapping_is_accepted(tmp_path, monkeypatch):
    export = tmp_path / "other.csv"
    export.write_text("tweet_id,body,when,user\n1,Love this clean air,2019-05-01T10:00:00Z,a\n")

    def started(**parameters):
        raise FlowStarted(parameters)
    monkeypatch.setattr(flows.run_flow, "run_flow", started)
    with pytest.raises(FlowStarted) as flow:
        main(["run", "--input", str(export), "--db", str(tmp_path / "m.duckdb"), "--platform", "twitter",
              "--columns", "post_id=tweet_id,created_at=when,text=body"])
    assert flow.value.args[0]["options"].inputs == [str(export)]


def test_a_mapping_to_a_column_the_records_lack_is_named(tmp_path, capsys, no_flow):
    """It said the records had no text and suggested --columns text=text."""
    export = tmp_path / "other.csv"
    export.write_text("tweet_id,body,when,platform\n1,Love this clean air,2019-05-01T10:00:00Z,twitter\n")
    line = one_line_error(capsys, ["run", "--input", str(export), "--db", str(tmp_path / "m.duckdb"),
                                   "--columns", "post_id=tweet_id,created_at=when,text=nosuch"])
    assert line == (f"mipulse run: {export}: --columns text=nosuch: the records have no such column "
                    "(columns: tweet_id, body, when, platform)")


def test_a_utf16_export_is_named_as_such(tmp_path, capsys, no_flow):
    """Its error line had shown the header's NUL bytes, with no word of the encoding."""
    export = tmp_path / "unicode.csv"
    export.write_bytes("id,platform,created_at,text\n1,twitter,2020-01-01,hi\n".encode("utf-16"))
    line = one_line_error(capsys, ["run", "--input", str(export), "--db", str(tmp_path / "m.duckdb")])
    assert line == f"mipulse run: {export} is UTF-16 text; save it as UTF-8 (mipulse reads UTF-8 only)"


def test_mapping_suggestion_without_a_likely_column():
    assert suggest_mapping(["text"], ["a", "b"]) == "map them, e.g. --columns text=COLUMN"


def test_a_platform_column_is_suggested_as_a_mapping_not_one_platform_for_every_row():
    """A CSV with a Platform column got `--platform twitter|reddit|youtube`, and following it made
    every row a tweet."""
    columns = ["ID", "Platform", "Created_At", "Text"]
    assert suggest_mapping(["platform", "post_id", "created_at", "text"], columns) == (
        "map them, e.g. --columns platform=Platform,post_id=ID,created_at=Created_At,text=Text"
        " (or --undated-as YYYY-MM for an undated corpus)")
    assert suggest_mapping(["platform", "text"], ["id", "body"]) == (
        "map them, e.g. --columns text=body --platform twitter|reddit|youtube")


def test_created_at_is_suggested_only_as_a_column_holding_a_time(tmp_path, capsys, no_flow):
    """youtube-comment-downloader's lines: the hint had been post_id=photo (a picture's URL) and
    created_at=time ("1 year ago", which no run reads)."""
    export = tmp_path / "comments.json"
    export.write_text('{"cid": "Ugz1", "text": "so good", "time": "1 year ago", "author": "@a", "votes": "5", '
                      '"photo": "https://yt3.ggpht.com/x", "heart": false, "time_parsed": 1672531200.5}\n')
    line = one_line_error(capsys, ["run", "--input", str(export), "--db", str(tmp_path / "m.duckdb")])
    assert line.endswith("map them, e.g. --columns post_id=cid,created_at=time_parsed --platform "
                         "twitter|reddit|youtube (or --undated-as YYYY-MM for an undated corpus)")


def test_beam_options_pass_and_others_do_not():
    check_beam_args(["--direct_num_workers=2", "--direct_running_mode", "multi_processing",
                     "--runner=FnApiRunner"], ["--from-month"])
    with pytest.raises(UsageError, match="unknown option --no-such-option"):
        check_beam_args(["--no-such-option", "1"], [])


def test_checking_beam_options_leaves_the_root_logger_without_a_handler():
    """Beam's PipelineOptions calls logging.basicConfig(): checked before Prefect set up its logging, it
    turned every Prefect line of a run with --direct_num_workers=2 into a bare 'INFO:prefect.task_runs:...'.
    In a process of its own: pytest gives the root logger handlers, which would hide the fault."""
    check = ("import logging; from flows.cli.preflight import check_beam_args; "
             "check_beam_args(['--direct_num_workers=2', '--direct_running_mode=multi_processing'], []); "
             "print(logging.getLogger().handlers)")
    out = subprocess.run([sys.executable, "-c", check], capture_output=True, text=True, check=True,
                         cwd=Path(__file__).resolve().parents[1])
    assert out.stdout.strip() == "[]", out.stdout


def test_report_platform_that_has_no_posts(tmp_path, capsys):
    db = tmp_path / "m.duckdb"
    with duckdb.connect(str(db)) as con:  # what the check reads: the platforms of the posts table
        con.execute("CREATE TABLE posts AS SELECT 'reddit' AS platform, 'r1' AS post_id")
    line = one_line_error(capsys, ["report", "--db", str(db), "--out", str(tmp_path / "charts"),
                                   "--platform", "Reddit"])
    assert line == (f"mipulse report: --platform 'Reddit': no posts of that platform in {db}; "
                    "did you mean reddit? platforms with posts: reddit")
    line = one_line_error(capsys, ["report", "--db", str(tmp_path / "none.duckdb"), "--out", str(tmp_path / "c")])
    assert line == f"mipulse report: --db {tmp_path / 'none.duckdb'}: no such database file"
    assert not (tmp_path / "charts").exists() and not (tmp_path / "c").exists()


def test_argparse_mistakes_are_one_line_too(capsys):
    with pytest.raises(SystemExit) as exit_:
        main(["run", "--db", "m.duckdb"])
    assert exit_.value.code == 2
    assert capsys.readouterr().err == ("mipulse run: the following arguments are required: --input "
                                       "(see mipulse run --help)\n")


def test_interval_replicates_reach_the_flow_and_one_is_refused(tmp_path, monkeypatch, capsys):
    export = tmp_path / "posts.jsonl"
    export.write_text('{"id": "1", "created_at": "2019-05-01T10:00:00Z", "text": "Love this clean air"}\n')

    def started(**parameters):
        raise FlowStarted(parameters)
    monkeypatch.setattr(flows.run_flow, "run_flow", started)
    run = ["run", "--input", str(export), "--db", str(tmp_path / "m.duckdb"), "--platform", "twitter"]
    with pytest.raises(FlowStarted) as flow:
        main([*run, "--interval-replicates", "0"])
    assert flow.value.args[0]["options"].interval_replicates == 0
    with pytest.raises(FlowStarted) as flow:
        main(run)
    assert flow.value.args[0]["options"].interval_replicates is None  # the report's default
    assert flow.value.args[0]["options"].labelled is None
    labelled = tmp_path / "mine.jsonl"
    labelled.write_text('{"id": "1", "text": "Love this clean air", "label": "positive"}\n')
    with pytest.raises(FlowStarted) as flow:
        main([*run, "--labelled", str(labelled)])
    assert flow.value.args[0]["options"].labelled == str(labelled)
    with pytest.raises(SystemExit) as exit_:
        main([*run, "--interval-replicates", "1"])
    assert exit_.value.code == 2
    assert "--interval-replicates: '1': give 0 (Wilson intervals only) or 2 or more replicates" in capsys.readouterr().err


def test_a_labelled_file_without_sentiment_labels_is_refused_by_run_and_report(tmp_path, sample, capsys, no_flow):
    db = tmp_path / "m.duckdb"
    missing = tmp_path / "missing.jsonl"
    line = refused_run(capsys, sample, db, "--labelled", missing)
    assert line == f"mipulse run: --labelled {missing}: No such file or directory"
    emotions = tmp_path / "emotions.jsonl"
    emotions.write_text('{"id": "a", "text": "so happy", "label": "joy"}\n{"id": "b", "text": "x"}\n')
    line = refused_run(capsys, sample, db, "--labelled", emotions)
    assert line == (f"mipulse run: --labelled {emotions}: no post with one of the labels negative, neutral, positive "
                    "(line 2: no 'label' or 'labels'; …)")
    assert not db.exists()
    duckdb.connect(str(db)).close()  # a database the report could open: the labelled file is what is refused
    line = one_line_error(capsys, ["report", "--db", str(db), "--out", str(tmp_path / "r"), "--labelled", str(emotions)])
    assert line.startswith(f"mipulse report: --labelled {emotions}: no post with one of the labels")


@pytest.mark.parametrize("languages,error", [
    (["klingon"], "mipulse run: --languages: 'klingon' is not a language code (two or three letters: en, es, pt)"),
    (["en", "all"], "mipulse run: --languages: all keeps every language; give it alone"),
])
def test_languages_must_be_codes_or_all_alone(tmp_path, capsys, sample, no_flow, languages, error):
    assert one_line_error(capsys, ["run", "--input", str(sample), "--db", str(tmp_path / "m.duckdb"),
                                   "--languages", *languages]) == error


def test_the_job_keeps_the_languages_asked_for(sample):
    from pipelines.options import JobOptions

    def kept(**options):
        return JobOptions(inputs=[str(sample)], **options).job_settings("out", files=(), secret="s").source.languages

    assert kept() == ("en",)
    assert kept(languages=["EN", "pt"]) == ("en", "pt")
    assert kept(languages=["en-GB", "spa", "German"]) == ("en", "es", "de")  # --languages eng had kept no English tweet
    assert kept(languages=["all"]) is None
