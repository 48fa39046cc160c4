"""Byte streams to JSON documents: decompression, NDJSON lines or one whole document.

Nothing here loads a line-oriented file whole: `.zst` and `.gz` are decompressed as a
stream and NDJSON is parsed line by line. Only a pretty-printed JSON document (an API
response saved with indentation) is read whole, which is how such responses come.
"""

from __future__ import annotations

import gzip
import io
import json
import re
from dataclasses import dataclass
from typing import IO, Iterator

import zstandard

# Reddit dumps (Pushshift, Arctic Shift) are written with --long=31.
ZSTD_MAX_WINDOW = 2**31
STREAM_ERRORS = (zstandard.ZstdError, OSError, EOFError)
_OPENERS = ("{", "[")
#: how each JSON file of a Twitter/X archive begins ("window.YTD.tweets.part0 = [ ..."): a
#: JavaScript assignment of one JSON array
_ARCHIVE_ASSIGNMENT = re.compile(rb"^\s*window\.YTD\.[\w.]+\s*=\s*")
#: the byte order mark Windows tools and some editors write at the start of a UTF-8 file
UTF8_BOM = b"\xef\xbb\xbf"
INVALID_UTF8 = "invalid UTF-8"


@dataclass(frozen=True)
class Unreadable:
    """A record that could not even be parsed, with the raw bytes for an excerpt."""

    reason: str
    raw: str = ""


def decompressed(path: str, raw: IO[bytes]) -> IO[bytes]:
    """The file's content as a byte stream, decompressing `.zst`/`.zstd`/`.gz` on the fly."""
    lower = path.lower()
    if lower.endswith((".zst", ".zstd")):
        return io.BufferedReader(_ZstdFrames(raw), buffer_size=1 << 20)
    if lower.endswith(".gz"):
        return gzip.GzipFile(fileobj=raw, mode="rb")
    return raw


class _ZstdFrames(io.RawIOBase):
    """Decompress concatenated zstd frames as a stream; a truncated last frame is an error
    (zstandard's own stream_reader silently stops there, which would lose records).

    Corrupt data (garbage after a frame, a damaged block) raises only after everything
    decoded before it has been returned, so those records are still read. Input is fed in
    small pieces because a failing `decompress` call returns none of its output.
    """

    def __init__(self, raw: IO[bytes], chunk: int = 1 << 20, piece: int = 1 << 14):
        self._raw, self._chunk, self._piece = raw, chunk, piece
        self._new_frame()
        self._pending = memoryview(b"")
        self._error: zstandard.ZstdError | None = None

    def _new_frame(self) -> None:
        self._frame = zstandard.ZstdDecompressor(max_window_size=ZSTD_MAX_WINDOW).decompressobj()
        self._fed = False

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        while not self._pending:
            if self._error is not None:
                raise self._error
            compressed = self._raw.read(self._chunk)
            if not compressed:
                if self._fed and not self._frame.eof:
                    raise zstandard.ZstdError("truncated zstd frame")
                return 0
            self._pending = memoryview(self._decompress(compressed))
        size = min(len(buffer), len(self._pending))
        buffer[:size] = self._pending[:size]
        self._pending = self._pending[size:]
        return size

    def _decompress(self, compressed: bytes) -> bytes:
        out = []
        for start in range(0, len(compressed), self._piece):
            data = compressed[start:start + self._piece]
            try:
                while data:
                    self._fed = True
                    out.append(self._frame.decompress(data))
                    data = self._frame.unused_data if self._frame.eof else b""
                    if self._frame.eof:
                        self._new_frame()
            except zstandard.ZstdError as exc:
                self._error = exc  # raised once what came before has been read
                break
        return b"".join(out)


def nonblank_lines(stream: IO[bytes]) -> Iterator[tuple[int, bytes | Unreadable]]:
    """(line_no, line) for every line with content; line numbers count blank lines too.

    A UTF-8 byte order mark opening the stream is dropped. A corrupt compressed stream ends
    with one Unreadable: what follows cannot be counted.
    """
    line_no = 0
    try:
        for line_no, line in enumerate(stream, start=1):
            if line_no == 1:
                line = line.removeprefix(UTF8_BOM)
            if line.strip():
                yield line_no, line
    except STREAM_ERRORS as exc:
        yield line_no + 1, Unreadable(f"corrupt compressed stream: {type(exc).__name__}")


def parse_json(raw: bytes | Unreadable) -> object:
    """One JSON value from bytes, or Unreadable with the reason."""
    if isinstance(raw, Unreadable):
        return raw
    try:
        return json.loads(raw.decode("utf-8"))
    except UnicodeDecodeError:
        return Unreadable(INVALID_UTF8, raw[:800].decode("utf-8", "replace").strip())
    except (ValueError, RecursionError):
        return Unreadable("invalid JSON", raw[:800].decode("utf-8", "replace").strip())


def json_documents(stream: IO[bytes]) -> tuple[bool, Iterator[tuple[int, object]]]:
    """(whole, documents): one (line_no, value | Unreadable) per NDJSON line, or the
    single document of a pretty-printed file (whole=True, line_no 1), also of a Twitter/X
    archive's `tweets.js` ("window.YTD.tweets.part0 = [...]")."""
    lines = nonblank_lines(stream)
    first = next(lines, None)
    if first is None:
        return False, iter(())
    if not isinstance(first[1], Unreadable):  # an archive's tweets.js: the array without its assignment
        first = (first[0], _ARCHIVE_ASSIGNMENT.sub(b"", first[1], count=1))
    value = parse_json(first[1])
    if isinstance(value, Unreadable) and _opens_document(first[1]):
        rest = [first, *lines]
        broken = any(isinstance(line, Unreadable) for _, line in rest)
        whole = value if broken else parse_json(b"".join(line for _, line in rest))
        if not isinstance(whole, Unreadable):
            return True, iter([(1, whole)])
        # Not one document after all: account for it line by line.
        return False, ((line_no, parse_json(line)) for line_no, line in rest)
    return False, _chain_first((first[0], value), lines)


def _opens_document(line: bytes | Unreadable) -> bool:
    if isinstance(line, Unreadable):
        return False
    stripped = line.strip().decode("utf-8", "replace")
    return stripped in _OPENERS or stripped.endswith(("{", "[", ",", ":"))


def _chain_first(first: tuple[int, object], lines: Iterator[tuple[int, bytes]]):
    yield first
    for line_no, line in lines:
        yield line_no, parse_json(line)
