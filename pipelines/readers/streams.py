"""Byte streams to JSON documents: decompression, NDJSON lines or one whole document.

Nothing here loads a line-oriented file whole: `.zst` and `.gz` are decompressed as a
stream and NDJSON is parsed line by line. Only a pretty-printed JSON document (an API
response saved with indentation) is read whole, which is how such responses come.
"""

from __future__ import annotations

import gzip
import io
import json
from dataclasses import dataclass
from typing import IO, Iterator

import zstandard

# Reddit dumps (Pushshift, Arctic Shift) are written with --long=31.
ZSTD_MAX_WINDOW = 2**31
_OPENERS = ("{", "[")


@dataclass(frozen=True)
class Unreadable:
    """A record that could not even be parsed, with the raw bytes for an excerpt."""

    reason: str
    raw: str = ""


def decompressed(path: str, raw: IO[bytes]) -> IO[bytes]:
    """The file's content as a byte stream, decompressing `.zst`/`.zstd`/`.gz` on the fly."""
    lower = path.lower()
    if lower.endswith((".zst", ".zstd")):
        reader = zstandard.ZstdDecompressor(max_window_size=ZSTD_MAX_WINDOW).stream_reader(
            raw, read_across_frames=True)
        return io.BufferedReader(reader, buffer_size=1 << 20)
    if lower.endswith(".gz"):
        return gzip.GzipFile(fileobj=raw, mode="rb")
    return raw


def nonblank_lines(stream: IO[bytes]) -> Iterator[tuple[int, bytes]]:
    """(line_no, line) for every line with content; line numbers count blank lines too."""
    for line_no, line in enumerate(stream, start=1):
        if line.strip():
            yield line_no, line


def parse_json(raw: bytes) -> object:
    """One JSON value from bytes, or Unreadable with the reason."""
    try:
        return json.loads(raw.decode("utf-8"))
    except UnicodeDecodeError:
        return Unreadable("invalid UTF-8", raw[:800].decode("utf-8", "replace"))
    except (ValueError, RecursionError):
        return Unreadable("invalid JSON", raw[:800].decode("utf-8", "replace"))


def json_documents(stream: IO[bytes]) -> tuple[bool, Iterator[tuple[int, object]]]:
    """(whole, documents): one (line_no, value | Unreadable) per NDJSON line, or the
    single document of a pretty-printed file (whole=True, line_no 1)."""
    lines = nonblank_lines(stream)
    first = next(lines, None)
    if first is None:
        return False, iter(())
    value = parse_json(first[1])
    if isinstance(value, Unreadable) and _opens_document(first[1]):
        rest = [first, *lines]
        whole = parse_json(b"".join(line for _, line in rest))
        if not isinstance(whole, Unreadable):
            return True, iter([(1, whole)])
        # Not one document after all: account for it line by line.
        return False, ((line_no, parse_json(line)) for line_no, line in rest)
    return False, _chain_first((first[0], value), lines)


def _opens_document(line: bytes) -> bool:
    stripped = line.strip().decode("utf-8", "replace")
    return stripped in _OPENERS or stripped.endswith(("{", "[", ",", ":"))


def _chain_first(first: tuple[int, object], lines: Iterator[tuple[int, bytes]]):
    yield first
    for line_no, line in lines:
        yield line_no, parse_json(line)
