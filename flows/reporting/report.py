"""Render mipulse's yearly charts (PNG) and one self-contained HTML report from a DuckDB
database: sentiment shares with 95% intervals, emotion shares, topic volume, the top
terms of each year and the sentiment drift between the two halves of the window.

The database is opened read-only, so the views must already exist: the loader creates
them with :func:`flows.store.views.create_views`. Every chart is written even when there is
nothing to draw (it then says "no data"), so a report run never fails on an empty window.
"""

from __future__ import annotations

import math
import shutil
from collections.abc import Iterable, Mapping
from contextlib import ExitStack
from pathlib import Path
from typing import Any

import duckdb
import matplotlib

matplotlib.use("Agg")  # headless: Prefect workers and CI have no display

from matplotlib.figure import Figure  # noqa: E402  (after the backend is chosen)
from matplotlib.ticker import FuncFormatter, MaxNLocator, PercentFormatter  # noqa: E402

import sql  # noqa: E402
from flows.reporting import report_html, report_lexicon, report_shifts  # noqa: E402
from flows.reporting.adjusted import AdjustedSentiment, adjust_sentiment  # noqa: E402
from flows.reporting.helper_process import HelperProcess, helper_for  # noqa: E402
from flows.reporting.intervals import (  # noqa: E402
    EMOTION, SENTIMENT, LexiconIntervals, lexicon_intervals, with_mean_intervals, with_share_intervals,
)
from flows.store.db import connect_read_only, records  # noqa: E402
from flows.store.history import history_warnings  # noqa: E402
from flows.reporting.png import FIGSIZE, save_no_data, save_png  # noqa: E402
from flows.reporting.publish import publish_folder, staging_folder  # noqa: E402
from flows.reporting.window_lexicon import window_spec  # noqa: E402
from flows.store.views import TABLE_MACROS, VIEWS, add_report_window  # noqa: E402
from pipelines.induction.bootstrap import DEFAULT_REPLICATES  # noqa: E402
from pipelines.config import load_seeds  # noqa: E402
from pipelines.errors import BadInput  # noqa: E402
from pipelines.evaluation.labelled import left_out_note  # noqa: E402
from pipelines.gc_passes import fewer_gc_passes  # noqa: E402
from pipelines.induction.priors import query_terms  # noqa: E402

DODGE = 0.012  # gap between neighbouring labels' error bars, as a fraction of the years shown
SENTIMENT_FILE = "sentiment_share_by_platform.png"
ADJUSTED_FILE = "sentiment_share_adjusted.png"
ADJUSTED_TABLE = "sentiment_share_adjusted.csv"
LABEL_SHARES_NOTE = ("These are shares of labels. If the model mislabels posts alike in every year (one confusion "
                     "matrix), changes between years read smaller than they are (at 40-60 % of their size on "
                     "labelled posts); where its errors differ by year, a change can also be the model's own "
                     "(SemEval tweets: 12.1 % labelled negative in 2011, 17.5 % in 2015, 15.7 % truly negative in "
                     "both; docs/intervals.md). --labelled with posts you labelled adjusts them, under the same "
                     "assumption.")
EMOTION_FILE = "emotion_shares.png"
RARE_EMOTIONS_NOTE = ("The dominant emotion is the most probable of the eight, so rare ones are seldom it: on "
                      "held-out labelled tweets, trust, surprise and anticipation led 0-0.6 % of tweets, while "
                      "people saw them in 4-14 % (post_scores.emotion_labels holds them more often; "
                      "docs/lexicons.md).")
TOPIC_FILE = "topic_volume.png"
TOPIC_TERMS = 3  # top terms per topic and year in the HTML table
TOPIC_TERMS_QUERIED = 10  # ... picked from this many, once topic keywords are left out
LOG_SCALE_RATIO = 20  # topic shares further apart than this are drawn on a log scale
#: from this many posts in the window the lexicon charts are drawn by a helper process: below,
#: its imports (~1.3 s) would take longer than the lexicons (0.3 s of a 1,000-post report)
LEXICON_HELPER_POSTS = 20_000
#: the helper processes a run starts before its Beam job for the report it renders afterwards
#: (`flows.reporting.helper_process.helpers_started_early`): the word-shift charts' helper, which every
#: report of two years or more starts anyway (a lexicon helper started early would be work added to the
#: small windows whose lexicon charts this process draws itself)
EARLY_HELPERS = (report_shifts.__name__,)

SENTIMENT_COLORS = {"positive": "#2a9d4b", "negative": "#d1495b", "neutral": "#8d99ae"}
SENTIMENT_ORDER = ("positive", "negative", "neutral")
# Okabe & Ito's eight colours, told apart with the common colour-vision deficiencies too (the
# former Plutchik colours were not: sadness / disgust, trust / anticipation under protanopia),
# each with its own marker so that print in grey still works.
EMOTION_COLORS = {
    "anger": "#D55E00", "anticipation": "#E69F00", "disgust": "#CC79A7", "fear": "#000000",
    "joy": "#F0E442", "sadness": "#0072B2", "surprise": "#56B4E9", "trust": "#009E73",
}
EMOTION_MARKERS = {
    "anger": "o", "anticipation": "s", "disgust": "^", "fear": "D",
    "joy": "v", "sadness": "P", "surprise": "X", "trust": "*",
}

Row = dict[str, Any]


def render_report(
    db_path: str | Path,
    out_dir: str | Path,
    *,
    from_year: int | None = None,
    to_year: int | None = None,
    platform: str | None = None,
    interval_replicates: int | None = None,
    labelled: str | Path | None = None,
) -> list[Path]:
    """Write the charts (PNG) and ``report.html`` (charts embedded) for ``db_path`` into ``out_dir``.

    Optional filters: years ``from_year``..``to_year`` (inclusive) and one ``platform``.
    ``interval_replicates``: bootstrap replicates of the lexicon-aware intervals
    (`flows.reporting.intervals`; None: `DEFAULT_REPLICATES`; 0 draws the Wilson intervals only).
    ``labelled``: posts of this corpus labelled negative / neutral / positive by hand: the report
    adds the yearly sentiment shares adjusted by their confusion matrix (`flows.reporting.adjusted`).
    Returns the written paths in a fixed order: the PNGs, the adjusted shares as CSV (with
    ``labelled``), then the HTML report. Everything is
    rendered into a private folder first and published at once (`flows.reporting.publish`): a failed or
    killed render leaves the previous report as it was.
    """
    db_path, out_dir = Path(db_path), Path(out_dir)
    if not db_path.is_file():
        raise FileNotFoundError(f"{db_path}: no such DuckDB database")
    staging = staging_folder(out_dir)  # written there, then published all at once
    try:
        replicates = DEFAULT_REPLICATES if interval_replicates is None else interval_replicates
        with fewer_gc_passes():  # its lexicons and intervals allocate like the job
            written = _render_into(db_path, staging, from_year, to_year, platform, replicates, labelled)
        publish_folder(staging, out_dir, [path.name for path in written])
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return [out_dir / path.name for path in written]


def _render_into(db_path: Path, out_dir: Path, from_year: int | None, to_year: int | None,
                 platform: str | None, interval_replicates: int, labelled: str | Path | None) -> list[Path]:
    params = {"from_year": from_year, "to_year": to_year, "platform": platform}
    with ExitStack() as helper_scope:
        with connect_read_only(db_path) as con:
            _require_views(con, db_path)
            add_report_window(con)
            year_months = records(con, "report_years.sql", params)
            years = [r["year"] for r in year_months]
            window = _window_label(from_year, to_year, platform)
            # the word-shift charts are drawn by a helper process (it imports meanwhile), the others here
            shifts = report_shifts.consecutive_shifts(con, years, platform)
            if shifts:
                shift_helper = helper_scope.enter_context(helper_for(report_shifts.__name__))
                shift_helper.send([("plot_shift", [rows, pair, str(out_dir / report_shifts.shift_file(*pair)), window])
                                   for pair, rows in shifts.items()])
            # ... and so are the lexicon charts of a large window, while this process computes the intervals
            lexicon_arguments = [str(db_path), years, platform, str(out_dir), window]
            lexicon_helper = None
            if sum(r["posts"] for r in year_months) >= LEXICON_HELPER_POSTS:
                lexicon_helper = helper_scope.enter_context(HelperProcess(report_lexicon.__name__))
                lexicon_helper.send([("lexicon_charts", lexicon_arguments)])
            intervals = lexicon_intervals(con, interval_replicates)
            sentiment = with_share_intervals(records(con, "report_sentiment_share.sql", params), intervals,
                                             SENTIMENT, "sentiment_label")
            monthly = with_share_intervals(records(con, "report_monthly_sentiment_share.sql", params), intervals,
                                           SENTIMENT, "sentiment_label", period="month")
            emotions = with_share_intervals(records(con, "report_emotion_share.sql", params), intervals,
                                            EMOTION, "emotion")
            adjusted = adjust_sentiment(con, labelled, sentiment) if labelled else None
            means = with_mean_intervals(records(con, "report_mean_score.sql", params), intervals)
            topics = records(con, "report_topic_volume.sql", params)
            topic_terms = records(con, "report_topic_terms.sql",
                                 {"from_year": from_year, "to_year": to_year, "per_topic": TOPIC_TERMS_QUERIED})
            platform_models = records(con, "report_platform_models.sql", params)
            _, lexicons_differ = window_spec(con)
            runs = con.execute(sql.read("report_runs.sql")).fetchall()
            warnings = history_warnings(con) + [w for w in (
                report_html.undated_note(records(con, "report_undated.sql", {})),
                report_html.language_note(records(con, "report_language_rejects.sql", {}))) if w]
        partial = {r["year"]: f"{r['first_month']}..{r['last_month']}" for r in year_months if r["months"] < 12}
        topic_terms = _without_topic_keywords(topic_terms)
        how = _interval_note(intervals, interval_replicates)
        charts = [
            (_plot_sentiment(sentiment, out_dir / SENTIMENT_FILE, window, partial),
             f"Share of posts per sentiment label, per year and platform. {how} {LABEL_SHARES_NOTE}"
             f"{platform_models_note(platform_models)}{missing_years_note(years)}"),
            (_plot_emotions(emotions, out_dir / EMOTION_FILE, window, partial),
             "Share of posts whose dominant emotion is each of Plutchik's eight, among posts with emotion evidence. "
             f"{how} If the model errs alike in every year, these shares understate changes between years too "
             f"(docs/intervals.md). {RARE_EMOTIONS_NOTE}"),
            (_plot_topics(topics, out_dir / TOPIC_FILE, window, partial),
             "Share of the year's posts carrying each topic's keywords (shares, not counts: sampled exports often cap "
             "the posts per day, so counts say nothing about volume)."),
            (out_dir / report_lexicon.TOP_TERMS_FILE,
             "The most positive and most negative terms of each year's own lexicon (the scoring engine on that year's "
             "posts); s: the posts where the term meets a seed or label, the evidence behind its value."
             f"{window_lexicons_note(lexicons_differ)}"),
            (out_dir / report_lexicon.DRIFT_FILE,
             "Terms whose valence changed most between the lexicons of the earlier and the later half of the window "
             "(grey: earlier; arrow head: later; bar: the 95% band of the change, from replicate lexicons; only "
             f"changes outside their band, on terms with enough support s, are shown).{window_lexicons_note(lexicons_differ)}"),
        ]
        if adjusted is not None:
            charts.insert(1, (_plot_sentiment(adjusted.rows, out_dir / ADJUSTED_FILE, window, partial,
                                              what="Sentiment share adjusted by your labelled posts"),
                              _adjusted_note(adjusted, labelled)))
        if shifts:
            posts = {r["year"]: r["posts"] for r in year_months}
            charts += [(Path(path), shift_caption(pair, posts)) for path, pair in zip(shift_helper.results(), shifts)]
        drift = lexicon_helper.results()[0] if lexicon_helper else report_lexicon.lexicon_charts(*lexicon_arguments)
    tables = [
        ("Yearly sentiment shares (%)", report_html.sentiment_table(sentiment)),
        *([("Yearly sentiment shares adjusted by your labelled posts (%)",
            report_html.sentiment_table(adjusted.rows, intervals="(95% bootstrap)")),
           ("Your labelled posts as the lexicon in force labels them (rows: your label)",
            report_html.confusion_table(adjusted.confusion))] if adjusted is not None else []),
        ("Yearly mean sentiment score", report_html.mean_score_table(means)),
        ("Yearly dominant-emotion shares (%)", report_html.emotion_table(emotions)),
        ("Top nPMI terms per topic and year (all platforms)", report_html.topic_terms_table(topic_terms)),
        ("Emotion drift: largest changes per emotion", report_html.emotion_drift_table(drift)),
        ("Monthly sentiment shares (%)", report_html.sentiment_table(monthly, period="month")),
    ]
    html = report_html.write_html(out_dir, f"mipulse report{window}",
                                  report_html.generated_line(db_path, runs, warnings),
                                  charts, tables)
    data = [adjusted.write_csv(out_dir / ADJUSTED_TABLE)] if adjusted is not None else []
    return [path for path, _ in charts] + data + [html]


def platform_models_note(platform_models: list[Row]) -> str:
    """A caption's warning when the window mixes platforms scored by a sentiment model of their own
    platform (`sql/report_platform_models.sql`) with platforms scored by the general one."""
    own = [r["platform"] for r in platform_models if r["own_model"]]
    if not own or len(own) == len(platform_models):
        return ""
    return (f" Posts of {' and '.join(own)} are labelled by a sentiment model fitted on posts of that platform, the "
            "others by the general model of the lexicon, so the same words can get another label there: compare "
            "platforms with that in mind (docs/lexicons.md).")


def window_lexicons_note(why_not: str) -> str:
    """A lexicon chart's warning when its window lexicons cannot have the definition of the lexicon that
    scored the posts (`window_spec`): they are then mipulse's default lexicons of the window's posts."""
    if not why_not:
        return ""
    return (f" These are mipulse's default lexicons of the posts, not the lexicon that scored them: {why_not}. "
            "Its own values: the lexicon table joined to the lexicon_in_force view (docs/sql.md).")


def missing_years_note(years: list[int]) -> str:
    """A caption's sentence naming the years without posts between the first and the last of `years`
    (sorted): with 2014, 2016 and 2018 loaded, the lines had joined across 2015 and 2017 and no word
    shift was drawn, with no word why."""
    missing = sorted(set(range(years[0], years[-1] + 1)) - set(years)) if years else []
    if not missing:
        return ""
    those = "that year" if len(missing) == 1 else "those years"
    return (f" No posts in {year_spans(missing)}: the yearly charts' lines join across {those}, and no word "
            f"shift spans {'it' if len(missing) == 1 else 'them'} (each compares a year with the next).")


def year_spans(years: list[int]) -> str:
    """Sorted years as text, runs as spans: [2015, 2017, 2018, 2019] -> '2015 and 2017–2019'."""
    spans: list[list[int]] = []
    for year in years:
        if spans and year == spans[-1][-1] + 1:
            spans[-1].append(year)
        else:
            spans.append([year])
    texts = [f"{s[0]}–{s[-1]}" if len(s) > 1 else str(s[0]) for s in spans]
    return texts[0] if len(texts) == 1 else f"{', '.join(texts[:-1])} and {texts[-1]}"


def shift_caption(pair: tuple[int, int], posts: Mapping[int, int]) -> str:
    """A word-shift chart's caption, with the posts of its two years (`posts`: year -> posts in the window):
    a shift between a year of 31 posts and one of 3,050 had looked as solid as any other."""
    a, b = pair
    return (f"Word shift {a} → {b} ({posts[a]:,} posts in {a}, {posts[b]:,} in {b}): the terms that moved the "
            "average valence of the words used "
            "(each lexicon word weighted by the posts that hold it), from the counts and the lexicon in force. "
            "Green bars pushed it up, red bars down; the bars of all terms add up to the total change.")


class ReportViewsMissing(BadInput, RuntimeError):
    """The database lacks the views the report reads (not a mipulse database, or made by another version)."""


def _require_views(con: duckdb.DuckDBPyConnection, db_path: Path) -> None:
    found = {name for (name,) in con.execute(sql.read("report_objects.sql")).fetchall()}
    missing = [v for v in (*VIEWS, *TABLE_MACROS) if v not in found]
    if missing:
        raise ReportViewsMissing(
            f"{db_path}: report views missing ({', '.join(missing)}); create them on a "
            "writable connection with flows.store.views.create_views (the loader does this)"
        )


def _window_label(from_year: int | None, to_year: int | None, platform: str | None) -> str:
    parts = []
    if from_year is not None or to_year is not None:
        parts.append(f"{from_year if from_year is not None else '…'}–{to_year if to_year is not None else '…'}")
    parts.append(f"platform: {platform}" if platform else "all platforms")
    return f" ({', '.join(parts)})"


def _plot_sentiment(rows: list[Row], path: Path, window: str, partial: Mapping[int, str],
                    what: str = "Sentiment share") -> Path:
    title = f"{what} by platform, per year{window}"
    if not rows:
        return save_no_data(path, title)
    platforms, labels, step = _share_layout(rows, "sentiment_label", first=SENTIMENT_ORDER)
    fig, axes = _panels(len(platforms))
    for ax, platform in zip(axes, platforms):
        mine = [r for r in rows if r["platform"] == platform]
        for i, label in enumerate(labels):
            series = [r for r in mine if r["sentiment_label"] == label]
            years, share, low, high = _columns(series, "year", "share", "ci_low", "ci_high")
            lex_low, lex_high = _columns(series, "lex_low", "lex_high")
            dodge = (i - (len(labels) - 1) / 2) * step  # keep the labels' error bars apart
            xs = [y + dodge for y in years]
            color = SENTIMENT_COLORS.get(label, f"C{i}")
            ax.errorbar(xs, share, yerr=_yerr(share, *_widest(low, high, lex_low, lex_high)), label=label,
                        marker="o", markersize=4, capsize=3, linewidth=1.8 if label != "neutral" else 1.0,
                        linestyle="-" if label != "neutral" else "--", color=color)
            ax.vlines(xs, low, high, colors=color, linewidth=4, alpha=0.35)  # the Wilson (posts only) part
        total = sum({r["year"]: r["total"] for r in mine}.values())
        _share_panel(ax, f"{platform} (n = {total:,})", partial)
    return _finish_share_panels(fig, axes, "Share of posts (95% intervals)", title, "Label", partial, path)


def _plot_emotions(rows: list[Row], path: Path, window: str, partial: Mapping[int, str]) -> Path:
    title = f"Dominant-emotion shares by platform, per year{window}"
    rows = [r for r in rows if r["share"] is not None]  # years with no emotion evidence
    if not rows:
        return save_no_data(path, title)
    platforms, emotions, step = _share_layout(rows, "emotion")
    fig, axes = _panels(len(platforms))
    for ax, platform in zip(axes, platforms):
        mine = [r for r in rows if r["platform"] == platform]
        for i, emotion in enumerate(emotions):
            series = [r for r in mine if r["emotion"] == emotion]
            years, share, low, high, lex_low, lex_high = _columns(
                series, "year", "share", "ci_low", "ci_high", "lex_low", "lex_high")
            dodge = (i - (len(emotions) - 1) / 2) * step / 2
            ax.errorbar([y + dodge for y in years], share, yerr=_yerr(share, *_widest(low, high, lex_low, lex_high)),
                        marker=EMOTION_MARKERS.get(emotion, "o"), markersize=4, linewidth=1.4, capsize=2,
                        elinewidth=0.9, color=EMOTION_COLORS.get(emotion), label=emotion)
        _share_panel(ax, platform, partial)
    return _finish_share_panels(fig, axes, "Share of posts with a dominant emotion (95% intervals)", title,
                                "Emotion", partial, path)


def _share_layout(rows: list[Row], series: str, first: tuple[str, ...] = ()) -> tuple[list[str], list[str], float]:
    """A yearly share chart's panels (platforms), its series (values of `series`) and the unit
    of the sideways dodge that keeps the series' error bars apart."""
    years_shown = {r["year"] for r in rows}
    return (_ordered({r["platform"] for r in rows}), _ordered({r[series] for r in rows}, first=first),
            DODGE * max(1, max(years_shown) - min(years_shown)))


def _share_panel(ax, title: str, partial: Mapping[int, str]) -> None:
    """One platform's panel of yearly shares: its title, year axis, percent scale and grid."""
    ax.set_title(title)
    _year_axis(ax, partial)
    ax.yaxis.set_major_formatter(PercentFormatter(1.0, decimals=0))
    ax.grid(alpha=0.3)


def _finish_share_panels(fig, axes, ylabel: str, title: str, legend_title: str, partial: Mapping[int, str],
                         path: Path) -> Path:
    axes[0].set_ylim(bottom=0)  # after every panel is drawn: the y axis is shared
    axes[0].set_ylabel(ylabel)
    fig.supxlabel(_year_label(partial))
    fig.suptitle(title)
    fig.legend(*axes[0].get_legend_handles_labels(), loc="outside right upper", title=legend_title)
    return save_png(fig, path)


def _plot_topics(rows: list[Row], path: Path, window: str, partial: Mapping[int, str]) -> Path:
    title = f"Share of posts per topic, per year{window}"
    if not rows:
        return save_no_data(path, title)
    topics = list(dict.fromkeys(r["topic"] for r in rows))  # the query orders busiest first
    colors = matplotlib.colormaps["tab10" if len(topics) <= 10 else "tab20"]
    fig, (ax,) = _panels(1)
    for i, topic in enumerate(topics):
        years, share = _columns([r for r in rows if r["topic"] == topic], "year", "share")
        ax.plot(years, share, marker="o", markersize=4, linewidth=1.8,
                color=colors(i % colors.N), label=topic.replace("_", " "))
    _year_axis(ax, partial)
    shares = sorted(r["share"] for r in rows if r["share"])
    if shares and shares[-1] > LOG_SCALE_RATIO * shares[0]:  # e.g. the scrape's own query topic on every post
        ax.set_yscale("log")
    else:
        ax.set_ylim(bottom=0)
    ax.yaxis.set_major_formatter(PercentFormatter(1.0, decimals=1))
    ax.set_xlabel(_year_label(partial))
    ax.set_ylabel("Share of the year's posts" + (" (log scale)" if ax.get_yscale() == "log" else ""))
    ax.grid(alpha=0.3)
    fig.suptitle(title)
    fig.legend(loc="outside right upper", title="Topic")
    return save_png(fig, path)


def _panels(n: int) -> tuple[Figure, list[Any]]:
    fig = Figure(figsize=FIGSIZE, layout="constrained")
    axes = fig.subplots(1, n, sharey=True, squeeze=False)[0]
    return fig, list(axes)


def _columns(rows: list[Row], *names: str) -> tuple[list[float], ...]:
    """Column lists from rows; SQL NULL becomes NaN so matplotlib leaves a gap."""
    return tuple([float("nan") if r[n] is None else r[n] for r in rows] for n in names)


def _yerr(share: list[float], low: list[float], high: list[float]) -> list[list[float]]:
    # max(0, ·): rounding can put a bound a hair past the share; errorbar rejects negatives
    return [[max(0.0, s - lo) for s, lo in zip(share, low)], [max(0.0, hi - s) for s, hi in zip(share, high)]]


def _widest(*bounds: list[float]) -> tuple[list[float], list[float]]:
    """(low, high) of each point: the lexicon-aware bounds where there are some, else Wilson's."""
    low, high, lex_low, lex_high = bounds
    pick = [not math.isnan(v) for v in lex_low]
    return ([lx if p else w for lx, w, p in zip(lex_low, low, pick)],
            [hx if p else w for hx, w, p in zip(lex_high, high, pick)])


def _adjusted_note(adjusted: AdjustedSentiment, labelled: str | Path) -> str:
    """The adjusted chart's caption: what was done, with which posts, and what was not adjusted."""
    skipped = "; ".join(f"{platform}: {why}" for platform, why in adjusted.not_adjusted.items())
    left_out = f" {note}" if (note := left_out_note(adjusted.rejected)) else ""
    found = (f"{adjusted.in_database:,} of them are posts of this database" if adjusted.in_database else
             "none of them is a post of this database (by id): the matrix holds only if they are like its posts")
    return (f"Each platform's yearly label counts solved back through the confusion matrix of the "
            f"{adjusted.posts:,} posts of {Path(labelled).name} ({found}) as the lexicon in force labels them "
            f"(adjusted classify and count; docs/intervals.md). 95% bootstrap intervals: the year's posts and the "
            f"labelled posts redrawn (not the lexicon's uncertainty)."
            + (f" Not adjusted: {skipped}." if skipped else "") + left_out)


def _interval_note(intervals: LexiconIntervals | None, replicates: int) -> str:
    if intervals is None and not replicates:
        return ("Bars are 95% Wilson intervals (posts only): lexicon-aware intervals were not asked for "
                "(--interval-replicates 0).")
    if intervals is None:
        return "Bars are 95% Wilson intervals (posts only; no lexicon to resample)."
    if not intervals.lexicon_resampled:
        return ("Bars are 95% Wilson intervals: the lexicon in force was not induced from these posts "
                "(a lexicon file, other seeds, or an earlier version of mipulse's engine), so its uncertainty is not "
                "resampled.")
    return (f"Thin bars: 95% intervals that include the lexicon's uncertainty ({intervals.replicates} bootstrap "
            f"lexicons re-induced from {intervals.posts:,} resampled posts, the ones the lexicon in force was "
            f"induced from; {intervals.rescored:,} posts re-scored; docs/intervals.md); thick pale bars: the Wilson "
            "part (which posts were drawn).")


def _year_axis(ax: Any, partial: Mapping[int, str]) -> None:
    """Whole years as plain numbers (never an offset like '+2.016e3'), partial ones starred;
    one year alone gets a year of room either side."""
    # "auto": as many whole-year ticks as fit the panel's width, so narrow panels stay legible
    ax.xaxis.set_major_locator(MaxNLocator(nbins="auto", integer=True))
    ax.xaxis.set_major_formatter(FuncFormatter(
        lambda x, _: f"{int(x)}{'*' if int(x) in partial else ''}" if float(x).is_integer() else ""))
    low, high = ax.dataLim.intervalx
    if high - low < 1:  # one year: matplotlib would widen it by 5 % of 2016, i.e. a century
        middle = round((low + high) / 2)
        ax.set_xlim(middle - 1, middle + 1)


def _year_label(partial: Mapping[int, str]) -> str:
    if not partial:
        return "Year"
    spans = ", ".join(f"{year}: {span}" for year, span in sorted(partial.items()))
    return f"Year (* partial year, months with posts {spans})"


def _without_topic_keywords(rows: list[Row]) -> list[Row]:
    """The first TOPIC_TERMS of each topic and year that are no topic keyword or part of one."""
    keywords = query_terms(load_seeds())
    kept: dict[tuple, int] = {}
    out = []
    for r in rows:
        key = (r["topic"], r["year"])
        if r["term"] not in keywords and kept.get(key, 0) < TOPIC_TERMS:
            kept[key] = kept.get(key, 0) + 1
            out.append(r)
    return out


def _ordered(values: Iterable[str], first: tuple[str, ...] = ()) -> list[str]:
    """`first` (those present) in its order, then the rest alphabetically."""
    values = set(values)
    return [v for v in first if v in values] + sorted(values - set(first))
