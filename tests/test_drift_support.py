"""Drift and top terms need support: a tiny two-year corpus counted as the job counts it."""

from __future__ import annotations

import json

import duckdb
import pytest

import sql
from flows.reporting import report, report_html, report_lexicon
from flows.store.views import create_views
from flows.reporting.window_lexicon import window_lexicon, window_spec
from pipelines.config import load_seeds
from pipelines.induction.induce import ENGINE, LexiconSpec
from pipelines.induction.counting import ANCHORS, PAIRS, TERMS, TOTALS, count_posts
from pipelines.text.prepare import PostPreparer

MOODS = {2014: "great happy wonderful", 2015: "awful terrible horrible"}
RAIN = {2014: (60, 20), 2015: (20, 60)}  # posts of 'rain' with joy words, with fear words
BACKGROUND = ("", " glad", "", " afraid")  # joy and fear words in other posts too


def tiny_corpus() -> list[tuple[str, str]]:
    """Per year: 'weather' in 40 posts with that year's mood words (support 40, flips sign);
    'fox' in 30 plain posts and 6 with the year's first mood word (support 6: flips too, on
    little evidence); 'garden' in 60 posts, half with good / nice, half with bad / sad, both
    years alike (no drift); 'rain' with joy words (glad, cheerful) in 60 posts and fear words
    (afraid, scared) in 20 in 2014, the other way round in 2015; 800 filler posts, a quarter with
    a joy word and a quarter with a fear word, keep every term under the max_df_share cap."""
    posts = []
    for year, mood in MOODS.items():
        posts += [(f"{year}-03", f"weather {mood} lovely{i % 3}") for i in range(40)]
        posts += [(f"{year}-04", f"fox table chair number{i}") for i in range(30)]
        posts += [(f"{year}-04", f"fox {mood.split()[0]}")] * 6
        posts += [(f"{year}-05", f"garden good nice day{i % 2}") for i in range(30)]
        posts += [(f"{year}-05", f"garden bad sad day{i % 2}") for i in range(30)]
        joyful, fearful = RAIN[year]
        posts += [(f"{year}-07", f"rain glad cheerful drop{i % 2}") for i in range(joyful)]
        posts += [(f"{year}-07", f"rain afraid scared drop{i % 2}") for i in range(fearful)]
        posts += [(f"{year}-06", f"filler{i} word{i}" + BACKGROUND[i % 4]) for i in range(800)]
    return posts


def counted_database(path, posts: list[tuple[str, str]]) -> duckdb.DuckDBPyConnection:
    """A database holding the counts of (month, text) posts, as the job counts and the load stores them."""
    con = duckdb.connect(str(path))
    con.execute(sql.read("schema.sql"))
    create_views(con)
    prepare = PostPreparer(load_seeds())
    counters = count_posts({**prepare({"text": text}), "month": month, "platform": "twitter"} for month, text in posts)
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
    return con


@pytest.fixture(scope="module")
def con(tmp_path_factory):
    con = counted_database(tmp_path_factory.mktemp("drift") / "drift.duckdb", tiny_corpus())
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
    assert [r["term"] for r in rows] == ["weather", "rain"]  # rain: joy words, then fear words
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
    """'rain' meets fear words in 20 posts of 2014 and 60 of 2015: its fear rises, compared at the
    support of 20 that both years have. 'weather' meets joy words only in 2014 and fear and anger
    words only in 2015: none of its emotions has support in both years, so none is called a drift
    (its sentiment is). The report's emotion table lists them."""
    monkeypatch.setattr(report_lexicon, "DRIFT_MIN_DF", 5)
    rows = report_lexicon.drift(con, ((2014, 2014), (2015, 2015)), None)
    emotions = {(r["dimension"], r["term"]): r for r in rows if r["dimension"] != "sentiment"}
    assert set(emotions) == {("fear", "rain")}
    fear = emotions["fear", "rain"]
    assert (fear["support_a"], fear["support_b"]) == (20, 60)
    assert 0 < fear["value_a"] < fear["value_b"] and 0 < fear["band"] < fear["delta"]
    assert "weather" in {r["term"] for r in rows if r["dimension"] == "sentiment"}
    html = report_html.emotion_drift_table(rows)
    assert (f'<td class="l">fear</td><td class="l">rain</td><td>{fear["value_a"]:+.3f}</td>'
            f'<td>{fear["value_b"]:+.3f}</td>') in html


def test_a_period_with_more_of_the_same_posts_shows_no_drift(tmp_path, monkeypatch):
    """The second year holds each post of the first three times: every association is the same,
    only the supports are three times larger. A lexicon moves a prior word further from its prior
    on more support, and a corpus value less towards 0, so the two years' lexicons differ ('weather':
    +0.30 and +0.39), but at the same support they do not: no drift."""
    monkeypatch.setattr(report_lexicon, "DRIFT_MIN_DF", 5)
    first = [(month, text) for month, text in tiny_corpus() if month.startswith("2014")]
    con = counted_database(tmp_path / "scaled.duckdb",
                           first + [(month.replace("2014", "2015"), text) for month, text in first] * 3)
    weather_a, weather_b = yearly(con, "weather")
    assert weather_b.support == 3 * weather_a.support >= report_lexicon.DRIFT_MIN_SUPPORT
    assert weather_b.sentiment - weather_a.sentiment > 0.05  # what the drift compared before
    assert report_lexicon.drift(con, ((2014, 2014), (2015, 2015)), None) == []
    con.close()


def test_a_window_lexicon_of_the_frequent_terms_has_their_entries_of_the_whole_window(con):
    whole, frequent = (window_lexicon(con, load_seeds(), "2014-01", "2014-12", min_df=min_df) for min_df in (1, 37))
    kept = {t for t, e in whole.general.items() if e.df >= 37}
    assert {"weather", "garden"} <= kept
    assert {t: frequent.general[t] for t in kept} == {t: whole.general[t] for t in kept}
    assert whole.general["fox"].df == 36 and "fox" not in frequent.general  # a rarer term is not built at all


def test_the_reports_lexicons_have_the_options_of_the_lexicon_in_force_or_say_why_not(tmp_path, monkeypatch):
    """A run with --min-df 1000 scored with a lexicon where 'weather' (40 posts a year) has no corpus
    value; its report's drift and top terms used the default options, where 'weather' drifts. A
    supervised lexicon in force cannot be induced from the window's counts: the captions say so."""
    monkeypatch.setattr(report_lexicon, "DRIFT_MIN_DF", 5)
    monkeypatch.setattr(report_lexicon, "YEAR_MIN_DF", 5)
    path = tmp_path / "in_force.duckdb"
    con = counted_database(path, tiny_corpus())
    metadata = {"kind": "default", "seeds": load_seeds().fingerprint, "engine": ENGINE,
                "options": {**LexiconSpec().as_dict(), "min_df": 1000}}
    con.execute("INSERT INTO lexicons VALUES ('lex-a', ?, '{}', 'r')", [json.dumps(metadata)])
    con.execute("INSERT INTO runs (run_id, finished_at, lexicon_version) VALUES ('r', '2026-12-07 10:00', 'lex-a')")
    assert window_spec(con) == (LexiconSpec(min_df=1000), "")
    by_year = report_lexicon.top_terms_by_year(con, [2014, 2015], None, LexiconSpec(min_df=1000))
    assert "weather" not in {r["term"] for rows in by_year.values() for r in rows}
    con.close()

    def drifted() -> set[str]:
        rows = report_lexicon.lexicon_charts(str(path), [2014, 2015], None, str(tmp_path), "")
        return {r["term"] for r in rows if r["dimension"] == "sentiment"}

    assert "weather" not in drifted()
    with duckdb.connect(str(path)) as con:
        con.execute("UPDATE lexicons SET metadata = ?", [json.dumps({**metadata, "options": LexiconSpec().as_dict()})])
    assert "weather" in drifted()
    with duckdb.connect(str(path)) as con:
        con.execute("UPDATE lexicons SET metadata = ?", [json.dumps({**metadata, "kind": "supervised"})])
        spec, why_not = window_spec(con)
    assert spec == LexiconSpec() and why_not == "it is a supervised lexicon, not one induced from the posts' counts"
    assert report.window_lexicons_note(why_not) == (
        " These are mipulse's default lexicons of the posts, not the lexicon that scored them: it is a supervised "
        "lexicon, not one induced from the posts' counts. Its own values: the lexicon table joined to the "
        "lexicon_in_force view (docs/sql.md).")
    assert report.window_lexicons_note("") == ""
