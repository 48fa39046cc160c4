"""Lexicon charts of the report: the most positive / negative terms of each year and the
terms whose sentiment drifted most between the first and the second half of the window.

Both come from the additive counts of the window (`flows.window_lexicon`), turned into a
lexicon by the same engine that scored the posts, so any window of years and platform works.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import duckdb
from matplotlib.figure import Figure

from flows.window_lexicon import window_lexicon
from pipelines.config import load_seeds

TOP_TERMS_FILE = "top_terms_by_year.png"
DRIFT_FILE = "sentiment_drift.png"
WIDE_FIGSIZE: tuple[float, float] = (13.33, 7.5)  # inches; a full 16:9 slide
YEAR_MIN_DF = 10  # a term needs this many posts in a year to rank in that year
DRIFT_MIN_DF = 20  # ... and this many in each half of the window to show a drift
TERMS_PER_SIDE = 5
DRIFT_TERMS = 15
MAX_YEAR_PANELS = 8
POSITIVE, NEGATIVE, BEFORE = "#2a9d4b", "#d1495b", "#8d99ae"

Row = dict[str, Any]


def _ranked(lexicon, min_df: int) -> list[Row]:
    """General-layer terms of a window lexicon with their df and sentiment, carriers only."""
    return [{"term": e.term, "df": e.df, "sentiment": e.sentiment} for e in lexicon.general.values()
            if e.df >= min_df and e.sentiment and (any(ch.isalpha() for ch in e.term) or not e.term.isascii())]


def top_terms_by_year(con: duckdb.DuckDBPyConnection, years: list[int], platform: str | None) -> dict[int, list[Row]]:
    """{year: rows (term, df, sentiment, side)} for the last MAX_YEAR_PANELS years: the year's
    own lexicon (the engine on that year's counts), TERMS_PER_SIDE each way."""
    seeds = load_seeds()
    out = {}
    for year in years[-MAX_YEAR_PANELS:]:
        lexicon = window_lexicon(con, seeds, f"{year:04d}-01", f"{year:04d}-12", platform)
        rows = _ranked(lexicon, YEAR_MIN_DF) if lexicon else []
        up = sorted((r for r in rows if r["sentiment"] > 0), key=lambda r: (-r["sentiment"], r["term"]))
        down = sorted((r for r in rows if r["sentiment"] < 0), key=lambda r: (r["sentiment"], r["term"]))
        out[year] = ([{**r, "side": "positive"} for r in up[:TERMS_PER_SIDE]]
                     + [{**r, "side": "negative"} for r in down[:TERMS_PER_SIDE]])
    return out


def halves(years: list[int]) -> tuple[tuple[int, int], tuple[int, int]] | None:
    """The window split into two periods of whole years (earlier half, later half)."""
    if len(years) < 2:
        return None
    first, last = years[0], years[-1]
    middle = first + (last - first + 1) // 2 - 1
    return (first, middle), (middle + 1, last)


def drift(con: duckdb.DuckDBPyConnection, periods: tuple[tuple[int, int], tuple[int, int]],
          platform: str | None) -> list[Row]:
    """The DRIFT_TERMS terms whose sentiment changed most between the two periods' lexicons."""
    seeds = load_seeds()
    (from_a, to_a), (from_b, to_b) = periods
    lex_a = window_lexicon(con, seeds, f"{from_a:04d}-01", f"{to_a:04d}-12", platform)
    lex_b = window_lexicon(con, seeds, f"{from_b:04d}-01", f"{to_b:04d}-12", platform)
    if lex_a is None or lex_b is None:
        return []
    a = {r["term"]: r for r in _ranked(lex_a, DRIFT_MIN_DF)}
    b = {r["term"]: r for r in _ranked(lex_b, DRIFT_MIN_DF)}
    rows = [{"dimension": "sentiment", "term": t, "df_a": a[t]["df"], "df_b": b[t]["df"],
             "value_a": a[t]["sentiment"], "value_b": b[t]["sentiment"],
             "delta": b[t]["sentiment"] - a[t]["sentiment"]} for t in a.keys() & b.keys()]
    rows.sort(key=lambda r: (-abs(r["delta"]), r["term"]))
    return [r for r in rows[:DRIFT_TERMS] if r["delta"]]


def plot_top_terms(by_year: dict[int, list[Row]], path: Path, window: str, no_data) -> Path:
    title = f"Most positive and most negative terms of each year (the year's own lexicon){window}"
    years = [y for y, rows in by_year.items() if rows]
    if not years:
        return no_data(path, title)
    if len(by_year) == MAX_YEAR_PANELS:
        title = title.replace(" of each year", f" of each year (last {MAX_YEAR_PANELS} at most)")
    cols = min(4, len(years))
    rows_n = math.ceil(len(years) / cols)
    fig = Figure(figsize=WIDE_FIGSIZE, layout="constrained")
    axes = fig.subplots(rows_n, cols, sharex=True, squeeze=False).ravel()
    for ax, year in zip(axes, years):
        terms = sorted(by_year[year], key=lambda r: r["sentiment"])
        ax.barh(range(len(terms)), [r["sentiment"] for r in terms],
                color=[POSITIVE if r["sentiment"] > 0 else NEGATIVE for r in terms])
        ax.set_yticks(range(len(terms)), [r["term"] for r in terms], fontsize=10)
        ax.axvline(0, color="#444", linewidth=0.8)
        ax.set_title(str(year), fontsize=12, fontweight="bold")
        ax.grid(axis="x", alpha=0.3)
    for ax in axes[len(years):]:
        ax.set_axis_off()
    fig.supxlabel(f"valence in the year's lexicon (VADER prior moved by the year's posts, or learned from them); "
                  f"terms in ≥ {YEAR_MIN_DF} posts of the year")
    fig.suptitle(title, fontsize=14)
    return _save(fig, path)


def plot_drift(rows: list[Row], periods, path: Path, window: str, no_data) -> Path:
    label_a, label_b = (_period(p) for p in periods) if periods else ("", "")
    title = f"Sentiment drift: terms whose valence changed most, {label_a} → {label_b}{window}"
    rows = sorted((r for r in rows if r["dimension"] == "sentiment"), key=lambda r: r["delta"])
    if not rows:
        return no_data(path, title if periods else f"Sentiment drift{window}")
    fig = Figure(figsize=WIDE_FIGSIZE, layout="constrained")
    ax = fig.add_subplot()
    ys = range(len(rows))
    for y, r in zip(ys, rows):
        color = POSITIVE if r["delta"] > 0 else NEGATIVE
        ax.annotate("", xy=(r["value_b"], y), xytext=(r["value_a"], y),
                    arrowprops={"arrowstyle": "-|>", "color": color, "linewidth": 2})
    ax.scatter([r["value_a"] for r in rows], ys, color=BEFORE, s=40, zorder=3, label=label_a)
    ax.scatter([r["value_b"] for r in rows], ys, color=[POSITIVE if r["delta"] > 0 else NEGATIVE for r in rows],
               s=40, zorder=3, label=f"{label_b} (green: rose, red: fell)")
    ax.set_yticks(list(ys), [f"{r['term']}  (n = {r['df_a']} → {r['df_b']})" for r in rows], fontsize=11)
    ax.axvline(0, color="#444", linewidth=0.8)
    ax.set_xlabel(f"valence in each period's lexicon; terms in ≥ {DRIFT_MIN_DF} posts of each period")
    ax.grid(axis="x", alpha=0.3)
    fig.legend(title="Period", loc="outside lower center", ncol=2)
    fig.suptitle(title, fontsize=14)
    return _save(fig, path)


def _period(p: tuple[int, int]) -> str:
    return str(p[0]) if p[0] == p[1] else f"{p[0]}–{p[1]}"


def _save(fig: Figure, path: Path) -> Path:
    fig.savefig(path, dpi=120, format="png")
    return path
