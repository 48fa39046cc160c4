"""The run's Markdown artifact and the deployments file that schedules runs."""

from pathlib import Path

import pytest
from markdown_it import MarkdownIt

from flows.artifacts import failure_markdown, run_markdown
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


HOSTILE_NAME = "/in/x](javascript:alert(1))<img src=x onerror=alert(1)>\n# big | <b>&amp;</b> `c` *e*.jsonl"


def render(markdown: str) -> str:
    """HTML as a Markdown viewer renders it, every link scheme allowed (so none can hide)."""
    md = MarkdownIt("commonmark").enable("table")
    md.validateLink = lambda url: True
    return md.render(markdown)


def test_file_names_cannot_inject_markup_into_the_artifact(tmp_path):
    """Issue 16.16: input file names went unescaped into the Prefect Markdown artifact."""
    rows = [{"source_file": HOSTILE_NAME, "records_read": 1, "accepted": 1, "rejected": 0, "duplicates": 0,
             "balanced": True}]
    report = tmp_path / "r(1)<x>" / "report.html"
    success = render(run_markdown("r1", "all", rows, 1.0, [str(report)]))
    failure = render(failure_markdown("mipulse-<b>x</b>", f"FileNotFoundError: {HOSTILE_NAME}"))
    for html in (success, failure):
        for markup in ("<img", "<b>", "<h1>big", "<code>", "<em>", "javascript:alert(1)\""):
            assert markup not in html
    assert success.count("<a href") == 1 and f'<a href="{report.as_uri()}"'.replace("(", "%28").replace(")", "%29") in success
    assert failure.count("<a href") == 0
    assert success.count("<td>") == 6  # the name stays in its one cell


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
    assert nightly.parameters["options"]["incremental"] is True
    assert nightly.concurrency_limit == yearly.concurrency_limit == 1
    assert nightly.module_and_function == ("flows.run_flow", "run_flow")
    assert yearly.module_and_function == ("flows.report_flow", "report_flow")


def test_schedule_without_time_zone_is_refused(tmp_path):
    bad = tmp_path / "prefect.yaml"
    bad.write_text("deployments:\n  - name: x\n    entrypoint: flows/run_flow.py:run_flow\n"
                   "    schedules:\n      - cron: '0 1 * * *'\n")
    with pytest.raises(DeploymentFileError, match="needs cron and timezone"):
        read_deployments(bad)
