"""The rules of a run's window (months YYYY-MM and platforms), without Beam.

`PostWindow` applies them; the CLI checks a command line with them before Beam loads.
"""

from __future__ import annotations

import re

from pipelines.reading.posts import PLATFORMS

_MONTH_RE = re.compile(r"\d{4}-(0[1-9]|1[0-2])")


def check_month(name: str, value: str) -> str:
    """`value` if it is a month YYYY-MM (two-digit month), else a ValueError naming the option: the one
    rule of --from-month, --to-month and --undated-as."""
    if not isinstance(value, str) or not _MONTH_RE.fullmatch(value):
        raise ValueError(f"{name} must be YYYY-MM, got {value!r}")
    return value


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
