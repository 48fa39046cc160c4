"""All of mipulse's SQL lives in this folder; `read` returns one file's text."""

from importlib import resources


def read(name: str) -> str:
    """Return the text of `sql/<name>` (e.g. ``read("schema.sql")``)."""
    return resources.files(__name__).joinpath(name).read_text(encoding="utf-8")


def statements(name: str) -> list[str]:
    """The statements of a SQL file, split at semicolons that end a line."""
    chunks = read(name).split(";\n")
    return [c.strip() for c in chunks if _has_code(c)]


def _has_code(chunk: str) -> bool:
    return any(line.strip() and not line.strip().startswith("--") for line in chunk.splitlines())
