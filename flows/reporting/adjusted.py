"""The report's yearly sentiment shares adjusted by posts the user labelled (`--labelled FILE`).

Label shares lean toward the class mix the calibration was fitted on, so a change between years
reads smaller than it is (docs/intervals.md). With posts of the same corpus labelled by hand, the
lexicon in force labels them as it labelled the corpus, their confusion matrix is counted per
platform (a platform's posts may be scored by a calibration of its own), and each year's label
counts are solved back through it (`pipelines.evaluation.quantify`). A platform whose labelled
posts do not give every class `MIN_POSTS_PER_CLASS` gold posts is not adjusted, nor is a year
with posts scored by another lexicon version than the one in force (a backfill's), and the report
says why; a matrix from other posts would do harm (bench/README.md).
"""

from __future__ import annotations

import csv
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb
import numpy as np

import sql
from flows.store.lexicon_store import lexicon_from_tables, version_in_force
from pipelines.config import load_seeds
from pipelines.evaluation.labelled import SENTIMENT_CLASSES, sentiment_labelled_posts
from pipelines.evaluation.metrics import confusion_matrix
from pipelines.evaluation.quantify import MIN_POSTS_PER_CLASS, adjusted_with_interval
from pipelines.scoring.score import PostText, labels_and_scores
from pipelines.text.prepare import PostPreparer

Row = dict[str, Any]


@dataclass
class AdjustedSentiment:
    """Adjusted yearly rows (shaped like the report's sentiment rows), each adjusted platform's
    confusion counts (rows gold, columns label, in `SENTIMENT_CLASSES` order), why other platforms
    were not adjusted, the file's lines left out, how many labelled posts were used and how many of
    those are posts of the database itself (by id)."""

    rows: list[Row] = field(default_factory=list)
    confusion: dict[str, np.ndarray] = field(default_factory=dict)
    not_adjusted: dict[str, str] = field(default_factory=dict)
    rejected: list[str] = field(default_factory=list)
    posts: int = 0
    in_database: int = 0

    def write_csv(self, path: Path) -> Path:
        """The adjusted rows as CSV, to query (`SELECT * FROM 'sentiment_share_adjusted.csv'` in DuckDB)."""
        columns = ("year", "platform", "sentiment_label", "total", "share", "ci_low", "ci_high")
        with open(path, "w", newline="", encoding="utf-8") as out:
            writer = csv.writer(out)
            writer.writerow(columns)
            writer.writerows([r[c] for c in columns] for r in self.rows)
        return path


def adjust_sentiment(con: duckdb.DuckDBPyConnection, labelled: str | Path, sentiment: list[Row]) -> AdjustedSentiment:
    """The report's yearly sentiment rows (`report_sentiment_share.sql`) adjusted by the labelled file."""
    posts, rejected = sentiment_labelled_posts(labelled)
    result = AdjustedSentiment(rejected=rejected)
    platforms = sorted({r["platform"] for r in sentiment})
    version = version_in_force(con)
    lexicon = lexicon_from_tables(con, version) if version else None
    if lexicon is None:
        result.not_adjusted = {p: "no lexicon in force to label the labelled posts with" for p in platforms}
        return result
    scored_by_it = {(year, platform): ok for year, platform, ok in
                    con.execute(sql.read("years_scored_by.sql"), {"version": version}).fetchall()}
    only = platforms[0] if len(platforms) == 1 else None
    placed = [(post, post.platform or only) for post in posts]
    result.rejected += [f"post {post.id}: no platform (the report shows several)" if not where else
                        f"post {post.id}: no {where} posts in this report" for post, where in placed
                        if where not in platforms]
    placed = [(post, where) for post, where in placed if where in platforms]
    result.posts = len(placed)
    ids = [post.id for post, _ in placed]
    result.in_database = con.execute(sql.read("posts_found.sql"), {"ids": ids}).fetchone()[0]
    prepare = PostPreparer(load_seeds(), with_bigrams=bool(lexicon.supervised))
    texts = [PostText(prepare({"text": post.text})["tokens"]) for post, _ in placed]
    labels = [label for label, _, _ in labels_and_scores(texts, lexicon, [where for _, where in placed])]
    for platform in platforms:
        mine = [(post.labels[0], label) for (post, where), label in zip(placed, labels) if where == platform]
        gold = Counter(g for g, _ in mine)
        if any(gold[c] < MIN_POSTS_PER_CLASS for c in SENTIMENT_CLASSES):
            result.not_adjusted[platform] = (
                f"{len(mine)} labelled posts ({', '.join(f'{c} {gold[c]}' for c in SENTIMENT_CLASSES)}); "
                f"each class needs at least {MIN_POSTS_PER_CLASS}")
            continue
        gold_labels, given = [g for g, _ in mine], [label for _, label in mine]
        confusion = result.confusion[platform] = np.array(confusion_matrix(gold_labels, given, SENTIMENT_CLASSES))
        shown = [r for r in sentiment if r["platform"] == platform]
        other = sorted({r["year"] for r in shown if not scored_by_it.get((r["year"], platform), True)})
        if other:
            result.not_adjusted[f"{platform} {', '.join(map(str, other))}"] = (
                f"some posts were scored by another lexicon than {version}, which labelled your posts")
        result.rows += _adjusted_rows([r for r in shown if r["year"] not in other], confusion)
    return result


def _adjusted_rows(rows: list[Row], confusion: np.ndarray) -> list[Row]:
    """One platform's yearly rows with share, ci_low and ci_high adjusted (no lexicon-aware interval)."""
    out = []
    for year in sorted({r["year"] for r in rows}):
        by_label = {r["sentiment_label"]: r for r in rows if r["year"] == year}
        counts = np.array([by_label[c]["n"] if c in by_label else 0 for c in SENTIMENT_CLASSES])
        if not counts.sum():
            continue
        shares, low, high = adjusted_with_interval(counts, confusion, seed=year)
        some = next(iter(by_label.values()))
        out += [{"year": year, "platform": some["platform"], "sentiment_label": c, "n": None, "total": some["total"],
                 "share": float(shares[i]), "ci_low": float(low[i]), "ci_high": float(high[i]),
                 "lex_low": None, "lex_high": None} for i, c in enumerate(SENTIMENT_CLASSES)]
    return out
