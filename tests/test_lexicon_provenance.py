"""What the lexicon in force was induced from, and the warning when it scores far more posts."""

from __future__ import annotations

import json

import duckdb
import pytest

from flows.store.db import ensure_schema
from flows.store.lexicon_store import InducedFrom, induced_from, narrow_lexicon_in_force, narrow_lexicon_warning


@pytest.fixture
def con():
    with duckdb.connect(":memory:") as con:
        ensure_schema(con)
        yield con


def add_run(con, run_id: str, version: str, accepted: int, partitions: list[str], options: dict, kind="default"):
    con.execute("INSERT INTO runs (run_id, finished_at, options, lexicon_version, accepted, partitions) "
                "VALUES (?, now()::TIMESTAMP, ?, ?, ?, ?)", [run_id, json.dumps(options), version, accepted, partitions])
    con.execute("INSERT INTO lexicons SELECT ?, ?, '{}', ? WHERE ? NOT IN (SELECT lexicon_version FROM lexicons)",
                [version, json.dumps({"kind": kind}), run_id, version])


def score(con, version: str, posts: int, run_id: str) -> None:
    con.execute("INSERT INTO post_scores (platform, post_id, month, lexicon_version, run_id) "
                "SELECT 'twitter', 'p' || i || ?, '2015-01', ?, ? FROM range(?) AS t(i)", [run_id, version, run_id, posts])


def test_a_lexicon_induced_from_one_year_then_scoring_eight_is_named_with_its_posts(con):
    add_run(con, "r1", "lex-a", 3640, ["twitter/2014-01", "twitter/2014-12"], {"lexicon": None})
    score(con, "lex-a", 3640, "r1")
    assert narrow_lexicon_in_force(con) is None  # it scores the posts it came from
    add_run(con, "r2", "lex-a", 25, ["reddit/2015-01"], {"lexicon": None})  # a backfill scores with it
    score(con, "lex-a", 3641, "r2")
    found = induced_from(con, "lex-a")
    assert found == InducedFrom("lex-a", 3640, frozenset({("2014-01", "twitter"), ("2014-12", "twitter")}), 7281)
    assert found.describe() == "3,640 posts of 2014-01..2014-12 (twitter)"
    assert narrow_lexicon_in_force(con) == (
        "WARNING: the lexicon in force (lex-a) was induced from 3,640 posts of 2014-01..2014-12 (twitter) and now "
        "scores 7,281 posts; one induced from all of them can label them differently. To induce it from every post "
        "and rescore them, run once over all inputs, without --from-month, --to-month or --platforms, with "
        "--rebuild-lexicon (docs/lexicons.md, 'Comparable history').")


def test_a_lexicon_no_run_induced_has_no_corpus(con):
    add_run(con, "r1", "lex-f", 100, ["twitter/2014-01"], {"lexicon": "mine.parquet"})
    add_run(con, "r2", "lex-s", 100, ["twitter/2014-01"], {"lexicon": None}, kind="supervised")
    score(con, "lex-f", 1000, "r1")
    assert induced_from(con, "lex-f") is None and induced_from(con, "lex-s") is None
    assert induced_from(con, "lex-unknown") is None
    assert narrow_lexicon_warning(None) is None


def test_half_of_the_posts_is_enough():
    assert narrow_lexicon_warning(InducedFrom("v", 50, frozenset(), 100)) is None
    assert narrow_lexicon_warning(InducedFrom("v", 49, frozenset(), 100)) is not None
