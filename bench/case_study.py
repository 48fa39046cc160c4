"""The generated blocks of docs/case-study.md, from a database loaded from the climate sample,
with the report's own functions (`bench/sql_docs.py` writes them into the document)."""

from __future__ import annotations

import time
from typing import Any

import sql
from flows.reporting import report_lexicon, report_shifts
from flows.store.db import connect_read_only
from flows.store.views import add_report_window
from flows.reporting.intervals import EMOTION, SENTIMENT, lexicon_intervals, with_mean_intervals, with_share_intervals
from pipelines.induction.bootstrap import DEFAULT_REPLICATES

Row = dict[str, Any]
PARAMS = {"from_year": None, "to_year": None, "platform": None}
SHIFT_PAIRS, SHIFT_TERMS, TOP_EMOTIONS = 2, 8, 3


def rows(con, name: str, params: dict = PARAMS) -> list[Row]:
    cursor = con.execute(sql.read(name), params)
    columns = [d[0] for d in cursor.description]
    return [dict(zip(columns, r)) for r in cursor.fetchall()]


def pct(value: float | None) -> str:
    return "–" if value is None else f"{100 * value:.1f}"


def share_cell(r: Row) -> str:
    return f"{pct(r['share'])} [{pct(r['lex_low'])}–{pct(r['lex_high'])}] ({pct(r['ci_low'])}–{pct(r['ci_high'])})"


def table(headers: list[str], body: list[list[Any]]) -> str:
    lines = ["| " + " | ".join(headers) + " |", "|" + "---|" * len(headers)]
    lines += ["| " + " | ".join(str(c) for c in r) + " |" for r in body]
    return "\n".join(lines)


def sentiment_block(sentiment: list[Row], means: list[Row]) -> str:
    by_year: dict[int, dict[str, Row]] = {}
    for r in sentiment:
        by_year.setdefault(r["year"], {})[r["sentiment_label"]] = r
    mean = {r["year"]: r for r in means}
    body = [[year, f"{next(iter(labels.values()))['total']:,}",
             *(share_cell(labels[label]) for label in ("negative", "positive", "neutral")),
             f"{mean[year]['mean_score']:+.3f} [{mean[year]['lex_low']:+.3f}, {mean[year]['lex_high']:+.3f}]"]
            for year, labels in sorted(by_year.items())]
    return table(["year", "posts", "negative %", "positive %", "neutral %", "mean score"], body)


def emotion_block(emotions: list[Row]) -> str:
    by_year: dict[int, list[Row]] = {}
    for r in emotions:
        if r["share"] is not None:
            by_year.setdefault(r["year"], []).append(r)
    body = []
    for year, mine in sorted(by_year.items()):
        top = sorted(mine, key=lambda r: -r["share"])[:TOP_EMOTIONS]
        body.append([year, f"{mine[0]['total']:,}", *(f"{r['emotion']} {share_cell(r)}" for r in top)])
    return table(["year", "posts with an emotion", "first", "second", "third"], body)


def top_terms_block(by_year: dict[int, list[Row]]) -> str:
    body = [[year, side, ", ".join(f"{r['term']} {r['sentiment']:+.2f} (s {r['support']})"
                                   for r in terms if r["side"] == side) or "–"]
            for year, terms in sorted(by_year.items()) for side in ("positive", "negative")]
    return table(["year", "side", "terms (valence in the year's lexicon, support)"], body)


def drift_block(drift: list[Row], periods) -> str:
    (a, b) = (f"{p[0]}–{p[1]}" for p in periods)
    body = [[r["dimension"], r["term"], f"{r['value_a']:+.3f}", f"{r['value_b']:+.3f}", f"{r['delta']:+.3f} ± {r['band']:.3f}",
             f"{r['support_a']} → {r['support_b']}"] for r in drift]
    return table(["dimension", "term", a, b, "change ± band", "support"], body) if body else "(no term changed beyond its band)"


def shift_block(shifts: dict[tuple[int, int], list[Row]]) -> str:
    largest = sorted(shifts.items(), key=lambda kv: -abs(kv[1][0]["change"]) if kv[1] else 0)[:SHIFT_PAIRS]
    parts = []
    for (a, b), shift in sorted(largest):
        parts.append(f"**{a} → {b}**: average valence of the words {shift[0]['average_a']:+.4f} → "
                     f"{shift[0]['average_b']:+.4f} (change {shift[0]['change']:+.4f}); the largest contributions:\n")
        body = [[r["term"], f"{r['valence']:+.2f}", f"{'↑' if r['usage'] == 'more' else '↓'}{r['relative']}",
                 f"{r['df_a']} → {r['df_b']}", f"{r['contribution']:+.5f}"] for r in shift[:SHIFT_TERMS]]
        parts.append(table(["term", "valence", "type", "posts", "contribution"], body) + "\n")
    return "\n".join(parts).rstrip()


def generated_blocks(db: str, replicates: int = DEFAULT_REPLICATES) -> dict[str, str]:
    with connect_read_only(db) as con:
        add_report_window(con)  # a database made before the macro
        started = time.perf_counter()
        intervals = lexicon_intervals(con, replicates)
        seconds = time.perf_counter() - started
        sentiment = with_share_intervals(rows(con, "report_sentiment_share.sql"), intervals, SENTIMENT,
                                         "sentiment_label")
        emotions = with_share_intervals(rows(con, "report_emotion_share.sql"), intervals, EMOTION, "emotion")
        means = with_mean_intervals(rows(con, "report_mean_score.sql"), intervals)
        years = [r["year"] for r in rows(con, "report_years.sql")]
        periods = report_lexicon.halves(years)
        return {
            "yearly-sentiment": sentiment_block(sentiment, means),
            "yearly-emotions": emotion_block(emotions),
            "interval-cost": (f"{intervals.replicates} replicate lexicons, {intervals.rescored:,} posts re-scored: "
                              f"{seconds:.0f} s on the machine that generated this page."),
            "top-terms": top_terms_block(report_lexicon.top_terms_by_year(con, years, None)),
            "drift": drift_block(report_lexicon.drift(con, periods, None), periods),
            "largest-shifts": shift_block(report_shifts.consecutive_shifts(con, years, None)),
        }
