"""The run's Markdown artifact and the deployments file that schedules runs."""

from pathlib import Path

import pytest

from flows.artifacts import run_markdown
from flows.report_flow import previous_year
from flows.schedule import DeploymentFileError, read_deployments

REPO = Path(__file__).resolve().parents[1]


def test_markdown_has_accounting_totals_and_report_link(tmp_path):
    html = tmp_path / "report.html"
    rows = [{"source_file": "/in/a|b.jsonl", "records_read": 10, "accepted": 7, "rejected": 2, "duplicates": 1,
             "balanced": True},
            {"source_file": "/in/c.jsonl", "records_read": 5, "accepted": 5, "rejected": 0, "duplicates": 0,
             "balanced": True}]
    text = run_markdown("r1", "2019-01 to …, all platforms", rows, 2.0, [str(tmp_path / "a.png"), str(html)], 3)
    assert "records read: 15; accepted: 12; rejected: 2; duplicates: 1" in text
    assert "(6 posts/s)" in text
    assert "unchanged files skipped: 3" in text
    assert f"[report.html]({html.as_uri()})" in text
    assert "| /in/a\\|b.jsonl | 10 | 7 | 2 | 1 | True |" in text


def test_markdown_without_charts_says_so():
    assert "report: not rendered" in run_markdown("r1", "all", [], 0.0, [])


def test_previous_year():
    from datetime import date
    assert previous_year(date(2025, 1, 2)) == 2024


def test_shipped_deployments_have_cron_time_zone_and_one_writer():
    specs = {s.name: s for s in read_deployments(REPO / "prefect.yaml")}
    nightly, yearly = specs["nightly-incremental"], specs["yearly-report"]
    assert [(s.cron, s.timezone) for s in nightly.schedules] == [("30 2 * * *", "Europe/Berlin")]
    assert [(s.cron, s.timezone) for s in yearly.schedules] == [("0 6 2 1 *", "Europe/Berlin")]
    assert nightly.parameters["incremental"] is True
    assert nightly.concurrency_limit == yearly.concurrency_limit == 1
    assert nightly.module_and_function == ("flows.run_flow", "run_flow")
    assert yearly.module_and_function == ("flows.report_flow", "report_flow")


def test_schedule_without_time_zone_is_refused(tmp_path):
    bad = tmp_path / "prefect.yaml"
    bad.write_text("deployments:\n  - name: x\n    entrypoint: flows/run_flow.py:run_flow\n"
                   "    schedules:\n      - cron: '0 1 * * *'\n")
    with pytest.raises(DeploymentFileError, match="needs cron and timezone"):
        read_deployments(bad)
