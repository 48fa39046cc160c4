"""A post that two input files hold is loaded from one of them; the other file's copy is a duplicate.
When the first file is read again without that post, the post must come from the other file, not
vanish with the replaced data (found by an exploratory test: 52 posts became 42 after an
incremental run)."""

from __future__ import annotations

import json
import logging
import os
from pathlib import Path

import pytest

from flows.options import RunOptions
from flows.run_flow import run_flow
from flows.store.db import query

pytestmark = pytest.mark.slow


def posts_file(path: Path, ids: range) -> str:
    path.write_text("".join(json.dumps({"id": str(i), "platform": "twitter", "created_at": "2020-01-05",
                                        "text": f"good sun number {i}"}) + "\n" for i in ids))
    stat = path.stat()
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 10**9))  # a rewrite within the same tick still shows
    return str(path)


def loaded(db: str) -> list[tuple[str, int]]:
    return query(db, "SELECT source_file, count(*) FROM posts GROUP BY 1 ORDER BY 1")[1]


@pytest.fixture
def shared(tmp_path) -> tuple[str, str, str]:
    """a.jsonl (posts 0-9) and b.jsonl (5-14) loaded by one run: 5-9 from a, b's copies dropped."""
    db = str(tmp_path / "m.duckdb")
    a, b = posts_file(tmp_path / "a.jsonl", range(0, 10)), posts_file(tmp_path / "b.jsonl", range(5, 15))
    run_flow(RunOptions(inputs=[a, b], db=db, report=False, incremental=True))
    assert loaded(db) == [(a, 10), (b, 5)]
    posts_file(Path(a), range(0, 5))  # a's export is refreshed without 5-9; b is unchanged
    return db, a, b


def test_an_incremental_run_that_reads_a_file_again_reads_the_files_that_held_its_duplicates(shared):
    db, a, b = shared
    run_flow(RunOptions(inputs=[a, b], db=db, report=False, incremental=True))
    assert loaded(db) == [(a, 5), (b, 10)]  # 5-9 now come from b; before, they were lost
    assert query(db, "SELECT source_file, accepted, duplicates FROM file_accounting ORDER BY 1")[1] == [
        (a, 5, 0), (b, 10, 0)]


def test_a_run_that_cannot_read_the_files_holding_copies_warns_that_posts_are_gone(shared, caplog):
    db, a, b = shared
    with caplog.at_level(logging.WARNING):
        run_flow(RunOptions(inputs=[a], db=db, report=False))
    assert loaded(db) == [(a, 5), (b, 5)]
    warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING and "fewer posts" in r.getMessage()]
    assert len(warnings) == 1 and "hold 5 fewer posts" in warnings[0] and b in warnings[0], warnings
