"""What a JSON input format is: how to recognise it, split it into records, flatten one."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable, Mapping

from pipelines.reading.posts import RecordError


@dataclass(frozen=True)
class JsonFormat:
    """A platform's JSON export.

    `container` formats (API responses) hold many records per document and number them by
    position in the file; the others hold one record per line, numbered by line.
    """

    name: str
    container: bool
    matches: Callable[[object], bool]
    records: Callable[[object], list]
    to_flat: Callable[[Any], dict]
    raw_of: Callable[[Any], Any] = lambda record: record  # what a reject's excerpt shows


def get_path(record: Mapping[str, Any], path: str) -> Any:
    """record['a.b'] if that key exists, else record['a']['b']; None when absent."""
    if path in record:
        return record[path]
    value: Any = record
    for part in path.split("."):
        if not isinstance(value, Mapping):
            return None
        value = value.get(part)
    return value


def require_object(record: Any) -> Mapping[str, Any]:
    if not isinstance(record, Mapping):
        raise RecordError("record is not an object")
    return record


def list_field(document: Mapping[str, Any], key: str, what: str) -> list:
    """document[key] as a list (a single object counts as a list of one)."""
    value = document.get(key)
    if isinstance(value, Mapping):
        return [value]
    if not isinstance(value, list):
        raise RecordError(f"not a {what}: no '{key}' list")
    return value


def text_of(*candidates: Any) -> Any:
    """The first candidate that is a non-empty string, else the first non-None one."""
    present = [c for c in candidates if c is not None]
    return next((c for c in present if isinstance(c, str) and c.strip()), present[0] if present else None)
