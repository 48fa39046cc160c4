"""Which posts a run covers: a month range and a set of platforms.

Month granularity is deliberate: the load replaces an input file's data month by month
(platform, month), so a window that cut a month in half would replace the file's full month
with half of its posts.
Posts outside the window are not dropped silently: each becomes a reject row with a reason,
so accepted + rejected + duplicates still equals records read for every input file
(`pipelines.reading.keep_window.KeepWindow` in the job). No Beam here: the store and the CLI
read the window without importing it.
"""

from __future__ import annotations

from dataclasses import dataclass

from pipelines.reading.months import check_window

OUTSIDE_DATE_RANGE = "outside date range"
PLATFORM_NOT_SELECTED = "platform not selected"
OUTSIDE = "outside"


@dataclass(frozen=True)
class PostWindow:
    """Months `from_month`..`to_month` ('YYYY-MM', inclusive, None = open) of `platforms` (empty = all)."""

    from_month: str | None = None
    to_month: str | None = None
    platforms: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        check_window(self.from_month, self.to_month, self.platforms)
        object.__setattr__(self, "platforms", tuple(sorted(set(self.platforms))))

    def holds(self, platform: str, month: str) -> bool:
        """True when partition (platform, month) lies inside the window."""
        return self.reject_reason(platform, month) is None

    def reject_reason(self, platform: str, month: str) -> str | None:
        """Why a post of this platform and month is outside the window, or None."""
        if self.platforms and platform not in self.platforms:
            return PLATFORM_NOT_SELECTED
        if (self.from_month and month < self.from_month) or (self.to_month and month > self.to_month):
            return OUTSIDE_DATE_RANGE
        return None

    def contains(self, other: PostWindow) -> bool:
        """True when every partition of `other` is also in this window."""
        lower_ok = self.from_month is None or (other.from_month is not None and other.from_month >= self.from_month)
        upper_ok = self.to_month is None or (other.to_month is not None and other.to_month <= self.to_month)
        platforms_ok = not self.platforms or (bool(other.platforms) and set(other.platforms) <= set(self.platforms))
        return lower_ok and upper_ok and platforms_ok

    def describe(self) -> str:
        """'2019-01 to 2019-12, twitter' or 'all months, all platforms'."""
        if self.from_month and self.to_month:
            months = f"{self.from_month} to {self.to_month}"
        elif self.from_month or self.to_month:
            months = f"from {self.from_month}" if self.from_month else f"until {self.to_month}"
        else:
            months = "all months"
        return f"{months}, {', '.join(self.platforms) if self.platforms else 'all platforms'}"


def outside_row(post: dict, reason: str) -> dict:
    """The reject row of a post outside the window (no text: only where it came from), with the
    post's platform and post_id, which the rejects table does not keep (`OutsideLoaded` reads them)."""
    return {"source_file": post["source_file"], "record_no": post["record_no"], "reason": reason,
            "excerpt": f"{post['platform']} {post['post_id']} {post['month']}",
            "platform": post["platform"], "post_id": post["post_id"]}
