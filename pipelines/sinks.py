"""Parquet shards, one folder per table, written through Beam's file sinks.

Beam writes each shard to a temporary location and renames it when the write commits,
so a crashed job leaves no partial shard under the table folder.
"""

from __future__ import annotations

import apache_beam as beam
import pyarrow as pa

from pipelines.config import EMOTIONS

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
        ("dominant_emotion", pa.string()), ("topics", pa.list_(pa.string())),
        ("explanation", pa.list_(pa.string())), ("n_terms", pa.int32()), ("n_lexicon_hits", pa.int32()),
        ("lexicon_version", pa.string()), ("tokenizer_version", pa.string()),
    ]),
    "totals": pa.schema([("month", pa.string()), ("platform", pa.string()), ("posts", pa.int64())]),
    "term_counts": pa.schema([
        ("month", pa.string()), ("platform", pa.string()), ("term", pa.string()), ("df", pa.int64()),
    ]),
    "anchor_counts": pa.schema([
        ("month", pa.string()), ("platform", pa.string()), ("anchor", pa.string()), ("df", pa.int64()),
    ]),
    "anchor_pair_counts": pa.schema([
        ("month", pa.string()), ("platform", pa.string()), ("term", pa.string()),
        ("anchor", pa.string()), ("df", pa.int64()),
    ]),
    "lexicon": pa.schema([
        ("lexicon_version", pa.string()), ("term", pa.string()), ("df", pa.int64()),
        ("sentiment", pa.float64()), *_EMOTION_FIELDS,
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


def count_rows(table: str):
    """((key fields...), df) -> a row dict of a count table."""
    names = [f.name for f in SCHEMAS[table]]

    def to_row(kv: tuple[tuple, int]) -> dict:
        key, df = kv
        return dict(zip(names, (*key, df)))

    return to_row


class WriteTable(beam.PTransform):
    """Row dicts -> Parquet shards under `<output>/<table>/`."""

    def __init__(self, output: str, table: str):
        super().__init__()
        self._output = output.rstrip("/")
        self._table = table

    def expand(self, rows):
        return rows | "WriteParquet" >> beam.io.WriteToParquet(
            f"{self._output}/{self._table}/part",
            SCHEMAS[self._table],
            file_name_suffix=".parquet",
            row_group_buffer_size=32 * 1024 * 1024,
        )
