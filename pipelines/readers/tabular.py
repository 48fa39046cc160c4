"""Generic exports: JSONL, CSV and Parquet, with an optional column mapping.

The mapping names, for a canonical field, the column that holds it
(`text=body,created_at=ts,author=user.screen_name`); dotted names reach into nested JSON
objects. Unmapped canonical fields keep their usual names (`text`, `created_at`, `id`...).
"""

from __future__ import annotations

import csv
import io
import json
import sys
from typing import IO, Any, Iterator, Mapping

import pyarrow as pa
import pyarrow.parquet as pq

from pipelines.readers.base import JsonFormat, get_path, require_object
from pipelines.readers.streams import STREAM_ERRORS, Unreadable

MAPPABLE = ("platform", "post_id", "created_at", "author", "text", "lang", "parent_id")
PARQUET_BATCH_ROWS = 4096
csv.field_size_limit(min(sys.maxsize, 2**31 - 1))  # long posts are rejected later, by length


def parse_columns(spec: str | None) -> tuple[tuple[str, str], ...]:
    """'text=body,created_at=ts' -> (('text', 'body'), ('created_at', 'ts')); ValueError if bad."""
    if not spec:
        return ()
    pairs = []
    for part in spec.split(","):
        field, sep, column = (s.strip() for s in part.partition("="))
        if not sep or not column:
            raise ValueError(f"--columns expects field=column pairs, got {part!r}")
        if field not in MAPPABLE:
            raise ValueError(f"--columns: unknown field {field!r} (one of {', '.join(MAPPABLE)})")
        pairs.append((field, column))
    return tuple(pairs)


def apply_columns(record: Any, columns: tuple[tuple[str, str], ...]) -> dict:
    """The record with each mapped canonical field read from its column."""
    record = require_object(record)
    flat = dict(record)
    for field, column in columns:
        flat[field] = get_path(record, column)
        if field == "post_id":
            flat.pop("id", None)
            flat.pop("id_str", None)
    return flat


def jsonl_format(columns: tuple[tuple[str, str], ...]) -> JsonFormat:
    """Flat JSON records, one per line (or a JSON array of them)."""
    return JsonFormat("jsonl", False, lambda doc: True,
                      lambda doc: doc if isinstance(doc, list) else [doc],
                      lambda record: apply_columns(record, columns))


def csv_rows(stream: IO[bytes]) -> Iterator[tuple[int, Mapping[str, Any] | Unreadable]]:
    """(row_no, row) per CSV data row (the header is row 0); bad rows are Unreadable."""
    text = io.TextIOWrapper(stream, encoding="utf-8-sig", errors="replace", newline="")
    reader = csv.DictReader(text)
    row_no = 0
    while True:
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            row_no += 1
            yield row_no, Unreadable(f"unreadable CSV row: {exc}")
            continue
        except STREAM_ERRORS as exc:
            yield row_no + 1, Unreadable(f"corrupt compressed stream: {type(exc).__name__}")
            return
        row_no += 1
        if None in row or any(v is None for v in row.values()):
            yield row_no, Unreadable("wrong number of CSV fields", _row_excerpt(row))
        else:
            yield row_no, row


def _row_excerpt(row: dict) -> str:
    """A misshapen CSV row as JSON (so handle columns get scrubbed), extra values only counted:
    they sit under no column name, so nothing tells whether they hold a handle."""
    named = {k: v for k, v in row.items() if k is not None}
    if None in row:
        named["(extra fields)"] = len(row[None])
    return json.dumps(named, ensure_ascii=False)


def parquet_rows(stream: IO[bytes]) -> Iterator[tuple[int, Mapping[str, Any] | Unreadable]]:
    """(row_no, row) per Parquet row, batch by batch; an unreadable file or batch is one reject."""
    row_no = 0
    try:
        source = stream if stream.seekable() else io.BytesIO(stream.read())
        for batch in pq.ParquetFile(source).iter_batches(batch_size=PARQUET_BATCH_ROWS):
            for row in batch.to_pylist():
                row_no += 1
                yield row_no, row
    except (pa.ArrowException, ValueError, *STREAM_ERRORS) as exc:
        yield row_no + 1, Unreadable(f"unreadable Parquet: {type(exc).__name__}")
