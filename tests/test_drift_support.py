"""Drift and top terms need support: a tiny two-year corpus counted as the job counts it."""

from __future__ import annotations

import duckdb
import pytest

import sql
from flows.reporting import report_html, report_lexicon
from flows.store.views import create_views
from flows.reporting.window_lexicon import window_lexicon
from pipelines.config import load_seeds
from pipelines.induction.counting import ANCHORS, PAIRS, TERMS, TOTALS, count_post, new_counters
from pipelines.text.prepare import PostPreparer

MOODS = {2014: "great happy wonderful", 2015: "awful terrible horrible"}


def tiny_corpus() -> list[tuple[str, str]]:
    """Per year: 'weather' in 40 posts with that year's mood words (support 40, flips sign);
    'fox' in 30 plain posts and 6 with the year's first mood word (support 6: flips too, on
    little evidence); 'garden' in 60 posts, half with good / nice, half with bad / sad, both
    years alike (no drift); 400 filler posts keep every term under the max_df_share cap."""
    posts = []
    for year, mood in MOODS.items():
        posts += [(f"{year}-03", f"weather {mood} lovely{i % 3}") for i in range(40)]
        posts += [(f"{year}-04", f"fox table chair number{i}") for i in range(30)]
        posts += [(f"{year}-04", f"fox {mood.split()[0]}")] * 6
        posts += [(f"{year}-05", f"garden good nice day{i % 2}") for i in range(30)]
        posts += [(f"{year}-05", f"garden bad sad day{i % 2}") for i in range(30)]
        posts += [(f"{year}-06", f"filler{i} word{i}") for i in range(400)]
    return posts


@pytest.fixture(scope="module")
def con(tmp_path_factory):
    con = duckdb.connect(str(tmp_path_factory.mktemp("drift") / "drift.duckdb"))
    con.execute(sql.read("schema.sql"))
    create_views(con)
    prepare, counters = PostPreparer(load_seeds()), new_counters()
    for month, text in tiny_corpus():
        count_post(counters, {**prepare({"text": text}), "month": month, "platform": "twitter"})
    for (month, platform), c in counters[TOTALS].items():
        con.execute("INSERT INTO totals (month, platform, posts, run_id) VALUES (?, ?, ?, 'r')",
                    [month, platform, c[None]])
    for table, name, column in ((TERMS, "term_counts", "term"), (ANCHORS, "anchor_counts", "anchor")):
        for (month, platform), c in counters[table].items():
            con.executemany(f"INSERT INTO {name} (month, platform, {column}, df, run_id) VALUES (?, ?, ?, ?, 'r')",
                            [[month, platform, key, df] for key, df in c.items()])
    for (month, platform), c in counters[PAIRS].items():
        con.executemany("INSERT INTO anchor_pair_counts (month, platform, term, anchor, df, run_id) "
                        "VALUES (?, ?, ?, ?, ?, 'r')", [[month, platform, t, a, df] for (t, a), df in c.items()])
    yield con
    con.close()


def yearly(con, term: str):
    return [window_lexicon(con, load_seeds(), f"{y}-01", f"{y}-12").general.get(term) for y in MOODS]


def test_only_a_change_with_support_and_outside_its_band_is_a_drift(con, monkeypatch):
    monkeypatch.setattr(report_lexicon, "DRIFT_MIN_DF", 5)
    fox_a, fox_b = yearly(con, "fox")
    assert fox_a.support == fox_b.support == 6 < report_lexicon.DRIFT_MIN_SUPPORT
    assert fox_a.sentiment > 0.05 and fox_b.sentiment < -0.05  # it did flip, on 6 co-occurrences
    rows = [r for r in report_lexicon.drift(con, ((2014, 2014), (2015, 2015)), None) if r["dimension"] == "sentiment"]
    assert [r["term"] for r in rows] == ["weather"]
    weather = rows[0]
    assert (weather["support_a"], weather["support_b"]) == (40, 40)
    assert weather["value_a"] > 0 > weather["value_b"]
    assert 0 < weather["band"] < abs(weather["delta"])


def test_garden_moves_less_than_its_band_and_is_no_drift(con, monkeypatch):
    monkeypatch.setattr(report_lexicon, "DRIFT_MIN_DF", 5)
    garden_a, garden_b = yearly(con, "garden")
    assert garden_a.support == garden_b.support == 60
    assert "garden" not in {r["term"] for r in report_lexicon.drift(con, ((2014, 2014), (2015, 2015)), None)}


def test_top_terms_of_a_year_need_support_and_carry_it(con, monkeypatch):
    monkeypatch.setattr(report_lexicon, "YEAR_MIN_DF", 5)
    by_year = report_lexicon.top_terms_by_year(con, [2014, 2015], None)
    terms = {r["term"]: r for rows in by_year.values() for r in rows}
    assert "fox" not in terms  # its value rests on 6 co-occurrences
    assert terms["weather"]["support"] == 40
    assert all(r["support"] >= report_lexicon.YEAR_MIN_SUPPORT for r in terms.values())


def test_emotions_drift_too_with_the_same_support_and_band_rules(con, monkeypatch):
    """'weather' meets joy words (great, happy, wonderful) in 2014 and fear / anger words (awful,
    terrible, horrible) in 2015: its joy falls, its fear rises; 'fox' (support 6) and 'garden'
    (the same moods both years) drift in no emotion. The report's emotion table lists them."""
    monkeypatch.setattr(report_lexicon, "DRIFT_MIN_DF", 5)
    rows = report_lexicon.drift(con, ((2014, 2014), (2015, 2015)), None)
    emotions = {(r["dimension"], r["term"]): r for r in rows if r["dimension"] != "sentiment"}
    assert {term for _, term in emotions} == {"weather"}
    joy, fear = emotions["joy", "weather"], emotions["fear", "weather"]
    assert joy["value_a"] > 0 == joy["value_b"] and fear["value_a"] == 0 < fear["value_b"]
    assert all(0 < r["band"] < abs(r["delta"]) for r in emotions.values())
    html = report_html.emotion_drift_table(rows)
    for r in (joy, fear):
        assert (f'<td class="l">{r["dimension"]}</td><td class="l">weather</td><td>{r["value_a"]:+.3f}</td>'
                f'<td>{r["value_b"]:+.3f}</td>') in html


def test_a_window_lexicon_of_the_frequent_terms_has_their_entries_of_the_whole_window(con):
    whole, frequent = (window_lexicon(con, load_seeds(), "2014-01", "2014-12", min_df=min_df) for min_df in (1, 37))
    kept = {t for t, e in whole.general.items() if e.df >= 37}
    assert {"weather", "garden"} <= kept
    assert {t: frequent.general[t] for t in kept} == {t: whole.general[t] for t in kept}
    assert whole.general["fox"].df == 36 and "fox" not in frequent.general  # a rarer term is not built at all
