"""PMI of any window in SQL (sql/pmi.sql) against hand-computed values, pipelines.induction.pmi,
pipelines.induction.lexicon and the pipeline's own lexicon table."""

from __future__ import annotations

import math
from collections import Counter

import duckdb
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from flows.store.db import ensure_schema
from pipelines.induction import pmi as py
from pipelines.induction.pmi import Smoothing


@pytest.fixture(scope="module")
def con():
    con = duckdb.connect()
    ensure_schema(con)
    yield con
    con.close()


def macro(con, name: str, c_xy, c_x, c_y, n, k=0.0, alpha=1.0) -> float:
    return con.execute(f"SELECT {name}(?, ?, ?, ?, k := ?, alpha := ?)", [c_xy, c_x, c_y, n, k, alpha]).fetchone()[0]


def test_hand_computed_values(con):
    # p(x,y) = 4/10, p(x) = 4/10, p(y) = 5/10: PMI = log2(0.4 / 0.2) = 1, nPMI = 1 / -log2(0.4)
    assert macro(con, "pmi_value", 4, 4, 5, 10) == pytest.approx(1.0, abs=1e-12)
    assert macro(con, "npmi_value", 4, 4, 5, 10) == pytest.approx(1 / 1.3219280948873623, abs=1e-12)
    assert macro(con, "pmi_value", 2, 4, 5, 10) == pytest.approx(0.0, abs=1e-12)  # independent
    assert macro(con, "ppmi_value", 1, 4, 5, 10) == 0.0  # PMI = log2(0.1 / 0.2) = -1
    assert macro(con, "pmi_value", 0, 4, 5, 10) == -math.inf
    assert macro(con, "npmi_value", 0, 4, 5, 10) == -1.0
    assert macro(con, "npmi_value", 3, 3, 3, 3) == 1.0  # together in every post
    # add-1: p(x,y) = 1/11, p(x) = 5/11, p(y) = 6/11: PMI = log2(11 / 30)
    assert macro(con, "pmi_value", 0, 4, 5, 10, k=1.0) == pytest.approx(math.log2(11 / 30), abs=1e-12)
    # alpha = 0.5: p(y) = sqrt(0.5)
    assert macro(con, "pmi_value", 4, 4, 5, 10, alpha=0.5) == pytest.approx(math.log2(1 / math.sqrt(0.5)), abs=1e-12)


@pytest.mark.parametrize("args, message", [
    ((3, 2, 5, 10, 0.0, 1.0), "inconsistent counts"),
    ((1, 2, 5, 0, 0.0, 1.0), "inconsistent counts"),
    ((1, 2, 5, 10, -1.0, 1.0), "k must be"),
    ((1, 2, 5, 10, 0.0, 0.0), "alpha must be"),
    ((1, 2, 5, 10, 0.0, 1.5), "alpha must be"),
])
def test_bad_counts_and_options_raise(con, args, message):
    with pytest.raises(duckdb.InvalidInputException, match=message):
        macro(con, "npmi_value", *args)


@st.composite
def counts(draw):
    n = draw(st.integers(1, 10_000))
    c_x = draw(st.integers(0, n))
    c_y = draw(st.integers(0, n))
    c_xy = draw(st.integers(max(0, c_x + c_y - n), min(c_x, c_y)))
    k = draw(st.sampled_from([0.0, 0.5, 1.0, 3.0]))
    alpha = draw(st.sampled_from([1.0, 0.75, 0.5]))
    return c_xy, c_x, c_y, n, k, alpha


@settings(max_examples=150, deadline=None)
@given(c=counts())
def test_macros_equal_pipelines_pmi(con, c):
    c_xy, c_x, c_y, n, k, alpha = c
    s = Smoothing(k, alpha)
    for name, fn in (("pmi_value", py.pmi), ("npmi_value", py.npmi), ("ppmi_value", py.ppmi)):
        want = fn(c_xy, c_x, c_y, n, s)
        got = macro(con, name, c_xy, c_x, c_y, n, k, alpha)
        assert got == pytest.approx(want, rel=1e-12, abs=1e-12), name


# --- pmi_window over hand-made partitions -------------------------------------------

PARTS = {  # (month, platform) -> (posts, {term: df}, {anchor: df}, {(term, anchor): df})
    ("2020-01", "twitter"): (10, {"sun": 4, "smog": 3}, {"good": 5, "bad": 3}, {("sun", "good"): 3, ("smog", "bad"): 2}),
    ("2020-02", "twitter"): (6, {"sun": 1}, {"good": 2}, {("sun", "good"): 1}),
    ("2020-01", "reddit"): (4, {"sun": 2, "smog": 2}, {"good": 1, "bad": 2}, {("sun", "good"): 1, ("smog", "bad"): 2}),
}


@pytest.fixture(scope="module")
def window_db(tmp_path_factory):
    con = duckdb.connect(str(tmp_path_factory.mktemp("window") / "w.duckdb"))
    ensure_schema(con)
    for (month, platform), (posts, terms, anchors, pairs) in PARTS.items():
        con.execute("INSERT INTO totals VALUES (?, ?, ?, 'r', 'f.jsonl')", [month, platform, posts])
        con.executemany("INSERT INTO term_counts VALUES (?, ?, ?, ?, 'r', 'f.jsonl')",
                        [[month, platform, t, df] for t, df in terms.items()])
        con.executemany("INSERT INTO anchor_counts VALUES (?, ?, ?, ?, 'r', 'f.jsonl')",
                        [[month, platform, a, df] for a, df in anchors.items()])
        con.executemany("INSERT INTO anchor_pair_counts VALUES (?, ?, ?, ?, ?, 'r', 'f.jsonl')",
                        [[month, platform, t, a, df] for (t, a), df in pairs.items()])
    yield con
    con.close()


def test_pmi_window_sums_the_partitions_in_the_window(window_db):
    rows = window_db.execute("SELECT term, anchor, c_xy, c_x, c_y, n, pmi FROM pmi_window() ORDER BY term").fetchall()
    # all: n = 20; sun: 7, good: 8, (sun, good): 5; smog: 5, bad: 5, (smog, bad): 4
    assert rows == [("smog", "bad", 4, 5, 5, 20, pytest.approx(math.log2(4 * 20 / 25))),
                    ("sun", "good", 5, 7, 8, 20, pytest.approx(math.log2(5 * 20 / 56)))]
    rows = window_db.execute("SELECT term, c_xy, c_x, c_y, n FROM pmi_window(from_month := '2020-02') "
                             "ORDER BY term").fetchall()
    assert rows == [("sun", 1, 1, 2, 6)]
    rows = window_db.execute("SELECT term, c_xy, c_x, c_y, n, npmi FROM pmi_window(platforms := ['reddit'], "
                             "to_month := '2020-01') ORDER BY term").fetchall()
    assert rows[0][:5] == ("smog", 2, 2, 2, 4)
    assert rows[0][5] == pytest.approx(1.0)  # smog and bad: always together in reddit
    assert window_db.execute("SELECT count(*) FROM pmi_window(platforms := ['youtube'])").fetchone() == (0,)


@settings(max_examples=40, deadline=None)
@given(window=st.tuples(st.sampled_from([None, "2020-01", "2020-02"]), st.sampled_from([None, "2020-01", "2020-02"]),
                        st.sampled_from([None, ["twitter"], ["reddit"], ["twitter", "reddit"]])),
       smoothing=st.tuples(st.sampled_from([0.0, 1.0]), st.sampled_from([1.0, 0.75])))
def test_pmi_window_equals_pipelines_pmi_on_summed_counts(window_db, window, smoothing):
    lo, hi, platforms = window
    chosen = [v for (m, p), v in PARTS.items()
              if (lo is None or m >= lo) and (hi is None or m <= hi) and (platforms is None or p in platforms)]
    n = sum(v[0] for v in chosen)
    terms, anchors, pairs = Counter(), Counter(), Counter()
    for _, t, a, pr in chosen:
        terms.update(t), anchors.update(a), pairs.update(pr)
    s = Smoothing(*smoothing)
    got = window_db.execute("SELECT term, anchor, pmi, npmi, ppmi FROM pmi_window(from_month := ?, to_month := ?, "
                            "platforms := ?, k := ?, alpha := ?)", [lo, hi, platforms, *smoothing]).fetchall()
    assert {(t, a) for t, a, *_ in got} == {pair for pair, df in pairs.items() if df > 0}
    for term, anchor, pmi_, npmi_, ppmi_ in got:
        args = (pairs[term, anchor], terms[term], anchors[anchor], n, s)
        assert (pmi_, npmi_, ppmi_) == pytest.approx((py.pmi(*args), py.npmi(*args), py.ppmi(*args)), abs=1e-12)
