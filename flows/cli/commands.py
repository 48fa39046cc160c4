"""The `mipulse` command: sample | run | query | report | evaluate."""

from __future__ import annotations

import argparse
import csv
import gc
import json
import logging
import os
import signal
import sys
from datetime import date, datetime
from decimal import Decimal
from importlib.metadata import version
from pathlib import Path
from typing import Any, NoReturn, Sequence


#: what the printed list of a report's files calls each by its suffix (anything else is a data file)
REPORT_FILE_KINDS = {".png": "chart", ".html": "report"}

#: commands that only print what they read: a reader closing their output (`| head`) ends them quietly
READ_ONLY_COMMANDS = ("query", "evaluate")


def main(argv: Sequence[str] | None = None) -> int:
    """The `mipulse` command (`argv` None: the process's own arguments, and it exits next)."""
    try:
        return _main(argv)
    finally:
        if argv is None:
            _skip_collections_at_exit()


def _skip_collections_at_exit() -> None:
    """Leave what the command built to the operating system when the process exits.

    At exit CPython runs full garbage collections over every object still alive: after a run
    (Prefect, Beam, spaCy, pydantic models) they took ~2 s between the last line and the
    prompt. Frozen objects are skipped by those collections; exit handlers, thread joins and
    stream flushes all still run.
    """
    gc.freeze()


def _main(argv: Sequence[str] | None) -> int:
    parser = _parser()
    args, extra = parser.parse_known_args(argv)
    if extra and args.command != "run":
        parser.error(f"unrecognized arguments: {' '.join(extra)}")
    from flows.interrupts import Interrupted
    from pipelines.errors import MipulseError

    try:
        return args.handler(args, extra)
    except BrokenPipeError:
        if args.command not in READ_ONLY_COMMANDS:  # a pipe of the run's own (a helper's) is no reader's choice
            raise
        # `mipulse query ... | head` closed the pipe: the reader has what it wanted
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())  # no second error when Python flushes
        return 0
    except MipulseError as exc:  # each says what to do in one line, and has its exit code
        print(f"mipulse {args.command}: {exc}", file=sys.stderr)
        return exc.exit_code
    except (FileNotFoundError, ValueError) as exc:  # from the standard library: a bad argument
        print(f"mipulse {args.command}: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt as exc:
        print(f"mipulse {args.command}: interrupted"
              + (" (the database has this run only if its load had finished: a load is all or nothing)"
                 if args.command == "run" else ""), file=sys.stderr)
        return exc.exit_code if isinstance(exc, Interrupted) else 128 + signal.SIGINT


class _Parser(argparse.ArgumentParser):
    """argparse that shows defaults in --help and reports a mistake in one line, without the usage block.

    Subcommands are parsers of the same class, so every subcommand gets both.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        from pipelines.options import HelpFormatter

        kwargs.setdefault("formatter_class", HelpFormatter)
        super().__init__(*args, **kwargs)

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"{self.prog}: {message} (see {self.prog} --help)\n")


def _parser() -> argparse.ArgumentParser:
    from flows.options import RunOptions
    from pipelines.options import JobOptions, add_arguments

    parser = _Parser(prog="mipulse", description="Sentiment and emotion of social posts, "
                     "year by year, with PMI lexicons.")
    parser.add_argument("--version", action="version", version=f"mipulse {version('mipulse')}")
    sub = parser.add_subparsers(dest="command", required=True)

    sample = sub.add_parser("sample", help="write a synthetic corpus with planted structure")
    sample.add_argument("--posts", type=int, default=20_000, help="number of posts over all platforms")
    sample.add_argument("--out", required=True, help="folder for twitter/reddit/youtube .jsonl")
    sample.add_argument("--seed", type=int, default=0, help="random seed (the same seed writes the same posts)")
    sample.set_defaults(handler=_sample)

    run = sub.add_parser("run", help="posts -> Beam -> DuckDB -> charts, as one Prefect flow",
                         epilog="Any other --flag is passed to Beam, e.g. --direct_num_workers=2 "
                                "--direct_running_mode=multi_processing, or --job_endpoint=... "
                                "--environment_type=... (with --runner PortableRunner; docs/cluster.md).")
    add_arguments(run, RunOptions)
    run.set_defaults(handler=_run, own_options=_option_names(run))

    query = sub.add_parser("query", help="run SQL on a read-only connection")
    query.add_argument("--db", required=True, help="DuckDB file written by mipulse run")
    query.add_argument("--format", default="table", choices=("table", "csv", "json"), help="output format")
    query.add_argument("sql", help="SQL to run; several statements separated by ';' print one result each "
                       "(line breaks in texts are shown as \\n in the table format)")
    query.set_defaults(handler=_query)

    report = sub.add_parser("report", help="write the yearly charts as PNG and one self-contained HTML report")
    report.add_argument("--db", required=True, help="DuckDB file written by mipulse run")
    report.add_argument("--out", required=True, help="folder for the PNG charts and report.html")
    report.add_argument("--from", dest="from_year", type=int, default=None, metavar="YEAR",
                        help="first year to chart (default: the first year with posts)")
    report.add_argument("--to", dest="to_year", type=int, default=None, metavar="YEAR",
                        help="last year to chart (default: the last year with posts)")
    report.add_argument("--platform", default=None, help="chart one platform only (default: all platforms)")
    add_arguments(report, RunOptions, only=("interval_replicates", "labelled"))
    report.set_defaults(handler=_report)

    schedule = sub.add_parser(
        "schedule", help="run the cron schedules of prefect.yaml on this machine (no work pool needed)",
        description="Serves the deployments of prefect.yaml from this process: their scheduled runs (and runs "
        "triggered with `prefect deployment run`) execute here, as child processes. Without PREFECT_API_URL "
        "it first starts a local Prefect server with its scheduler on 127.0.0.1:PORT, state in PREFECT_HOME "
        "(SQLite), and stops it on exit; with PREFECT_API_URL it uses that server. See docs/scheduling.md.")
    schedule.add_argument("--prefect-yaml", default="prefect.yaml", help="deployments file")
    schedule.add_argument("--deployment", nargs="+", default=None,
                          help="serve only these deployments (default: all of them)")
    schedule.add_argument("--prefect-home", default=os.environ.get("PREFECT_HOME", "~/.prefect"),
                          help="local server: folder of its SQLite database and logs "
                          "(default: $PREFECT_HOME, else ~/.prefect)")
    schedule.add_argument("--port", type=int, default=4200,
                          help="local server: port on 127.0.0.1 (0: any free port)")
    schedule.set_defaults(handler=_schedule)

    evaluate = sub.add_parser("evaluate", help="score labelled posts as `run` would; compare with VADER / EmoLex")
    evaluate.add_argument("--test", required=True, help="labelled JSONL (text + label or labels)")
    source = evaluate.add_mutually_exclusive_group()
    source.add_argument("--train", default=None, help="labelled JSONL: build a supervised lexicon from it "
                        "(test posts left out); default: the default lexicon of the test posts' own texts")
    source.add_argument("--lexicon", default=None, help="score with this lexicon file")
    evaluate.add_argument("--task", default="sentiment", choices=("sentiment", "emotion"),
                          help="what the gold labels are")
    evaluate.add_argument("--emotions", default="plutchik", choices=("ekman", "plutchik"),
                          help="emotion label set of the gold labels (GoEmotions maps to Ekman's six)")
    evaluate.add_argument("--json", action="store_true", help="print one JSON object")
    evaluate.set_defaults(handler=_evaluate)

    lexicon = sub.add_parser("lexicon", help="build lexicon files to read, edit, ship and score with")
    lexicon_sub = lexicon.add_subparsers(dest="lexicon_command", required=True)
    build = lexicon_sub.add_parser("build", help="the default lexicon of an unlabelled corpus (--input), "
                                   "or a supervised one from labelled posts (--train)")
    corpus = build.add_mutually_exclusive_group(required=True)
    corpus.add_argument("--input", nargs="+", help="posts (files or globs, any format `run` reads)")
    corpus.add_argument("--train", help="labelled JSONL (text + label or labels)")
    build.add_argument("--out", required=True, help="lexicon file to write (Parquet)")
    build.add_argument("--task", default="sentiment", choices=("sentiment", "emotion"), help="with --train")
    build.add_argument("--emotions", default="plutchik", choices=("ekman", "plutchik"),
                       help="with --train --task emotion: the label set (GoEmotions maps to Ekman's six)")
    build.add_argument("--leave-out", default=None, metavar="FILE",
                       help="with --train: posts also in this labelled file are not counted (honest evaluation)")
    build.add_argument("--no-priors", action="store_true",
                       help="with --train: without the VADER / EmoLex priors")
    build.add_argument("--no-characters", action="store_true",
                       help="with --train: without the character layer (a model over character n-grams)")
    add_arguments(build.add_argument_group("reading and counting the posts, as mipulse run does"), JobOptions,
                  only=LEXICON_INPUT_OPTIONS)
    build.set_defaults(handler=_lexicon_build)
    export = lexicon_sub.add_parser("export", help="write a lexicon stored in a database to a file")
    export.add_argument("--db", required=True, help="DuckDB file written by mipulse run")
    export.add_argument("--version", default=None, help="lexicon version (default: the one in force)")
    export.add_argument("--out", required=True, help="lexicon file to write (Parquet)")
    export.set_defaults(handler=_lexicon_export)
    return parser


def _option_names(parser: argparse.ArgumentParser) -> list[str]:
    """Every option string of a parser, for "did you mean" hints (argparse has no public list)."""
    return sorted(s for action in parser._actions for s in action.option_strings)


def _sample(args: argparse.Namespace, _: list[str]) -> int:
    from pipelines.evaluation.synthetic import write_sample

    paths = write_sample(args.out, args.posts, args.seed)
    print(f"wrote {args.posts} posts to {', '.join(map(str, paths))}")
    return 0


def _run(args: argparse.Namespace, beam_args: list[str]) -> int:
    from flows.options import RunOptions
    from flows.cli.preflight import UsageError, check_run
    from pipelines.options import from_namespace

    try:
        options = from_namespace(RunOptions, args).model_copy(update={"beam_args": beam_args})
    except ValueError as exc:
        raise UsageError(str(exc)) from None
    inputs = check_run(options, args.own_options)  # every command-line mistake, before Prefect starts
    if inputs.skipped:
        print(f"mipulse run: {inputs.describe_skipped()}", file=sys.stderr)
    _show_progress()
    from flows.local_server import start_temporary_server_early
    from pipelines.gc_passes import fewer_gc_passes

    prefect_api = start_temporary_server_early()  # comes up while the flow's modules import
    with fewer_gc_passes():  # the imports keep ~10^6 objects that full passes walk again and again (~0.5 s)
        from flows.run_flow import prepare_this_process, run_flow

    with prefect_api(meanwhile=lambda: prepare_this_process(options)):
        summary = run_flow(options=options.model_copy(update={"inputs": list(inputs.files)}))
    print(_table(["source_file", "records_read", "accepted", "rejected", "duplicates", "balanced"],
                 [tuple(row.values()) for row in summary.accounting]))
    _print_rejects_by_reason(summary.db, summary.run_id)
    print(f"run {summary.run_id}: {summary.posts} posts in {summary.seconds:.1f} s "
          f"({summary.posts_per_second:.0f} posts/s) -> {summary.db}")
    for path in summary.report:
        print(output_line(path))
    if summary.accounting and not summary.posts:  # files were read (an incremental run may read none)
        from flows.store.incremental import posts_of_files

        files = [row["source_file"] for row in summary.accounting]
        print(f"mipulse run: {_nothing_accepted(summary.accounting, posts_of_files(summary.db, files))}",
              file=sys.stderr)
        return 1
    return 0


def output_line(path: str | Path) -> str:
    """The line naming a file the report wrote, by its kind: 'chart: x.png', 'report: report.html', 'data: x.csv'."""
    return f"{REPORT_FILE_KINDS.get(Path(path).suffix.lower(), 'data')}: {path}"


#: why a run's records can all be copies of posts that other files hold (files are known by their path)
RENAMED_EXPORT_HINT = ("a corrected re-export under a new name, or a moved folder? "
                       "see 'Replacing an export' in docs/scheduling.md")


def _nothing_accepted(accounting: list[dict], posts_of_its_files: int) -> str:
    """Why a run that read files accepted no post, in one line. `posts_of_its_files`: the posts the
    database holds from the files read (loaded by runs over other windows).

    With no post accepted, every duplicate is a copy of a post loaded before the run; when none of
    those comes from the files read, the files repeat other files' posts (`RENAMED_EXPORT_HINT`)."""
    records, rejected, duplicates = (sum(row[k] for row in accounting) for k in ("records_read", "rejected", "duplicates"))
    if not records:
        return "the input file holds no records" if len(accounting) == 1 else \
            f"the {len(accounting)} input files hold no records"
    parts = [f"{rejected} rejected (reasons above)"] if rejected else []
    if duplicates:
        parts.append(f"{duplicates} duplicates of posts already loaded" if posts_of_its_files else
                     f"{duplicates} duplicates of posts already loaded from other files ({RENAMED_EXPORT_HINT})")
    return f"none of the {records} records read was accepted: {', '.join(parts)}"


class _CurrentStderr(logging.StreamHandler):
    """Writes to whatever `sys.stderr` is when a line is logged, not the one of the first call
    (`main` may run many times in one process, each time with another stderr, as in tests)."""

    @property
    def stream(self):
        return sys.stderr

    @stream.setter
    def stream(self, _value) -> None:
        pass


def _show_progress() -> None:
    """Progress lines of the Beam job (`pipelines.progress`) on stderr, timed like Prefect's lines."""
    logger = logging.getLogger("mipulse")
    if not any(isinstance(h, _CurrentStderr) for h in logger.handlers):
        handler = _CurrentStderr()
        handler.setFormatter(logging.Formatter("%(asctime)s.%(msecs)03d | INFO    | %(message)s", "%H:%M:%S"))
        logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    logger.propagate = False


def _print_rejects_by_reason(db: str, run_id: str) -> None:
    import sql
    from flows.store.db import query

    columns, rows = query(db, sql.read("run_rejects_by_reason.sql"), {"run_id": run_id})
    if rows:
        print(_table(columns, rows))


def _schedule(args: argparse.Namespace, _: list[str]) -> int:
    from flows.cli.preflight import UsageError
    from flows.schedule import read_deployments, serve_deployments

    if not Path(args.prefect_yaml).is_file():
        raise UsageError(f"no deployments file {args.prefect_yaml} in {Path.cwd()}: run it in the mipulse checkout, "
                         "or pass --prefect-yaml PATH")
    read_deployments(args.prefect_yaml)  # a broken file fails before a server starts
    signal.signal(signal.SIGTERM, signal.default_int_handler)  # stop like Ctrl-C: the local server stops too
    if os.environ.get("PREFECT_API_URL"):
        print(f"mipulse schedule: serving on the Prefect server at {os.environ['PREFECT_API_URL']}", file=sys.stderr)
        serve_deployments(args.prefect_yaml, args.deployment)
        return 0
    from flows.local_server import prefect_server

    home = Path(args.prefect_home).expanduser()
    with prefect_server(home, port=args.port or None) as server:
        os.environ["PREFECT_API_URL"] = server.api_url  # for this process and the flow runs it starts
        print(f"mipulse schedule: Prefect server with scheduler at {server.api_url} (state in {home}); "
              f"to trigger a run from another shell: export PREFECT_API_URL={server.api_url}", file=sys.stderr)
        serve_deployments(args.prefect_yaml, args.deployment, api_url=server.api_url)
    return 0


def _query(args: argparse.Namespace, _: list[str]) -> int:
    from flows.store.db import ReadOnlyQueryError, queries

    import duckdb

    try:
        statements = [s.query for s in duckdb.extract_statements(args.sql)]
    except duckdb.Error as exc:
        print(f"mipulse query: {exc}", file=sys.stderr)
        return 1
    if not statements:
        print("mipulse query: no SQL statement given", file=sys.stderr)
        return 2
    try:  # one connection: a TEMP table or macro of one statement is there for the next
        for number, (columns, rows) in enumerate(queries(args.db, statements)):
            if number:
                print()
            _print_result(args.format, columns, rows)
    except ReadOnlyQueryError as exc:
        print(f"mipulse query: {exc}", file=sys.stderr)
        return 3
    except duckdb.Error as exc:  # bad SQL, unknown table...: a message, not a traceback
        print(f"mipulse query: {exc}", file=sys.stderr)
        return 1
    return 0


def _print_result(output_format: str, columns: list[str], rows: list[tuple]) -> None:
    if output_format == "csv":
        writer = csv.writer(sys.stdout)
        writer.writerow(columns)
        writer.writerows(rows)
    elif output_format == "json":
        print(json.dumps([dict(zip(columns, r)) for r in rows], default=_json_value, ensure_ascii=False))
    else:
        print(_table(columns, rows))


def _report(args: argparse.Namespace, _: list[str]) -> int:
    from flows.cli.preflight import check_out_folder, check_report
    from pipelines.reading.posts import PLATFORM_ALIASES

    platform = PLATFORM_ALIASES.get(args.platform.strip().lower(), args.platform) if args.platform else None  # X
    check_report(args.db, platform, args.labelled, args.from_year, args.to_year)
    check_out_folder(Path(args.out), args.out)
    from flows.reporting.report import render_report

    for path in render_report(args.db, args.out, from_year=args.from_year, to_year=args.to_year,
                              platform=platform, interval_replicates=args.interval_replicates,
                              labelled=args.labelled):
        print(output_line(path))
    return 0


def _evaluate(args: argparse.Namespace, _: list[str]) -> int:
    from flows.cli.preflight import check_files_exist

    check_files_exist({"--test": args.test, "--train": args.train, "--lexicon": args.lexicon})  # before the imports
    from pipelines.evaluation.evaluate import EvaluateOptions, evaluate, format_report, report_json

    report = evaluate(EvaluateOptions(test=args.test, train=args.train, lexicon=args.lexicon, task=args.task,
                                      emotion_set=args.emotions))
    if report.get("warning"):
        print(f"mipulse evaluate: warning: {report['warning']}", file=sys.stderr)
    print(report_json(report) if args.json else format_report(report))
    return 0


#: the run's options that `lexicon build --input` takes too (seeds also with --train)
LEXICON_INPUT_OPTIONS = ("seeds", "input_format", "columns", "undated_as", "default_platform", "min_df", "languages")


def _lexicon_build(args: argparse.Namespace, _: list[str]) -> int:
    from pipelines.config import load_seeds
    from pipelines.evaluation.labelled import left_out_note
    from pipelines.induction.induce import LexiconSpec
    from pipelines.induction.lexicon_job import (
        SupervisedSettings, build_default_lexicon, build_supervised_lexicon, supervised_sources,
    )
    from pipelines.options import kept_languages
    from pipelines.reading.sources import SourceOptions

    from flows.interrupts import stop_cleanly_on_signals

    seeds = load_seeds(args.seeds)
    _show_progress()
    if args.train:
        spec = LexiconSpec(sources=supervised_sources(priors=not args.no_priors, characters=not args.no_characters))
        with stop_cleanly_on_signals():  # a Ctrl-C inside Beam's steps stops it in one line
            summary = build_supervised_lexicon(SupervisedSettings(args.train, args.out, args.task, args.emotions,
                                                                  spec, args.leave_out), seeds)
        mapped = "".join(f", {m['posts']} '{label}' posts as {' + '.join(m['emotions'])} (Plutchik's dyad)"
                         for label, m in summary["mapped"].items())
        print(f"lexicon {summary['version']}: {summary['posts']:,} labelled posts ({summary['left_out']:,} left out), "
              f"classes {', '.join(summary['classes'])}{mapped}, "
              f"terms: {', '.join(f'{n:,} {layer}' for layer, n in summary['terms'].items())} -> {args.out}"
              + (f". {note}" if (note := left_out_note(summary["rejects"])) else ""))
        return 0
    misplaced = [flag for flag, given in (("--leave-out", args.leave_out), ("--no-priors", args.no_priors),
                                          ("--no-characters", args.no_characters)) if given]
    if misplaced:
        raise ValueError(f"{', '.join(misplaced)}: only with --train (they shape a supervised lexicon)")
    from flows.cli.preflight import check_lexicon_inputs
    from pipelines.options import JobOptions, from_namespace

    options = from_namespace(JobOptions, argparse.Namespace(
        inputs=args.input, **{name: getattr(args, name) for name in LEXICON_INPUT_OPTIONS}))
    inputs = check_lexicon_inputs(options)  # folders and globs, and each file's fields, as run checks them
    with stop_cleanly_on_signals():
        version = build_default_lexicon(inputs.files, args.out, seeds,
                                        SourceOptions(options.input_format, options.default_platform,
                                                      columns=options.columns, undated_as=options.undated_as,
                                                      languages=kept_languages(options.languages)),
                                        LexiconSpec(min_df=options.min_df))
    print(f"lexicon {version} -> {args.out}")
    return 0


def _lexicon_export(args: argparse.Namespace, _: list[str]) -> int:
    from flows.store.lexicon_store import export_lexicon, lexicon_in_force

    version = args.version or lexicon_in_force(args.db)
    if version is None:
        raise ValueError(f"{args.db}: no lexicon in force (no run has scored posts there)")
    print(f"lexicon {export_lexicon(args.db, version, args.out)} -> {args.out}")
    return 0


def _json_value(value: Any) -> Any:
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    if isinstance(value, Decimal):
        return float(value)
    return str(value)


def _table(columns: list[str], rows: list[tuple]) -> str:
    """A plain aligned text table."""
    cells = [[_cell(v) for v in row] for row in rows]
    widths = [max([len(c)] + [len(r[i]) for r in cells]) for i, c in enumerate(columns)]
    lines = ["  ".join(c.ljust(w) for c, w in zip(columns, widths)),
             "  ".join("-" * w for w in widths)]
    lines += ["  ".join(v.ljust(w) for v, w in zip(r, widths)) for r in cells]
    lines.append(f"({len(rows)} row{'s' if len(rows) != 1 else ''})")
    return "\n".join(lines)


def _cell(value: Any) -> str:
    """One table cell on one line: line breaks and tabs inside texts are shown escaped."""
    if value is None:
        return "NULL"
    if isinstance(value, float):
        return f"{value:.4g}"
    return str(value).replace("\\", "\\\\").replace("\r", "\\r").replace("\n", "\\n").replace("\t", "\\t")


if __name__ == "__main__":
    sys.exit(main())
