"""A real Prefect server: `mipulse schedule` registers the deployments, the scheduler plans runs
at the right local time, and a triggered run loads posts (and an incremental re-run skips them)."""

import os
import re
import subprocess
import sys
import time
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import duckdb
import httpx
import pytest
import yaml

from flows.local_server import prefect_server
from flows.processes import free_port, stop_process
from pipelines.evaluation.synthetic import write_sample

REPO = Path(__file__).resolve().parents[1]
FINAL = {"COMPLETED", "FAILED", "CRASHED", "CANCELLED"}


def _until(what: str, probe, timeout: float = 90.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = probe()
        if value:
            return value
        time.sleep(0.5)
    raise TimeoutError(f"timed out waiting for {what}")


def _artifact(api: httpx.Client, flow_run_id: str) -> str:
    found = api.post("/artifacts/filter", json={"artifacts": {"flow_run_id": {"any_": [flow_run_id]},
                                                              "key": {"any_": ["mipulse-run"]}}}).json()
    assert len(found) == 1
    return found[0]["data"]


@pytest.mark.slow
def test_schedule_serves_deployments_that_plan_and_complete_runs(tmp_path):
    with prefect_server(tmp_path / "prefect-home") as server:
        print(f"\nPrefect server (SQLite) healthy after {server.startup_seconds:.1f} s, pid {server.pid}")
        with open(tmp_path / "serve.log", "wb") as log:
            serve = subprocess.Popen([sys.executable, "-m", "flows.cli.commands", "schedule", "--prefect-yaml",
                                      str(REPO / "prefect.yaml")], cwd=tmp_path, stdout=log, stderr=subprocess.STDOUT,
                                     env=server.env(PYTHONPATH=str(REPO)), start_new_session=True)
        try:
            api = httpx.Client(base_url=server.api_url, timeout=10)
            deployments = _until("both deployments", lambda: (d := api.post("/deployments/filter", json={}).json())
                                 and len(d) == 2 and d)
            by_name = {d["name"]: d for d in deployments}
            for name, (hour, minute) in {"nightly-incremental": (2, 30), "yearly-report": (6, 0)}.items():
                deployment = by_name[name]
                schedules = [s["schedule"] for s in deployment["schedules"]]
                assert [(s["cron"], s["timezone"]) for s in schedules] == \
                    [("30 2 * * *" if hour == 2 else "0 6 2 1 *", "Europe/Berlin")]
                planned = _until(f"scheduled runs of {name}", lambda: api.post("/flow_runs/filter", json={
                    "flow_runs": {"deployment_id": {"any_": [deployment["id"]]},
                                  "state": {"type": {"any_": ["SCHEDULED"]}}}}).json())
                local = [datetime.fromisoformat(r["expected_start_time"]).astimezone(ZoneInfo("Europe/Berlin"))
                         for r in planned]
                assert {(t.hour, t.minute) for t in local} == {(hour, minute)}
                print(f"{name}: {len(planned)} runs planned, first at {min(local).isoformat()}")
            assert by_name["nightly-incremental"]["global_concurrency_limit"]["limit"] == 1
            # runs of the served deployments: test_schedule_alone_runs_a_one_minute_cron_and_a_manual_deployment_run
        finally:
            stop_process(serve)


@pytest.mark.slow
def test_schedule_alone_runs_a_one_minute_cron_and_a_manual_deployment_run(tmp_path):
    """`mipulse schedule` without PREFECT_API_URL: its own server's scheduler creates the runs, this
    process executes them, and `prefect deployment run` (concurrency limit 1) completes too."""
    inputs = [str(p) for p in write_sample(tmp_path / "in", 90, seed=2)]
    deployments = yaml.safe_load((REPO / "prefect.yaml").read_text())
    nightly = next(d for d in deployments["deployments"] if d["name"] == "nightly-incremental")
    nightly["schedules"] = [{"cron": "* * * * *", "timezone": "UTC", "active": True}]
    nightly["parameters"] = {"options": {"inputs": inputs, "db": str(tmp_path / "m.duckdb"), "incremental": True,
                                         "report": False}}
    (tmp_path / "prefect.yaml").write_text(yaml.safe_dump(deployments))
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT_")}
    started = time.perf_counter()
    with open(tmp_path / "schedule.log", "wb") as log:
        schedule = subprocess.Popen([sys.executable, "-m", "flows.cli.commands", "schedule", "--deployment",
                                     "nightly-incremental", "--prefect-home", str(tmp_path / "home"),
                                     "--port", str(port)], cwd=tmp_path, stdout=log, stderr=subprocess.STDOUT,
                                    env={**env, "PYTHONPATH": str(REPO)}, start_new_session=True)
    try:
        api = httpx.Client(base_url=f"http://127.0.0.1:{port}/api", timeout=10)

        def runs(state: str) -> list[dict]:
            try:
                return api.post("/flow_runs/filter", json={"flow_runs": {"state": {"type": {"any_": [state]}}}}).json()
            except httpx.TransportError:  # the server is still starting
                return []

        scheduled = _until("a run created by the scheduler", lambda: runs("COMPLETED"), timeout=360)[0]
        print(f"\nfirst scheduled run {scheduled['name']} COMPLETED {time.perf_counter() - started:.0f} s after "
              f"`mipulse schedule` started (expected start {scheduled['expected_start_time']})")
        assert scheduled["auto_scheduled"] is True
        assert "records read: 90; accepted: 90; rejected: 0; duplicates: 0" in _artifact(api, scheduled["id"])

        prefect = str(Path(sys.executable).parent / "prefect")
        triggered = subprocess.run([prefect, "deployment", "run", "mipulse-run/nightly-incremental"],
                                   env={**env, "PREFECT_API_URL": str(api.base_url)},
                                   capture_output=True, text=True, check=True, timeout=120).stdout
        run_id = re.search(r"UUID: ([0-9a-f-]{36})", triggered).group(1)
        manual = _until("the manual run to finish", lambda: (r := api.get(f"/flow_runs/{run_id}").json())
                        and r["state"]["type"] in FINAL and r, timeout=360)
        print(f"manual `prefect deployment run`: {manual['state']['type']} ({manual['state']['message']!r})")
        assert manual["state"]["type"] == "COMPLETED", (tmp_path / "schedule.log").read_text()[-3000:]
        assert "unchanged files skipped: 3" in _artifact(api, run_id)
    finally:
        stop_process(schedule)
    assert "Prefect server with scheduler at http://127.0.0.1" in (tmp_path / "schedule.log").read_text()
    with duckdb.connect(str(tmp_path / "m.duckdb"), read_only=True) as con:  # the second run loaded nothing new
        assert con.execute("select count(*) from posts").fetchone()[0] == 90
        assert con.execute("select count(*) from runs").fetchone()[0] == 1

    def server_answers() -> bool:
        try:
            httpx.get(f"http://127.0.0.1:{port}/api/health", timeout=2)
            return True
        except httpx.TransportError:
            return False
    # the server goes with `mipulse schedule`, even when that had to be killed
    _until("the server to stop", lambda: not server_answers(), timeout=30)
