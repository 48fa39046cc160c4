"""Parquet shards, one folder per table, written through Beam's file sinks.

Beam writes each shard to a temporary location and renames it when the write commits,
so a crashed job leaves no partial shard under the table folder.
"""

from __future__ import annotations

import apache_beam as beam
import pyarrow as pa

from pipelines.config import EMOTIONS
from pipelines.lexicon import ROW_SCHEMA

_EMOTION_FIELDS = [(e, pa.float64()) for e in EMOTIONS]

SCHEMAS: dict[str, pa.Schema] = {
    "posts": pa.schema([
        ("platform", pa.string()), ("post_id", pa.string()), ("month", pa.string()),
        ("created_at", pa.timestamp("us")), ("author_key", pa.string()), ("text", pa.string()),
        ("lang", pa.string()), ("parent_id", pa.string()), ("source_file", pa.string()), ("record_no", pa.int64()),
    ]),
    "post_scores": pa.schema([
        ("platform", pa.string()), ("post_id", pa.string()), ("month", pa.string()),
        ("sentiment_score", pa.float64()), ("sentiment_label", pa.string()), *_EMOTION_FIELDS,
        ("dominant_emotion", pa.string()), ("emotion_labels", pa.list_(pa.string())), ("topics", pa.list_(pa.string())),
        ("explanation", pa.list_(pa.string())), ("n_terms", pa.int32()), ("n_lexicon_hits", pa.int32()),
        ("lexicon_version", pa.string()), ("tokenizer_version", pa.string()),
    ]),
    # count tables: keyed by (month, platform, source_file), pipelines.counting.FILE_PARTITION
    "totals": pa.schema([("month", pa.string()), ("platform", pa.string()), ("source_file", pa.string()),
                         ("posts", pa.int64())]),
    "term_counts": pa.schema([
        ("month", pa.string()), ("platform", pa.string()), ("source_file", pa.string()),
        ("term", pa.string()), ("df", pa.int64()),
    ]),
    "anchor_counts": pa.schema([
        ("month", pa.string()), ("platform", pa.string()), ("source_file", pa.string()),
        ("anchor", pa.string()), ("df", pa.int64()),
    ]),
    "anchor_pair_counts": pa.schema([
        ("month", pa.string()), ("platform", pa.string()), ("source_file", pa.string()),
        ("term", pa.string()), ("anchor", pa.string()), ("df", pa.int64()),
    ]),
    "lexicon": pa.schema([("lexicon_version", pa.string()), *ROW_SCHEMA]),
    "lexicons": pa.schema([
        ("lexicon_version", pa.string()), ("metadata", pa.string()), ("calibration", pa.string()),
    ]),
    "rejects": pa.schema([
        ("source_file", pa.string()), ("record_no", pa.int64()), ("reason", pa.string()),
        ("excerpt", pa.string()),
    ]),
    "file_accounting": pa.schema([
        ("source_file", pa.string()), ("records_read", pa.int64()), ("accepted", pa.int64()),
        ("rejected", pa.int64()), ("duplicates", pa.int64()),
    ]),
}


COUNT_TABLES = {"totals": "totals", "terms": "term_counts", "anchors": "anchor_counts",
                "pairs": "anchor_pair_counts"}


def rows_to_arrow(table: str, rows: list[dict]) -> pa.Table:
    """Row dicts -> an Arrow table with the table's schema."""
    return pa.Table.from_pylist(rows, schema=SCHEMAS[table])


def counts_to_arrow(count_table: str, partition: tuple[str, str, str], counter: dict) -> pa.Table:
    """One (month, platform, source_file) partition's Counter of a count table -> Arrow rows
    (month, platform, source_file, key..., df)."""
    table = COUNT_TABLES[count_table]
    schema = SCHEMAS[table]
    n = len(counter)
    columns: list = [[value] * n for value in partition]
    if count_table == "pairs":
        columns += [[k[0] for k in counter], [k[1] for k in counter]]
    elif count_table != "totals":
        columns.append(list(counter))
    columns.append(list(counter.values()))
    return pa.Table.from_arrays([pa.array(c, type=f.type) for c, f in zip(columns, schema)], schema=schema)


class WriteTable(beam.PTransform):
    """Arrow tables -> Parquet shards under `<output>/<table>/` (snappy)."""

    def __init__(self, output: str, table: str):
        super().__init__()
        self._output = output.rstrip("/")
        self._table = table

    def expand(self, arrow_tables):
        return arrow_tables | "WriteParquet" >> beam.io.WriteToParquetBatched(
            f"{self._output}/{self._table}/part",
            SCHEMAS[self._table],
            codec="snappy",
            file_name_suffix=".parquet",
        )


class WriteRows(beam.PTransform):
    """Row dicts -> batches -> Parquet shards under `<output>/<table>/`."""

    def __init__(self, output: str, table: str):
        super().__init__()
        self._output = output
        self._table = table

    def expand(self, rows):
        table = self._table
        return (rows
                | "Batch" >> beam.BatchElements(min_batch_size=500, max_batch_size=20_000)
                | "ToArrow" >> beam.Map(lambda batch: rows_to_arrow(table, batch))
                | "Write" >> WriteTable(self._output, table))
