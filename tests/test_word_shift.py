"""Word shifts (sql/word_shift.sql): contributions against a hand-computed example; they sum
to the change of the average valence exactly."""

from __future__ import annotations

import duckdb
import pytest

import sql
from flows.reporting.report_shifts import word_shift
from flows.store.views import create_views


@pytest.fixture
def con(tmp_path):
    con = duckdb.connect(str(tmp_path / "shift.duckdb"))
    con.execute(sql.read("schema.sql"))
    create_views(con)
    con.execute("INSERT INTO runs (run_id, finished_at, lexicon_version) "
                "VALUES ('r1', TIMESTAMP '2022-01-01', 'lex-a')")
    con.execute("INSERT INTO lexicons VALUES ('lex-a', '{}', '{}', 'r1'), ('lex-old', '{}', '{}', 'r0')")
    for version, term, valence in [("lex-a", "good", 0.5), ("lex-a", "bad", -0.5), ("lex-a", "ok", 0.1),
                                   ("lex-a", "flat", 0.0), ("lex-old", "the", 0.9)]:
        con.execute("INSERT INTO lexicon (lexicon_version, layer, term, sentiment, run_id) "
                    "VALUES (?, 'general', ?, ?, 'r1')", [version, term, valence])
    # 2020: good 2, bad 1, ok 1 (the, flat: not valenced in the lexicon in force)
    # 2021: good 1, bad 2, ok 1, on two platforms; reddit 2021 alone: bad 1
    counts = [("2020-03", "twitter", "good", 2), ("2020-03", "twitter", "bad", 1), ("2020-05", "twitter", "ok", 1),
              ("2020-05", "twitter", "the", 5), ("2020-05", "twitter", "flat", 3),
              ("2021-01", "twitter", "good", 1), ("2021-01", "twitter", "bad", 1), ("2021-02", "reddit", "bad", 1),
              ("2021-02", "twitter", "ok", 1)]
    con.executemany("INSERT INTO term_counts (month, platform, term, df, run_id) VALUES (?, ?, ?, ?, 'r1')",
                    [list(c) for c in counts])
    yield con
    con.close()


def test_contributions_match_the_hand_computed_shift_and_sum_to_the_change(con):
    # p_2020 = good .5, bad .25, ok .25 -> average .25 - .125 + .025 = .15
    # p_2021 = good .25, bad .5, ok .25 -> average .125 - .25 + .025 = -.1; change -.25
    rows = {r["term"]: r for r in word_shift(con, "2020-01", "2020-12", "2021-01", "2021-12", None)}
    assert set(rows) == {"good", "bad", "ok"}
    assert rows["good"]["contribution"] == pytest.approx((0.25 - 0.5) * (0.5 - 0.15))  # -0.0875
    assert rows["bad"]["contribution"] == pytest.approx((0.5 - 0.25) * (-0.5 - 0.15))  # -0.1625
    assert rows["ok"]["contribution"] == pytest.approx(0.0)
    assert (rows["good"]["usage"], rows["good"]["relative"]) == ("less", "+")
    assert (rows["bad"]["usage"], rows["bad"]["relative"]) == ("more", "-")
    assert (rows["good"]["df_a"], rows["good"]["df_b"]) == (2, 1)
    assert rows["good"]["average_a"] == pytest.approx(0.15) and rows["good"]["average_b"] == pytest.approx(-0.1)
    assert rows["good"]["change"] == pytest.approx(-0.25)
    assert sum(r["contribution"] for r in rows.values()) == pytest.approx(-0.25, abs=1e-15)


def test_largest_contribution_first_and_a_platform_filter(con):
    rows = word_shift(con, "2020-01", "2020-12", "2021-01", "2021-12", "twitter")
    # twitter 2021: good, bad, ok 1/3 each: good (1/3 - 1/2)(.35), bad (1/3 - 1/4)(-.65), ok (1/3 - 1/4)(-.05)
    assert [r["term"] for r in rows] == ["good", "bad", "ok"]
    assert [r["contribution"] for r in rows] == [pytest.approx(-0.35 / 6), pytest.approx(-0.65 / 12),
                                                 pytest.approx(-0.05 / 12)]
    # average_b = (0.5 - 0.5 + 0.1) / 3
    assert rows[0]["average_b"] == pytest.approx(0.1 / 3)
    assert sum(r["contribution"] for r in rows) == pytest.approx(0.1 / 3 - 0.15, abs=1e-15)


def test_a_topic_window_counts_the_posts_carrying_the_topic(con):
    con.executemany("INSERT INTO anchor_pair_counts (month, platform, term, anchor, df, run_id) "
                    "VALUES (?, 'twitter', ?, 'topic:air', ?, 'r1')",
                    [("2020-01", "good", 1), ("2020-01", "bad", 1), ("2021-01", "bad", 3), ("2021-01", "good", 1)])
    rows = {r["term"]: r for r in con.execute(
        "SELECT term, contribution, change FROM word_shift('2020-01', '2020-12', '2021-01', '2021-12', "
        "topic_name := 'air')").fetchall() for r in [dict(zip(("term", "contribution", "change"), r))]}
    # 2020: good .5, bad .5 -> 0; 2021: good .25, bad .75 -> -.25
    assert rows["bad"]["change"] == pytest.approx(-0.25)
    assert rows["bad"]["contribution"] == pytest.approx((0.75 - 0.5) * (-0.5 - 0.0))
