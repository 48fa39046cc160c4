"""What the CLI prints: help with defaults, --version, query tables, quiet imports, progress lines."""

from __future__ import annotations

import argparse
import logging
import os
import re
import signal
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

import pipelines.progress as progress
from flows.cli.commands import _parser, main, output_line
from flows.store.retention import default_out_dir, stale_run_folders
from pipelines.reading.posts import RecordError, canonical_post
from pipelines.reading.window import PostWindow

REPO = Path(__file__).resolve().parents[1]


def commands(parser: argparse.ArgumentParser, prefix: str = "mipulse") -> dict[str, argparse.ArgumentParser]:
    """Every (sub)command's parser, nested ones included ('mipulse lexicon build')."""
    found = {prefix: parser}
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                found.update(commands(sub, f"{prefix} {name}"))
    return found


def test_every_option_of_every_command_has_help():
    every = commands(_parser())
    assert {"mipulse run", "mipulse query", "mipulse schedule", "mipulse lexicon build"} <= set(every)
    bare = [(name, a.dest) for name, parser in every.items() for a in parser._actions
            if not isinstance(a, argparse._SubParsersAction) and not (a.help or "").strip()]
    assert bare == []


def test_min_df_default_shown_by_help_is_the_lexicon_spec_default():
    from pipelines.options import MIN_DF_DEFAULT
    from pipelines.induction.induce import LexiconSpec

    assert MIN_DF_DEFAULT == LexiconSpec.min_df


def test_interval_replicates_help_shows_the_number_the_report_draws():
    from pipelines.induction.bootstrap import DEFAULT_REPLICATES
    from pipelines.options import INTERVAL_REPLICATES_DEFAULT

    assert INTERVAL_REPLICATES_DEFAULT == DEFAULT_REPLICATES


def test_help_shows_defaults(capsys):
    with pytest.raises(SystemExit):
        main(["run", "--help"])
    text = " ".join(capsys.readouterr().out.split())  # argparse wraps lines
    for expected in ("--min-df MIN_DF posts a term needs before the corpus gives it a value (default: 5)",
                     "--keep-runs N keep the Parquet folders of the last N loaded runs", "(default: 5)",
                     "--format {auto,jsonl,csv,parquet,twitter-v2,youtube,reddit,twitter-v1} input format "
                     "(default: by extension",
                     "--interval-replicates N bootstrap lexicons behind the report's lexicon-aware intervals "
                     "(default: 10; 0: Wilson intervals only"):
        assert expected in text


def test_run_help_lists_only_beam_flags_as_passed_to_beam(capsys):
    with pytest.raises(SystemExit):
        main(["run", "--help"])
    text = " ".join(capsys.readouterr().out.split())
    assert "--runner RUNNER Beam runner" in text  # mipulse's own option, not passed through
    passed = text.split("Any other --flag is passed to Beam", 1)[1].split("(with --runner", 1)[0]
    assert re.findall(r"--\w+", passed) == ["--direct_num_workers", "--direct_running_mode", "--job_endpoint",
                                             "--environment_type"]


def test_version(capsys):
    with pytest.raises(SystemExit) as exit_:
        main(["--version"])
    assert exit_.value.code == 0
    assert re.fullmatch(r"mipulse \d+\.\d+\.\d+\n", capsys.readouterr().out)


def test_importing_mipulse_prints_no_warning():
    """Beam's "apitools not found" warning appeared on every command, including --help."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTHONWARN")}
    done = subprocess.run([sys.executable, "-c", "import flows.cli.commands, pipelines.job"], cwd=REPO, env=env,
                          capture_output=True, text=True, check=True)
    assert done.stderr == ""


def test_flows_turn_prefect_telemetry_off_wherever_they_are_imported():
    env = {k: v for k, v in os.environ.items() if k not in ("PREFECT_SERVER_ANALYTICS_ENABLED", "DO_NOT_TRACK")}
    done = subprocess.run([sys.executable, "-c", "import flows.run_flow\n"
                           "from prefect.settings import get_current_settings\n"
                           "print(get_current_settings().server.analytics_enabled)"],
                          cwd=REPO, env=env, capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "False"


@pytest.fixture
def db(tmp_path: Path) -> str:
    path = tmp_path / "m.duckdb"
    with duckdb.connect(str(path)) as con:
        con.execute("CREATE TABLE posts AS SELECT 'twitter' AS platform")
    return str(path)


def test_query_keeps_multi_line_texts_on_one_table_row(db, capsys):
    assert main(["query", "--db", db, "SELECT 'first line' || chr(10) || 'second' || chr(9) || 'tab' AS t"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[2:] == ["first line\\nsecond\\ttab", "(1 row)"]
    assert len(lines) == 4


def test_query_prints_every_statement(db, capsys):
    assert main(["query", "--db", db, "SELECT 1 AS a; SELECT 2 AS b"]) == 0
    assert capsys.readouterr().out == "a\n-\n1\n(1 row)\n\nb\n-\n2\n(1 row)\n"


def test_query_statements_share_one_connection_so_temp_tables_and_macros_carry_over(db, capsys):
    """Each statement had its own connection: 'Table with name t does not exist'."""
    sql = "CREATE TEMP TABLE t AS SELECT 1 AS a; CREATE TEMP MACRO twice(x) AS 2 * x; SELECT twice(a) AS b FROM t"
    assert main(["query", "--db", db, "--format", "csv", sql]) == 0
    assert capsys.readouterr().out.splitlines()[-2:] == ["b", "2"]
    assert main(["query", "--db", db, "DELETE FROM posts"]) == 3  # still read-only


@pytest.mark.parametrize("sql", ["SELECT * FROM 'charts/sentiment_share_adjusted.csv'",
                                 "SELECT * FROM read_parquet('x.parquet')"])
def test_a_refused_file_read_says_in_one_line_what_reads_files(db, capsys, sql):
    assert main(["query", "--db", db, sql]) == 3
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("mipulse query: refused: Permission Error: Cannot access file ")
    assert err.endswith("(mipulse query reads its database only: for files use the duckdb CLI or Python's duckdb)\n")


def test_schedule_outside_the_checkout_says_to_pass_prefect_yaml(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    assert main(["schedule"]) == 2
    assert capsys.readouterr().err == (f"mipulse schedule: no deployments file prefect.yaml in {tmp_path}: run it in "
                                       "the mipulse checkout, or pass --prefect-yaml PATH\n")


def test_the_printed_list_of_report_files_names_data_files_as_such():
    assert output_line("charts/sentiment_drift.png") == "chart: charts/sentiment_drift.png"
    assert output_line("charts/report.html") == "report: charts/report.html"
    assert output_line("charts/sentiment_share_adjusted.csv") == "data: charts/sentiment_share_adjusted.csv"


def test_a_query_piped_into_head_ends_quietly(db):
    """`mipulse query ... | head` had ended in a BrokenPipeError traceback, exit 1."""
    run = subprocess.Popen([sys.executable, "-c", "import sys; from flows.cli.commands import main; sys.exit(main())",
                            "query", "--db", db, "SELECT * FROM range(300000)"],
                           cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert run.stdout.readline().strip() == b"range"
    run.stdout.close()  # as head does after its lines
    assert run.wait() == 0 and run.stderr.read() == b""


@pytest.mark.parametrize("sql", ["", "   ", "-- only a comment"])
def test_query_without_sql_is_one_line(db, capsys, sql):
    assert main(["query", "--db", db, sql]) == 2
    assert capsys.readouterr().err == "mipulse query: no SQL statement given\n"


def test_a_reject_names_every_missing_field():
    with pytest.raises(RecordError, match=r"^missing platform, post_id, created_at, text$"):
        canonical_post({"tweet_id": "1", "body": "hi"}, "x.csv", "salt")
    with pytest.raises(RecordError, match=r"^missing post_id$"):
        canonical_post({"platform": "twitter", "text": "hi", "created_at": "2020-01-01"}, "x.csv", "salt")


@pytest.mark.parametrize("window, text", [
    (PostWindow(), "all months, all platforms"),
    (PostWindow("2019-01", "2019-12", ("twitter",)), "2019-01 to 2019-12, twitter"),
    (PostWindow("2019-01"), "from 2019-01, all platforms"),
    (PostWindow(None, "2019-12"), "until 2019-12, all platforms"),
])
def test_window_is_described_in_words(window, text):
    assert window.describe() == text


def test_progress_lines_first_at_once_then_every_interval(monkeypatch, caplog):
    clock = iter([100.0, 101.0, 103.0, 106.0, 107.0])
    monkeypatch.setattr(progress.time, "monotonic", lambda: next(clock))
    progress.reset()
    with caplog.at_level(logging.INFO, logger="mipulse.progress"):
        progress.add("reading", "records", 1000, accepted=990)
        progress.add("reading", "records", 1000, accepted=1000)
        progress.add("reading", "records", 500, accepted=500, **{"files read": 1})
        progress.add("reading", "records", 500, accepted=400)
        progress.add("reading", "records", 500, done_at=("files read", 2), accepted=500, **{"files read": 1})
    assert [r.getMessage() for r in caplog.records] == [
        "reading: 1,000 records, 990 accepted, started",
        "reading: 3,000 records, 2,890 accepted, 1 files read, 500 records/s",  # 3,000 in 6 s (100 -> 106)
        "reading: 3,500 records, 3,390 accepted, 2 files read, 500 records/s",  # the last file: at once
    ]


def test_default_output_folder_is_named_after_the_db():
    assert default_out_dir("data/pulse.duckdb") == Path("data/pulse-out")
    assert default_out_dir("other.duckdb") != default_out_dir("pulse.duckdb")


def test_only_the_newest_loaded_run_folders_are_pruned(tmp_path):
    runs = tmp_path / "runs"
    names = ["20240101T000000Z-a", "20240102T000000Z-b", "20240102T000000Z-b-widened", "20240102T000000Z-b~2",
             "20240103T000000Z-c", "20240104T000000Z-d", "20240105T000000Z-unloaded"]
    for name in names:
        (runs / name).mkdir(parents=True)
    (runs / "20240102T000000Z-b.lexicon.parquet").write_bytes(b"PAR1")
    loaded = {"20240101T000000Z-a", "20240102T000000Z-b", "20240103T000000Z-c", "20240104T000000Z-d"}
    assert stale_run_folders(runs, loaded, keep=2) == [runs / "20240101T000000Z-a", runs / "20240102T000000Z-b",
                                                       runs / "20240102T000000Z-b-widened",
                                                       runs / "20240102T000000Z-b.lexicon.parquet",
                                                       runs / "20240102T000000Z-b~2"]  # its job run again: never pruned
    assert stale_run_folders(runs, loaded, keep=10) == []
    assert runs / "20240105T000000Z-unloaded" not in stale_run_folders(runs, loaded, keep=0)


def _as_in_a_terminal() -> None:
    """A foreground job of its own: Ctrl-C reaches its whole process group, SIGINT acts."""
    os.setsid()
    signal.signal(signal.SIGINT, signal.SIG_DFL)


@pytest.mark.slow
@pytest.mark.parametrize("stop,stage", [(signal.SIGINT, "tokenizing and counting: "), (signal.SIGTERM, "reading: ")])
def test_a_run_stopped_by_ctrl_c_or_sigterm_says_so_in_one_line_and_loads_nothing(tmp_path, stop, stage):
    """Ctrl-C in the middle of the Beam job printed a 130-line traceback after Prefect's crash
    lines; SIGTERM 447 lines with seven tracebacks and a "Failed" run. Ctrl-C in a terminal reaches
    the whole process group: it had stopped Prefect's temporary server too, and a run interrupted
    while tokenizing then hung for 70-150 s and ended with connection tracebacks."""
    assert main(["sample", "--posts", "20000", "--out", str(tmp_path / "s"), "--seed", "5"]) == 0
    db = tmp_path / "m.duckdb"
    run = subprocess.Popen([sys.executable, "-c", "import sys; from flows.cli.commands import main; sys.exit(main())",
                            "run", "--input", str(tmp_path / "s"), "--db", str(db), "--no-report"],
                           cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                           preexec_fn=_as_in_a_terminal)
    lines = []
    for line in run.stdout:  # interrupt once the job is at that stage
        lines.append(line)
        if stage in line:
            if stop == signal.SIGINT:
                os.killpg(run.pid, stop)  # Ctrl-C
            else:
                run.send_signal(stop)  # kill PID
            break
    lines += run.stdout.readlines()
    assert run.wait() == 128 + stop, "".join(lines)
    assert lines[-1] == ("mipulse run: interrupted (the database has this run only if its load had finished: "
                         "a load is all or nothing)\n")
    assert not any("Traceback" in line for line in lines), "".join(lines)
    assert not db.exists()  # stopped before its load: the database was never even created
    assert "Finished in state Crashed('Execution was aborted by an interrupt signal.')" in "".join(lines)


def test_the_mipulse_command_leaves_its_objects_to_the_exit_but_a_python_caller_keeps_them(tmp_path, monkeypatch):
    """`mipulse` (main() on the process's own arguments) freezes what it built, so the exit skips
    collecting it; main(argv) from Python code goes on in a process that keeps collecting."""
    import flows.cli.commands as commands

    frozen = []
    monkeypatch.setattr(commands.gc, "freeze", lambda: frozen.append(True))
    assert main(["sample", "--posts", "3", "--out", str(tmp_path / "a")]) == 0
    assert frozen == []
    monkeypatch.setattr(sys, "argv", ["mipulse", "sample", "--posts", "3", "--out", str(tmp_path / "b")])
    assert main() == 0
    assert frozen == [True]
    monkeypatch.setattr(sys, "argv", ["mipulse", "query", "--db", str(tmp_path / "missing.duckdb"), "SELECT 1"])
    assert main() != 0  # a failed command exits too
    assert frozen == [True, True]


IMPORT_PASSES = """
import gc, sys
import flows.local_server as local_server
from flows.cli.commands import main


def importing_the_flow() -> bool:
    flow = sys.modules.get("flows.run_flow")
    return flow is not None and not hasattr(flow, "run_flow")


full = []
gc.callbacks.append(lambda phase, info: phase == "start" and info["generation"] == 2 and importing_the_flow()
                    and full.append(1))


class Imported(Exception):
    pass


def stop_once_imported(**_):
    raise Imported


local_server.start_temporary_server_early = lambda: stop_once_imported
try:
    main(["run", "--input", sys.argv[1], "--db", sys.argv[2]])
except Imported:
    print("full collections while importing the flow:", len(full))
"""


def test_mipulse_run_imports_its_flow_without_full_garbage_collections(tmp_path):
    """The flow's imports (Prefect, Beam, spaCy, matplotlib) keep ~10^6 objects; with the default
    thresholds the collector walked all of them several times (5 full passes, ~0.5 s CPU)."""
    posts = tmp_path / "posts.jsonl"
    posts.write_text('{"id": "1", "platform": "twitter", "created_at": "2020-01-01T00:00:00Z", "text": "good day"}\n')
    out = subprocess.run([sys.executable, "-c", IMPORT_PASSES, str(posts), str(tmp_path / "x.duckdb")],
                         cwd=REPO, capture_output=True, text=True, check=True).stdout
    assert out.splitlines()[-1] == "full collections while importing the flow: 0"


def test_what_a_run_builds_first_in_its_process_is_built_while_the_server_starts(monkeypatch):
    """The seeds' anchor index and spaCy's tokenizer (built once per process by the job and the
    report's intervals) and the modules Prefect imports when the flow starts."""
    import pipelines.config as config
    from flows.options import RunOptions
    from flows.run_flow import FLOW_START_IMPORTS, prepare_this_process
    from pipelines.induction.anchors import AnchorIndex
    from pipelines.text import tokenizer

    monkeypatch.setattr(config, "_BUILT", {})
    tokenizer.clear_caches()  # as in a new process: no chunk of "a post" tokenized yet
    prepare_this_process(RunOptions(inputs=["x.jsonl"], db="x.duckdb"))
    assert [key[0] for key in config._BUILT] == [AnchorIndex]
    assert tokenizer._spacy_tokenizer.cache_info().currsize == 1
    assert all(module in sys.modules for module in FLOW_START_IMPORTS)


def test_a_run_starts_its_reports_helpers_before_the_job_only_on_small_inputs_and_with_a_report():
    """Their imports are then done when the report begins; on large inputs their memory would add to
    the job's peak."""
    from flows.reporting.report import EARLY_HELPERS
    from flows.run_flow import EARLY_HELPERS_INPUT_BYTES, helpers_to_start_early

    assert EARLY_HELPERS == ("flows.reporting.report_shifts",)
    assert helpers_to_start_early(True, 200_000) == EARLY_HELPERS
    assert helpers_to_start_early(True, EARLY_HELPERS_INPUT_BYTES) == EARLY_HELPERS
    assert helpers_to_start_early(True, EARLY_HELPERS_INPUT_BYTES + 1) == ()
    assert helpers_to_start_early(False, 200_000) == ()
