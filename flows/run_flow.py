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
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

from prefect import flow, get_run_logger, task

import sql
from flows.db import RunRecord, load_run, query
from flows.report import render_report
from pipelines.config import load_seeds
from pipelines.job import JobSettings, run_job
from pipelines.lexicon import LexiconOptions
from pipelines.pmi import Smoothing
from pipelines.scoring import ScoringOptions
from pipelines.sources import SourceOptions
from pipelines.text import TOKENIZER_VERSION

SALT_ENV = "MIPULSE_AUTHOR_SALT"


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


@task(retries=2, retry_delay_seconds=[1, 5])
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


@task
def run_beam_job(settings: JobSettings, beam_args: list[str]) -> str:
    """Run the Beam job into a fresh run folder (not retried: a re-run starts a new folder)."""
    run_job(settings, beam_args)
    return settings.output


@task(retries=2, retry_delay_seconds=[1, 5])
def load_into_duckdb(db_path: str, run: RunRecord) -> list[dict]:
    """Load the run in one transaction (all or nothing, so retrying is safe); return accounting."""
    load_run(db_path, run)
    columns, rows = query(db_path, sql.read("run_accounting.sql"), {"run_id": run.run_id})
    return [dict(zip(columns, row)) for row in rows]


@task(retries=1, retry_delay_seconds=[1])
def render_report_task(db_path: str, out_dir: str) -> list[str]:
    return [str(p) for p in render_report(db_path, out_dir)]


@flow(name="mipulse-run", flow_run_name="mipulse-run-{db}", log_prints=True)
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
) -> RunSummary:
    """Read posts, run the Beam job, load DuckDB and render the yearly charts."""
    logger = get_run_logger()
    started = time.perf_counter()
    started_at = datetime.now(timezone.utc).replace(tzinfo=None)
    out_dir = Path(out or Path(db).parent / "mipulse-out").resolve()
    run_id = new_run_id()
    run_dir = out_dir / "runs" / run_id
    files = discover_inputs(inputs)
    settings = JobSettings(
        inputs=tuple(files),
        output=str(run_dir),
        seeds=load_seeds(seeds),
        source=SourceOptions(input_format, default_platform, author_salt or salt_for(db), columns, undated_as),
        lexicon=LexiconOptions(aggregation, min_df, Smoothing(smoothing_k, context_alpha)),
        scoring=ScoringOptions(neutral_band),
    )
    logger.info("run %s: %d input files -> %s", run_id, len(files), run_dir)
    run_beam_job(settings, list(beam_args or []))
    options = {"beam_args": beam_args or [], "seeds": settings.seeds.source, "format": input_format,
               "columns": columns, "undated_as": undated_as,
               "aggregation": aggregation, "min_df": min_df, "smoothing_k": smoothing_k,
               "context_alpha": context_alpha, "neutral_band": neutral_band}
    record = RunRecord(run_id, str(run_dir), started_at, files, options, TOKENIZER_VERSION)
    accounting = load_into_duckdb(db, record)
    charts = render_report_task(db, str(out_dir / "report")) if report else []
    posts = sum(row["accepted"] for row in accounting)
    summary = RunSummary(run_id, db, str(run_dir), posts, time.perf_counter() - started, accounting, charts)
    logger.info("run %s: %d posts in %.1f s (%.0f posts/s)", run_id, posts, summary.seconds,
                summary.posts_per_second)
    return summary
