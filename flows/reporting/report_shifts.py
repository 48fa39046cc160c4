"""Word-shift charts of the report: for each pair of consecutive years, the terms that moved
the average valence of the words used, from the counts and the lexicon in force
(`sql/word_shift.sql`, the shifterator idea of Gallagher et al. 2021)."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Sequence

import duckdb
from matplotlib.figure import Figure
from matplotlib.patches import Patch

from flows.reporting.chart_text import drawable
from flows.reporting.png import save_no_data, save_png
from flows.store.db import records

SHIFT_TERMS = 15
MAX_PAIRS = 7
# (usage, relative) -> colour and legend text; greens push the average up, reds down
KINDS = {
    ("more", "+"): ("#1a7f37", "used more, more positive than the earlier average"),
    ("less", "-"): ("#7fc98f", "used less, more negative than the earlier average"),
    ("more", "-"): ("#c0392b", "used more, more negative than the earlier average"),
    ("less", "+"): ("#f1948a", "used less, more positive than the earlier average"),
}
ARROWS = {"more": "↑", "less": "↓"}

Row = dict[str, Any]


def shift_file(year_a: int, year_b: int) -> str:
    return f"word_shift_{year_a}_{year_b}.png"


def word_shift(con: duckdb.DuckDBPyConnection, from_a: str, to_a: str, from_b: str, to_b: str,
               platform: str | None) -> list[Row]:
    """Every lexicon term's contribution to the change between two windows (largest first)."""
    return records(con, "report_word_shift.sql", {"from_a": from_a, "to_a": to_a, "from_b": from_b, "to_b": to_b,
                                                  "platform": platform})


def consecutive_pairs(years: list[int]) -> list[tuple[int, int]]:
    """The last MAX_PAIRS pairs of consecutive years: the word-shift charts a report draws."""
    return [(a, b) for a, b in zip(years, years[1:]) if b == a + 1][-MAX_PAIRS:]


def consecutive_shifts(con: duckdb.DuckDBPyConnection, years: list[int],
                       platform: str | None) -> dict[tuple[int, int], list[Row]]:
    """{(year, next year): word shift} for each of `consecutive_pairs(years)`."""
    return {(a, b): word_shift(con, f"{a:04d}-01", f"{a:04d}-12", f"{b:04d}-01", f"{b:04d}-12", platform)
            for a, b in consecutive_pairs(years)}


def plot_shift(rows: list[Row], years: Sequence[int], path: Path | str, window: str) -> Path:
    """The word-shift chart of `years` (a, b) written to `path`; also called in the report's helper
    process, with JSON values (`flows.reporting.helper_process`)."""
    a, b = years
    path = Path(path)
    title = f"Why the words' average valence moved from {a} to {b}{window}"
    if not rows:
        return save_no_data(path, title)
    top, rest = rows[:SHIFT_TERMS], rows[SHIFT_TERMS:]
    change = rows[0]["change"]
    labels = [drawable(f"{r['term']} {ARROWS[r['usage']]}{r['relative']}  ({r['df_a']:,} → {r['df_b']:,} posts)")
              for r in top]
    values = [r["contribution"] for r in top]
    colors = [KINDS[(r["usage"], r["relative"])][0] for r in top]
    labels += [f"all other {len(rest):,} terms", "total change"]
    values += [sum(r["contribution"] for r in rest), change]
    colors += ["#b0b0b0", "#444444"]
    fig = Figure(figsize=(10.0, 7.5), layout="constrained")
    ax = fig.add_subplot()
    ys = list(range(len(values)))[::-1]  # largest at the top, the total at the bottom
    ax.barh(ys, values, color=colors)
    ax.set_yticks(ys, labels, fontsize=10)
    ax.axvline(0, color="#444", linewidth=0.8)
    ax.grid(axis="x", alpha=0.3)
    ax.set_xlabel(f"contribution to the change of the average valence ({rows[0]['average_a']:+.4f} in {a} → "
                  f"{rows[0]['average_b']:+.4f} in {b});\nbars sum to the total")  # two lines: one was cut off
    fig.legend(handles=[Patch(color=c, label=text) for c, text in KINDS.values()], loc="outside lower center",
               ncol=2, fontsize=9,
               title="↑ / ↓: used more / less in the later year; + / −: valence above / below the earlier year's average")
    fig.suptitle(title, fontsize=13)
    return save_png(fig, path)
