"""The `mipulse` command: sample | run | query | report | evaluate."""

from __future__ import annotations

import argparse
import csv
import json
import os
import sys
from datetime import date, datetime
from decimal import Decimal
from typing import Any, Sequence

# Prefect without a server starts a temporary local one; no analytics from it.
os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
os.environ.setdefault("DO_NOT_TRACK", "1")
# Its default 20 s start-up limit fails runs on a busy 2-core machine; waiting longer costs nothing.
os.environ.setdefault("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "120")


def main(argv: Sequence[str] | None = None) -> int:
    parser = _parser()
    args, extra = parser.parse_known_args(argv)
    if extra and args.command != "run":
        parser.error(f"unrecognized arguments: {' '.join(extra)}")
    from flows.db import LoadAlreadyRunning
    from pipelines.manifest import IncompleteRunError

    try:
        return args.handler(args, extra)
    except (FileNotFoundError, ValueError) as exc:
        print(f"mipulse {args.command}: {exc}", file=sys.stderr)
        return 2
    except (LoadAlreadyRunning, IncompleteRunError) as exc:
        print(f"mipulse {args.command}: {exc}", file=sys.stderr)
        return 4


def _parser() -> argparse.ArgumentParser:
    from pipelines.job import add_job_arguments

    parser = argparse.ArgumentParser(prog="mipulse", description="Sentiment and emotion of social posts, "
                                     "year by year, with PMI lexicons.")
    sub = parser.add_subparsers(dest="command", required=True)

    sample = sub.add_parser("sample", help="write a synthetic corpus with planted structure")
    sample.add_argument("--posts", type=int, default=20_000)
    sample.add_argument("--out", required=True, help="folder for twitter/reddit/youtube .jsonl")
    sample.add_argument("--seed", type=int, default=0)
    sample.set_defaults(handler=_sample)

    run = sub.add_parser("run", help="posts -> Beam -> DuckDB -> charts, as one Prefect flow",
                         epilog="Any other --flag is passed to Beam (e.g. --runner, "
                                "--direct_num_workers=2 --direct_running_mode=multi_processing).")
    add_job_arguments(run)
    run.add_argument("--db", required=True, help="DuckDB file (created if missing)")
    run.add_argument("--out", default=None, help="folder for Parquet runs and the report "
                     "(default: mipulse-out beside the DB)")
    run.add_argument("--runner", default=None, help="Beam runner (default: FnApiRunner, in-process)")
    run.add_argument("--no-report", action="store_true", help="skip the charts")
    run.add_argument("--rebuild-lexicon", action="store_true",
                     help="build a new default lexicon from this run's posts even if --db has one in force "
                          "(the report then warns that partitions carry different lexicons)")
    run.add_argument("--incremental", action="store_true",
                     help="skip input files already loaded unchanged (size and mtime) for this window")
    run.add_argument("--wait-for-writer", action="store_true",
                     help="if another load into --db is running, wait for it (default: fail at once)")
    run.set_defaults(handler=_run)

    query = sub.add_parser("query", help="run SQL on a read-only connection")
    query.add_argument("--db", required=True)
    query.add_argument("--format", default="table", choices=("table", "csv", "json"))
    query.add_argument("sql", help="one SQL statement")
    query.set_defaults(handler=_query)

    report = sub.add_parser("report", help="write the yearly charts as PNG and one self-contained HTML report")
    report.add_argument("--db", required=True)
    report.add_argument("--out", required=True)
    report.add_argument("--from", dest="from_year", type=int, default=None)
    report.add_argument("--to", dest="to_year", type=int, default=None)
    report.add_argument("--platform", default=None)
    report.set_defaults(handler=_report)

    schedule = sub.add_parser("schedule", help="serve the deployments of prefect.yaml from this process "
                              "(cron schedules; no work pool needed)")
    schedule.add_argument("--prefect-yaml", default="prefect.yaml", help="deployments file")
    schedule.add_argument("--deployment", nargs="+", default=None, help="serve only these deployments")
    schedule.set_defaults(handler=_schedule)

    evaluate = sub.add_parser("evaluate", help="score labelled posts as `run` would; compare with VADER / EmoLex")
    evaluate.add_argument("--test", required=True, help="labelled JSONL (text + label or labels)")
    source = evaluate.add_mutually_exclusive_group()
    source.add_argument("--train", default=None, help="labelled JSONL: build a supervised lexicon from it "
                        "(test posts left out); default: the default lexicon of the test posts' own texts")
    source.add_argument("--lexicon", default=None, help="score with this lexicon file")
    evaluate.add_argument("--task", default="sentiment", choices=("sentiment", "emotion"))
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
                       help="with --train: the supervised layer alone, without VADER / EmoLex priors")
    build.add_argument("--format", default="auto", help="with --input: input format (as for run)")
    build.add_argument("--platform", default=None, help="with --input: platform of records without one")
    build.add_argument("--undated-as", default=None, metavar="YYYY-MM", help="with --input: month of undated records")
    build.add_argument("--seeds", default=None, help="seed TOML (default: lexicons/seeds.toml)")
    build.set_defaults(handler=_lexicon_build)
    export = lexicon_sub.add_parser("export", help="write a lexicon stored in a database to a file")
    export.add_argument("--db", required=True)
    export.add_argument("--version", default=None, help="lexicon version (default: the one in force)")
    export.add_argument("--out", required=True, help="lexicon file to write (Parquet)")
    export.set_defaults(handler=_lexicon_export)
    return parser


def _sample(args: argparse.Namespace, _: list[str]) -> int:
    from pipelines.synthetic import write_sample

    paths = write_sample(args.out, args.posts, args.seed)
    print(f"wrote {args.posts} posts to {', '.join(map(str, paths))}")
    return 0


def _run(args: argparse.Namespace, beam_args: list[str]) -> int:
    from flows.run_flow import run_flow

    summary = run_flow(
        inputs=args.input, db=args.db, out=args.out, beam_args=beam_args, seeds=args.seeds,
        input_format=args.format, default_platform=args.platform,
        columns=args.columns, undated_as=args.undated_as,
        lexicon=args.lexicon, rebuild_lexicon=args.rebuild_lexicon, min_df=args.min_df, report=not args.no_report, runner=args.runner,
        from_month=args.from_month, to_month=args.to_month, platforms=args.platforms,
        incremental=args.incremental, wait_for_writer=args.wait_for_writer,
    )
    print(_table(["source_file", "records_read", "accepted", "rejected", "duplicates", "balanced"],
                 [tuple(row.values()) for row in summary.accounting]))
    _print_rejects_by_reason(summary.db, summary.run_id)
    print(f"run {summary.run_id}: {summary.posts} posts in {summary.seconds:.1f} s "
          f"({summary.posts_per_second:.0f} posts/s) -> {summary.db}")
    for chart in summary.report:
        print(f"chart: {chart}")
    return 0


def _print_rejects_by_reason(db: str, run_id: str) -> None:
    import sql
    from flows.db import query

    columns, rows = query(db, sql.read("run_rejects_by_reason.sql"), {"run_id": run_id})
    if rows:
        print(_table(columns, rows))


def _schedule(args: argparse.Namespace, _: list[str]) -> int:
    from flows.schedule import serve_deployments

    serve_deployments(args.prefect_yaml, args.deployment)
    return 0


def _query(args: argparse.Namespace, _: list[str]) -> int:
    from flows.db import ReadOnlyQueryError, query

    import duckdb

    try:
        columns, rows = query(args.db, args.sql)
    except ReadOnlyQueryError as exc:
        print(f"mipulse query: {exc}", file=sys.stderr)
        return 3
    except duckdb.Error as exc:  # bad SQL, unknown table...: a message, not a traceback
        print(f"mipulse query: {exc}", file=sys.stderr)
        return 1
    if args.format == "csv":
        writer = csv.writer(sys.stdout)
        writer.writerow(columns)
        writer.writerows(rows)
    elif args.format == "json":
        print(json.dumps([dict(zip(columns, r)) for r in rows], default=_json_value, ensure_ascii=False))
    else:
        print(_table(columns, rows))
    return 0


def _report(args: argparse.Namespace, _: list[str]) -> int:
    from flows.report import render_report

    for path in render_report(args.db, args.out, from_year=args.from_year, to_year=args.to_year,
                              platform=args.platform):
        print(f"chart: {path}")
    return 0


def _evaluate(args: argparse.Namespace, _: list[str]) -> int:
    from flows.evaluate import EvaluateOptions, evaluate, format_report, report_json

    report = evaluate(EvaluateOptions(test=args.test, train=args.train, lexicon=args.lexicon, task=args.task,
                                      emotion_set=args.emotions))
    print(report_json(report) if args.json else format_report(report))
    return 0


def _lexicon_build(args: argparse.Namespace, _: list[str]) -> int:
    from pipelines.config import load_seeds
    from pipelines.induce import LexiconSpec
    from pipelines.lexicon_job import SupervisedSettings, build_default_lexicon, build_supervised_lexicon
    from pipelines.sources import SourceOptions

    seeds = load_seeds(args.seeds)
    if args.train:
        spec = LexiconSpec(sources=("supervised",) if args.no_priors else ("supervised", "priors"))
        summary = build_supervised_lexicon(SupervisedSettings(args.train, args.out, args.task, args.emotions, spec,
                                                              args.leave_out), seeds)
        print(f"lexicon {summary['version']}: {summary['posts']} labelled posts ({summary['left_out']} left out), "
              f"classes {', '.join(summary['classes'])}, terms {summary['terms']} -> {args.out}")
        return 0
    if args.leave_out:
        raise ValueError("--leave-out goes with --train")
    version = build_default_lexicon(args.input, args.out, seeds,
                                    SourceOptions(args.format, args.platform, undated_as=args.undated_as))
    print(f"lexicon {version} -> {args.out}")
    return 0


def _lexicon_export(args: argparse.Namespace, _: list[str]) -> int:
    from flows.lexicon_store import export_lexicon, lexicon_in_force

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
    if value is None:
        return "NULL"
    if isinstance(value, float):
        return f"{value:.4g}"
    return str(value)


if __name__ == "__main__":
    sys.exit(main())
