"""The Markdown a run publishes as a Prefect artifact: accounting, headline numbers, report link.

Every value that comes from outside (file names, paths, error messages) is escaped with
`escape_markdown`, so a file name cannot inject links, images, HTML or table cells.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any, Sequence

ACCOUNTING_COLUMNS = ("source_file", "records_read", "accepted", "rejected", "duplicates", "balanced")
#: characters with a meaning in (GitHub-flavoured) Markdown or HTML, escaped with a backslash
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+!|<>&~])")


def escape_markdown(text: str) -> str:
    """`text` as literal Markdown on one line: special characters backslash-escaped, line breaks as spaces."""
    return _MARKDOWN_SPECIAL.sub(r"\\\1", " ".join(str(text).splitlines()))


def run_markdown(
    run_id: str,
    window: str,
    accounting: Sequence[dict[str, Any]],
    seconds: float,
    charts: Sequence[str],
    skipped_files: int = 0,
) -> str:
    """A short Markdown report of one run."""
    totals = {k: sum(int(row[k]) for row in accounting) for k in ACCOUNTING_COLUMNS[1:5]}
    rate = totals["accepted"] / seconds if seconds else 0.0
    lines = [
        f"# mipulse run {escape_markdown(run_id)}",
        "",
        f"- window: {escape_markdown(window)}",
        f"- files loaded: {len(accounting)}; unchanged files skipped: {skipped_files}",
        f"- records read: {totals['records_read']:,}; accepted: {totals['accepted']:,}; "
        f"rejected: {totals['rejected']:,}; duplicates: {totals['duplicates']:,}",
        f"- wall time: {seconds:.1f} s ({rate:,.0f} posts/s)",
        f"- report: {_report_link(charts)}",
        "",
        "| " + " | ".join(ACCOUNTING_COLUMNS) + " |",
        "|" + "---|" * len(ACCOUNTING_COLUMNS),
    ]
    lines += ["| " + " | ".join(_cell(row.get(c)) for c in ACCOUNTING_COLUMNS) + " |" for row in accounting]
    return "\n".join(lines) + "\n"


def failure_markdown(flow_run_name: str, reason: str) -> str:
    """The Markdown a failed run publishes: what failed and why; the database is unchanged."""
    return "\n".join([
        f"# mipulse run {escape_markdown(flow_run_name)} failed",
        "",
        f"- reason: {escape_markdown(reason)}",
        "- the database was not changed: a load is all or nothing",
        "",
    ])


def _report_link(charts: Sequence[str]) -> str:
    if not charts:
        return "not rendered"
    html = [c for c in charts if c.endswith(".html")]
    target = Path(html[0] if html else charts[0])
    target = target if html else target.parent
    uri = target.resolve().as_uri().replace("(", "%28").replace(")", "%29")
    return f"[{escape_markdown(target.name)}]({uri})"


def _cell(value: Any) -> str:
    return "" if value is None else escape_markdown(str(value))
