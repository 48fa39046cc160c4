"""One self-contained HTML report: every chart embedded as a base64 PNG, plus the numbers
behind them as tables. No external file, script, font or style sheet is referenced."""

from __future__ import annotations

import base64
from collections import defaultdict
from datetime import datetime, timezone
from html import escape
from pathlib import Path
from typing import Any, Mapping

from pipelines.config import EMOTIONS
from pipelines.evaluation.labelled import SENTIMENT_CLASSES

REPORT_FILE = "report.html"
STYLE = """
body { font-family: system-ui, sans-serif; margin: 2rem auto; max-width: 1400px; color: #222; }
h1 { margin-bottom: 0.2rem; } .meta { color: #555; margin-top: 0; }
figure { margin: 2rem 0; } img { max-width: 100%; height: auto; border: 1px solid #ddd; }
figcaption { color: #444; font-size: 0.95rem; margin-top: 0.4rem; }
table { border-collapse: collapse; margin: 1rem 0 2rem; font-size: 0.9rem; }
th, td { border: 1px solid #ccc; padding: 0.25rem 0.5rem; text-align: right; }
th { background: #f2f2f2; } td.l, th.l { text-align: left; }
"""

Row = dict[str, Any]


def write_html(out_dir: Path, title: str, meta: list[str], figures: list[tuple[Path, str]],
               tables: list[tuple[str, str]]) -> Path:
    """Write ``report.html``: figures (PNG path, caption) embedded, then (heading, table html)."""
    parts = [f"<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>{escape(title)}</title>",
             f"<style>{STYLE}</style></head><body>", f"<h1>{escape(title)}</h1>",
             *(f"<p class=\"meta\">{escape(line)}</p>" for line in meta)]
    for png, caption in figures:
        data = base64.b64encode(png.read_bytes()).decode("ascii")
        parts.append(f"<figure><img alt=\"{escape(caption)}\" src=\"data:image/png;base64,{data}\">"
                     f"<figcaption>{escape(caption)}</figcaption></figure>")
    for heading, table in tables:
        parts.append(f"<h2>{escape(heading)}</h2>{table}")
    parts.append("</body></html>\n")
    path = out_dir / REPORT_FILE
    path.write_text("\n".join(parts), encoding="utf-8")
    return path


def generated_line(db_path: Path, runs: list[tuple], warnings: list[str] = ()) -> list[str]:
    now = datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    lines = [f"Database {db_path} · generated {now}"]
    if runs:
        run_id, lexicon_version, accepted = runs[0]
        lines.append(f"Latest run {run_id} · lexicon {lexicon_version} · {accepted:,} posts accepted "
                     f"· {len(runs)} run(s) loaded")
    return lines + list(warnings)


LANGUAGES_NAMED = 5  # languages a report's header names; the rest are counted


def language_note(rejected: list[Row]) -> str | None:
    """The line a report carries when records were left out as other languages (`--languages`): the
    shares are those of the languages kept, and an export's language tags can be wrong."""
    if not rejected:
        return None
    total = sum(r["records"] for r in rejected)
    each = ", ".join(f"{r['language']} {r['records']:,}" for r in rejected[:LANGUAGES_NAMED])
    more = f", {len(rejected) - LANGUAGES_NAMED} more" if len(rejected) > LANGUAGES_NAMED else ""
    return (f"Records left out as other languages (--languages; the lexicons are English): {total:,} "
            f"({each}{more}). The shares are those of the posts kept; an export's language tags can be wrong, "
            "short posts most often.")


def undated_note(undated: list[Row]) -> str | None:
    """The line a report carries when posts without a date were placed in a month (`--undated-as`): their
    year is the one the user chose, not the one they were written in."""
    if not undated:
        return None
    placed = "; ".join(f"{r['posts']:,} in {r['month']}" for r in undated)
    return (f"Posts without a date, placed by --undated-as: {placed}. Their month and year say nothing of when "
            "they were written.")


def table(headers: list[str], rows: list[list[Any]], left: int = 1) -> str:
    """An HTML table; the first ``left`` columns are left-aligned text."""
    def cell(tag: str, i: int, value: Any) -> str:
        cls = ' class="l"' if i < left else ""
        return f"<{tag}{cls}>{escape(str(value))}</{tag}>"
    head = "".join(cell("th", i, h) for i, h in enumerate(headers))
    body = "".join("<tr>" + "".join(cell("td", i, v) for i, v in enumerate(r)) + "</tr>" for r in rows)
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def sentiment_table(rows: list[Row], period: str = "year", intervals: str = "[lexicon-aware 95%] (Wilson)") -> str:
    grouped: dict[tuple, dict[str, Row]] = defaultdict(dict)
    for r in rows:
        grouped[(r["platform"], r[period])][r["sentiment_label"]] = r
    labels = ("positive", "negative", "neutral")
    body = []
    for (platform, when), by_label in sorted(grouped.items()):
        total = next(iter(by_label.values()))["total"]
        body.append([platform, when, f"{total:,}", *(_share(by_label.get(label)) for label in labels)])
    return table(["platform", period, "posts", *(f"{label} {intervals}" for label in labels)], body, left=1)


def confusion_table(confusion: Mapping[str, Any]) -> str:
    """Per platform and gold class: how many posts got each label, and that row's share labelled alike."""
    body = [[platform, gold, *(f"{n:,}" for n in row), f"{row.sum():,}", _pct(row[i] / row.sum())]
            for platform, matrix in sorted(confusion.items())
            for i, (gold, row) in enumerate(zip(SENTIMENT_CLASSES, matrix))]
    return table(["platform", "your label", *(f"labelled {c}" for c in SENTIMENT_CLASSES), "posts",
                  "labelled alike (%)"], body, left=2)


def mean_score_table(rows: list[Row]) -> str:
    body = [[r["platform"], r["year"], f"{r['n']:,}", f"{r['mean_score']:+.3f}",
             _bounds(r["lex_low"], r["lex_high"], "{:+.3f}"), _bounds(r["ci_low"], r["ci_high"], "{:+.3f}")]
            for r in rows]
    return table(["platform", "year", "posts", "mean score", "lexicon-aware 95%", "posts-only 95%"], body, left=1)


def emotion_table(rows: list[Row]) -> str:
    grouped: dict[tuple, dict[str, Row]] = defaultdict(dict)
    for r in rows:
        grouped[(r["platform"], r["year"])][r["emotion"]] = r
    body = [[platform, year, *(_share(by.get(e)) for e in EMOTIONS)]
            for (platform, year), by in sorted(grouped.items())]
    return table(["platform", "year", *EMOTIONS], body, left=1)


def topic_terms_table(rows: list[Row]) -> str:
    years = sorted({r["year"] for r in rows})
    cells: dict[str, dict[int, list[str]]] = defaultdict(lambda: defaultdict(list))
    for r in rows:
        cells[r["topic"]][r["year"]].append(r["term"])
    body = [[topic.replace("_", " "), *(", ".join(cells[topic][y]) for y in years)] for topic in sorted(cells)]
    return table(["topic", *map(str, years)], body, left=len(years) + 1)


def emotion_drift_table(rows: list[Row], top: int = 3) -> str:
    body = []
    for emotion in EMOTIONS:
        mine = [r for r in rows if r["dimension"] == emotion][:top]
        body += [[emotion, r["term"], f"{r['value_a']:+.3f}", f"{r['value_b']:+.3f}", f"{r['delta']:+.3f}",
                  f"{r['df_a']} → {r['df_b']}"] for r in mine]
    return table(["emotion", "term", "earlier", "later", "change", "posts"], body, left=2)


def _share(r: Row | None) -> str:
    """'12.3 [10.1–14.6] (11.2–13.5)': the share, its lexicon-aware interval, its Wilson interval."""
    if r is None or r.get("share") is None:
        return "–"
    lexicon_aware = f" [{_pct(r['lex_low'])}–{_pct(r['lex_high'])}]" if r.get("lex_low") is not None else ""
    return f"{_pct(r['share'])}{lexicon_aware} ({_pct(r['ci_low'])}–{_pct(r['ci_high'])})"


def _bounds(low: float | None, high: float | None, fmt: str) -> str:
    return "–" if low is None or high is None else f"{fmt.format(low)} … {fmt.format(high)}"


def _pct(value: float | None) -> str:
    return "–" if value is None else f"{100 * value:.1f}"
