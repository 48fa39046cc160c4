"""Generic exports: JSONL, CSV and Parquet, with an optional column mapping.

The mapping names, for a canonical field, the column that holds it
(`text=body,created_at=ts,author=user.screen_name`); dotted names reach into nested JSON
objects. Unmapped canonical fields keep their usual names (`text`, `created_at`, `id`...).
"""

from __future__ import annotations

import csv
import io
import itertools
import json
import re
import sys
from typing import IO, Any, Iterator, Mapping

import pyarrow as pa
import pyarrow.parquet as pq

from pipelines.reading.posts import repair_text
from pipelines.reading.readers.base import JsonFormat, get_path, require_object
from pipelines.reading.readers.streams import INVALID_UTF8, STREAM_ERRORS, Unreadable

MAPPABLE = ("platform", "post_id", "created_at", "author", "text", "lang", "parent_id")
PARQUET_BATCH_ROWS = 4096
csv.field_size_limit(min(sys.maxsize, 2**31 - 1))  # long posts are rejected later, by length
#: what the "surrogateescape" decoding makes of each byte that is not UTF-8
_UNDECODED_BYTE_RE = re.compile("[\udc80-\udcff]")


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


def csv_rows(stream: IO[bytes], delimiter: str = ",") -> Iterator[tuple[int, Mapping[str, Any] | Unreadable]]:
    """(row_no, row) per CSV record (the header is row 0); bad records are Unreadable.

    A record whose quotes do not balance (one stray `"` opens a field that swallows the
    following lines, to the file's end or for more than MAX_RECORD_LINES lines) is rejected
    as its first line alone; the lines after it are read again as records of their own. A
    record holding bytes that are not UTF-8 (a Latin-1 or cp1252 export) is rejected as
    "invalid UTF-8", as in JSONL; encodings are never guessed. A comma-separated file whose header line
    holds semicolons and no comma is read with ';' (`_separator`).
    """
    text = io.TextIOWrapper(stream, encoding="utf-8-sig", errors="surrogateescape", newline="")
    lines = _PhysicalLines(text)
    delimiter = _separator(lines, delimiter)
    reader, header, row_no = csv.reader(lines, delimiter=delimiter), None, 0
    while True:
        lines.record = []
        try:
            values = next(reader)
        except StopIteration:
            return
        except _RunawayRecord:
            values = None
        except csv.Error as exc:
            row_no += 1
            yield row_no, Unreadable(f"unreadable CSV row: {exc}")
            continue
        except STREAM_ERRORS as exc:
            yield row_no + 1, Unreadable(f"corrupt compressed stream: {type(exc).__name__}")
            return
        if values is None or _unbalanced(lines.record):
            row_no += 1
            yield row_no, Unreadable("unbalanced quote in CSV record",
                                     _first_line_excerpt(header, lines.record[0], delimiter))
            lines.push_back(lines.record[1:])
            reader = csv.reader(lines, delimiter=delimiter)  # a fresh parser: the old one is inside the stray field
        elif header is None:
            header = [repair_text(name) for name in values]  # a name's undecodable bytes become U+FFFD
        elif values:  # blank lines are no records
            row_no += 1
            if _has_undecoded_bytes(values):
                yield row_no, Unreadable(INVALID_UTF8, _row_excerpt(header, values))
            elif len(values) != len(header):
                yield row_no, Unreadable("wrong number of CSV fields", _row_excerpt(header, values))
            else:
                yield row_no, dict(zip(header, values))


def _separator(lines: _PhysicalLines, delimiter: str) -> str:
    """`delimiter`, or ';' for a comma-separated file whose header line holds semicolons and no comma: Excel
    saves "CSV" with ';' where the decimal mark is a comma (most of Europe), and such a file had been refused
    for lacking every field. The header line is read, then given back."""
    try:
        first = next(lines)
    except (StopIteration, *STREAM_ERRORS):  # nothing to read, or a corrupt stream the reading reports
        return delimiter
    lines.record = []
    lines.push_back([first])
    return ";" if delimiter == "," and ";" in first and "," not in first else delimiter


MAX_RECORD_LINES = 1000  # a CSV record spanning more physical lines is taken for a stray quote


class _RunawayRecord(Exception):
    pass


class _PhysicalLines:
    """The lines a csv.reader parses, keeping those of the record being parsed (`record`)
    so that a bad record can be split back into its lines."""

    def __init__(self, text: Iterator[str]):
        self._text, self._again, self.record = text, [], []

    def __iter__(self):
        return self

    def __next__(self) -> str:
        line = self._again.pop() if self._again else next(self._text)
        self.record.append(line)
        if len(self.record) > MAX_RECORD_LINES:
            raise _RunawayRecord
        return line

    def push_back(self, lines: list[str]) -> None:
        self._again.extend(reversed(lines))


def _unbalanced(record_lines: list[str]) -> bool:
    """A record over several lines with an odd number of quote characters: its last quoted
    field never closed (it ran to the end of the file)."""
    return len(record_lines) > 1 and sum(line.count('"') for line in record_lines) % 2 == 1


def _has_undecoded_bytes(values: list[str]) -> bool:
    return any(_UNDECODED_BYTE_RE.search(value) for value in values)


def _first_line_excerpt(header: list[str] | None, line: str, delimiter: str) -> str:
    if header is None:
        return ""
    return _row_excerpt(header, next(csv.reader([line], delimiter=delimiter), []))


def _row_excerpt(header: list[str], values: list[str]) -> str:
    """A misshapen CSV row as JSON (so handle columns get scrubbed), extra values only counted:
    they sit under no column name, so nothing tells whether they hold a handle."""
    named = dict(itertools.zip_longest(header, values[:len(header)]))
    if len(values) > len(header):
        named["(extra fields)"] = len(values) - len(header)
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
