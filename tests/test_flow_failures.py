"""Prefect: a transient I/O failure of the load is retried and the run succeeds; a permanent
one fails the run with the reason in its logs and in its artifact. One temporary server."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest

import flows.run_flow
from flows.artifacts import escape_markdown
from flows.store.db import query
from flows.options import RunOptions
from flows.run_flow import run_flow

pytestmark = pytest.mark.slow


def posts_file(folder: Path) -> Path:
    path = folder / "in.jsonl"
    path.write_text("".join(json.dumps({"id": str(i), "platform": "twitter", "created_at": "2020-01-05",
                                        "text": f"good sun number {i}"}) + "\n" for i in range(20)))
    return path


def failing_load(monkeypatch, failures: int, error: Exception) -> list[int]:
    calls: list[int] = []
    real = flows.run_flow.load_run

    def load(*args, **kwargs):
        calls.append(1)
        if len(calls) <= failures:
            raise error
        return real(*args, **kwargs)

    monkeypatch.setattr(flows.run_flow, "load_run", load)
    return calls


def run_details(state) -> tuple[list[str], list[str]]:
    """(log messages, artifact markdown) of the flow run that ended in `state`."""
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import ArtifactFilter, ArtifactFilterFlowRunId, LogFilter, LogFilterFlowRunId

    run_id = state.state_details.flow_run_id
    deadline = time.monotonic() + 30
    with get_client(sync_client=True) as client:
        while True:  # logs reach the server in batches; the flow's last one says how it finished
            logs = client.read_logs(log_filter=LogFilter(flow_run_id=LogFilterFlowRunId(any_=[run_id])))
            if any(log.message.startswith("Finished in state") and log.task_run_id is None for log in logs) \
                    or time.monotonic() > deadline:
                break
            time.sleep(0.5)
        artifacts = client.read_artifacts(artifact_filter=ArtifactFilter(flow_run_id=ArtifactFilterFlowRunId(any_=[run_id])))
    return [log.message for log in logs], [a.data for a in artifacts if a.key == "mipulse-run"]


def test_transient_then_permanent_load_failures(tmp_path, monkeypatch):
    source = posts_file(tmp_path)
    db = tmp_path / "m.duckdb"

    calls = failing_load(monkeypatch, 1, OSError("disk hiccup"))
    state = run_flow(RunOptions(inputs=[str(source)], db=str(db), report=False), return_state=True)
    assert state.is_completed() and len(calls) == 2  # failed once, retried, loaded
    assert query(db, "SELECT count(*) FROM posts")[1] == [(20,)]
    logs, artifacts = run_details(state)
    assert any("disk hiccup" in m for m in logs) and any("Retry" in m or "retry" in m for m in logs)
    assert any("records read: 20; accepted: 20" in a for a in artifacts)

    calls = failing_load(monkeypatch, 99, PermissionError(13, "Permission denied", str(db)))
    state = run_flow(RunOptions(inputs=[str(source)], db=str(db), report=False), return_state=True)
    assert state.is_failed() and len(calls) == 3  # the first try and two retries
    logs, artifacts = run_details(state)
    reason = f"PermissionError: [Errno 13] Permission denied: '{db}'"
    assert any(f"mipulse run failed: {reason}" in m for m in logs)
    assert len(artifacts) == 1 and f"- reason: {escape_markdown(reason)}" in artifacts[0] and "failed" in artifacts[0]
    assert query(db, "SELECT count(*) FROM runs")[1] == [(1,)]  # the failed run changed nothing
