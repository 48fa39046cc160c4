"""The Beam job equals the single-process reference on input with duplicates and rejects."""

import json

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from apache_beam.testing.test_pipeline import TestPipeline as BeamTestPipeline  # a name pytest does not collect
from apache_beam.testing.util import assert_that, equal_to
import apache_beam as beam

from harness.reference import run_reference
from pipelines.config import load_seeds
from pipelines.reading.dedupe import DropDuplicates, dropped_copies
from pipelines.job import JobSettings, run_job
from pipelines.induction.induce import LexiconSpec
from pipelines.writing.sinks import SCHEMAS
from pipelines.reading.sources import SourceOptions
from pipelines.evaluation.synthetic import generate_posts


def test_dropped_copies_keeps_first_by_file_and_position():
    keys = [("twitter", "1", "b.jsonl", 1, False), ("twitter", "1", "a.jsonl", 9, False),
            ("twitter", "1", "a.jsonl", 3, False), ("reddit", "1", "b.jsonl", 2, False)]
    assert dropped_copies(keys) == [("a.jsonl", 9), ("b.jsonl", 1)]


def test_a_full_text_is_kept_before_a_copy_cut_short_but_never_before_the_loaded_copy():
    """A v1.1 retweet of a long tweet carries its text cut short; read before the tweet itself, it had won."""
    keys = [("twitter", "1", "a.jsonl", 1, True), ("twitter", "1", "a.jsonl", 2, False),
            ("twitter", "2", "a.jsonl", 3, True), ("twitter", "2", "", 0, False), ("twitter", "2", "b.jsonl", 1, False)]
    assert sorted(dropped_copies(keys)) == [("a.jsonl", 1), ("a.jsonl", 3), ("b.jsonl", 1)]


def test_drop_duplicates_transform():
    def post(pid, src, rec):
        return {"platform": "twitter", "post_id": pid, "source_file": src, "record_no": rec}

    batches = [[post("1", "a", 1), post("2", "a", 2)], [post("1", "b", 1), post("3", "b", 2), post("3", "b", 3)]]
    with BeamTestPipeline(runner="FnApiRunner") as p:
        kept, dropped = p | beam.Create(batches) | DropDuplicates()
        ids = kept | beam.FlatMap(lambda b: [(x["post_id"], x["source_file"], x["record_no"]) for x in b])
        assert_that(ids, equal_to([("1", "a", 1), ("2", "a", 2), ("3", "b", 2)]), label="kept")
        assert_that(dropped, equal_to([("b", 1), ("b", 3)]), label="dropped")


def test_a_v1_retweet_of_a_long_tweet_read_first_loses_to_the_full_tweet():
    """Timelines come newest first: a retweet (its copy of the tweet cut at 140 characters, read
    without tweet_mode=extended) before the tweet itself. The cut copy had been the post."""
    import io
    import json

    from pipelines.reading.sources import read_records

    full = "Heat waves are getting worse every single year and the cities are not ready: " * 3
    cut = {"id_str": "555", "created_at": "Wed Oct 10 20:19:24 +0000 2018", "truncated": True,
           "text": full[:139] + "\u2026", "user": {"id_str": "1"}}
    lines = [{"id_str": "600", "created_at": "Thu Oct 11 20:19:24 +0000 2018", "text": "RT @a: ...",
              "user": {"id_str": "2"}, "retweeted_status": cut},
             {**cut, "truncated": False, "full_text": full, "text": None}]
    content = "".join(json.dumps(line) + "\n" for line in lines).encode()
    posts = list(read_records("timeline.jsonl", io.BytesIO(content), SourceOptions(author_salt="s")))
    assert [(p["post_id"], p.get("partial_text", False)) for p in posts] == [("555", True), ("555", False)]
    with BeamTestPipeline(runner="FnApiRunner") as p:
        kept, _ = p | beam.Create([posts]) | DropDuplicates()
        assert_that(kept | beam.FlatMap(lambda b: [(x["record_no"], x["text"] == full) for x in b]),
                    equal_to([(2, True)]))


def test_drop_duplicates_drops_copies_of_posts_loaded_from_other_files(tmp_path):
    """Issue 16.13: the loaded copy of a post id wins; the run's copy is a duplicate."""
    loaded = tmp_path / "loaded.parquet"
    pq.write_table(pa.table({"platform": ["twitter", "reddit"], "post_id": ["1", "3"]}), loaded)

    def post(pid, src, rec):
        return {"platform": "twitter", "post_id": pid, "source_file": src, "record_no": rec}

    batches = [[post("1", "a", 1), post("2", "a", 2)], [post("1", "b", 1), post("3", "b", 2)]]
    with BeamTestPipeline(runner="FnApiRunner") as p:
        kept, dropped = p | beam.Create(batches) | DropDuplicates(str(loaded))
        ids = kept | beam.FlatMap(lambda b: [(x["post_id"], x["source_file"]) for x in b])
        assert_that(ids, equal_to([("2", "a"), ("3", "b")]), label="kept")  # reddit 3 is another post
        assert_that(dropped, equal_to([("a", 1), ("b", 1)]), label="dropped")


@pytest.fixture(scope="module")
def inputs(tmp_path_factory):
    root = tmp_path_factory.mktemp("job")
    posts = list(generate_posts(1500, seed=11))
    with open(root / "a.jsonl", "w") as f:
        for post in posts[:1000]:
            f.write(json.dumps(post) + "\n")
        f.write("{not json\n")
        f.write(json.dumps({**posts[0], "created_at": "yesterday"}) + "\n")
    with open(root / "b.jsonl", "w") as f:
        for post in posts[900:]:  # 100 posts repeated from a.jsonl
            f.write(json.dumps(post) + "\n")
    return root


def test_beam_job_equals_reference(inputs, tmp_path):
    seeds = load_seeds()
    source = SourceOptions(author_salt="s", batch_size=128)
    lexicon = LexiconSpec(min_df=2)
    pattern = str(inputs / "*.jsonl")
    run_job(JobSettings((pattern,), str(tmp_path / "beam"), seeds, source, lexicon))
    run_reference([pattern], str(tmp_path / "ref"), seeds, source, lexicon)
    for table in SCHEMAS:
        beam_rows, ref_rows = (f"SELECT * FROM read_parquet('{tmp_path / d / table}/*.parquet')" for d in ("beam", "ref"))
        diff = duckdb.sql(f"SELECT count(*) FROM (({beam_rows}) EXCEPT ALL ({ref_rows}))").fetchall()[0][0]
        back = duckdb.sql(f"SELECT count(*) FROM (({ref_rows}) EXCEPT ALL ({beam_rows}))").fetchall()[0][0]
        assert (diff, back) == (0, 0), table
    accounting = duckdb.sql(
        f"SELECT source_file, records_read, accepted, rejected, duplicates "
        f"FROM read_parquet('{tmp_path / 'beam' / 'file_accounting'}/*.parquet') ORDER BY 1").fetchall()
    assert [row[1:] for row in accounting] == [(1002, 1000, 2, 0), (600, 500, 0, 100)]


def test_the_job_sets_the_garbage_collector_for_its_run_only():
    import gc

    from pipelines.gc_passes import JOB_GC_THRESHOLDS, fewer_gc_passes

    before = gc.get_threshold()
    with pytest.raises(RuntimeError):
        with fewer_gc_passes():
            assert gc.get_threshold() == JOB_GC_THRESHOLDS
            raise RuntimeError("a failed job")
    assert gc.get_threshold() == before


def test_the_tokenize_step_sets_the_garbage_collector_of_the_process_it_runs_in():
    import gc

    from pipelines.gc_passes import JOB_GC_THRESHOLDS
    from pipelines.job import PrepareBatches
    from pipelines.text.prepare import PostPreparer

    before = gc.get_threshold()
    try:
        PrepareBatches(PostPreparer(load_seeds())).setup()  # as Beam sets a step up in a worker
        assert gc.get_threshold() == JOB_GC_THRESHOLDS
    finally:
        gc.set_threshold(*before)
