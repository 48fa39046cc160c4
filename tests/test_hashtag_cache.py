"""The hashtag word table's cache: later processes read the words kept instead of the whole table."""

import json

import pytest
from spacy_lookups_data import en

from pipelines.text import hashtags


@pytest.fixture
def cache_home(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    hashtags.word_costs.cache_clear()
    yield tmp_path
    hashtags.word_costs.cache_clear()


def _table():
    from pathlib import Path

    path = Path(en["lexeme_prob"])
    return path if path.exists() else path.with_name(path.name + ".gz")


def test_the_first_load_writes_the_cache_and_later_loads_read_it(cache_home):
    costs = hashtags.word_costs()
    cache = hashtags.cached_costs_path(_table())
    assert cache.parent == cache_home / "mipulse"
    assert json.loads(cache.read_text()) == costs
    assert costs["climate"] > 0 and "th" not in costs  # the table's rules, not an empty cache

    cache.write_text(json.dumps({"marker": 1.0}))  # a later process reads the cache, not the table
    hashtags.word_costs.cache_clear()
    assert hashtags.word_costs() == {"marker": 1.0}


def test_an_unreadable_cache_is_rebuilt_from_the_table(cache_home):
    expected = hashtags.word_costs()
    cache = hashtags.cached_costs_path(_table())
    cache.write_text('{"cut in the mid')
    hashtags.word_costs.cache_clear()
    assert hashtags.word_costs() == expected
    assert json.loads(cache.read_text()) == expected


def test_an_unwritable_cache_folder_only_costs_time(tmp_path, monkeypatch):
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    monkeypatch.setenv("XDG_CACHE_HOME", str(blocker))
    hashtags.word_costs.cache_clear()
    try:
        assert hashtags.word_costs()["climate"] > 0
    finally:
        hashtags.word_costs.cache_clear()
