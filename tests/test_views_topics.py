"""Topic views and lexicon drift against hand-computed numbers."""

from __future__ import annotations

import math

import duckdb
import pytest

from flows.db import ensure_schema
from pipelines.config import load_seeds
from pipelines.lexicon import LexiconOptions, lexicon_entry


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


def test_lexicon_drift_equals_per_period_set_lexicons(con):
    # period a (2014): sun leans positive; period b (2016): sun leans negative and fearful
    classes = {"sentiment:positive": 4, "sentiment:negative": 4, "emotion:fear": 3, "emotion:joy": 3}
    add_counts(con, "2014-06", 20, {"sun": 5, "rain": 3}, classes,
               {("sun", "sentiment:positive"): 3, ("sun", "emotion:joy"): 2, ("rain", "sentiment:negative"): 2})
    add_counts(con, "2015-06", 5, {"sun": 1}, classes, {}, platform="reddit")
    add_counts(con, "2016-06", 20, {"sun": 6, "rain": 3}, classes,
               {("sun", "sentiment:negative"): 3, ("sun", "emotion:fear"): 3, ("rain", "sentiment:negative"): 1})
    rows = con.execute("SELECT term, dimension, df_a, df_b, value_a, value_b, delta "
                       "FROM lexicon_drift(2014, 2014, 2016, 2016, min_df := 3) ORDER BY abs(delta) DESC").fetchall()
    assert {r[0] for r in rows} == {"sun", "rain"} and len(rows) == 18
    top = rows[0]
    assert top[:4] == ("sun", "sentiment", 5, 6)
    seeds, options = load_seeds(), LexiconOptions("set", 3)
    before = lexicon_entry("sun", 5, {"sentiment:positive": 3, "emotion:joy": 2}, classes, 20, seeds, options)
    after = lexicon_entry("sun", 6, {"sentiment:negative": 3, "emotion:fear": 3}, classes, 20, seeds, options)
    assert top[4:] == pytest.approx((before.sentiment, after.sentiment, after.sentiment - before.sentiment))
    fear = next(r for r in rows if r[:2] == ("sun", "fear"))
    assert fear[4:6] == pytest.approx((before.emotions[3], after.emotions[3]))
    # a wider period sums its years: 2014-2015 holds 25 posts and sun in 6
    (df_a,) = con.execute("SELECT df_a FROM lexicon_drift(2014, 2015, 2016, 2016) WHERE term = 'sun' "
                          "AND dimension = 'sentiment'").fetchone()
    assert df_a == 6
    # platforms filter applies to both periods
    assert con.execute("SELECT count(*) FROM lexicon_drift(2014, 2015, 2016, 2016, platforms := ['reddit'])"
                       ).fetchone() == (0,)
