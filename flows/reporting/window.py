"""Whether a report's window (years, one platform) holds posts: `mipulse report` refuses an empty
one before drawing, and the scheduled yearly report fails on one instead of publishing empty charts."""

from __future__ import annotations

import math
from typing import Sequence

import sql
from flows.store.db import query
from pipelines.errors import BadInput


class EmptyReportWindow(BadInput, ValueError):
    """A report window without posts; the message names the window and the years that have posts."""


def post_years(db: str, platform: str | None) -> list[int]:
    """The years with posts of `platform` (None: of any), in order."""
    return [row[0] for row in query(db, sql.read("report_post_years.sql"), {"platform": platform})[1]]


def empty_window(years: Sequence[int], from_year: int | None, to_year: int | None, platform: str | None) -> str | None:
    """Why the window from_year..to_year (None: open) holds no post of `years`, or None when it holds some
    (or there are no posts at all, which the report says itself)."""
    low = from_year if from_year is not None else -math.inf
    high = to_year if to_year is not None else math.inf
    if not years or any(low <= year <= high for year in years):
        return None
    asked = (f"from {from_year} on" if to_year is None else f"up to {to_year}" if from_year is None
             else f"{from_year}..{to_year}")
    return (f"no posts{f' of {platform}' if platform else ''} in the years {asked}; years with posts: "
            f"{years[0]}..{years[-1]}")


def check_window_has_posts(db: str, from_year: int | None, to_year: int | None, platform: str | None) -> None:
    """EmptyReportWindow when the database has posts but none in the window (no query for an open one)."""
    if from_year is None and to_year is None:
        return
    problem = empty_window(post_years(db, platform), from_year, to_year, platform)
    if problem:
        raise EmptyReportWindow(problem)
