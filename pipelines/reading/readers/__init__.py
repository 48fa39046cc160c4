"""Input formats: every platform export to flat records, one per input record.

`read_flat_records(path, stream, format, columns)` yields `(record_no, record)` where the
record is a flat dict with the canonical field names (`platform, post_id, created_at,
author, text, lang, parent_id`) or an `Unreadable` with the reason it cannot be a post.
`pipelines.reading.sources` turns flat records into canonical posts.

Record numbers: the line (or CSV/Parquet row) for one-record-per-line files; the 1-based
position of the record in the file for API responses and JSON documents holding many
records (a pretty-printed file, or a line holding a list or a search response).
"""

from __future__ import annotations

import itertools
import json
from typing import IO, Any, Iterator, Mapping

from pipelines.reading.posts import RecordError
from pipelines.reading.readers.base import JsonFormat
from pipelines.reading.readers.reddit import REDDIT
from pipelines.reading.readers.streams import Unreadable, decompressed, json_documents
from pipelines.reading.readers.tabular import apply_columns, csv_rows, jsonl_format, parquet_rows, parse_columns
from pipelines.reading.readers.twitter import TWITTER_V1, TWITTER_V2
from pipelines.reading.readers.youtube import YOUTUBE

__all__ = ["FORMATS", "Unreadable", "detect_by_name", "read_flat_records", "parse_columns"]

# Checked in this order when a file's format is detected from its first record.
_SHAPED = (TWITTER_V2, YOUTUBE, REDDIT, TWITTER_V1)
FORMATS = ("auto", "jsonl", "csv", "parquet", *(f.name for f in _SHAPED))
_BY_NAME = {f.name: f for f in _SHAPED}
_DETECT_WINDOW = 100  # unparseable documents skipped while looking for the first good one
_COMPRESSED = (".zst", ".zstd", ".gz")

Columns = tuple[tuple[str, str], ...]
FlatRecord = tuple[int, "dict | Unreadable"]


def detect_by_name(path: str, requested: str = "auto") -> str:
    """'csv' or 'parquet' by extension (also under .gz/.zst), else 'json' (shape decides)."""
    if requested != "auto":
        return requested
    name = _uncompressed_name(path)
    if name.endswith((".csv", ".tsv")):
        return "csv"
    if name.endswith((".parquet", ".pq")):
        return "parquet"
    return "json"


def csv_delimiter(path: str) -> str:
    """A tab for a `.tsv` file (also under .gz/.zst), else a comma."""
    return "\t" if _uncompressed_name(path).endswith(".tsv") else ","


def _uncompressed_name(path: str) -> str:
    name = path.lower()
    for suffix in _COMPRESSED:
        name = name.removesuffix(suffix)
    return name


def detect_shape(document: object, columns: Columns = ()) -> JsonFormat:
    """The platform format a parsed JSON document looks like, else generic JSONL.

    Records that name their own platform, or whose fields the user maps with `columns`, are
    generic whatever else they hold: a generic record with a ``user`` object looked like a
    Twitter v1.1 status, and one with ``created_utc`` and ``body`` like a Reddit comment, so
    their platform field (and the mapping) went unread and YouTube posts became tweets."""
    first = document[0] if isinstance(document, list) and document else document
    if columns or (isinstance(first, Mapping) and "platform" in first):
        return jsonl_format(columns)
    return next((f for f in _SHAPED if f.matches(document)), jsonl_format(columns))


def read_flat_records(path: str, raw: IO[bytes], requested: str = "auto",
                      columns: Columns = ()) -> Iterator[FlatRecord]:
    """Every record of one file, in order: (record_no, flat dict | Unreadable)."""
    stream = decompressed(path, raw)
    kind = detect_by_name(path, requested)
    if kind in ("csv", "parquet"):
        rows = csv_rows(stream, csv_delimiter(path)) if kind == "csv" else parquet_rows(stream)
        for row_no, row in rows:
            yield row_no, row if isinstance(row, Unreadable) else _flat(lambda r: apply_columns(r, columns), row)
        return
    whole, documents = json_documents(stream)
    if kind == "json":
        head = list(_until_parsed(documents))
        documents = itertools.chain(head, documents)
        fmt = detect_shape(head[-1][1], columns) if head and not isinstance(head[-1][1], Unreadable) \
            else jsonl_format(columns)
    else:
        fmt = _BY_NAME.get(kind) or jsonl_format(columns)
    yield from _records(documents, fmt, by_position=whole or fmt.container)


def _until_parsed(documents: Iterator[tuple[int, object]]) -> Iterator[tuple[int, object]]:
    for count, item in enumerate(documents, start=1):
        yield item
        if not isinstance(item[1], Unreadable) or count >= _DETECT_WINDOW:
            return


def _records(documents: Iterator[tuple[int, object]], fmt: JsonFormat, by_position: bool) -> Iterator[FlatRecord]:
    position = 0
    for line_no, document in documents:
        if isinstance(document, Unreadable):
            position += 1
            yield (position if by_position else line_no), document
            continue
        try:
            records = fmt.records(document)
        except RecordError as exc:
            position += 1
            yield (position if by_position else line_no), Unreadable(str(exc), _dump(document))
            continue
        # A line holding a list or a search response is a document of many records.
        numbered_by_position = by_position or len(records) != 1
        for record in records:
            position += 1
            yield (position if numbered_by_position else line_no), _flat(fmt.to_flat, record, fmt.raw_of)


def _flat(to_flat, record: Any, raw_of=lambda r: r) -> "dict | Unreadable":
    try:
        return to_flat(record)
    except RecordError as exc:
        return Unreadable(str(exc), _dump(raw_of(record)))


def _dump(value: Any) -> str:
    try:
        text = json.dumps(value, ensure_ascii=False, default=str)
    except (ValueError, RecursionError):
        text = repr(value)
    return text[:1000]
