"""Parquet shards, one folder per table, written through Beam's filesystems.

Each shard is written to a temporary location and renamed into its table folder only when
every bundle of the job has written its shards, so a crashed job leaves no partial shard
under a table folder, and files of a bundle the runner retried are never moved.
"""

from __future__ import annotations

import io
import uuid
from collections import defaultdict

import apache_beam as beam
import pyarrow as pa
import pyarrow.parquet as pq
from apache_beam.io.filesystem import CompressionTypes
from apache_beam.io.filesystems import FileSystems
from apache_beam.transforms.window import GlobalWindow
from apache_beam.utils.timestamp import MIN_TIMESTAMP
from apache_beam.utils.windowed_value import WindowedValue

from pipelines.config import EMOTIONS
from pipelines.induction.counting import ANCHORS, COUNT, KEY_COLUMNS, PAIRS, TERMS, TOTALS, FilePartition, counts_table
from pipelines.induction.lexicon import ROW_SCHEMA

_EMOTION_FIELDS = [(e, pa.float64()) for e in EMOTIONS]
_PARTITION_FIELDS = [(field, pa.string()) for field in FilePartition._fields]
#: the job's count tables (`pipelines.induction.counting`) -> the tables they are stored as
COUNT_TABLES = {TOTALS: "totals", TERMS: "term_counts", ANCHORS: "anchor_counts", PAIRS: "anchor_pair_counts"}

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
    # count tables: keyed by (month, platform, source_file), pipelines.induction.counting.FilePartition,
    # then their key's columns and counts as `counting.counts_table` makes them
    "totals": pa.schema([*_PARTITION_FIELDS, ("posts", pa.int64())]),
    **{COUNT_TABLES[table]: pa.schema([*_PARTITION_FIELDS, *((name, pa.string()) for name in KEY_COLUMNS[table]),
                                      (COUNT, pa.int64())])
       for table in (TERMS, ANCHORS, PAIRS)},
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




def rows_to_arrow(table: str, rows: list[dict]) -> pa.Table:
    """Row dicts -> an Arrow table with the table's schema."""
    return pa.Table.from_pylist(rows, schema=SCHEMAS[table])


def columns_to_arrow(table: str, columns: dict[str, list | pa.Array]) -> pa.Table:
    """Columns ({field: values}, every field of the table's schema) -> an Arrow table with that schema."""
    schema = SCHEMAS[table]
    return pa.Table.from_arrays([pa.array(columns[f.name], type=f.type) for f in schema], schema=schema)


def counts_to_arrow(count_table: str, partition: FilePartition, counter: dict) -> pa.Table:
    """One (month, platform, source_file) partition's Counter of a count table -> Arrow rows
    (month, platform, source_file, key..., df)."""
    schema, n = SCHEMAS[COUNT_TABLES[count_table]], len(counter)
    # the partition's values repeated in Arrow itself: ~4x faster than converting n copies of each
    by_partition = [pa.repeat(pa.scalar(value, field.type), n) for value, field in zip(partition, schema)]
    counts = ([pa.array(list(counter.values()), pa.int64())] if count_table == TOTALS
              else counts_table(counter, count_table).columns)
    return pa.Table.from_arrays(by_partition + counts, schema=schema)


#: rows a shard writer buffers before it writes them as one row group
ROW_GROUP_ROWS = 65_536


class _WriteShards(beam.DoFn):
    """Arrow tables of one table -> one new Parquet file per bundle under `temp`; emits
    (table, file path) once the bundle's file is complete."""

    def __init__(self, temp: str, table: str):
        super().__init__()
        self._temp = temp
        self._table = table

    def start_bundle(self):
        self._buffer: list[pa.Table] = []
        self._file = None  # (path, handle, writer) once the bundle has rows

    def process(self, arrow: pa.Table):
        self._buffer.append(arrow)
        if sum(t.num_rows for t in self._buffer) >= ROW_GROUP_ROWS:
            self._flush()

    def finish_bundle(self):
        self._flush()
        if self._file:
            path, handle, writer = self._file
            writer.close()
            handle.close()
            yield WindowedValue((self._table, path), MIN_TIMESTAMP, [GlobalWindow()])

    def _flush(self) -> None:
        rows = pa.concat_tables(self._buffer) if self._buffer else None
        self._buffer = []
        if rows is None or not rows.num_rows:
            return
        if self._file is None:
            path = FileSystems.join(self._temp, self._table, f"{uuid.uuid4().hex}.parquet")
            handle = FileSystems.create(path, compression_type=CompressionTypes.UNCOMPRESSED)
            self._file = (path, handle, pq.ParquetWriter(handle, SCHEMAS[self._table], compression="snappy"))
        self._file[2].write_table(rows, row_group_size=rows.num_rows)


def commit_shards(output: str, temp: str, tables: list[str], written: list[tuple[str, str]]) -> None:
    """Rename the files written by completed bundles to `<output>/<table>/part-NNNNN-of-MMMMM.parquet`
    (an empty shard for a table without rows, so every table can be read), then delete `temp`
    with whatever retried bundles left there."""
    by_table: dict[str, list[str]] = defaultdict(list)
    for table, path in written:
        by_table[table].append(path)
    for table in tables:
        paths = sorted(by_table.get(table, []))
        folder = FileSystems.join(output, table)
        if not FileSystems.exists(folder):
            FileSystems.mkdirs(folder)
        if not paths:
            empty = io.BytesIO()
            pq.write_table(SCHEMAS[table].empty_table(), empty, compression="snappy")
            with FileSystems.create(_shard_path(output, table, 0, 1),
                                    compression_type=CompressionTypes.UNCOMPRESSED) as handle:
                handle.write(empty.getvalue())
            continue
        FileSystems.rename(paths, [_shard_path(output, table, i, len(paths)) for i in range(len(paths))])
    if FileSystems.exists(temp):
        FileSystems.delete([temp])


def _shard_path(output: str, table: str, index: int, count: int) -> str:
    return FileSystems.join(output, table, f"part-{index:05d}-of-{count:05d}.parquet")


class WriteTables(beam.PTransform):
    """{table: PCollection of Arrow tables} -> Parquet shards under `<output>/<table>/` (snappy).

    Per table one writer step (fused with the step that makes its rows, so rows stream to disk),
    and one commit step for all tables after every bundle wrote its files; one Beam file sink per
    table costs ~9 steps, each with a fixed cost per stage and worker.
    """

    def __init__(self, output: str):
        super().__init__()
        self._output = output.rstrip("/")

    def expand(self, arrow_tables: dict):
        output, tables = self._output, sorted(arrow_tables)
        temp = FileSystems.join(output, f".temp-{uuid.uuid4().hex}")
        written = [arrow_tables[table] | f"Write {table}" >> beam.ParDo(_WriteShards(temp, table)) for table in tables]
        return (written | "AllShards" >> beam.Flatten() | "ListShards" >> beam.combiners.ToList()
                | "CommitShards" >> beam.Map(lambda paths: commit_shards(output, temp, tables, paths)))


class RowsToArrow(beam.PTransform):
    """Row dicts of one table -> Arrow tables of up to 20,000 rows."""

    def __init__(self, table: str):
        super().__init__()
        self._table = table

    def expand(self, rows):
        table = self._table
        return (rows
                | "Batch" >> beam.BatchElements(min_batch_size=500, max_batch_size=20_000)
                | "ToArrow" >> beam.Map(lambda batch: rows_to_arrow(table, batch)))
