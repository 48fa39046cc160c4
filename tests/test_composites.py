"""Issue 13 item 5: the job's composites, each on a few posts with results computed by hand
(TestPipeline + assert_that), as Beam's own examples test theirs."""

from __future__ import annotations

import json
from pathlib import Path

import apache_beam as beam
from apache_beam.testing.test_pipeline import TestPipeline
from apache_beam.testing.util import assert_that, equal_to

from pipelines.job import AccountPerFile
from pipelines.reading.sources import FILE_READS, REJECTS, ReadPosts, SourceOptions


def test_account_per_file_sums_every_column_per_file_and_fills_zeros():
    with TestPipeline(runner="FnApiRunner") as p:
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
    with TestPipeline(runner="FnApiRunner") as p:
        read = p | ReadPosts([str(path)], SourceOptions(author_salt="s"))
        posts = read.posts | beam.FlatMap(lambda batch: [(x["post_id"], x["month"], x["text"], x["record_no"])
                                                         for x in batch])
        assert_that(posts, equal_to([("1", "2020-01", "clean air", 1)]), label="posts")
        rejects = read[REJECTS] | beam.Map(lambda r: f"{Path(r['source_file']).name} {r['record_no']}: {r['reason']}")
        assert_that(rejects, equal_to(["posts.jsonl 2: missing created_at", "posts.jsonl 3: invalid JSON"]), label="rejects")
        assert_that(read[FILE_READS] | beam.MapTuple(lambda f, n: (Path(f).name, n)),
                    equal_to([("posts.jsonl", 3)]), label="records read")
