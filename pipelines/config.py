"""Seed configuration: sentiment seeds, Plutchik emotion seeds and topic keyword sets."""

from __future__ import annotations

import hashlib
import tomllib
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

import lexicons

EMOTIONS: tuple[str, ...] = (
    "anger", "anticipation", "disgust", "fear", "joy", "sadness", "surprise", "trust",
)
POLARITIES: tuple[str, ...] = ("positive", "negative")


class SeedConfigError(ValueError):
    """A seed file that cannot be used; the message names the file and the problem."""


@dataclass(frozen=True)
class SeedConfig:
    """The anchors lexicons are induced from. Terms are normalized tokens."""

    version: str
    sentiment: dict[str, tuple[str, ...]]
    emotions: dict[str, tuple[str, ...]]
    topics: dict[str, tuple[tuple[str, ...], ...]]  # topic -> keyword phrases as token tuples
    source: str = field(default="", compare=False)

    @property
    def fingerprint(self) -> str:
        """Short content hash: two configs with the same anchors share it."""
        parts = [self.version]
        for group in (self.sentiment, self.emotions):
            parts += [f"{k}={','.join(v)}" for k, v in sorted(group.items())]
        parts += [f"{k}={'|'.join(' '.join(p) for p in v)}" for k, v in sorted(self.topics.items())]
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


def load_seeds(path: str | Path | None = None) -> SeedConfig:
    """Read a seed TOML file (the shipped one by default) and validate it."""
    path = Path(path) if path else lexicons.default_seeds_path()
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise SeedConfigError(f"{path}: seed file not found") from exc
    except tomllib.TOMLDecodeError as exc:
        raise SeedConfigError(f"{path}: {exc}") from exc
    sentiment = _word_lists(path, raw, "sentiment", POLARITIES)
    emotions = _word_lists(path, raw, "emotion", EMOTIONS)
    topics = {
        name: tuple(_phrase_tokens(k) for k in _strings(path, f"topics.{name}", kws))
        for name, kws in raw.get("topics", {}).items()
    }
    return SeedConfig(str(raw.get("version", "unversioned")), sentiment, emotions, topics, str(path))


def _word_lists(path: Path, raw: dict, table: str, required: tuple[str, ...]) -> dict[str, tuple[str, ...]]:
    section = raw.get(table)
    if not isinstance(section, dict):
        raise SeedConfigError(f"{path}: missing table [{table}]")
    missing = [k for k in required if k not in section]
    if missing:
        raise SeedConfigError(f"{path}: [{table}] lacks {', '.join(missing)}")
    return {k: tuple(w.lower() for w in _strings(path, f"{table}.{k}", section[k])) for k in required}


def _strings(path: Path, key: str, value: object) -> list[str]:
    if not isinstance(value, list) or not value or not all(isinstance(v, str) and v.strip() for v in value):
        raise SeedConfigError(f"{path}: {key} must be a non-empty list of non-empty strings")
    return [v.strip() for v in value]


def _phrase_tokens(keyword: str) -> tuple[str, ...]:
    return tuple(keyword.lower().split())
