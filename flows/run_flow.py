"""The Prefect flow of one mipulse run: Beam job -> DuckDB load -> report.

Flows only orchestrate; the work is in `pipelines` (Beam), `flows.db` and `flows.report`.
Retries are on I/O edges only: the Beam job and the load are not retried blindly.
"""

from __future__ import annotations

import glob
import os
import secrets
import time
import uuid
from dataclasses import dataclass, replace
from datetime import datetime, timezone
from pathlib import Path

import duckdb
from prefect import flow, get_run_logger, task
from prefect.artifacts import create_markdown_artifact
from prefect.tasks import exponential_backoff

import sql
from flows.artifacts import failure_markdown, run_markdown
from flows.db import PostsLoadedMeanwhile, RunRecord, load_run, query, write_kept_posts
from flows.incremental import InputFile, loaded_inputs, needs_loading
from flows.report import render_report
from pipelines.config import load_seeds
from pipelines.job import JobSettings, run_job
from pipelines.lexicon import LexiconOptions
from pipelines.pmi import Smoothing
from pipelines.scoring import ScoringOptions
from pipelines.sources import SourceOptions
from pipelines.text import TOKENIZER_VERSION
from pipelines.window import PostWindow

SALT_ENV = "MIPULSE_AUTHOR_SALT"
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


def new_run_id() -> str:
    """Sortable and unique: UTC time plus a random suffix."""
    return datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%SZ") + "-" + uuid.uuid4().hex[:6]


def salt_for(db_path: str) -> str:
    """The salt for author hashes: $MIPULSE_AUTHOR_SALT, else a random one kept beside the DB."""
    if os.environ.get(SALT_ENV):
        return os.environ[SALT_ENV]
    salt_file = Path(f"{db_path}.salt")
    if not salt_file.exists():
        salt_file.parent.mkdir(parents=True, exist_ok=True)
        salt_file.write_text(secrets.token_hex(16))
        salt_file.chmod(0o600)
    return salt_file.read_text().strip()


def _run_name() -> str:
    """Self-describing flow run names: mipulse-<db file>-<window>."""
    from prefect.runtime import flow_run

    params = flow_run.parameters
    window = f"{params.get('from_month') or 'start'}..{params.get('to_month') or 'now'}"
    kind = "incremental" if params.get("incremental") else "full"
    return f"mipulse-{Path(params.get('db', 'db')).stem}-{kind}-{window}"


@task(**IO_RETRIES)
def discover_inputs(patterns: list[str]) -> list[str]:
    """Expand globs to the input files; fail with the pattern that matched nothing."""
    files: list[str] = []
    for pattern in patterns:
        matched = sorted(glob.glob(pattern)) if glob.has_magic(pattern) else [pattern]
        matched = [f for f in matched if os.path.isfile(f)]
        if not matched:
            raise FileNotFoundError(f"no input file matches {pattern!r}")
        files += [os.path.abspath(f) for f in matched]
    return sorted(set(files))


@task(**IO_RETRIES)
def select_inputs(db_path: str, files: list[str], window: PostWindow, incremental: bool) -> list[InputFile]:
    """The files to read now: all of them, or (incremental) those not yet loaded for this window."""
    current = [InputFile.stat(f) for f in files]
    if not incremental:
        return current
    loaded = loaded_inputs(db_path, files)
    return [f for f in current if needs_loading(f, loaded.get(f.path), window)]


@task(**IO_RETRIES)
def loaded_posts_kept(db_path: str, files: list[str], window: PostWindow, dest: str) -> str | None:
    """The ids of loaded posts this run keeps (its copies of them are duplicates), as Parquet."""
    return dest if write_kept_posts(db_path, files, window, dest) else None


@task
def run_beam_job(settings: JobSettings, beam_args: list[str]) -> str:
    """Run the Beam job into a fresh run folder (not retried: a re-run starts a new folder)."""
    run_job(settings, beam_args)
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


@task(retries=2, retry_delay_seconds=[1, 5], retry_condition_fn=_lock_or_io_error)
def load_into_duckdb(db_path: str, run: RunRecord, input_files: list[dict] | None = None,
                     wait_for_writer: bool = False) -> list[dict]:
    """Load the run in one transaction (all or nothing, so a retry cannot double-load); return accounting.

    Another load in progress fails the run with `LoadAlreadyRunning` (not retried), unless
    `wait_for_writer`.
    """
    load_run(db_path, run, input_files or [], wait=wait_for_writer)
    columns, rows = query(db_path, sql.read("run_accounting.sql"), {"run_id": run.run_id})
    return [dict(zip(columns, row)) for row in rows]


#: how often a run whose list of loaded post ids went stale runs its job again
STALE_ID_ATTEMPTS = 3


def _load_with_fresh_post_ids(db: str, settings: JobSettings, record: RunRecord, remembered: list[dict],
                              beam_args: list[str], wait_for_writer: bool) -> tuple[list[dict], Path]:
    """Load the run; if another run loaded some of the same post ids while this one ran (say,
    it waited for the writer), run the job again with a fresh list of loaded ids, into a new
    folder, so the copy loaded first still wins and the counts match the posts kept."""
    for attempt in range(2, STALE_ID_ATTEMPTS + 1):
        try:
            return load_into_duckdb(db, record, remembered, wait_for_writer), Path(record.run_dir)
        except PostsLoadedMeanwhile:
            run_dir = str(Path(settings.output).parent / f"{record.run_id}~{attempt}")
            settings = replace(settings, output=run_dir, loaded_posts=loaded_posts_kept(
                db, list(settings.inputs), settings.window, f"{run_dir}/loaded_posts.parquet"))
            record = replace(record, run_dir=run_dir)
            run_beam_job(settings, beam_args)
    return load_into_duckdb(db, record, remembered, wait_for_writer), Path(record.run_dir)


@task(**IO_RETRIES)
def publish_artifact(markdown: str) -> None:
    create_markdown_artifact(markdown=markdown, key="mipulse-run", description="accounting and headline numbers")


@task(retries=1, retry_delay_seconds=[1])
def render_report_task(db_path: str, out_dir: str) -> list[str]:
    return [str(p) for p in render_report(db_path, out_dir)]


def _publish_failure(flow, flow_run, state) -> None:
    """On failure: log the reason and publish it as the run's artifact (same key as a success)."""
    error = state.result(raise_on_failure=False)
    reason = f"{type(error).__name__}: {error}" if isinstance(error, BaseException) else str(state.message)
    from prefect.logging.loggers import flow_run_logger

    flow_run_logger(flow_run, flow).error("mipulse run failed: %s", reason)
    create_markdown_artifact(markdown=failure_markdown(flow_run.name, reason), key="mipulse-run",
                             description="why the run failed")


@flow(name="mipulse-run", flow_run_name=_run_name, log_prints=True, on_failure=[_publish_failure])
def run_flow(
    inputs: list[str],
    db: str,
    out: str | None = None,
    beam_args: list[str] | None = None,
    seeds: str | None = None,
    input_format: str = "auto",
    default_platform: str | None = None,
    author_salt: str | None = None,
    columns: str | None = None,
    undated_as: str | None = None,
    aggregation: str = "mean",
    min_df: int = 3,
    smoothing_k: float = 0.0,
    context_alpha: float = 1.0,
    neutral_band: float = 0.05,
    report: bool = True,
    from_month: str | None = None,
    to_month: str | None = None,
    platforms: list[str] | None = None,
    runner: str | None = None,
    incremental: bool = False,
    wait_for_writer: bool = False,
) -> RunSummary:
    """Read posts, run the Beam job, load DuckDB and render the yearly charts.

    A backfill is a run with `from_month`/`to_month`; `incremental` skips input files
    already loaded unchanged. The load replaces only the data of the files read.
    `wait_for_writer` queues the load behind another one instead of failing.
    """
    logger = get_run_logger()
    started = time.perf_counter()
    started_at = datetime.now(timezone.utc).replace(tzinfo=None)
    out_dir = Path(out or Path(db).parent / "mipulse-out").resolve()
    run_id = new_run_id()
    run_dir = out_dir / "runs" / run_id
    window = PostWindow(from_month, to_month, tuple(platforms or ()))
    if runner:
        beam_args = [f"--runner={runner}", *(beam_args or [])]
    found = discover_inputs(inputs)
    selected = select_inputs(db, found, window, incremental)
    if not selected:
        logger.info("run %s: all %d input files already loaded for %s; nothing to do",
                    run_id, len(found), window.describe())
        publish_artifact(run_markdown(run_id, window.describe(), [], 0.0, [], skipped_files=len(found)))
        return RunSummary(run_id, db, "", 0, time.perf_counter() - started, [], [])
    files = [f.path for f in selected]
    skipped = len(found) - len(files)
    settings = JobSettings(
        inputs=tuple(files),
        output=str(run_dir),
        seeds=load_seeds(seeds),
        source=SourceOptions(input_format, default_platform, author_salt or salt_for(db), columns, undated_as),
        lexicon=LexiconOptions(aggregation, min_df, Smoothing(smoothing_k, context_alpha)),
        scoring=ScoringOptions(neutral_band),
        window=window,
        loaded_posts=loaded_posts_kept(db, files, window, str(run_dir / "loaded_posts.parquet")),
    )
    logger.info("run %s: %d of %d input files (%s) -> %s", run_id, len(files), len(found),
                window.describe(), run_dir)
    run_beam_job(settings, list(beam_args or []))
    options = {"beam_args": beam_args or [], "seeds": settings.seeds.source, "format": input_format,
               "columns": columns, "undated_as": undated_as,
               "aggregation": aggregation, "min_df": min_df, "smoothing_k": smoothing_k,
               "context_alpha": context_alpha, "neutral_band": neutral_band,
               "from_month": from_month, "to_month": to_month, "platforms": list(window.platforms),
               "incremental": incremental}
    record = RunRecord(run_id, str(run_dir), started_at, files, options, TOKENIZER_VERSION, window)
    remembered = [{"source_file": f.path, "size_bytes": f.size_bytes, "mtime_ns": f.mtime_ns,
                   "from_month": from_month, "to_month": to_month, "platforms": list(window.platforms)}
                  for f in selected]
    accounting, run_dir = _load_with_fresh_post_ids(db, settings, record, remembered, list(beam_args or []),
                                                    wait_for_writer)
    charts = render_report_task(db, str(out_dir / "report")) if report else []
    posts = sum(row["accepted"] for row in accounting)
    summary = RunSummary(run_id, db, str(run_dir), posts, time.perf_counter() - started, accounting, charts)
    logger.info("run %s: %d posts in %.1f s (%.0f posts/s)", run_id, posts, summary.seconds,
                summary.posts_per_second)
    publish_artifact(run_markdown(run_id, window.describe(), accounting, summary.seconds, charts,
                                  skipped_files=skipped))
    return summary
