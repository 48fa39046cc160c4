"""The yearly report flow: charts for one finished year, published as a Prefect artifact."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from prefect import flow, get_run_logger, task
from prefect.artifacts import create_markdown_artifact

from flows.reporting.report import render_report
from flows.reporting.window import check_window_has_posts
from flows.store.retention import default_out_dir


def previous_year(today: date | None = None) -> int:
    """The last complete calendar year."""
    return (today or date.today()).year - 1


@task(name="render the year's report", retries=1, retry_delay_seconds=[2])
def render_year(db: str, out_dir: str, year: int, platform: str | None, labelled: str | None = None) -> list[str]:
    return [str(p) for p in render_report(db, out_dir, from_year=year, to_year=year, platform=platform,
                                          labelled=labelled)]


@flow(name="mipulse-report", flow_run_name="mipulse-report-{year}")
def report_flow(db: str, out: str | None = None, year: int | None = None, platform: str | None = None,
                labelled: str | None = None) -> list[str]:
    """Render the charts of `year` (default: the previous calendar year) into `<out>/<year>/`;
    with `labelled` (posts labelled by hand, as `mipulse report --labelled`), its adjusted shares too.
    A year without posts fails the run (EmptyReportWindow): the loads feeding the database may have stopped."""
    year = year or previous_year()
    check_window_has_posts(db, year, year, platform)  # a year without posts: a failed run, not empty charts
    out_dir = Path(out or default_out_dir(db) / "report").resolve() / str(year)
    charts = render_year(db, str(out_dir), year, platform, labelled)
    links = "\n".join(f"- [{Path(c).name}]({Path(c).resolve().as_uri()})" for c in charts)
    create_markdown_artifact(markdown=f"# mipulse report {year}\n\n{links}\n", key="mipulse-report",
                             description=f"charts of {year}")
    get_run_logger().info("report %d: %d charts in %s", year, len(charts), out_dir)
    return charts
