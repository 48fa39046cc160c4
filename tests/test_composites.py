"""Issue 13 item 5: the job's composites, each on a few posts with results computed by hand
(BeamTestPipeline + assert_that), as Beam's own examples test theirs."""

from __future__ import annotations

import json
from pathlib import Path

import apache_beam as beam
from apache_beam.testing.test_pipeline import TestPipeline as BeamTestPipeline  # a name pytest does not collect
from apache_beam.testing.util import assert_that, equal_to

from pipelines.job import AccountPerFile
from pipelines.reading.sources import FILE_READS, REJECTS, ReadPosts, SourceOptions


def test_account_per_file_sums_every_column_per_file_and_fills_zeros():
    with BeamTestPipeline(runner="FnApiRunner") as p:
        per_file = {
            "records_read": p | "read" >> beam.Create([("a.jsonl", 4), ("b.jsonl", 1)]),
            "rejected": p | "rejected" >> beam.Create([("a.jsonl", 1)]),
            "accepted": p | "accepted" >> beam.Create([("a.jsonl", 1), ("a.jsonl", 1), ("b.jsonl", 1)]),
            "duplicates": p | "duplicates" >> beam.Create([("a.jsonl", 1)]),
        }
        rows = per_file | AccountPerFile()
        assert_that(rows, equal_to([
            {"source_file": "a.jsonl", "records_read": 4, "accepted": 2, "rejected": 1, "duplicates": 1},
            {"source_file": "b.jsonl", "records_read": 1, "accepted": 1, "rejected": 0, "duplicates": 0},
        ]))


def test_read_posts_gives_posts_rejects_with_reasons_and_records_read(tmp_path: Path):
    good = {"platform": "twitter", "id": "1", "text": "clean air", "created_at": "2020-01-02T00:00:00Z"}
    undated = {"platform": "twitter", "id": "2", "text": "smog"}
    path = tmp_path / "posts.jsonl"
    path.write_text(json.dumps(good) + "\n" + json.dumps(undated) + "\n{not json\n")
    with BeamTestPipeline(runner="FnApiRunner") as p:
        read = p | ReadPosts([str(path)], SourceOptions(author_salt="s"))
        posts = read.posts | beam.FlatMap(lambda batch: [(x["post_id"], x["month"], x["text"], x["record_no"])
                                                         for x in batch])
        assert_that(posts, equal_to([("1", "2020-01", "clean air", 1)]), label="posts")
        rejects = read[REJECTS] | beam.Map(lambda r: f"{Path(r['source_file']).name} {r['record_no']}: {r['reason']}")
        assert_that(rejects, equal_to(["posts.jsonl 2: missing created_at", "posts.jsonl 3: invalid JSON"]), label="rejects")
        assert_that(read[FILE_READS] | beam.MapTuple(lambda f, n: (Path(f).name, n)),
                    equal_to([("posts.jsonl", 3)]), label="records read")


def _posts():
    return [{"platform": "twitter", "post_id": str(i), "month": "2020-01", "source_file": "a.jsonl", "record_no": i,
             "text": text} for i, text in enumerate(["I love clean air", "smog is awful, not good", "plastic in the sea"])]


def test_prepare_applies_the_post_preparer_to_every_post_of_every_batch():
    from pipelines.config import load_seeds
    from pipelines.job import Prepare
    from pipelines.text.prepare import PostPreparer

    seeds = load_seeds(None)
    posts = _posts()
    expected = [PostPreparer(seeds)(post) for post in posts]  # the pure function, one post at a time
    with BeamTestPipeline(runner="FnApiRunner") as p:
        prepared = p | beam.Create([posts[:2], posts[2:]]) | Prepare(seeds)
        assert_that(prepared | beam.FlatMap(lambda batch: [repr(sorted(post.items())) for post in batch]),
                    equal_to([repr(sorted(post.items())) for post in expected]))


def test_score_posts_scores_each_post_with_the_one_lexicon():
    from pipelines.config import load_seeds
    from pipelines.induction.induce import LexiconSpec
    from pipelines.job import Prepare, ScorePosts, score_table
    from pipelines.induction.lexicon_local import build_local
    from pipelines.text.prepare import PostPreparer

    seeds = load_seeds(None)
    posts = _posts()
    lexicon, _ = build_local([{"text": p["text"]} for p in posts] * 3, seeds, LexiconSpec(min_df=1))
    expected = score_table([PostPreparer(seeds)(post) for post in posts], lexicon).to_pylist()  # pure function
    with BeamTestPipeline(runner="FnApiRunner") as p:
        the_lexicon = p | "Lexicon" >> beam.Create([lexicon])
        tables = p | "Posts" >> beam.Create([posts]) | Prepare(seeds) | ScorePosts(the_lexicon)
        rows = tables | beam.FlatMap(lambda table: [(r["post_id"], r["sentiment_label"], r["lexicon_version"])
                                                    for r in table.to_pylist()])
        assert_that(rows, equal_to([(r["post_id"], r["sentiment_label"], r["lexicon_version"]) for r in expected]))
