"""Readers: input files to canonical posts plus reject rows, with per-file accounting.

Each file is streamed record by record (`pipelines.reading.readers` knows the formats); every
record ends as exactly one post or one reject. `ReadPosts` wraps this for Beam: posts on
the main output, rejects and the per-file counts of records read on tagged outputs.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import IO, Iterator

import apache_beam as beam
from apache_beam.io import fileio
from apache_beam.io.filesystem import CompressionTypes, FileMetadata
from apache_beam.io.filesystems import FileSystems
from apache_beam.metrics import Metrics

from pipelines import progress
from pipelines.batches import PostBatch
from pipelines.reading.months import check_undated_month
from pipelines.reading.posts import ENGLISH, Reject, RecordError, canonical_post, redact_mentions, safe_excerpt
from pipelines.reading.readers import FORMATS, Unreadable, parse_columns, read_flat_records

REJECTS = "rejects"
FILE_READS = "file_reads"
#: the progress line's count of records that became posts, before the window and the duplicate check
#: (the final table's "accepted" comes after both, so it may be smaller)
VALID_POSTS = "valid posts"

__all__ = ["FORMATS", "REJECTS", "FILE_READS", "SourceOptions", "ReadPosts", "match_literally", "read_records",
           "undated_month"]


@dataclass(frozen=True)
class SourceOptions:
    """How to read inputs.

    format: 'auto' (by extension, then by the shape of the first record) or a FORMATS name.
    columns: 'field=column,...' mapping for CSV/JSONL/Parquet exports.
    undated_as: 'YYYY-MM' given to records with no created_at at all (an undated corpus,
    e.g. GoEmotions, read as one period); None rejects them as "missing created_at".
    languages: the languages kept where an export names a post's language; None keeps all.
    """

    format: str = "auto"
    default_platform: str | None = None
    author_salt: str = ""
    columns: str | None = None
    undated_as: str | None = None
    languages: tuple[str, ...] | None = ENGLISH
    batch_size: int = 1000  # posts per Beam element: Beam's per-element cost is paid per batch

    def __post_init__(self) -> None:
        if self.format not in FORMATS:
            raise ValueError(f"format must be one of {FORMATS}, got {self.format!r}")
        parse_columns(self.columns)
        if self.undated_as is not None:
            undated_month(self.undated_as)


def undated_month(month: str) -> datetime:
    """'2019-06' -> 2019-06-01T00:00Z; ValueError for anything `check_undated_month` refuses ('2019-6' too, as
    --from-month; a month before any post is read in, or in the future)."""
    return datetime.strptime(check_undated_month(month), "%Y-%m").replace(tzinfo=timezone.utc)


def read_records(path: str, stream: IO[bytes], options: SourceOptions) -> Iterator[dict | Reject]:
    """Every record of one file as a canonical post dict or a Reject."""
    undated = undated_month(options.undated_as) if options.undated_as else None
    columns = parse_columns(options.columns)
    for record_no, record in read_flat_records(path, stream, options.format, columns):
        if isinstance(record, Unreadable):
            yield Reject(path, record_no, record.reason, safe_excerpt(record.raw))
            continue
        try:
            post = canonical_post(record, path, options.author_salt, options.default_platform, undated,
                                  options.languages)
        except RecordError as exc:
            yield Reject(path, record_no, str(exc), _excerpt(record))
        else:
            yield {**post, "record_no": record_no}


def _excerpt(record: dict) -> str:
    text = record.get("text")
    if isinstance(text, str):
        return redact_mentions(text[:1000])
    return safe_excerpt(json.dumps(record, ensure_ascii=False, default=str)[:1000])


class _ParseFile(beam.DoFn):
    """One readable file -> batches of posts; rejects and the file's record count on tagged outputs."""

    def __init__(self, options: SourceOptions, files: int):
        self._options = options
        self._files = files  # how many the job reads: the last one read logs the stage's final line
        self._rejected = Metrics.counter("sources", "records_rejected")
        self._accepted = Metrics.counter("sources", "records_accepted")

    def process(self, readable: fileio.ReadableFile):
        path = readable.metadata.path
        read, batch, unreported = 0, [], 0
        for item in self._records(readable, path):
            read += 1
            if isinstance(item, Reject):
                self._rejected.inc()
                yield beam.pvalue.TaggedOutput(REJECTS, item.as_row())
            else:
                self._accepted.inc()
                batch.append(item)
                if len(batch) >= self._options.batch_size:
                    progress.add("reading", "records", read - unreported, **{VALID_POSTS: len(batch)})
                    unreported = read
                    yield batch
                    batch = []
        progress.add("reading", "records", read - unreported, done_at=("files read", self._files),
                     **{VALID_POSTS: len(batch), "files read": 1})
        if batch:
            yield batch
        yield beam.pvalue.TaggedOutput(FILE_READS, (path, read))

    def _records(self, readable: fileio.ReadableFile, path: str) -> Iterator[dict | Reject]:
        """The file's records; a file that cannot be opened or read further ends with one reject
        (the other files still load)."""
        record_no = 0
        try:
            # Raw bytes: the readers decompress themselves (Reddit dumps need a 2 GiB zstd window).
            with readable.open(compression_type=CompressionTypes.UNCOMPRESSED) as stream:
                for item in read_records(path, stream, self._options):
                    record_no = item.record_no if isinstance(item, Reject) else item["record_no"]
                    yield item
        except OSError as exc:
            yield Reject(path, record_no + 1, f"unreadable file: {type(exc).__name__} ({exc.strerror or 'I/O error'})", "")


def match_literally(pattern: str) -> list[FileMetadata]:
    """An existing path as itself (`x[1].jsonl` is a file name, not a pattern), else the glob's matches.

    Beam's MatchAll would glob every path a second time: `x[1].jsonl` would match `x1.jsonl`.
    """
    if FileSystems.exists(pattern):
        return [FileSystems.get_filesystem(pattern).metadata(pattern)]
    return FileSystems.match([pattern])[0].metadata_list


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
            | "MatchFiles" >> beam.FlatMap(match_literally)
            | "ReadMatches" >> fileio.ReadMatches()
            | "SpreadFiles" >> beam.Reshuffle()
            | "ParseRecords" >> beam.ParDo(_ParseFile(self._options, len(self._patterns)))
                                 .with_output_types(PostBatch)
                                 .with_outputs(REJECTS, FILE_READS, main="posts")
        )
