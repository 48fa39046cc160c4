"""What a run logs, and a report's header says, of how the database's history was loaded: partitions
scored with different lexicons, a lexicon induced from under half of the posts it scores
(`flows.store.lexicon_store.lexicon_warnings`), files read with different --languages
(`flows.store.incremental.mixed_languages_warning`)."""

from __future__ import annotations

import duckdb

from flows.store.incremental import loaded_language_settings, mixed_languages_warning
from flows.store.lexicon_store import lexicon_warnings


def history_warnings(con: duckdb.DuckDBPyConnection) -> list[str]:
    """Each warning's line ("WARNING: ..."), in that order; none when the history is of one piece."""
    return [w for w in (*lexicon_warnings(con), mixed_languages_warning(loaded_language_settings(con))) if w]
