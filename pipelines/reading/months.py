"""The rules of a run's window (months YYYY-MM and platforms), without Beam.

`PostWindow` applies them; the CLI checks a command line with them before Beam loads.
"""

from __future__ import annotations

import re
from datetime import datetime, timezone

from pipelines.reading.posts import EARLIEST, PLATFORMS

_MONTH_RE = re.compile(r"\d{4}-(0[1-9]|1[0-2])")


def check_month(name: str, value: str) -> str:
    """`value` if it is a month YYYY-MM (two-digit month), else a ValueError naming the option: the one
    rule of --from-month, --to-month and --undated-as."""
    if not isinstance(value, str) or not _MONTH_RE.fullmatch(value):
        raise ValueError(f"{name} must be YYYY-MM, got {value!r}")
    return value


def check_undated_month(month: str) -> str:
    """--undated-as (and every undated month a reader is given: `evaluate`'s too): a month YYYY-MM
    (`check_month`) from the earliest month a post is read in (`pipelines.reading.posts.EARLIEST`) to this
    one. Outside it every undated record became a 'created_at out of range' or 'created_at in the
    future' reject (evaluate's 2000-01 had left its undated posts out of the lexicon it built)."""
    check_month("undated-as", month)
    if month > datetime.now(timezone.utc).strftime("%Y-%m"):
        raise ValueError(f"undated-as {month} is in the future: give the month the posts were written in, or before")
    if month < EARLIEST.strftime("%Y-%m"):
        raise ValueError(f"undated-as {month} is before {EARLIEST:%Y-%m}, the earliest month a post is read in")
    return month


def check_window(from_month: str | None, to_month: str | None, platforms: tuple[str, ...] = ()) -> None:
    """ValueError naming the first bad bound or platform; None means open / all."""
    for name, value in (("from-month", from_month), ("to-month", to_month)):
        if value is not None:
            check_month(name, value)
    if from_month and to_month and from_month > to_month:
        raise ValueError(f"from-month {from_month} is after to-month {to_month}")
    unknown = sorted(set(platforms) - set(PLATFORMS))
    if unknown:
        raise ValueError(f"unknown platform(s) {', '.join(unknown)}; choose from {', '.join(PLATFORMS)}")
