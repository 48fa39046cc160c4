"""Issue 16.1/16.13 in the flow: a run that waited while another loaded some of the same post
ids runs its job again with a fresh list, so the first copy wins and counts match the posts."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import flows.run_flow
from flows.store.db import query
from flows.options import RunOptions
from flows.run_flow import run_flow

pytestmark = pytest.mark.slow


def posts_file(path: Path, ids: range) -> str:
    path.write_text("".join(json.dumps({"id": str(i), "platform": "twitter", "created_at": "2020-01-05",
                                        "text": f"good sun number {i}"}) + "\n" for i in ids))
    return str(path)


def test_a_run_whose_list_of_loaded_ids_went_stale_runs_again(tmp_path, monkeypatch):
    db = str(tmp_path / "m.duckdb")
    first, second = posts_file(tmp_path / "a.jsonl", range(0, 10)), posts_file(tmp_path / "b.jsonl", range(5, 15))
    run_flow(RunOptions(inputs=[first], db=db, report=False))
    lists: list[str | None] = []
    real = flows.run_flow.loaded_posts_kept

    def stale_first(*args, **kwargs):  # the first list predates a.jsonl's load, as for a queued run
        lists.append(None if not lists else real(*args, **kwargs))
        return lists[-1]

    monkeypatch.setattr(flows.run_flow, "loaded_posts_kept", stale_first)
    summary = run_flow(RunOptions(inputs=[second], db=db, report=False))
    assert len(lists) == 2 and lists[1] and summary.run_dir.endswith("~2")
    assert query(db, "SELECT source_file, count(*) FROM posts GROUP BY 1 ORDER BY 1")[1] == [(first, 10), (second, 5)]
    assert query(db, "SELECT sum(posts) FROM totals")[1] == [(15,)]
    assert query(db, "SELECT source_file, accepted, duplicates FROM file_accounting ORDER BY 1")[1] == [
        (first, 10, 0), (second, 5, 5)]
