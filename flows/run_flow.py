"""The Prefect flow of one mipulse run: Beam job -> DuckDB load -> report.

Flows only orchestrate; the work is in `pipelines` (Beam), `flows.store.db` and `flows.reporting.report`.
Retries are on I/O edges only: the Beam job and the load are not retried blindly.
"""

from __future__ import annotations

import importlib
import time
from dataclasses import dataclass, replace
from datetime import datetime, timezone
from pathlib import Path

import duckdb
from prefect import flow, get_run_logger, task
from prefect.artifacts import create_markdown_artifact
from prefect.cache_policies import NO_CACHE
from prefect.tasks import exponential_backoff

import sql
from flows.artifacts import failure_markdown, run_markdown
from flows.store.db import PostsLoadedMeanwhile, RunRecord, connect_read_only, load_run, query, write_kept_posts
from flows.store.incremental import (
    READING_OPTIONS, InputFile, Reading, files_to_read, files_with_duplicates, loaded_inputs, lost_copies_warning,
    needs_loading, posts_of_files, reading_of,
)
from flows.interrupts import stop_cleanly_on_signals
from flows.store.keys import secret_for
from flows.store.history import history_warnings
from flows.store.lexicon_store import export_lexicon, lexicon_in_force
from flows.options import RunOptions
from flows.reporting.helper_process import helpers_started_early
from flows.reporting.report import EARLY_HELPERS, render_report
from flows.store.retention import (
    UNLOADED_RUN_MAX_AGE, interrupted_run_folders, new_run_id, remove_folders, run_in_progress, size_of,
    stale_run_folders,
)
from pipelines.config import load_seeds
from pipelines.reading.inputs import find_inputs
from pipelines.job import JobSettings, run_job
from pipelines.options import JobOptions, option_of
from pipelines.text.prepare import PostPreparer
from pipelines.text.tokenizer import TOKENIZER_VERSION
from pipelines.reading.window import PostWindow

#: a run reading at most this many bytes of inputs starts its report's helper process (`EARLY_HELPERS`)
#: before its Beam job, which leaves a core free: its imports (~1 s) are then done when the report begins.
#: On larger inputs they are a small share of the run, and its memory would add to the job's peak.
EARLY_HELPERS_INPUT_BYTES = 64 << 20
IO_RETRIES = {"retries": 3, "retry_delay_seconds": exponential_backoff(backoff_factor=2), "retry_jitter_factor": 0.5}


@dataclass(frozen=True)
class RunSummary:
    """What a run did, for the CLI and the Markdown artifact."""

    run_id: str
    db: str
    run_dir: str
    posts: int
    seconds: float
    accounting: list[dict]
    report: list[str]

    @property
    def posts_per_second(self) -> float:
        return self.posts / self.seconds if self.seconds else 0.0


#: modules Prefect imports at a flow's first call (its engines; fastapi's encoders, ~0.4 s, at the first API request)
FLOW_START_IMPORTS = ("prefect.flow_engine", "prefect.task_engine", "fastapi.encoders")


def prepare_this_process(options: RunOptions) -> None:
    """Do now what a run in this process does first anyway: import what Prefect imports when the
    flow starts, and build what the Beam job (in this process with Beam's in-process runner) and
    the report's intervals build once per process: the seeds' anchor index, spaCy's tokenizer
    (~1.2 s in all). `mipulse run` calls it while Prefect's temporary server starts."""
    for module in FLOW_START_IMPORTS:
        importlib.import_module(module)
    PostPreparer(load_seeds(options.seeds))({"text": "a post"})


def _run_name() -> str:
    """Self-describing flow run names: mipulse-<db file>-<window>."""
    from prefect.runtime import flow_run

    options = flow_run.parameters.get("options") or {}
    params = options.model_dump() if isinstance(options, RunOptions) else options
    window = f"{params.get('from_month') or 'start'}..{params.get('to_month') or 'now'}"
    kind = "incremental" if params.get("incremental") else "full"
    return f"mipulse-{Path(params.get('db', 'db')).stem}-{kind}-{window}"


@task(name="find input files")
def discover_inputs(patterns: list[str]) -> list[str]:
    """Files, folders and globs -> the input files; the argument that names none fails the run.

    Not retried: a missing input is the user's mistake, not a passing I/O error.
    """
    inputs = find_inputs(patterns)
    if inputs.skipped:
        get_run_logger().info(inputs.describe_skipped())
    return list(inputs.files)


@task(name="select files to read", **IO_RETRIES)
def select_inputs(db_path: str, files: list[str], window: PostWindow, incremental: bool,
                  reading: Reading | None = None) -> tuple[list[InputFile], set[str]]:
    """(the files to read now, the loaded files that dropped copies of other files' posts). The files:
    all of them, or (incremental) those not yet loaded for this window with these reading options
    (`reading_of`), with the files that dropped duplicates when one of those is read again
    (`files_to_read`); `lost_copies_warning` names those the run cannot read."""
    current, with_duplicates = [InputFile.stat(f) for f in files], files_with_duplicates(db_path)
    if not incremental:
        return current, with_duplicates
    loaded = loaded_inputs(db_path, files)
    chosen = files_to_read(current, loaded, window, with_duplicates, reading)
    logger = get_run_logger()
    read_otherwise, unchanged = [], []  # files read only for their reading options; only for dropped duplicates
    for f in chosen:
        if not needs_loading(f, loaded.get(f.path), window, reading):
            unchanged.append(f.path)
        elif not needs_loading(f, loaded.get(f.path), window):
            read_otherwise.append(f.path)
    if read_otherwise:
        logger.info("reading again %d unchanged input files loaded with other reading options (%s): %s",
                    len(read_otherwise), ", ".join(option_of(JobOptions, name) for name in READING_OPTIONS),
                    ", ".join(read_otherwise))
    if unchanged:
        logger.info("also reading %d unchanged input files that dropped duplicates when loaded (%s): a "
                    "file read again may no longer hold the posts they repeat", len(unchanged), ", ".join(unchanged))
    return chosen, with_duplicates


@task(name="posts of the files read", **IO_RETRIES)
def posts_before_load(db_path: str, files: list[str]) -> int:
    """How many loaded posts come from `files` before the load (`lost_copies_warning` compares after it)."""
    return posts_of_files(db_path, files)


@task(name="list loaded posts this run keeps", **IO_RETRIES)
def loaded_posts_kept(db_path: str, files: list[str], window: PostWindow, dest: str) -> str | None:
    """The ids of loaded posts this run keeps (its copies of them are duplicates), as Parquet."""
    return dest if write_kept_posts(db_path, files, window, dest) else None


@task(name="lexicon to score with", **IO_RETRIES)
def lexicon_for_run(db_path: str, given: str | None, rebuild: bool, path: str) -> str | None:
    """The lexicon file the run scores with: the one given; else (unless `rebuild`) the lexicon
    already in force in the database, written to `path`; else None (build one from the run's posts)."""
    if given:
        return given
    version = None if rebuild else lexicon_in_force(db_path)
    if version is None:
        return None
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    export_lexicon(db_path, version, path)
    return path


@task(name="Beam job: read, count, build lexicon, score",
      persist_result=False, cache_policy=NO_CACHE)  # its input holds the author-key secret
def run_beam_job(settings: JobSettings, beam_args: list[str]) -> str:
    """Run the Beam job into a fresh run folder (not retried: a re-run starts a new folder).

    Prefect logs and pickles a failed flow's exception (always, whatever persist_result
    says), so an error whose text holds the author-key secret is raised without it.
    """
    try:
        with stop_cleanly_on_signals():
            run_job(settings, beam_args)
    except Exception as exc:
        secret = settings.source.author_salt
        if secret and (secret in str(exc) or secret in repr(exc)):
            raise RuntimeError(f"{type(exc).__name__}: {str(exc).replace(secret, '<author key>')}") from None
        raise
    return settings.output


def _lock_or_io_error(task, task_run, state) -> bool:
    """Retry the load only when the database was busy or unreadable, never on bad data."""
    try:
        state.result()
    except (duckdb.IOException, OSError):
        return True
    except Exception:
        return False
    return False


@task(name="load into DuckDB", retries=2, retry_delay_seconds=[1, 5], retry_condition_fn=_lock_or_io_error)
def load_into_duckdb(db_path: str, run: RunRecord, input_files: list[dict] | None = None,
                     wait_for_writer: bool = False) -> list[dict]:
    """Load the run in one transaction (all or nothing, so a retry cannot double-load); return accounting.

    Another load in progress fails the run with `LoadAlreadyRunning` (not retried), unless
    `wait_for_writer`.
    """
    with stop_cleanly_on_signals():  # a Ctrl-C stops the load (rolled back) in one line
        load_run(db_path, run, input_files or [], wait=wait_for_writer)
    columns, rows = query(db_path, sql.read("run_accounting.sql"), {"run_id": run.run_id})
    return [dict(zip(columns, row)) for row in rows]


#: how often a run whose list of loaded post ids went stale runs its job again
STALE_ID_ATTEMPTS = 3


def _load_with_fresh_post_ids(db: str, settings: JobSettings, record: RunRecord, remembered: list[dict],
                              options: RunOptions) -> tuple[list[dict], Path]:
    """Load the run; if another run loaded some of the same post ids while this one ran (say,
    it waited for the writer), run the job again with a fresh list of loaded ids, into a new
    folder, so the copy loaded first still wins and the counts match the posts kept."""
    for attempt in range(2, STALE_ID_ATTEMPTS + 1):
        try:
            return load_into_duckdb(db, record, remembered, options.wait_for_writer), Path(record.run_dir)
        except PostsLoadedMeanwhile:
            run_dir = str(Path(settings.output).parent / f"{record.run_id}~{attempt}")
            settings = replace(settings, output=run_dir, loaded_posts=loaded_posts_kept(
                db, list(settings.inputs), settings.window, f"{run_dir}/loaded_posts.parquet"))
            record = replace(record, run_dir=run_dir)
            run_beam_job(settings, options.beam_args)
    return load_into_duckdb(db, record, remembered, options.wait_for_writer), Path(record.run_dir)


@task(name="publish run artifact", **IO_RETRIES)
def publish_artifact(markdown: str) -> None:
    create_markdown_artifact(markdown=markdown, key="mipulse-run", description="accounting and headline numbers")


@task(name="render report", retries=1, retry_delay_seconds=[1])
def render_report_task(db_path: str, out_dir: str, interval_replicates: int | None = None,
                       labelled: str | None = None) -> list[str]:
    with stop_cleanly_on_signals():  # a Ctrl-C stops the report, never retried
        return [str(p) for p in render_report(db_path, out_dir, interval_replicates=interval_replicates,
                                              labelled=labelled)]


def helpers_to_start_early(report: bool, input_bytes: int) -> tuple[str, ...]:
    """The report's helper processes a run starts before its Beam job (`EARLY_HELPERS_INPUT_BYTES`)."""
    return EARLY_HELPERS if report and input_bytes <= EARLY_HELPERS_INPUT_BYTES else ()


@task(name="prune old run folders", **IO_RETRIES)
def prune_run_folders(db_path: str, runs_dir: str, keep: int) -> int:
    """Delete the Parquet folders of loaded runs beyond the newest `keep`; return how many."""
    stale = stale_run_folders(Path(runs_dir), loaded_run_ids(db_path), keep)
    remove_folders(stale)
    return len(stale)


@task(name="remove folders of interrupted runs", **IO_RETRIES)
def remove_interrupted_run_folders(db_path: str, runs_dir: str) -> tuple[int, int]:
    """Delete the folders of runs that never loaded, held by no live run and untouched for
    `UNLOADED_RUN_MAX_AGE` (`interrupted_run_folders`); return (folders removed, their bytes). Done as a
    run starts, so that the folders of runs that all fail go too."""
    interrupted = interrupted_run_folders(Path(runs_dir), loaded_run_ids(db_path), time.time())
    folders, size = sum(entry.is_dir() for entry in interrupted), size_of(interrupted)
    remove_folders(interrupted)
    return folders, size


def loaded_run_ids(db_path: str) -> set[str]:
    """Every run the database has loaded (none without a database yet)."""
    if not Path(db_path).exists():
        return set()
    _, rows = query(db_path, sql.read("loaded_run_ids.sql"))
    return {row[0] for row in rows}


def _publish_failure(flow, flow_run, state) -> None:
    """On failure: log the reason and publish it as the run's artifact (same key as a success)."""
    error = state.result(raise_on_failure=False)
    reason = f"{type(error).__name__}: {error}" if isinstance(error, BaseException) else str(state.message)
    from prefect.logging.loggers import flow_run_logger

    flow_run_logger(flow_run, flow).error("mipulse run failed: %s", reason)
    create_markdown_artifact(markdown=failure_markdown(flow_run.name, reason), key="mipulse-run",
                             description="why the run failed")


@flow(name="mipulse-run", flow_run_name=_run_name, log_prints=True, on_failure=[_publish_failure])
def run_flow(options: RunOptions) -> RunSummary:
    """Read posts, run the Beam job, load DuckDB and render the yearly charts.

    A backfill is a run with `from_month`/`to_month`; `incremental` skips input files
    already loaded unchanged. The load replaces only the data of the files read.
    `wait_for_writer` queues the load behind another one instead of failing. Posts are scored
    with `lexicon` (a file) if given; else with the lexicon already in force in `db`, so that
    backfills and incremental runs stay comparable with the history; else (a new database, or
    `rebuild_lexicon`) with the default lexicon built from this run's own posts.
    `interval_replicates` sets the report's bootstrap lexicons (None: its default; 0: Wilson only).
    Only the Parquet folders (and lexicon files) of the last `keep_runs` loaded runs stay under
    `out/runs`, and those of runs that never loaded (interrupted) for a day after their last change.
    """
    run_id = new_run_id()
    with run_in_progress(options.out_dir() / "runs", run_id):  # no other run's pruning takes its folder
        return _run(options, run_id)


def _run(options: RunOptions, run_id: str) -> RunSummary:
    """`run_flow`'s work, while it holds its `run_in_progress` lock."""
    logger = get_run_logger()
    started = time.perf_counter()
    started_at = datetime.now(timezone.utc).replace(tzinfo=None)
    db, out_dir = options.db, options.out_dir()
    run_dir = out_dir / "runs" / run_id
    window = options.window()
    secret, key_fingerprint = secret_for(db)  # never a parameter: those are stored and shown
    interrupted, interrupted_bytes = remove_interrupted_run_folders(db, str(out_dir / "runs"))
    if interrupted:
        logger.info("removed %d folders of runs that never loaded (interrupted), %.1f MB, under %s (untouched for "
                    "over %d h)", interrupted, interrupted_bytes / 1e6, out_dir / "runs", UNLOADED_RUN_MAX_AGE // 3600)
    found = discover_inputs(options.inputs)
    selected, with_duplicates = select_inputs(db, found, window, options.incremental,
                                              reading_of(options.model_dump(mode="json")))
    if not selected:
        logger.info("run %s: all %d input files already loaded for %s; nothing to do",
                    run_id, len(found), window.describe())
        publish_artifact(run_markdown(run_id, window.describe(), [], 0.0, [], skipped_files=len(found)))
        return RunSummary(run_id, db, "", 0, time.perf_counter() - started, [], [])
    files = [f.path for f in selected]
    skipped = len(found) - len(files)
    lexicon_file = lexicon_for_run(db, options.lexicon, options.rebuild_lexicon,
                                   str(out_dir / "runs" / f"{run_id}.lexicon.parquet"))
    if lexicon_file and not options.lexicon:
        logger.info("run %s: scoring with the lexicon in force in %s (--rebuild-lexicon builds a new one)", run_id, db)
    settings = options.job_settings(str(run_dir), tuple(files), secret, lexicon_file, loaded_posts_kept(
        db, files, window, str(run_dir / "loaded_posts.parquet")))
    logger.info("run %s: %d of %d input files (%s) -> %s", run_id, len(files), len(found),
                window.describe(), run_dir)
    with helpers_started_early(helpers_to_start_early(options.report, sum(f.size_bytes for f in selected))):
        logger.info("stage 1/3: Beam job (reading, tokenizing and counting, lexicon, scoring)")
        run_beam_job(settings, options.beam_args)
        record = RunRecord(run_id, str(run_dir), started_at, files,
                           options.run_record(settings.seeds.source, lexicon_file, key_fingerprint), TOKENIZER_VERSION,
                           window)
        remembered = [{"source_file": f.path, "size_bytes": f.size_bytes, "mtime_ns": f.mtime_ns,
                       "from_month": options.from_month, "to_month": options.to_month,
                       "platforms": list(window.platforms)} for f in selected]
        logger.info("stage 2/3: loading into %s", db)
        posts_before = posts_before_load(db, files)
        accounting, run_dir = _load_with_fresh_post_ids(db, settings, record, remembered, options)
        lost = lost_copies_warning(files, posts_before, posts_of_files(db, files), with_duplicates)
        if lost:
            logger.warning("run %s: %s", run_id, lost)
        with connect_read_only(db) as con:
            warnings = history_warnings(con)
        for warning in warnings:  # the report's header needs the word, the log line has it already
            logger.warning("%s", warning.removeprefix("WARNING: "))
        pruned = prune_run_folders(db, str(out_dir / "runs"), options.keep_runs)
        if pruned:
            logger.info("removed %d old run folders under %s (the last %d loaded runs are kept; --keep-runs)",
                        pruned, out_dir / "runs", options.keep_runs)
        if options.report:
            logger.info("stage 3/3: charts -> %s", out_dir / "report")
        charts = (render_report_task(db, str(out_dir / "report"), options.interval_replicates, options.labelled)
                  if options.report else [])
    posts = sum(row["accepted"] for row in accounting)
    summary = RunSummary(run_id, db, str(run_dir), posts, time.perf_counter() - started, accounting, charts)
    logger.info("run %s: %d posts in %.1f s (%.0f posts/s)", run_id, posts, summary.seconds,
                summary.posts_per_second)
    publish_artifact(run_markdown(run_id, window.describe(), accounting, summary.seconds, charts,
                                  skipped_files=skipped))
    return summary
