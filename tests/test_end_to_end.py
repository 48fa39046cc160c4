"""End to end: `mipulse sample` -> `mipulse run` (Prefect + Beam + DuckDB) -> report -> query."""

import json
import re
import shutil
from pathlib import Path

import duckdb
import pytest

from flows.cli.commands import main
from pipelines.config import EMOTIONS, load_seeds
from pipelines.induction.priors import emotion_priors
from pipelines.evaluation.synthetic import PLANTED_EMOTION, PLANTED_NEGATIVE, PLANTED_POSITIVE

POSTS = 4000
pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def demo(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("demo")
    assert main(["sample", "--posts", str(POSTS), "--out", str(root / "sample"), "--seed", "3"]) == 0
    assert main(["run", "--input", str(root / "sample" / "*.jsonl"), "--db", str(root / "m.duckdb"),
                 "--out", str(root / "out")]) == 0
    return root


def rows(db: Path, sql: str) -> list[tuple]:
    with duckdb.connect(str(db), read_only=True) as con:
        return con.execute(sql).fetchall()


def test_every_table_is_filled(demo):
    db = demo / "m.duckdb"
    assert rows(db, "SELECT count(*) FROM posts") == [(POSTS,)]
    assert rows(db, "SELECT count(*) FROM post_scores") == [(POSTS,)]
    assert rows(db, "SELECT sum(posts) FROM totals") == [(POSTS,)]
    for table in ("term_counts", "anchor_counts", "anchor_pair_counts", "lexicon"):
        assert rows(db, f"SELECT count(*) > 100 FROM {table}") == [(True,)], table
    assert rows(db, "SELECT sum(records_read), sum(accepted), count(*) FROM runs") == [(POSTS, POSTS, 1)]
    years = rows(db, "SELECT min(left(month, 4)), max(left(month, 4)) FROM posts")
    assert years == [("2014", "2023")]


def test_no_raw_author_handle_is_stored(demo):
    db = demo / "m.duckdb"
    assert rows(db, "SELECT count(*) FROM posts WHERE regexp_matches(text, '@[A-Za-z]+[0-9]+')") == [(0,)]
    assert rows(db, "SELECT count(*) FROM posts WHERE length(author_key) = 24") == [(POSTS,)]


def lexicon(db: Path) -> dict[str, tuple]:
    cols = ", ".join(EMOTIONS)
    return {r[0]: r[1:] for r in rows(db, f"SELECT term, sentiment, {cols} FROM lexicon WHERE layer = 'general'")}


def test_planted_sentiment_words_get_the_planted_sign(demo):
    lex = lexicon(demo / "m.duckdb")
    assert all(lex[w][0] > 0 for w in PLANTED_POSITIVE), {w: lex[w][0] for w in PLANTED_POSITIVE}
    assert all(lex[w][0] < 0 for w in PLANTED_NEGATIVE), {w: lex[w][0] for w in PLANTED_NEGATIVE}


def test_planted_emotion_words_lead_their_emotion(demo):
    """Every planted word gains its planted emotion from the corpus, and on average a planted
    emotion's words weigh more for it than the other planted words do (words EmoLex lists with
    that emotion are left out of the comparison: they carry it by their prior)."""
    lex = lexicon(demo / "m.duckdb")
    planted = {word: emotion for emotion, words in PLANTED_EMOTION.items() for word in words}
    priors = emotion_priors(load_seeds())
    for emotion in EMOTIONS:
        k = 1 + EMOTIONS.index(emotion)
        own = [lex[w][k] for w, e in planted.items() if e == emotion]
        others = [lex[w][k] for w, e in planted.items() if e != emotion and emotion not in priors.get(w, ())]
        assert min(own) > 0, (emotion, own)
        assert sum(own) / len(own) > sum(others) / len(others), (emotion, own, others)


def test_scores_carry_versions_and_labels(demo):
    db = demo / "m.duckdb"
    labels = dict(rows(db, "SELECT sentiment_label, count(*) FROM post_scores GROUP BY ALL"))
    assert set(labels) == {"negative", "neutral", "positive"}
    assert labels["negative"] > labels["positive"]  # the sample plants a negative majority
    versions = rows(db, "SELECT DISTINCT lexicon_version, tokenizer_version FROM post_scores")
    assert len(versions) == 1 and all(versions[0])
    assert rows(db, "SELECT count(*) FROM post_scores WHERE len(topics) = 0") == [(0,)]


def test_report_writes_non_empty_pngs_and_html(demo):
    report = demo / "out" / "report"
    charts = sorted(report.glob("*.png"))
    assert {c.name for c in charts} >= {"sentiment_share_by_platform.png", "emotion_shares.png",
                                        "topic_volume.png"}
    assert (report / "report.html").stat().st_size > sum(c.stat().st_size for c in charts)
    for chart in charts:
        data = chart.read_bytes()
        assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 10_000, chart


def test_query_reads_but_cannot_write(demo, capsys):
    db = str(demo / "m.duckdb")
    assert main(["query", "--db", db, "--format", "csv", "SELECT count(*) AS n FROM posts"]) == 0
    assert capsys.readouterr().out.splitlines() == ["n", str(POSTS)]
    for statement in ("DELETE FROM posts", "CREATE TABLE x (a INT)", "DROP TABLE posts",
                      f"COPY posts TO '{demo / 'leak.csv'}'", f"ATTACH '{demo / 'other.duckdb'}' AS o"):
        assert main(["query", "--db", db, statement]) == 3, statement
    assert rows(demo / "m.duckdb", "SELECT count(*) FROM posts") == [(POSTS,)]
    assert not (demo / "leak.csv").exists() and not (demo / "other.duckdb").exists()


def test_doc_examples_are_not_stale(demo):
    """docs/sql.md and docs/case-study.md show outputs of a climate run; their queries on this
    demo run must print what they printed when the documents were last regenerated."""
    from harness.doc_examples import DIGEST, example_digests

    assert example_digests(str(demo / "m.duckdb"), str(demo)) == json.loads(DIGEST.read_text(encoding="utf-8")), (
        "the documents' example outputs are stale: regenerate them with `.venv/bin/python bench/sql_docs.py`")


def test_the_report_says_reddit_is_labelled_by_a_model_of_its_own(demo):
    """The default lexicon scores Reddit comments with a model fitted on them (docs/lexicons.md): a chart
    that compares platforms says so, and one platform's report does not (only one model in it)."""
    from flows.reporting.report import render_report

    note = "Posts of reddit are labelled by a sentiment model fitted on posts of that platform, the others"
    assert note in (demo / "out" / "report" / "report.html").read_text(encoding="utf-8")
    out = demo / "reddit-only"
    render_report(demo / "m.duckdb", out, platform="reddit", interval_replicates=0)
    assert note not in (out / "report.html").read_text(encoding="utf-8")


def test_report_intervals_resample_the_lexicon_of_the_run(demo):
    """The run's lexicon is re-induced from bootstrap replicates (not held fixed), and every
    lexicon-aware interval of the yearly shares holds its Wilson interval."""
    from flows.store.db import connect_read_only
    from flows.reporting.intervals import SENTIMENT, lexicon_intervals, with_share_intervals

    html = (demo / "out" / "report" / "report.html").read_text(encoding="utf-8")
    assert "bootstrap lexicons re-induced from 4,000 resampled posts, the ones the lexicon in force was induced from" in html
    with connect_read_only(demo / "m.duckdb") as con:
        intervals = lexicon_intervals(con, replicates=3)
        cursor = con.execute("SELECT * FROM yearly_sentiment_share")
        shares = [dict(zip([d[0] for d in cursor.description], r)) for r in cursor.fetchall()]
    assert intervals.lexicon_resampled and intervals.replicates == 3
    rows = with_share_intervals(shares, intervals, SENTIMENT, "sentiment_label")
    assert rows and all(r["lex_low"] <= r["ci_low"] + 1e-12 and r["ci_high"] <= r["lex_high"] + 1e-12 for r in rows)
    assert any(r["lex_high"] - r["lex_low"] > r["ci_high"] - r["ci_low"] + 1e-6 for r in rows)


def test_the_scheduled_yearly_report_fails_on_a_year_without_posts(demo, tmp_path):
    """It had rendered empty charts and ended Completed: the loads feeding the database may have stopped."""
    from flows.report_flow import report_flow
    from flows.reporting.window import EmptyReportWindow

    with pytest.raises(EmptyReportWindow, match=r"^no posts in the years 2030\.\.2030; years with posts: 20\d\d\.\.20\d\d$"):
        report_flow.fn(db=str(demo / "m.duckdb"), out=str(tmp_path / "r"), year=2030)
    assert not (tmp_path / "r").exists()


def test_a_lexicon_from_a_file_is_not_resampled_as_if_induced_from_these_posts(demo, tmp_path):
    """An edited lexicon (or one of another corpus) given with --lexicon had "lexicon-aware" intervals
    of lexicons re-induced from this database's posts, which drop its edits."""
    import shutil

    from flows.store.db import connect_read_only
    from flows.reporting.intervals import lexicon_intervals

    db = tmp_path / "given.duckdb"
    shutil.copy(demo / "m.duckdb", db)
    with duckdb.connect(str(db)) as con:  # as if the run had scored with `--lexicon edited.parquet`
        con.execute("UPDATE runs SET options = json_merge_patch(options, '{\"lexicon\": \"edited.parquet\"}')")
    with connect_read_only(db) as con:
        intervals = lexicon_intervals(con, replicates=3)
    assert not intervals.lexicon_resampled and intervals.values == {}


def test_a_lexicon_of_an_earlier_engine_is_not_resampled_with_this_one(demo):
    """A database whose lexicon an earlier mipulse built (no ``engine`` in its metadata, or another) had its
    replicates induced with today's arithmetic, so their spread was measured around other values."""
    from flows.store.db import connect_read_only
    from flows.reporting.intervals import in_force
    from pipelines.config import load_seeds
    from pipelines.induction.induce import ENGINE, LexiconSpec, induction_spec

    with connect_read_only(demo / "m.duckdb") as con:
        lexicon = in_force(con)
    assert lexicon.metadata["engine"] == ENGINE
    assert induction_spec(lexicon.metadata, load_seeds()) == (LexiconSpec(), "")
    for earlier in ({"engine": ENGINE - 1}, {"engine": None}):
        spec, why = induction_spec({**lexicon.metadata, **earlier}, load_seeds())
        assert spec is None and why == "an earlier version of mipulse's engine induced it"


def test_posts_the_user_labelled_adjust_the_yearly_shares_toward_the_true_mix(demo, tmp_path, capsys):
    """`mipulse report --labelled`: 900 of the demo's posts with their true polarity give each
    platform's confusion matrix (the one `mipulse evaluate` counts with the run's lexicon), and the
    adjusted yearly shares are much nearer the posts' true mix than the label shares."""
    from collections import Counter, defaultdict

    from flows.reporting.adjusted import adjust_sentiment
    from flows.store.db import connect_read_only
    from pipelines.evaluation.synthetic import _generate

    truths = list(_generate(POSTS, 3))  # the demo's posts with their ground truth
    labelled, twitter = tmp_path / "labelled.jsonl", tmp_path / "twitter.jsonl"
    records = [{"id": p["post_id"], "text": p["text"], "platform": p["platform"], "label": t["polarity"]}
               for p, t in truths[:900]]
    elsewhere = {"id": "m1", "text": "what a lovely day", "platform": "Mastodon", "label": "positive"}
    labelled.write_text("".join(json.dumps(r) + "\n" for r in [*records, elsewhere]))
    twitter.write_text("".join(json.dumps(r) + "\n" for r in records if r["platform"] == "twitter"))
    out = tmp_path / "report"
    assert main(["report", "--db", str(demo / "m.duckdb"), "--out", str(out), "--labelled", str(labelled),
                 "--interval-replicates", "0"]) == 0
    assert (out / "sentiment_share_adjusted.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    html = (out / "report.html").read_text(encoding="utf-8")
    assert "adjusted by your labelled posts" in html and "Not adjusted" not in html
    assert "the confusion matrix of the 900 posts of labelled.jsonl (900 of them are posts of this database)" \
        in html
    assert "Left out of the file: 1 line (post m1: no mastodon posts in this report)." in html

    assert main(["lexicon", "export", "--db", str(demo / "m.duckdb"), "--out", str(tmp_path / "L.parquet")]) == 0
    capsys.readouterr()
    assert main(["evaluate", "--test", str(twitter), "--lexicon", str(tmp_path / "L.parquet"), "--json"]) == 0
    evaluated = json.loads(capsys.readouterr().out)["confusion"]
    with connect_read_only(demo / "m.duckdb") as con:
        cursor = con.execute("SELECT year, platform, sentiment_label, n, total FROM yearly_sentiment_share")
        rows = [dict(zip([d[0] for d in cursor.description], r)) for r in cursor.fetchall()]
        adjusted = adjust_sentiment(con, labelled, rows)
        only_twitter = adjust_sentiment(con, twitter, rows)
        posts = con.execute("SELECT post_id, platform, CAST(left(month, 4) AS INTEGER) FROM post_scores").fetchall()
    assert adjusted.confusion["twitter"].tolist() == evaluated
    assert adjusted.rejected == ["post m1: no mastodon posts in this report"] and adjusted.posts == 900
    assert adjusted.in_database == 900 and only_twitter.in_database == len(twitter.read_text().splitlines())
    assert set(only_twitter.confusion) == {"twitter"} and only_twitter.not_adjusted == {
        p: "0 labelled posts (negative 0, neutral 0, positive 0); each class needs at least 20" for p in ("reddit", "youtube")}
    assert {r["platform"] for r in only_twitter.rows} == {"twitter"}
    for gold, row in zip(("negative", "neutral", "positive"), evaluated):  # the report's table shows the same counts
        assert "".join(f"<td>{n:,}</td>" for n in row) in html, gold

    older = tmp_path / "older.duckdb"  # as if a backfill had scored twitter 2019 with another lexicon
    shutil.copy(demo / "m.duckdb", older)
    with duckdb.connect(str(older)) as con:
        con.execute("UPDATE post_scores SET lexicon_version = 'lex-older' "
                    "WHERE platform = 'twitter' AND month LIKE '2019-%'")
    with connect_read_only(older) as con:
        mixed = adjust_sentiment(con, labelled, rows)
    assert list(mixed.not_adjusted) == ["twitter 2019"] and "another lexicon" in mixed.not_adjusted["twitter 2019"]
    assert {(r["platform"], r["year"]) for r in adjusted.rows} - {(r["platform"], r["year"]) for r in mixed.rows} == {
        ("twitter", 2019)}

    truth = {p["post_id"]: t["polarity"] for p, t in truths}
    true_mix: dict[tuple, Counter] = defaultdict(Counter)
    for post_id, platform, year in posts:
        true_mix[(year, platform)][truth[post_id]] += 1

    def mean_error(cells: list[dict], share) -> float:
        mix = lambda r: true_mix[(r["year"], r["platform"])]  # noqa: E731
        return sum(abs(share(r) - mix(r)[r["sentiment_label"]] / sum(mix(r).values())) for r in cells) / len(cells)

    labels_error = mean_error(rows, lambda r: r["n"] / r["total"])
    adjusted_error = mean_error(adjusted.rows, lambda r: r["share"])
    assert len(adjusted.rows) == len(rows) and adjusted_error < 0.6 * labels_error  # 3.0 against 7.2 points
    from flows.report_flow import render_year  # the yearly report deployment takes the file too

    yearly = [Path(p).name for p in render_year.fn(str(demo / "m.duckdb"), str(tmp_path / "y"), 2020, None,
                                                   str(labelled))]
    assert "sentiment_share_adjusted.png" in yearly and "sentiment_share_adjusted.csv" in yearly
    written = duckdb.connect().execute(  # the report's CSV holds the same rows, for SQL
        f"SELECT year, platform, sentiment_label, share FROM '{out / 'sentiment_share_adjusted.csv'}'").fetchall()
    assert sorted(written) == sorted((r["year"], r["platform"], r["sentiment_label"], pytest.approx(r["share"]))
                                     for r in adjusted.rows)


def test_a_helper_process_draws_the_lexicon_charts_of_a_large_window_the_same(demo, tmp_path, monkeypatch):
    """Below `LEXICON_HELPER_POSTS` the report draws the top-terms and drift charts itself; from
    it on, a helper process does (flows.reporting.helper_process): same bytes, same HTML."""
    from flows.reporting import helper_process, report

    started = []
    real_init = helper_process.HelperProcess.__init__

    def recording(self, module):
        started.append(module)
        real_init(self, module)

    monkeypatch.setattr(helper_process.HelperProcess, "__init__", recording)
    monkeypatch.setattr(report, "LEXICON_HELPER_POSTS", POSTS + 1)
    here = report.render_report(demo / "m.duckdb", tmp_path / "here", interval_replicates=2)
    assert started == ["flows.reporting.report_shifts"]
    monkeypatch.setattr(report, "LEXICON_HELPER_POSTS", POSTS)
    helped = report.render_report(demo / "m.duckdb", tmp_path / "helped", interval_replicates=2)
    assert started[1:] == ["flows.reporting.report_shifts", "flows.reporting.report_lexicon"]
    assert [p.name for p in here] == [p.name for p in helped]
    assert any(p.name == "sentiment_drift.png" for p in helped)
    for a, b in zip(here, helped):
        if a.suffix == ".png":
            assert a.read_bytes() == b.read_bytes(), a.name
    strip = lambda html: re.sub(r"generated \S+ \S+", "", html)  # noqa: E731
    assert strip(here[-1].read_text()) == strip(helped[-1].read_text())
    # the helper a run started early draws the word shifts of a small window: the same again
    monkeypatch.setattr(helper_process.HelperProcess, "__init__", real_init)
    monkeypatch.setattr(report, "LEXICON_HELPER_POSTS", POSTS + 1)
    with helper_process.helpers_started_early(report.EARLY_HELPERS):
        (early,) = helper_process._STARTED_EARLY.values()
        helped_early = report.render_report(demo / "m.duckdb", tmp_path / "early", interval_replicates=2)
        assert helper_process._STARTED_EARLY == {}  # the report took it
    assert early.module == "flows.reporting.report_shifts" and early.process.returncode == 0  # it served the report
    for a, b in zip(here, helped_early):
        if a.suffix == ".png":
            assert a.read_bytes() == b.read_bytes(), a.name
    assert strip(here[-1].read_text()) == strip(helped_early[-1].read_text())
