"""Seed configuration: sentiment seeds, Plutchik emotion seeds and topic keyword sets."""

from __future__ import annotations

import hashlib
import re
import tomllib
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Callable, TypeVar

import lexicons
from pipelines.errors import BadInput

EMOTIONS: tuple[str, ...] = (
    "anger", "anticipation", "disgust", "fear", "joy", "sadness", "surprise", "trust",
)
POLARITIES: tuple[str, ...] = ("positive", "negative")


class SeedConfigError(BadInput, ValueError):
    """A seed file that cannot be used; the message names the file and the problem."""


@dataclass(frozen=True)
class SeedConfig:
    """The anchors lexicons are induced from. Terms are normalized tokens."""

    version: str
    sentiment: dict[str, tuple[str, ...]]
    emotions: dict[str, tuple[str, ...]]
    topics: dict[str, tuple[tuple[str, ...], ...]]  # topic -> keyword phrases as token tuples
    source: str = field(default="", compare=False)
    distant: dict[str, tuple[str, ...]] = field(default_factory=dict)  # emotion -> hashtags

    @cached_property
    def fingerprint(self) -> str:
        """Short content hash: two configs with the same anchors share it."""
        parts = [self.version]
        for group in (self.sentiment, self.emotions):
            parts += [f"{k}={','.join(v)}" for k, v in sorted(group.items())]
        parts += [f"{k}={'|'.join(' '.join(p) for p in v)}" for k, v in sorted(self.topics.items())]
        parts += [f"distant.{k}={','.join(v)}" for k, v in sorted(self.distant.items())]
        return hashlib.sha256("\n".join(parts).encode()).hexdigest()[:10]

    @cached_property
    def word_anchors(self) -> frozenset[str]:
        """Every single seed word and single-token topic keyword."""
        words = {w for ws in self.sentiment.values() for w in ws}
        words |= {w for ws in self.emotions.values() for w in ws}
        words |= {p[0] for ps in self.topics.values() for p in ps if len(p) == 1}
        return frozenset(words)

    @cached_property
    def topic_phrases_by_first_word(self) -> dict[str, tuple[tuple[str, tuple[str, ...]], ...]]:
        """first keyword token -> ((topic, phrase), ...): a post only checks phrases it can hold."""
        index: dict[str, list[tuple[str, tuple[str, ...]]]] = {}
        for topic, phrases in self.topics.items():
            for phrase in phrases:
                index.setdefault(phrase[0], []).append((topic, phrase))
        return {first: tuple(entries) for first, entries in index.items()}


Built = TypeVar("Built")
_BUILT: dict[tuple, object] = {}


def built_once(build: Callable[..., Built], seeds: SeedConfig, *args) -> Built:
    """`build(seeds, *args)`, made once per process for each seed configuration (by its
    fingerprint) and further arguments: Beam unpickles a step's functions, and with them what
    they carry, at every bundle set-up, and the report builds dozens of lexicons."""
    key = (build, seeds.fingerprint, *args)
    if key not in _BUILT:
        _BUILT[key] = build(seeds, *args)
    return _BUILT[key]  # type: ignore[return-value]


def load_seeds(path: str | Path | None = None) -> SeedConfig:
    """Read a seed TOML file (the shipped one by default) and validate it.

    Errors name the file and, where the problem sits on one line, the line: ``seeds.toml:12: ...``.
    """
    path = Path(path) if path else lexicons.default_seeds_path()
    try:
        text = path.read_text(encoding="utf-8")
        raw = tomllib.loads(text)
    except FileNotFoundError as exc:
        raise SeedConfigError(f"{path}: seed file not found") from exc
    except UnicodeDecodeError as exc:
        raise SeedConfigError(f"{path}: not UTF-8 text ({exc.reason} at byte {exc.start})") from exc
    except tomllib.TOMLDecodeError as exc:
        raise SeedConfigError(f"{path}: {exc}") from exc
    where = _Locator(path, text)
    sentiment = _word_lists(where, raw, "sentiment", POLARITIES)
    emotions = _word_lists(where, raw, "emotion", EMOTIONS)
    topic_table = raw.get("topics", {})
    if not isinstance(topic_table, dict):
        raise SeedConfigError(f"{where.at('topics')}: topics must be a table of keyword lists")
    topics = {
        name: tuple(_phrase_tokens(k) for k in _strings(where, "topics", name, kws))
        for name, kws in topic_table.items()
    }
    distant = {}
    if "distant" in raw:
        table = raw["distant"]
        unknown = sorted(set(table) - set(EMOTIONS)) if isinstance(table, dict) else ["(not a table)"]
        if unknown:
            raise SeedConfigError(f"{where.at('distant')}: [distant] keys must be emotions, got {', '.join(unknown)}")
        distant = {e: tuple(w.lower() for w in _strings(where, "distant", e, words)) for e, words in table.items()}
    return SeedConfig(str(raw.get("version", "unversioned")), sentiment, emotions, topics, str(path), distant)


class _Locator:
    """'file:line' of a key in a TOML file, for error messages (the file alone if not found)."""

    def __init__(self, path: Path, text: str):
        self._path, self._lines = path, text.splitlines()

    def at(self, table: str, key: str | None = None) -> str:
        current = ""
        for number, line in enumerate(self._lines, start=1):
            stripped = line.strip()
            header = re.match(r"^\[\s*([^\]]+?)\s*\]", stripped)
            if header:
                current = header.group(1)
                if key is None and current == table:
                    return f"{self._path}:{number}"
                continue
            assigned = re.match(r"^([A-Za-z0-9_.\"' -]+?)\s*=", stripped)
            if assigned:
                name = assigned.group(1).strip().strip("\"'")
                full = f"{current}.{name}" if current else name
                if full == (f"{table}.{key}" if key else table):
                    return f"{self._path}:{number}"
        return str(self._path)


def _word_lists(where: _Locator, raw: dict, table: str, required: tuple[str, ...]) -> dict[str, tuple[str, ...]]:
    section = raw.get(table)
    if not isinstance(section, dict):
        raise SeedConfigError(f"{where.at(table) if table in raw else where.at('')}: missing table [{table}]")
    missing = [k for k in required if k not in section]
    if missing:
        raise SeedConfigError(f"{where.at(table)}: [{table}] lacks {', '.join(missing)}")
    return {k: tuple(w.lower() for w in _strings(where, table, k, section[k])) for k in required}


def _strings(where: _Locator, table: str, key: str, value: object) -> list[str]:
    if not isinstance(value, list) or not value or not all(isinstance(v, str) and v.strip() for v in value):
        raise SeedConfigError(f"{where.at(table, key)}: {table}.{key} must be a non-empty list of non-empty strings")
    return [v.strip() for v in value]


def _phrase_tokens(keyword: str) -> tuple[str, ...]:
    return tuple(keyword.lower().split())
