"""Lexicon charts of the report: the most positive / negative terms of each year and the
terms whose sentiment (chart) or emotions (table) drifted most between the first and the
second half of the window.

Both come from the additive counts of the window (`flows.reporting.window_lexicon`), turned into a
lexicon by the same engine, with the options of the lexicon that scored the posts (`window_spec`), so
any window of years and platform works.
A value counts only with enough evidence behind it: its support (the posts where the term
meets a seed or distant-label anchor) must reach a minimum, and is shown beside it.

A drift compares the two periods at the same support: a lexicon moves a prior word from its
prior, and a corpus value away from 0, by the support behind it (`pipelines.induction.induce.shrink`),
so the period where a term is commoner would read as a change even where its posts say the
same (a corpus split at random into a quarter and three quarters gave 108 such "drifts").
Each dimension of a term is taken at the smaller of its two supports
(`GeneralValues.shrunk`), which must reach the minimum in both periods. A drift carries a band:
each period's values are rebuilt from `DRIFT_REPLICATES` Poisson replicates of its counts
(`pipelines.induction.bootstrap.poisson_replicates`), and a change inside
t(0.975, replicates - 1) x sqrt(sd_a^2 + sd_b^2), or smaller than the smallest value a lexicon
keeps (`LexiconSpec.min_value`), is not called a drift.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import duckdb
import numpy as np
from matplotlib.figure import Figure
from scipy.special import stdtrit  # the t quantile scipy.stats.t.ppf returns, without importing scipy.stats (seconds)

from flows.reporting.chart_text import drawable
from flows.reporting.png import save_no_data, save_png
from flows.store.db import connect_read_only
from flows.store.views import add_report_window
from flows.reporting.window_lexicon import (
    frequent_terms_lexicon, general_values_of_terms, scale_terms, window_counts, window_lexicon, window_spec,
)
from pipelines.induction.bootstrap import DEFAULT_SEED, poisson_replicates
from pipelines.config import EMOTIONS, load_seeds
from pipelines.induction.induce import LexiconSpec
from pipelines.induction.lexicon import LexiconEntry

TOP_TERMS_FILE = "top_terms_by_year.png"
DRIFT_FILE = "sentiment_drift.png"
WIDE_FIGSIZE: tuple[float, float] = (13.33, 7.5)  # inches; a full 16:9 slide
YEAR_MIN_DF = 10  # a term needs this many posts in a year to rank in that year
YEAR_MIN_SUPPORT = 10  # ... and this many posts where it meets an anchor (its value's evidence)
DRIFT_MIN_DF = 20  # ... and this many posts in each half of the window to show a drift
DRIFT_MIN_SUPPORT = 10  # ... with this much support in each half
DRIFT_REPLICATES = 5  # Poisson replicates of each period's counts behind the drift band
TERMS_PER_SIDE = 5
DRIFT_TERMS = 15
MAX_YEAR_PANELS = 8
DIMENSIONS: tuple[str, ...] = ("sentiment", *EMOTIONS)  # what a drift is measured on
POSITIVE, NEGATIVE, BEFORE = "#2a9d4b", "#d1495b", "#8d99ae"

Row = dict[str, Any]


def lexicon_charts(db_path: str, years: list[int], platform: str | None, out_dir: str, window: str) -> list[Row]:
    """The report's top-terms and drift charts of a database, drawn into `out_dir`; returns the
    drift rows (the report's HTML table shows them). The report calls it in a helper process
    for a large window (`flows.reporting.helper_process`), so it takes and returns JSON values."""
    with connect_read_only(db_path) as con:
        add_report_window(con)
        spec, _ = window_spec(con)
        top_terms = top_terms_by_year(con, years, platform, spec)
        periods = halves(years)
        drift_rows = drift(con, periods, platform, spec) if periods else []
    plot_top_terms(top_terms, Path(out_dir) / TOP_TERMS_FILE, window)
    plot_drift(drift_rows, periods, Path(out_dir) / DRIFT_FILE, window)
    return drift_rows


def _supported(lexicon, min_df: int, min_support: int) -> list[LexiconEntry]:
    """General-layer entries of a window lexicon with at least `min_df` posts and `min_support`
    posts of evidence, words only (no bare numbers or punctuation)."""
    return [e for e in lexicon.general.values()
            if e.df >= min_df and e.support >= min_support
            and (any(ch.isalpha() for ch in e.term) or not e.term.isascii())]


def _ranked(lexicon, min_df: int, min_support: int) -> list[Row]:
    """The supported sentiment carriers of a window lexicon with their df, support and sentiment."""
    return [{"term": e.term, "df": e.df, "support": e.support, "sentiment": e.sentiment}
            for e in _supported(lexicon, min_df, min_support) if e.sentiment]


def top_terms_by_year(con: duckdb.DuckDBPyConnection, years: list[int], platform: str | None,
                      spec: LexiconSpec = LexiconSpec()) -> dict[int, list[Row]]:
    """{year: rows (term, df, sentiment, side)} for the last MAX_YEAR_PANELS years: the year's
    own lexicon (the engine on that year's counts, with `spec`), TERMS_PER_SIDE each way."""
    seeds = load_seeds()
    out = {}
    for year in years[-MAX_YEAR_PANELS:]:
        lexicon = window_lexicon(con, seeds, f"{year:04d}-01", f"{year:04d}-12", platform, spec, YEAR_MIN_DF)
        rows = _ranked(lexicon, YEAR_MIN_DF, YEAR_MIN_SUPPORT) if lexicon else []
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
          platform: str | None, spec: LexiconSpec = LexiconSpec(), replicates: int = DRIFT_REPLICATES,
          seed: int = DEFAULT_SEED) -> list[Row]:
    """Per dimension (sentiment, then each emotion), the DRIFT_TERMS terms whose value changed
    most between the two periods at equal support (each period's lexicon built with `spec`), among
    those whose change is larger than its band (see the module docstring)."""
    seeds = load_seeds()
    counts = [window_counts(con, f"{first:04d}-01", f"{last:04d}-12", platform) for first, last in periods]
    if any(c is None for c in counts):
        return []
    a, b = ({e.term: e for e in _supported(frequent_terms_lexicon(c, DRIFT_MIN_DF, seeds, spec), DRIFT_MIN_DF,
                                           DRIFT_MIN_SUPPORT)}
            for c in counts)
    common = sorted(a.keys() & b.keys())
    general_a, general_b = (general_values_of_terms(c, common, seeds, spec) for c in counts)
    support = np.minimum(general_a.support, general_b.support)
    values_a, values_b = (general.shrunk(spec, support) for general in (general_a, general_b))
    sd_a, sd_b = (replicate_sds(c, common, seeds, spec, replicates, seed, support) for c in counts)
    bands = float(stdtrit(replicates - 1, 0.975)) * np.hypot(sd_a, sd_b)
    rows = []
    for j, dimension in enumerate(DIMENSIONS):
        changed = []
        for i, term in enumerate(common):
            delta = float(values_b[i, j] - values_a[i, j])
            if support[i, j] >= DRIFT_MIN_SUPPORT and abs(delta) > max(bands[i, j], spec.min_value):
                changed.append({"dimension": dimension, "term": term, "df_a": a[term].df, "df_b": b[term].df,
                                "support_a": int(general_a.support[i, j]), "support_b": int(general_b.support[i, j]),
                                "value_a": float(values_a[i, j]), "value_b": float(values_b[i, j]), "delta": delta,
                                "band": float(bands[i, j])})
        changed.sort(key=lambda r: (-abs(r["delta"]), r["term"]))
        rows += changed[:DRIFT_TERMS]
    return rows


def replicate_sds(counts, terms: list[str], seeds, spec: LexiconSpec, replicates: int, seed: int,
                  support: np.ndarray) -> np.ndarray:
    """Standard deviations (terms x DIMENSIONS) of the terms' values at most at `support` over the
    lexicons of Poisson replicates of the counts (a term a replicate gives no evidence counts as 0
    there); NaN with fewer than two replicates."""
    if replicates < 2:
        return np.full(support.shape, np.nan)
    rng = np.random.default_rng(seed)
    needed = set(terms) | scale_terms(seeds, spec)  # the other terms' counts do not change these terms' values
    draws = [general_values_of_terms(replicate, terms, seeds, spec).shrunk(spec, support)
             for replicate in poisson_replicates(counts, rng, replicates, needed)]
    return np.std(draws, axis=0, ddof=1)


def plot_top_terms(by_year: dict[int, list[Row]], path: Path, window: str) -> Path:
    which = f", the last {MAX_YEAR_PANELS} years" if len(by_year) == MAX_YEAR_PANELS else ""
    title = f"Most positive and most negative terms of each year's own lexicon{which}{window}"
    years = [y for y, rows in by_year.items() if rows]
    if not years:
        return save_no_data(path, title)
    cols = min(4, len(years))
    rows_n = math.ceil(len(years) / cols)
    fig = Figure(figsize=WIDE_FIGSIZE, layout="constrained")
    axes = fig.subplots(rows_n, cols, sharex=True, squeeze=False).ravel()
    for ax, year in zip(axes, years):
        terms = sorted(by_year[year], key=lambda r: r["sentiment"])
        ax.barh(range(len(terms)), [r["sentiment"] for r in terms],
                color=[POSITIVE if r["sentiment"] > 0 else NEGATIVE for r in terms])
        ax.set_yticks(range(len(terms)), [drawable(f"{r['term']} (s = {r['support']:,})") for r in terms], fontsize=10)
        ax.axvline(0, color="#444", linewidth=0.8)
        ax.set_title(str(year), fontsize=12, fontweight="bold")
        ax.grid(axis="x", alpha=0.3)
    for ax in axes[len(years):]:
        ax.set_axis_off()
    fig.supxlabel(f"valence in the year's lexicon (VADER prior moved by the year's posts, or learned from them);\n"
                  f"terms in ≥ {YEAR_MIN_DF} posts of the year, s = posts where the term meets a seed or label "
                  f"(≥ {YEAR_MIN_SUPPORT})")
    fig.suptitle(title, fontsize=14)
    return save_png(fig, path)


def plot_drift(rows: list[Row], periods, path: Path, window: str) -> Path:
    label_a, label_b = (_period(p) for p in periods) if periods else ("", "")
    title = f"Sentiment drift: terms whose valence changed most, {label_a} → {label_b}{window}"
    rows = sorted((r for r in rows if r["dimension"] == "sentiment"), key=lambda r: r["delta"])
    if not rows:
        return save_no_data(path, title if periods else f"Sentiment drift{window}")
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
    ax.errorbar([r["value_b"] for r in rows], ys, xerr=[r["band"] for r in rows], fmt="none", ecolor="#555",
                elinewidth=1, capsize=3, zorder=2, label="95% band of the change")
    ax.set_yticks(list(ys), [drawable(f"{r['term']}  (s = {r['support_a']:,} → {r['support_b']:,})") for r in rows],
                  fontsize=11)
    ax.axvline(0, color="#444", linewidth=0.8)
    ax.set_xlabel(f"valence in each period's lexicon, both at the smaller support; only changes larger than their band "
                  f"are shown\ns = posts where the term meets a seed or label (≥ {DRIFT_MIN_SUPPORT} per period)")
    ax.grid(axis="x", alpha=0.3)
    fig.legend(title="Period", loc="outside lower center", ncol=3)
    fig.suptitle(title, fontsize=14)
    return save_png(fig, path)


def _period(p: tuple[int, int]) -> str:
    return str(p[0]) if p[0] == p[1] else f"{p[0]}–{p[1]}"
