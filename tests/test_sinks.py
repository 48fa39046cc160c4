"""The Parquet sink of the job: every table's rows land, an empty table still gets a shard,
only files of completed bundles are moved into the table folders, and a partition's counts
become rows of their table."""

from collections import Counter

import apache_beam as beam
import pyarrow as pa
import pyarrow.parquet as pq
from apache_beam.testing.test_pipeline import TestPipeline as BeamTestPipeline  # a name pytest does not collect

from pipelines.induction.counting import FilePartition
from pipelines.writing.sinks import (
    SCHEMAS, WriteTables, columns_to_arrow, commit_shards, counts_to_arrow, rows_to_arrow,
)

REJECTS = [{"source_file": "a.jsonl", "record_no": i, "reason": "bad JSON", "excerpt": f"x{i}"} for i in range(5)]


def _rows(folder):
    return sorted((row for shard in sorted(folder.glob("*.parquet")) for row in pq.read_table(shard).to_pylist()),
                  key=lambda r: r["record_no"])


def test_every_table_lands_and_an_empty_one_gets_an_empty_shard(tmp_path):
    with BeamTestPipeline(runner="FnApiRunner") as p:
        {"rejects": p | "Rejects" >> beam.Create([REJECTS[:2], REJECTS[2:]])
                    | beam.Map(lambda rows: rows_to_arrow("rejects", rows)),
         "file_accounting": p | "Nothing" >> beam.Create([]).with_output_types(object),
         } | WriteTables(str(tmp_path))
    assert _rows(tmp_path / "rejects") == REJECTS
    shards = list((tmp_path / "file_accounting").iterdir())
    assert [s.name for s in shards] == ["part-00000-of-00001.parquet"]
    empty = pq.read_table(shards[0])
    assert empty.num_rows == 0 and empty.schema.equals(SCHEMAS["file_accounting"])
    assert sorted(p.name for p in tmp_path.iterdir()) == ["file_accounting", "rejects"]  # no temporary folder left


def test_only_files_of_completed_bundles_are_moved(tmp_path):
    temp = tmp_path / ".temp-x"
    (temp / "rejects").mkdir(parents=True)
    kept, retried = temp / "rejects" / "b.parquet", temp / "rejects" / "a.parquet"
    pq.write_table(rows_to_arrow("rejects", REJECTS[:3]), kept)
    pq.write_table(rows_to_arrow("rejects", REJECTS[3:]), retried)  # a bundle the runner ran again
    commit_shards(str(tmp_path), str(temp), ["rejects"], [("rejects", str(kept))])
    assert [s.name for s in (tmp_path / "rejects").iterdir()] == ["part-00000-of-00001.parquet"]
    assert _rows(tmp_path / "rejects") == REJECTS[:3]
    assert not temp.exists()


PARTITION = FilePartition("2019-05", "twitter", "/in/a.jsonl")


def test_a_partitions_counts_become_rows_of_their_table():
    pairs = counts_to_arrow("pairs", PARTITION, Counter({("heat", "topic:climate"): 3, ("cold", "sentiment:negative"): 1}))
    assert pairs.schema == SCHEMAS["anchor_pair_counts"]
    assert pairs.to_pylist() == [
        {"month": "2019-05", "platform": "twitter", "source_file": "/in/a.jsonl", "term": "heat",
         "anchor": "topic:climate", "df": 3},
        {"month": "2019-05", "platform": "twitter", "source_file": "/in/a.jsonl", "term": "cold",
         "anchor": "sentiment:negative", "df": 1}]
    terms = counts_to_arrow("terms", PARTITION, Counter({"heat": 2}))
    assert terms.schema == SCHEMAS["term_counts"]
    assert terms.to_pylist() == [{"month": "2019-05", "platform": "twitter", "source_file": "/in/a.jsonl",
                                  "term": "heat", "df": 2}]
    assert counts_to_arrow("totals", PARTITION, Counter({None: 7})).to_pylist() == [
        {"month": "2019-05", "platform": "twitter", "source_file": "/in/a.jsonl", "posts": 7}]
    empty = counts_to_arrow("anchors", PARTITION, Counter())
    assert empty.schema == SCHEMAS["anchor_counts"] and empty.num_rows == 0


def test_columns_become_the_rows_of_their_table():
    rows = [{"source_file": "a.jsonl", "record_no": 1, "reason": "bad JSON", "excerpt": None},
            {"source_file": "b.jsonl", "record_no": 2, "reason": "no text", "excerpt": "x"}]
    # given out of the schema's order, one column already Arrow
    columns = {"reason": ["bad JSON", "no text"], "excerpt": [None, "x"], "record_no": pa.array([1, 2]),
               "source_file": ["a.jsonl", "b.jsonl"]}
    table = columns_to_arrow("rejects", columns)
    assert table.equals(rows_to_arrow("rejects", rows)) and table.schema.equals(SCHEMAS["rejects"])
