"""Topic views against hand-computed numbers."""

from __future__ import annotations

import math

import duckdb
import pytest

from flows.store.db import ensure_schema


@pytest.fixture
def con():
    con = duckdb.connect()
    ensure_schema(con)
    yield con
    con.close()


def score(con, platform, post_id, month, label, topics):
    con.execute("INSERT INTO post_scores (platform, post_id, month, sentiment_label, topics, run_id) "
                "VALUES (?, ?, ?, ?, ?, 'r')", [platform, post_id, month, label, topics])


def test_topic_sentiment_shares_with_wilson(con):
    score(con, "twitter", "1", "2020-01", "negative", ["plastic", "plastic"])
    score(con, "twitter", "2", "2020-03", "negative", ["plastic", "recycling"])
    score(con, "twitter", "3", "2020-03", "positive", ["plastic"])
    score(con, "twitter", "4", "2020-03", "neutral", [])
    got = con.execute("SELECT sentiment_label, n, total, share, ci_low FROM yearly_topic_sentiment_share "
                      "WHERE topic = 'plastic' ORDER BY sentiment_label").fetchall()
    assert got == [("negative", 2, 3, pytest.approx(2 / 3), pytest.approx(0.2076, abs=1e-4)),
                   ("neutral", 0, 3, 0.0, 0.0), ("positive", 1, 3, pytest.approx(1 / 3), pytest.approx(0.0615, abs=1e-4))]
    got = con.execute("SELECT month, sentiment_label, n, total FROM monthly_topic_sentiment_share "
                      "WHERE topic = 'plastic' AND n > 0 ORDER BY month, sentiment_label").fetchall()
    assert got == [("2020-01", "negative", 1, 1), ("2020-03", "negative", 1, 2), ("2020-03", "positive", 1, 2)]
    assert con.execute("SELECT count(*) FROM yearly_topic_sentiment_share WHERE topic = 'recycling'").fetchone() == (3,)


def add_counts(con, month, posts, terms, anchors, pairs, platform="twitter"):
    con.execute("INSERT INTO totals VALUES (?, ?, ?, 'r', 'f.jsonl')", [month, platform, posts])
    for t, df in terms.items():
        con.execute("INSERT INTO term_counts VALUES (?, ?, ?, ?, 'r', 'f.jsonl')", [month, platform, t, df])
    for a, df in anchors.items():
        con.execute("INSERT INTO anchor_counts VALUES (?, ?, ?, ?, 'r', 'f.jsonl')", [month, platform, a, df])
    for (t, a), df in pairs.items():
        con.execute("INSERT INTO anchor_pair_counts VALUES (?, ?, ?, ?, ?, 'r', 'f.jsonl')", [month, platform, t, a, df])


def test_top_terms_rank_by_npmi_and_leave_out_keywords(con):
    # 2020: 10 posts; topic:plastic in 4; bag with it in 3 of bag's 3; sea in 3 of 6; plastic is a keyword
    add_counts(con, "2020-05", 10, {"bag": 3, "sea": 6, "plastic": 4, "once": 2},
               {"topic:plastic": 4, "plastic": 4},
               {("bag", "topic:plastic"): 3, ("sea", "topic:plastic"): 3, ("plastic", "topic:plastic"): 4,
                ("once", "topic:plastic"): 2})
    got = con.execute("SELECT rank, term, npmi, c_xy, c_x, c_y, n FROM yearly_topic_top_terms "
                      "WHERE year = 2020 AND topic = 'plastic' ORDER BY rank").fetchall()
    bag = math.log2(0.3 / (0.3 * 0.4)) / -math.log2(0.3)
    sea = math.log2(0.3 / (0.6 * 0.4)) / -math.log2(0.3)
    assert got == [(1, "bag", pytest.approx(bag), 3, 3, 4, 10), (2, "sea", pytest.approx(sea), 3, 6, 4, 10)]
