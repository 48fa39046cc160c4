"""The temporary Prefect server `mipulse run` launches before it imports the flow's modules."""

import os
import subprocess
import sys
import time

import httpx
from prefect import flow
from prefect.events.worker import EventsWorker
from prefect.logging.handlers import APILogWorker
from prefect.settings import PREFECT_API_URL, get_current_settings, temporary_settings

import flows.local_server as local_server
from flows.local_server import EarlyServer, start_temporary_server_early
from tests.test_helper_process import _gone


@flow
def tiny() -> int:
    return 1


def test_flow_runs_inside_use_the_early_server_and_it_stops():
    server = EarlyServer()
    try:
        with temporary_settings(restore_defaults={PREFECT_API_URL}), server.in_use():
            assert PREFECT_API_URL.value() == server.api_url
            assert get_current_settings().flows.heartbeat_frequency is None  # the server dies with the run
            state = tiny(return_state=True)
            APILogWorker.drain_all()
            EventsWorker.drain_all()
        recorded = httpx.get(f"{server.api_url}/flow_runs/{state.state_details.flow_run_id}").json()
        assert recorded["state"]["type"] == "COMPLETED"  # the run went to that server
    finally:
        server.stop()
    assert server.process.poll() is not None


def test_the_early_server_is_out_of_reach_of_a_ctrl_c_in_the_terminal():
    """Ctrl-C reaches the run's whole process group: the server went down with the run, which then
    could not record how it ended and hung for 70-150 s, ending with connection tracebacks."""
    server = EarlyServer()
    try:
        assert os.getsid(server.process.pid) != os.getsid(0)
    finally:
        server.stop()


def test_a_server_that_did_not_come_up_leaves_prefect_to_start_its_own():
    server = EarlyServer()
    server.stop()
    with temporary_settings(restore_defaults={PREFECT_API_URL}), server.in_use():
        assert not PREFECT_API_URL.value()


def test_none_is_launched_when_prefect_api_url_names_a_server(monkeypatch):
    monkeypatch.setenv("PREFECT_API_URL", "http://127.0.0.1:4200/api")
    monkeypatch.setattr(local_server, "EarlyServer", lambda: (_ for _ in ()).throw(AssertionError("launched")))
    with start_temporary_server_early()(meanwhile=lambda: (_ for _ in ()).throw(AssertionError("no wait"))):
        pass


def test_work_for_the_meantime_is_done_while_the_server_starts_and_not_once_it_is_up():
    server = EarlyServer()
    done = []
    try:
        with temporary_settings(restore_defaults={PREFECT_API_URL}):
            with server.in_use(meanwhile=lambda: done.append(server.process.poll() is None and not server._up)):
                assert done == [True]  # done before the wait, while the server was still starting
                assert PREFECT_API_URL.value() == server.api_url
            with server.in_use(meanwhile=lambda: done.append("again")):
                pass
        assert done == [True]  # the server was up: nothing to wait for
    finally:
        server.stop()


def test_the_server_has_served_its_first_api_request_before_the_flow_asks(monkeypatch):
    """The server's first API request is slow (its lazy set-up, ~0.8 s): made while the run
    imports, not by the flow's first call."""
    asked = []
    real_urlopen = local_server.urllib.request.urlopen
    monkeypatch.setattr(local_server.urllib.request, "urlopen",
                        lambda url, **kw: asked.append(url.rsplit("/api/", 1)[1]) or real_urlopen(url, **kw))
    server = EarlyServer()
    try:
        assert server.wait(120)
        assert asked[-2:] == ["health", "admin/version"]
    finally:
        server.stop()


def test_a_run_that_exits_leaves_no_server_behind_without_waiting_for_its_shutdown(tmp_path):
    """At exit the run only signals the server (its shutdown took ~0.2 s of every run); the server ends."""
    script = tmp_path / "run.py"
    script.write_text("from flows.local_server import EarlyServer\n"
                      "server = EarlyServer()\n"
                      "assert server.wait(120)\n"
                      "print(server.process.pid, flush=True)\n")
    done = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, timeout=180,
                          env={**os.environ, "PYTHONPATH": os.getcwd()})
    assert done.returncode == 0, done.stderr
    server_pid = int(done.stdout.split()[-1])
    deadline = time.monotonic() + 30
    while not _gone(server_pid) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert _gone(server_pid)
