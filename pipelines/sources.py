"""Readers: input files to canonical posts plus reject rows, with per-file accounting.

Each file is streamed record by record; every record ends as exactly one post or one
reject. `ReadPosts` wraps this for Beam: posts on the main output, rejects and the
per-file counts of records read on tagged outputs.
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass
from typing import IO, Iterator

import apache_beam as beam
from apache_beam.io import fileio
from apache_beam.metrics import Metrics

from pipelines.posts import Reject, RecordError, canonical_post

FORMATS = ("auto", "jsonl", "csv")
REJECTS = "rejects"
FILE_READS = "file_reads"


@dataclass(frozen=True)
class SourceOptions:
    """How to read inputs: the file format ('auto' by extension) and defaults for missing fields."""

    format: str = "auto"
    default_platform: str | None = None
    author_salt: str = ""
    batch_size: int = 1000  # posts per Beam element: Beam's per-element cost is paid per batch

    def __post_init__(self) -> None:
        if self.format not in FORMATS:
            raise ValueError(f"format must be one of {FORMATS}, got {self.format!r}")


def detect_format(path: str, requested: str = "auto") -> str:
    """The reader for a path: the requested one, or by extension (.csv is CSV, else JSONL)."""
    if requested != "auto":
        return requested
    return "csv" if path.lower().endswith(".csv") else "jsonl"


def iter_jsonl(stream: IO[bytes]) -> Iterator[tuple[int, object]]:
    """(record_no, dict) per non-blank line, or (record_no, RecordError) for a bad line."""
    for record_no, line in enumerate(stream, start=1):
        if not line.strip():
            continue
        try:
            yield record_no, json.loads(line.decode("utf-8"))
        except UnicodeDecodeError:
            yield record_no, RecordError("invalid UTF-8")
        except ValueError:
            yield record_no, RecordError("invalid JSON")


def iter_csv(stream: IO[bytes]) -> Iterator[tuple[int, object]]:
    """(record_no, row dict) per CSV data row (header is row 0); short rows are errors."""
    text = io.TextIOWrapper(stream, encoding="utf-8", errors="replace", newline="")
    reader = csv.DictReader(text)
    try:
        for record_no, row in enumerate(reader, start=1):
            if None in row or any(v is None for v in row.values()):
                yield record_no, RecordError("wrong number of CSV fields")
            else:
                yield record_no, row
    except csv.Error as exc:
        yield reader.line_num, RecordError(f"unreadable CSV: {exc}")


def read_records(path: str, stream: IO[bytes], options: SourceOptions) -> Iterator[dict | Reject]:
    """Every record of one file as a canonical post dict or a Reject."""
    reader = iter_csv if detect_format(path, options.format) == "csv" else iter_jsonl
    for record_no, record in reader(stream):
        if isinstance(record, RecordError):
            yield Reject(path, record_no, str(record), "")
            continue
        try:
            post = canonical_post(record, path, options.author_salt, options.default_platform)
        except RecordError as exc:
            yield Reject(path, record_no, str(exc), json.dumps(record, ensure_ascii=False, default=str))
        else:
            yield {**post, "record_no": record_no}


class _ParseFile(beam.DoFn):
    """One readable file -> batches of posts; rejects and the file's record count on tagged outputs."""

    def __init__(self, options: SourceOptions):
        self._options = options
        self._rejected = Metrics.counter("sources", "records_rejected")
        self._accepted = Metrics.counter("sources", "records_accepted")

    def process(self, readable: fileio.ReadableFile):
        path = readable.metadata.path
        read, batch = 0, []
        with readable.open() as stream:
            for item in read_records(path, stream, self._options):
                read += 1
                if isinstance(item, Reject):
                    self._rejected.inc()
                    yield beam.pvalue.TaggedOutput(REJECTS, item.as_row())
                else:
                    self._accepted.inc()
                    batch.append(item)
                    if len(batch) >= self._options.batch_size:
                        yield batch
                        batch = []
        if batch:
            yield batch
        yield beam.pvalue.TaggedOutput(FILE_READS, (path, read))


class ReadPosts(beam.PTransform):
    """File patterns -> batches of canonical posts (main), reject rows and (file, records read)."""

    def __init__(self, patterns: list[str], options: SourceOptions):
        super().__init__()
        self._patterns = patterns
        self._options = options

    def expand(self, pbegin):
        return (
            pbegin
            | "Patterns" >> beam.Create(self._patterns)
            | "MatchFiles" >> fileio.MatchAll()
            | "ReadMatches" >> fileio.ReadMatches()
            | "SpreadFiles" >> beam.Reshuffle()
            | "ParseRecords" >> beam.ParDo(_ParseFile(self._options)).with_outputs(REJECTS, FILE_READS, main="posts")
        )
