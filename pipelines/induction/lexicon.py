"""The lexicon artifact: entries per term and layer, metadata, calibration; versioned by content.

A lexicon has up to three layers. ``general`` holds every term's valence on [-1, 1] and its
weight for each of Plutchik's eight emotions (base priors, moved or extended by the corpus).
``supervised`` (only in lexicons built from labelled posts) holds PMI(t, c) - PMI(t, rest)
per class; ``characters`` (the same lexicons) the weights of a model over character n-grams
(`pipelines.induction.characters`). The calibration says how a post's lexicon evidence becomes a label (a fitted
linear model over `pipelines.scoring.combiner` features, or a plain neutral band).

On disk a lexicon is one Parquet file: one row per (layer, term), the metadata and the
calibration as JSON in the file's key-value metadata. The version is a hash of all three,
so an edited file gets a new version.
"""

from __future__ import annotations

import hashlib
import json
import math
from dataclasses import dataclass, field
from functools import cached_property
from typing import Mapping

import pyarrow as pa
import pyarrow.parquet as pq

from pipelines.config import EMOTIONS
from pipelines.errors import BadInput

GENERAL, SUPERVISED, CHARACTERS = "general", "supervised", "characters"
LAYERS = (GENERAL, SUPERVISED, CHARACTERS)
FORMAT = "mipulse-lexicon-1"
METADATA_KEY = b"mipulse.lexicon"
#: what a lexicon can be built from: the general layer's three, and labelled posts' two layers
SOURCES = ("priors", "corpus", "distant", "supervised", "characters")
#: Extra per-class columns of supervised entries (besides sentiment and the eight emotions).
CLASS_COLUMNS = ("neutral",)


def sentiment_anchor(polarity: str) -> str:
    return f"sentiment:{polarity}"


def emotion_anchor(emotion: str) -> str:
    return f"emotion:{emotion}"


def topic_anchor(topic: str) -> str:
    return f"topic:{topic}"


@dataclass(frozen=True)
class LexiconEntry:
    """One term of one layer.

    general: ``sentiment`` valence in [-1, 1], ``emotions`` non-negative weights.
    supervised: ``sentiment`` = score(positive) - score(negative), ``neutral`` = score(neutral),
    ``emotions`` = class-vs-rest scores (0 for classes the training data lacks).
    characters: one character n-gram's model weights (`pipelines.induction.characters`).
    ``support``: posts of corpus evidence behind the value (0: prior only); ``source`` says
    where the value came from (``prior``, ``prior+corpus``, ``corpus``, ``supervised``,
    ``characters``).
    """

    term: str
    sentiment: float
    emotions: tuple[float, ...] = (0.0,) * len(EMOTIONS)
    neutral: float = 0.0
    df: int = 0
    support: int = 0
    source: str = "prior"

    def as_row(self, layer: str) -> dict:
        return {"layer": layer, "term": self.term, "sentiment": self.sentiment, "neutral": self.neutral,
                **dict(zip(EMOTIONS, self.emotions)), "df": self.df, "support": self.support,
                "source": self.source}

    @cached_property
    def emotion_evidence(self) -> tuple[float, ...]:
        """The positive part of each emotion weight: what a post's emotion mass adds up."""
        return tuple(v if v > 0 else 0.0 for v in self.emotions)


ROW_SCHEMA = pa.schema([
    ("layer", pa.string()), ("term", pa.string()), ("sentiment", pa.float64()), ("neutral", pa.float64()),
    *[(e, pa.float64()) for e in EMOTIONS], ("df", pa.int64()), ("support", pa.int64()), ("source", pa.string()),
])


class LexiconFileError(BadInput, ValueError):
    """A lexicon file that cannot be used; the message names the file and the problem."""


@dataclass(frozen=True)
class Lexicon:
    """A frozen lexicon: ``layers[layer][term]``, ``metadata`` (kind, sources, options, data
    hash) and ``calibration`` (see `pipelines.scoring.combiner`)."""

    layers: Mapping[str, Mapping[str, LexiconEntry]]
    metadata: Mapping = field(default_factory=dict)
    calibration: Mapping = field(default_factory=dict)

    @property
    def general(self) -> Mapping[str, LexiconEntry]:
        return self.layers.get(GENERAL, {})

    @property
    def supervised(self) -> Mapping[str, LexiconEntry]:
        return self.layers.get(SUPERVISED, {})

    @property
    def characters(self) -> Mapping[str, LexiconEntry]:
        return self.layers.get(CHARACTERS, {})

    def rows(self) -> list[dict]:
        """One row per (layer, term), sorted: the Parquet file's and the DB table's rows."""
        return [entry.as_row(layer) for layer in LAYERS for _, entry in sorted(self.layers.get(layer, {}).items())]

    @cached_property
    def version(self) -> str:
        """Content hash of entries, metadata and calibration: 'lex-<12 hex>'."""
        digest = hashlib.sha256()
        digest.update(json.dumps(self._header(), sort_keys=True).encode())
        for row in self.rows():
            digest.update(json.dumps(row, sort_keys=True).encode())
        return f"lex-{digest.hexdigest()[:12]}"

    def _header(self) -> dict:
        return {"format": FORMAT, "metadata": dict(self.metadata), "calibration": dict(self.calibration)}

    def to_arrow(self) -> pa.Table:
        header = {**self._header(), "version": self.version}
        schema = ROW_SCHEMA.with_metadata({METADATA_KEY: json.dumps(header, sort_keys=True)})
        return pa.Table.from_pylist(self.rows(), schema=schema)

    def write(self, path: str) -> str:
        """Write the Parquet file; returns the version."""
        pq.write_table(self.to_arrow(), path)
        return self.version


def lexicon_from_rows(rows: list[dict], metadata: Mapping, calibration: Mapping) -> Lexicon:
    """The lexicon of its rows; ValueError, naming the row, for a row scoring could not use or would
    use wrongly: an unknown layer, a term that is not text, a repeated term, a value that is not a
    finite number, a general valence outside [-1, 1] (an edited file's mistakes)."""
    layers: dict[str, dict[str, LexiconEntry]] = {layer: {} for layer in LAYERS}
    for row in rows:
        layer, term = row["layer"], row["term"]
        if layer not in layers:
            raise ValueError(f"unknown lexicon layer {layer!r} (expected one of {LAYERS})")
        if not isinstance(term, str) or not term.strip():
            raise ValueError(f"a row of layer {layer} has the term {term!r} (a term is text)")
        if term in layers[layer]:
            raise ValueError(f"{layer} term {term!r} appears twice (one row per term and layer)")
        entry = LexiconEntry(
            term, _finite(row, "sentiment"), tuple(_finite(row, e, 0.0) for e in EMOTIONS),
            _finite(row, "neutral", 0.0), int(row.get("df") or 0), int(row.get("support") or 0),
            row.get("source") or "edited")
        if layer == GENERAL and not -1.0 <= entry.sentiment <= 1.0:
            raise ValueError(f"general term {term!r}: sentiment {entry.sentiment} is outside [-1, 1]")
        layers[layer][term] = entry
    return Lexicon({k: v for k, v in layers.items() if v}, dict(metadata), dict(calibration))


def _finite(row: Mapping, column: str, missing: float | None = None) -> float:
    """Column `column` of the row as a finite number (`missing` when empty; without one, empty is an error)."""
    value = row.get(column)
    if value is None:
        if missing is None:
            raise ValueError(f"{row['layer']} term {row['term']!r}: {column} is empty")
        return missing
    try:
        number = float(value)
    except (TypeError, ValueError):
        number = math.nan
    if not math.isfinite(number):
        raise ValueError(f"{row['layer']} term {row['term']!r}: {column} is {value!r} (a finite number is needed)")
    return number


def lexicon_file_bytes(path: str) -> bytes:
    """A lexicon file's bytes (`read_lexicon` parses them)."""
    try:
        with open(path, "rb") as file:
            return file.read()
    except FileNotFoundError:
        raise LexiconFileError(f"{path}: lexicon file not found") from None
    except OSError as exc:
        raise LexiconFileError(f"{path}: cannot read the lexicon file ({exc})") from None


def _file_header(path: str, schema: pa.Schema) -> dict:
    """A lexicon file's header (format, metadata, calibration) from its Parquet schema; refuses a
    file that is not a mipulse lexicon (no header, another format, missing columns)."""
    raw = (schema.metadata or {}).get(METADATA_KEY)
    if raw is None:
        raise LexiconFileError(f"{path}: no mipulse lexicon metadata (write it with `mipulse lexicon build`)")
    try:
        header = json.loads(raw)
    except ValueError as exc:
        raise LexiconFileError(f"{path}: its mipulse metadata is not valid JSON ({exc})") from None
    if header.get("format") != FORMAT:
        raise LexiconFileError(f"{path}: lexicon format {header.get('format')!r}, expected {FORMAT!r}")
    missing = [c for c in ("layer", "term", "sentiment", *EMOTIONS) if c not in schema.names]
    if missing:
        raise LexiconFileError(f"{path}: missing columns {', '.join(missing)}")
    return header


def _parquet(path: str, data: bytes, read=pq.read_table):
    """`read` (a table, or only the schema) of a lexicon file's bytes; refuses what is not Parquet."""
    try:
        return read(pa.BufferReader(data))
    except (pa.ArrowInvalid, OSError) as exc:
        raise LexiconFileError(f"{path}: not a Parquet lexicon file ({exc})") from None


def check_lexicon_file(path: str, data: bytes | None = None) -> None:
    """Refuse a file `read_lexicon` would refuse as a whole (unreadable, not Parquet, no mipulse
    header, another format, missing columns) from its schema alone, without reading its rows;
    `data`: its bytes, read already."""
    _file_header(path, _parquet(path, lexicon_file_bytes(path) if data is None else data, pq.read_schema))


def read_lexicon(path: str, data: bytes | None = None) -> Lexicon:
    """Read a lexicon file written by `Lexicon.write` (or edited and re-saved with its metadata),
    or parse `data`, its bytes (`lexicon_file_bytes`) read already (errors still name `path`)."""
    table = _parquet(path, lexicon_file_bytes(path) if data is None else data)
    header = _file_header(path, table.schema)
    if not table.num_rows:
        raise LexiconFileError(f"{path}: the lexicon holds no terms")
    try:
        return lexicon_from_rows(table.to_pylist(), header.get("metadata", {}), header.get("calibration", {}))
    except (TypeError, ValueError) as exc:
        raise LexiconFileError(f"{path}: {exc}") from None
