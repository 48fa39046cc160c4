"""Report views (sql/views.sql) against hand-computed numbers, and the PNG report."""

from __future__ import annotations

import math
from html import escape
import os
from pathlib import Path

import duckdb
import pytest

import sql
from flows.reporting.report import render_report
from flows.store.lexicon_store import version_in_force
from flows.store.views import VIEWS, create_views

EMOTIONS = ("anger", "anticipation", "disgust", "fear", "joy", "sadness", "surprise", "trust")
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


def wilson_by_hand(k: int, n: int, z: float = 1.96) -> tuple[float, float]:
    """The Wilson bounds are the two roots p of (k/n − p)² = z²·p(1 − p)/n."""
    p_hat = k / n
    a = 1 + z * z / n
    b = -(2 * p_hat + z * z / n)
    c = p_hat * p_hat
    root = math.sqrt(b * b - 4 * a * c)
    return (-b - root) / (2 * a), (-b + root) / (2 * a)


def post(platform, post_id, month, label, score, dominant=None, topics=None, **emotions):
    return (
        platform, post_id, month, score, label,
        *(emotions.get(e) for e in EMOTIONS),
        dominant, [dominant] if dominant else [], topics, [], 5, 1, "lex-test", "tok-test", "run-1",
    )


# twitter 2020: 4 posts (1 pos, 2 neg, 1 neutral; one without emotion evidence)
# twitter 2021: 2 negative; reddit 2020: 1; reddit 2021: 3; youtube 2021: 1 without emotion.
POSTS = [
    post("twitter", "t1", "2020-01", "positive", 0.5, "joy", ["climate_change", "plastic"], joy=0.6, fear=0.2),
    post("twitter", "t2", "2020-01", "negative", -0.4, "fear", ["climate_change"], fear=0.8),
    post("twitter", "t3", "2020-06", "negative", -0.2, "fear", ["climate_change", "climate_change"],
         fear=0.4, anger=0.1),
    post("twitter", "t4", "2020-12", "neutral", 0.0, None, []),
    post("twitter", "t5", "2021-03", "negative", -0.6, "anger", ["emissions"], anger=0.9),
    post("twitter", "t6", "2021-04", "negative", -0.1, "trust", None, trust=0.3),
    post("reddit", "r1", "2020-02", "positive", 0.3, "trust", ["recycling"], trust=0.5),
    post("reddit", "r2", "2021-01", "positive", 0.4, "anticipation", ["recycling"], anticipation=0.7),
    post("reddit", "r3", "2021-02", "positive", 0.2, "trust", ["recycling", "plastic"], trust=0.2),
    post("reddit", "r4", "2021-02", "negative", -0.3, None, None),
    post("youtube", "y1", "2021-05", "neutral", 0.0, None, None),
]


def _new_db(path: Path, rows: list[tuple] = ()) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect(str(path))
    con.execute(sql.read("schema.sql"))
    create_views(con)
    if rows:
        marks = ", ".join("?" * len(rows[0]))
        con.executemany(f"INSERT INTO post_scores VALUES ({marks})", rows)
    return con


@pytest.fixture
def db(tmp_path: Path) -> Path:
    path = tmp_path / "mipulse.duckdb"
    _new_db(path, POSTS).close()
    return path


@pytest.fixture
def con(db: Path):
    with duckdb.connect(str(db), read_only=True) as con:
        yield con


def rows(con, query: str, *params) -> list[dict]:
    cursor = con.execute(query, list(params))
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, r)) for r in cursor.fetchall()]


def test_create_views_is_idempotent_and_comments_every_view(tmp_path):
    con = _new_db(tmp_path / "x.duckdb")
    create_views(con)  # the loader calls it on every load
    comments = dict(con.execute("SELECT view_name, comment FROM duckdb_views() WHERE NOT internal").fetchall())
    assert set(VIEWS) <= set(comments)
    assert all(comments[v] for v in VIEWS)


def test_views_are_empty_on_empty_tables(tmp_path):
    con = _new_db(tmp_path / "empty.duckdb")
    for view in VIEWS:
        assert con.execute(f"SELECT count(*) FROM {view}").fetchone() == (0,)


def test_lexicon_in_force_is_the_version_runs_score_with_not_every_stored_one(tmp_path):
    """docs/sql.md's lexicon example read every stored version: after a rebuild it listed "fight" twice."""
    con = _new_db(tmp_path / "lexicons.duckdb")
    assert con.execute("SELECT * FROM lexicon_in_force").fetchall() == [] and version_in_force(con) is None
    con.executemany("INSERT INTO lexicons VALUES (?, '{}', '{}', ?)", [("lex-old", "r1"), ("lex-new", "r2")])
    con.executemany("INSERT INTO runs (run_id, finished_at, lexicon_version) VALUES (?, ?, ?)",
                    [("r1", "2026-12-01 10:00", "lex-old"), ("r2", "2026-12-02 10:00", "lex-new"),
                     ("r3", "2026-12-03 10:00", "lex-old")])  # a backfill on a lexicon file given by hand
    assert con.execute("SELECT * FROM lexicon_in_force").fetchall() == [("lex-old",)]
    assert version_in_force(con) == "lex-old"  # the flow's own rule (sql/lexicon_in_force.sql)
    con.execute("INSERT INTO runs (run_id, finished_at, lexicon_version) VALUES ('r4', '2026-12-04 10:00', 'lex-new')")
    assert con.execute("SELECT * FROM lexicon_in_force").fetchall() == [("lex-new",)]
    assert version_in_force(con) == "lex-new"


def test_yearly_sentiment_share_counts_shares_and_wilson(con):
    got = rows(con, "SELECT * FROM yearly_sentiment_share WHERE platform = 'twitter' AND year = 2020 "
                    "ORDER BY sentiment_label")
    assert [(r["sentiment_label"], r["n"], r["total"], r["share"]) for r in got] == [
        ("negative", 2, 4, 0.5), ("neutral", 1, 4, 0.25), ("positive", 1, 4, 0.25),
    ]
    negative = got[0]
    low, high = wilson_by_hand(2, 4)
    assert negative["ci_low"] == pytest.approx(low, abs=1e-12)
    assert negative["ci_high"] == pytest.approx(high, abs=1e-12)
    assert (low, high) == pytest.approx((0.150035, 0.849965), abs=1e-6)


def test_label_absent_from_a_year_gets_a_zero_row(con):
    (positive,) = rows(con, "SELECT * FROM yearly_sentiment_share WHERE platform = 'twitter' "
                            "AND year = 2021 AND sentiment_label = 'positive'")
    assert (positive["n"], positive["total"], positive["share"]) == (0, 2, 0.0)
    assert positive["ci_low"] == pytest.approx(0.0, abs=1e-12)
    # k = 0: upper bound is (z²/n) / (1 + z²/n)
    assert positive["ci_high"] == pytest.approx(1.9208 / 2.9208, abs=1e-12)
    assert positive["ci_high"] == pytest.approx(wilson_by_hand(0, 2)[1], abs=1e-12)
    # every label in every year × platform: 5 groups × 3 labels
    assert con.execute("SELECT count(*) FROM yearly_sentiment_share").fetchone() == (15,)


def test_monthly_sentiment_share(con):
    got = rows(con, "SELECT sentiment_label, n, total, share, year FROM monthly_sentiment_share "
                    "WHERE platform = 'twitter' AND month = '2020-01' AND n > 0 ORDER BY sentiment_label")
    assert got == [
        {"sentiment_label": "negative", "n": 1, "total": 2, "share": 0.5, "year": 2020},
        {"sentiment_label": "positive", "n": 1, "total": 2, "share": 0.5, "year": 2020},
    ]
    (neg,) = rows(con, "SELECT ci_low, ci_high FROM monthly_sentiment_share "
                       "WHERE platform = 'twitter' AND month = '2020-01' AND sentiment_label = 'negative'")
    assert (neg["ci_low"], neg["ci_high"]) == pytest.approx(wilson_by_hand(1, 2), abs=1e-12)


def test_yearly_emotion_share_excludes_posts_without_dominant_emotion(con):
    got = {r["emotion"]: r for r in rows(con, "SELECT * FROM yearly_emotion_share "
                                              "WHERE platform = 'twitter' AND year = 2020")}
    assert sorted(got) == sorted(EMOTIONS)
    fear, joy, trust = got["fear"], got["joy"], got["trust"]
    # t4 has no dominant emotion: the denominator is 3, not 4
    assert (fear["n"], fear["total"], fear["posts"]) == (2, 3, 4)
    assert fear["share"] == pytest.approx(2 / 3)
    assert (fear["ci_low"], fear["ci_high"]) == pytest.approx(wilson_by_hand(2, 3), abs=1e-12)
    assert joy["share"] == pytest.approx(1 / 3)
    assert (trust["n"], trust["share"]) == (0, 0.0)
    # mean over all 4 posts, t4's NULL counting as 0
    assert fear["mean_intensity"] == pytest.approx((0.2 + 0.8 + 0.4 + 0.0) / 4)
    assert joy["mean_intensity"] == pytest.approx(0.6 / 4)
    assert got["anger"]["mean_intensity"] == pytest.approx(0.1 / 4)
    assert sum(r["share"] for r in got.values()) == pytest.approx(1.0)


def test_emotion_share_is_null_when_no_post_has_a_dominant_emotion(con):
    got = rows(con, "SELECT n, total, posts, share, ci_low, ci_high FROM yearly_emotion_share "
                    "WHERE platform = 'youtube'")
    assert len(got) == 8
    assert all(r == {"n": 0, "total": 0, "posts": 1, "share": None, "ci_low": None, "ci_high": None}
               for r in got)


def test_yearly_topic_volume(con):
    got = {(r["platform"], r["year"], r["topic"]): r
           for r in rows(con, "SELECT * FROM yearly_topic_volume")}
    assert set(got) == {
        ("twitter", 2020, "climate_change"), ("twitter", 2020, "plastic"), ("twitter", 2021, "emissions"),
        ("reddit", 2020, "recycling"), ("reddit", 2021, "recycling"), ("reddit", 2021, "plastic"),
    }
    climate = got[("twitter", 2020, "climate_change")]
    assert (climate["posts"], climate["total"], climate["share"]) == (3, 4, 0.75)  # t3's duplicate tag counts once
    assert climate["mean_sentiment"] == pytest.approx((0.5 - 0.4 - 0.2) / 3)
    recycling = got[("reddit", 2021, "recycling")]
    assert (recycling["posts"], recycling["total"]) == (2, 3)
    assert recycling["share"] == pytest.approx(2 / 3)
    assert recycling["mean_sentiment"] == pytest.approx(0.3)


def test_report_queries_filter_with_bind_parameters(con):
    params = {"from_year": 2021, "to_year": None, "platform": "reddit"}
    got = con.execute(sql.read("report_sentiment_share.sql"), params).fetchall()
    assert {(r[0], r[1]) for r in got} == {(2021, "reddit")}
    topics = con.execute(sql.read("report_topic_volume.sql"),
                         {"from_year": None, "to_year": None, "platform": None}).fetchall()
    assert topics[0][1] == "climate_change"  # busiest topic first
    assert (2021, "plastic", 1) in [t[:3] for t in topics] and (2020, "plastic", 1) in [t[:3] for t in topics]


def _assert_pngs(paths: list[Path], out_dir: Path, min_bytes: int) -> None:
    names = [p.name for p in paths]
    assert names[:5] == [
        "sentiment_share_by_platform.png", "emotion_shares.png", "topic_volume.png",
        "top_terms_by_year.png", "sentiment_drift.png"]
    assert all(n.startswith("word_shift_") for n in names[5:-1]) and names[-1] == "report.html"
    html = paths[-1].read_text(encoding="utf-8")
    assert html.count('<img alt="') == len(paths) - 1 and "src=\"http" not in html and "<script" not in html
    for path in paths[:-1]:
        assert path.parent == out_dir
        data = path.read_bytes()
        assert data[:8] == PNG_MAGIC
        assert len(data) > min_bytes


def test_render_report_writes_pngs_and_html(db, tmp_path):
    out = tmp_path / "report"
    _assert_pngs(render_report(db, out), out, min_bytes=5_000)


def test_a_report_without_lexicon_intervals_says_they_were_not_asked_for(db, tmp_path):
    out = tmp_path / "wilson"
    _assert_pngs(render_report(db, out, interval_replicates=0), out, min_bytes=5_000)
    html = (out / "report.html").read_text(encoding="utf-8")
    assert "lexicon-aware intervals were not asked for (--interval-replicates 0)" in html
    # the assumption is said: on real tweets whose errors differed by year, a flat true share rose 5.4 points
    assert ("If the model mislabels posts alike in every year (one confusion matrix), changes between years read "
            "smaller than they are (at 40-60 % of their size") in html
    assert "where its errors differ by year, a change can also be the model" in html
    assert "If the model errs alike in every year, these shares understate changes between years too" in html
    assert "trust, surprise and anticipation led 0-0.6 % of tweets, while people saw them in 4-14 %" in html


def _with_totals(db: Path, totals: list[tuple[str, str, int]]) -> Path:
    """`db` with these (month, platform, posts) totals: the years a report shows and their posts."""
    with duckdb.connect(str(db)) as con:
        con.executemany("INSERT INTO totals (month, platform, posts, run_id, source_file) VALUES (?, ?, ?, 'run-1', 'f')",
                        totals)
    return db


def test_a_word_shift_caption_gives_the_posts_of_its_two_years(db, tmp_path):
    """A 2020 -> 2021 shift was built on 31 posts, and nothing said so."""
    from flows.reporting.report import shift_caption

    assert shift_caption((2020, 2021), {2020: 31, 2021: 3050}).startswith(
        "Word shift 2020 → 2021 (31 posts in 2020, 3,050 in 2021): the terms that moved")
    _with_totals(db, [("2020-01", "twitter", 4), ("2021-03", "twitter", 2), ("2021-02", "reddit", 3)])
    html = (render_report(db, tmp_path / "report", interval_replicates=0)[-1]).read_text(encoding="utf-8")
    assert "Word shift 2020 → 2021 (4 posts in 2020, 5 in 2021)" in html


def test_the_sentiment_caption_names_the_years_without_posts_inside_the_window(db, tmp_path):
    """Loaded 2014, 2016, 2018: the lines joined across 2015 and 2017 and no word shift was drawn, unsaid."""
    from flows.reporting.report import missing_years_note, year_spans

    assert missing_years_note([2014, 2016, 2018]) == (
        " No posts in 2015 and 2017: the yearly charts' lines join across those years, and no word shift spans "
        "them (each compares a year with the next).")
    assert missing_years_note([2019, 2020]) == missing_years_note([2020]) == missing_years_note([]) == ""
    assert year_spans([2015, 2017, 2018, 2019, 2022]) == "2015, 2017–2019 and 2022"
    _with_totals(db, [("2018-05", "twitter", 3), ("2020-01", "twitter", 4), ("2021-03", "twitter", 2)])
    html = (render_report(db, tmp_path / "report", interval_replicates=0)[-1]).read_text(encoding="utf-8")
    assert "No posts in 2019: the yearly charts" in html and "word shift spans it (each" in html


def test_the_platform_model_note_is_for_windows_that_mix_platforms_scored_by_different_models():
    from flows.reporting.report import platform_models_note

    assert platform_models_note([{"platform": "twitter", "own_model": False}]) == ""
    assert platform_models_note([{"platform": "reddit", "own_model": True}]) == ""  # reddit alone: one model
    note = platform_models_note([{"platform": "reddit", "own_model": True}, {"platform": "twitter", "own_model": False}])
    assert note.startswith(" Posts of reddit are labelled by a sentiment model fitted on posts of that platform")


def test_render_report_with_filters_and_on_an_empty_window(db, tmp_path):
    out = tmp_path / "filtered"
    _assert_pngs(render_report(str(db), str(out), from_year=2021, platform="reddit"), out, 5_000)
    out = tmp_path / "none"
    _assert_pngs(render_report(db, out, from_year=2030), out, 1_000)


def test_render_report_on_an_empty_database(tmp_path):
    path = tmp_path / "empty.duckdb"
    _new_db(path).close()
    out = tmp_path / "report"
    _assert_pngs(render_report(path, out), out, min_bytes=1_000)


def _contents(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


def test_a_failed_render_leaves_the_previous_report_whole(db, tmp_path, monkeypatch):
    """Issue 16.14: `mipulse report` wrote in place, so a kill left corrupt or mixed outputs."""
    import flows.reporting.report

    out = tmp_path / "report"
    render_report(db, out)
    out.chmod(0o750)
    before = _contents(out)

    def killed(*args, **kwargs):  # the render dies after three new charts were drawn
        raise KeyboardInterrupt("killed")

    monkeypatch.setattr(flows.reporting.report.report_lexicon, "plot_drift", killed)
    with pytest.raises(KeyboardInterrupt):
        render_report(db, out, from_year=2021, platform="reddit")  # other charts than before
    assert _contents(out) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(["report", db.name])  # no staging left
    monkeypatch.undo()
    paths = render_report(db, out, from_year=2021, platform="reddit")
    _assert_pngs(paths, out, 5_000)
    assert _contents(out) != before and out.stat().st_mode & 0o777 == 0o750


def test_a_render_removes_the_staging_folders_of_killed_renders_only(db, tmp_path):
    import subprocess
    import sys

    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True,
                          text=True, check=True).stdout.strip()
    killed = tmp_path / f".report.rendering-{dead}-ab_12cd"
    running = tmp_path / f".report.rendering-{os.getpid()}-ef_34gh"  # a render still going on
    for folder in (killed, running):
        folder.mkdir()
        (folder / "sentiment_share_by_platform.png").write_bytes(b"half")
    render_report(db, tmp_path / "report")
    assert not killed.exists() and running.exists()


def test_a_render_into_a_shared_folder_keeps_the_other_files(db, tmp_path):
    out = tmp_path / "desktop"
    out.mkdir()
    (out / "notes.txt").write_text("mine")
    _assert_pngs(render_report(db, out), out, 5_000)
    assert (out / "notes.txt").read_text() == "mine"


def test_render_report_explains_missing_views(tmp_path):
    path = tmp_path / "bare.duckdb"
    with duckdb.connect(str(path)) as con:
        con.execute(sql.read("schema.sql"))
    with pytest.raises(RuntimeError, match="create_views"):
        render_report(path, tmp_path / "out")
    with pytest.raises(FileNotFoundError):
        render_report(tmp_path / "absent.duckdb", tmp_path / "out")


def test_every_interval_contains_its_share(con):
    for view in ("yearly_sentiment_share", "monthly_sentiment_share", "yearly_emotion_share"):
        bad = con.execute(f"SELECT count(*) FROM {view} WHERE share IS NOT NULL "
                          "AND NOT (0 <= ci_low AND ci_low <= share AND share <= ci_high AND ci_high <= 1)").fetchone()
        assert bad == (0,), view


def test_a_report_renders_with_fewer_gc_passes_and_restores_them(db, tmp_path, monkeypatch):
    """Its lexicons and intervals allocate like the job: GC passes were ~30 % of a report's CPU."""
    import gc

    import flows.reporting.report as report
    from pipelines.gc_passes import JOB_GC_THRESHOLDS

    seen, render_into = [], report._render_into
    monkeypatch.setattr(report, "_render_into", lambda *args: seen.append(gc.get_threshold()) or render_into(*args))
    before = gc.get_threshold()
    _assert_pngs(render_report(db, tmp_path / "report", interval_replicates=0), tmp_path / "report", 5_000)
    assert seen == [JOB_GC_THRESHOLDS] and gc.get_threshold() == before


def test_the_adjusted_caption_warns_when_no_labelled_post_is_a_post_of_the_database():
    from flows.reporting.adjusted import AdjustedSentiment
    from flows.reporting.report import _adjusted_note

    elsewhere = _adjusted_note(AdjustedSentiment(posts=300, in_database=0), "mine.jsonl")
    assert "300 posts of mine.jsonl (none of them is a post of this database (by id): the matrix holds only " \
           "if they are like its posts)" in elsewhere
    assert "Not adjusted" not in elsewhere and "Left out" not in elsewhere
    mine = _adjusted_note(AdjustedSentiment(posts=300, in_database=120, not_adjusted={"reddit": "why"},
                                            rejected=["post 1: a", "post 2: b"]), "mine.jsonl")
    assert "(120 of them are posts of this database)" in mine and "Not adjusted: reddit: why." in mine
    assert "Left out of the file: 2 lines (post 1: a; …)." in mine


def test_posts_placed_in_a_month_by_undated_as_are_counted_for_the_report():
    """5,000 undated comments loaded with --undated-as 2019-06 looked like reddit's 2019, dated, in every
    view and chart."""
    from flows.reporting.report_html import undated_note
    from flows.store.db import ensure_schema

    with duckdb.connect(":memory:") as con:
        ensure_schema(con)
        con.execute("""INSERT INTO runs (run_id, options) VALUES ('r1', '{"undated_as": "2019-06"}'),
                       ('r2', '{"undated_as": null}')""")
        con.execute("""INSERT INTO posts (platform, post_id, month, created_at, run_id) VALUES
                       ('reddit', 'a', '2019-06', '2019-06-01 00:00:00', 'r1'),
                       ('reddit', 'b', '2019-06', '2019-06-01 00:00:00', 'r1'),
                       ('reddit', 'c', '2019-06', '2019-06-14 09:00:00', 'r1'),
                       ('reddit', 'd', '2019-06', '2019-06-01 00:00:00', 'r2')""")
        cursor = con.execute(sql.read("report_undated.sql"))
        rows = [dict(zip([d[0] for d in cursor.description], r)) for r in cursor.fetchall()]
    assert rows == [{"month": "2019-06", "posts": 2}]
    assert undated_note(rows) == ("Posts without a date, placed by --undated-as: 2 in 2019-06. Their month and year "
                                  "say nothing of when they were written.")
    assert undated_note([]) is None


def test_records_left_out_as_other_languages_are_counted_for_the_report():
    """A run that rejected 40 % of its records as other languages had said so only in its accounting table."""
    from flows.reporting.report_html import language_note
    from flows.store.db import ensure_schema

    with duckdb.connect(":memory:") as con:
        ensure_schema(con)
        con.execute("""INSERT INTO rejects (run_id, source_file, record_no, reason) VALUES
                       ('r1', 'a', 1, 'language es not selected'), ('r1', 'a', 2, 'language es not selected'),
                       ('r1', 'a', 3, 'language fr not selected'), ('r1', 'a', 4, 'missing text')""")
        cursor = con.execute(sql.read("report_language_rejects.sql"))
        rows = [dict(zip([d[0] for d in cursor.description], r)) for r in cursor.fetchall()]
    assert rows == [{"language": "es", "records": 2}, {"language": "fr", "records": 1}]
    assert language_note(rows) == ("Records left out as other languages (--languages; the lexicons are English): 3 "
                                   "(es 2, fr 1). The shares are those of the posts kept; an export's language tags "
                                   "can be wrong, short posts most often.")
    assert language_note([]) is None


def test_the_lexicon_charts_captions_say_when_their_lexicons_are_not_the_one_that_scored_the_posts(db, tmp_path):
    """Scored with a supervised lexicon, the report drew the default engine's window lexicons as
    "the scoring engine on that year's posts"."""
    note = "These are mipulse's default lexicons of the posts, not the lexicon that scored them: it is a supervised"
    html = (render_report(db, tmp_path / "before", interval_replicates=0)[-1]).read_text(encoding="utf-8")
    assert escape(note) not in html  # no run yet: nothing to differ from
    with duckdb.connect(str(db)) as con:
        con.execute("""INSERT INTO lexicons VALUES ('lex-s', '{"kind": "supervised"}', '{}', 'r1')""")
        con.execute("INSERT INTO runs (run_id, finished_at, lexicon_version, accepted) "
                    "VALUES ('r1', '2026-12-07 10:00', 'lex-s', 12)")
    html = (render_report(db, tmp_path / "report", interval_replicates=0)[-1]).read_text(encoding="utf-8")
    assert html.count(escape(note)) == 4  # the top terms' and the drift's captions, each also its image's alt text
