"""A Prefect server on 127.0.0.1 (SQLite in its own PREFECT_HOME), with its services (the scheduler).

`mipulse schedule` runs one for as long as it serves; tests and benchmarks run throw-away ones.
"""

from __future__ import annotations

import atexit
import logging
import os
import subprocess
import sys
import threading
import time
import urllib.request
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, ContextManager, Iterator

from flows.processes import die_with_parent, free_port, python_child_environment, stop_process

STARTUP_TIMEOUT_S = 120.0


@dataclass(frozen=True)
class PrefectServer:
    api_url: str
    home: Path
    pid: int
    startup_seconds: float

    def env(self, **extra: str) -> dict[str, str]:
        """Environment for a client process of this server."""
        return {**server_environment(self.home), "PREFECT_API_URL": self.api_url, **extra}


def server_environment(home: Path) -> dict[str, str]:
    env = dict(os.environ)
    env.update({
        "PREFECT_HOME": str(home),
        "PREFECT_API_DATABASE_CONNECTION_URL": f"sqlite+aiosqlite:///{home / 'prefect.db'}",
        "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
        "DO_NOT_TRACK": "1",
        "PREFECT_UI_ENABLED": "false",
        "PREFECT_SERVER_SERVICES_SCHEDULER_LOOP_SECONDS": "2",
    })
    env.pop("PREFECT_API_URL", None)
    return env


def _healthy(api_url: str, route: str = "health", timeout_s: float = 1) -> bool:
    try:
        with urllib.request.urlopen(f"{api_url}/{route}", timeout=timeout_s) as response:
            return response.status == 200
    except OSError:
        return False


@contextmanager
def prefect_server(home: Path, python: str = sys.executable, port: int | None = None) -> Iterator[PrefectServer]:
    """Start `prefect server start` on `port` (default: a free one); stop it by PID on exit, whatever happens."""
    home.mkdir(parents=True, exist_ok=True)
    port = port or free_port()
    prefect = str(Path(python).parent / "prefect")
    started = time.perf_counter()
    with open(home / "server.log", "wb") as log:
        process = subprocess.Popen([prefect, "server", "start", "--host", "127.0.0.1", "--port", str(port)],
                                   env=server_environment(home), stdout=log, stderr=subprocess.STDOUT,
                                   stdin=subprocess.DEVNULL, start_new_session=True, preexec_fn=die_with_parent)
    try:
        api_url = f"http://127.0.0.1:{port}/api"
        deadline = time.monotonic() + STARTUP_TIMEOUT_S
        while not _healthy(api_url):
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"Prefect server did not start; see {home / 'server.log'}")
            time.sleep(0.2)
        yield PrefectServer(api_url, home, process.pid, time.perf_counter() - started)
    finally:
        stop_process(process)


class EarlyServer:
    """Prefect's temporary API server for the flow runs of this process, launched before the run
    imports Prefect, Beam, spaCy and the report's libraries, so it comes up meanwhile.

    Without a Prefect API (`PREFECT_API_URL`), Prefect starts the very same server (uvicorn on
    `prefect.server.api.server:create_app` in ephemeral mode, as `SubprocessASGIServer` in the
    pinned Prefect) at a flow's first API call, after importing its server modules (~5 s CPU)
    in the run's own process, and the flow waits 8-13 s for it. One server serves every run of
    the process and stops when it exits.
    """

    def __init__(self) -> None:
        self.port = free_port()
        self.api_url = f"http://127.0.0.1:{self.port}/api"
        env = python_child_environment(PREFECT_UI_ENABLED="0", PREFECT__SERVER_EPHEMERAL="1", PREFECT__SERVER_FINAL="1")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "flows.temporary_server", "--factory", "prefect.server.api.server:create_app",
             "--host", "127.0.0.1", "--port", str(self.port), "--log-level", "error", "--lifespan", "on"],
            # in a session of its own: a Ctrl-C in the terminal reaches the run's whole process group,
            # and the run needs its server to record how it ended (without it, it hung for 70-150 s)
            env=env, stdin=subprocess.DEVNULL, start_new_session=True,
            preexec_fn=die_with_parent)  # gone with a killed run too
        # registered before Prefect is imported, so called after Prefect's own exit handlers have sent the
        # run's last logs; the process exits without waiting for the server's shutdown (~0.2 s)
        atexit.register(self.stop, wait=False)
        self._up = False
        self._settled = threading.Event()
        threading.Thread(target=self._watch, name="prefect-server-start", daemon=True).start()

    def _watch(self) -> None:
        """Until the server answers or dies, while the run imports; once it is up, make its first
        API request (~0.8 s of the server's lazy set-up on this machine, ~10 ms for the next ones),
        so the flow's first call does not wait for that."""
        while self.process.poll() is None:
            if _healthy(self.api_url):
                self._up = True
                _healthy(self.api_url, "admin/version", timeout_s=10)  # what it answers does not matter
                break
            time.sleep(0.1)
        self._settled.set()

    def wait(self, timeout_s: float) -> bool:
        """Whether the server answers within `timeout_s` (False: it died or is too slow; it is stopped)."""
        if self._settled.wait(timeout_s) and self._up:
            return True
        self.stop()
        return False

    def stop(self, wait: bool = True) -> None:
        """Stop the server; `wait=False` at the run's exit: the kernel's parent-death signal ends it anyway."""
        if self.process.poll() is None:
            self.process.terminate()
            if not wait:
                return
            try:
                self.process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()

    @contextmanager
    def in_use(self, meanwhile: Callable[[], object] | None = None) -> Iterator[None]:
        """Flow runs inside use this server; if a Prefect API is configured after all (a Prefect
        profile) or the server did not come up, they go on as Prefect decides without it.
        `meanwhile` is called first if the server is still starting: work for the time it takes."""
        from prefect.settings import (
            PREFECT_API_URL, PREFECT_FLOWS_HEARTBEAT_FREQUENCY, PREFECT_SERVER_EPHEMERAL_ENABLED,
            PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS, PREFECT_UI_URL, temporary_settings,
        )

        if PREFECT_API_URL.value() or not PREFECT_SERVER_EPHEMERAL_ENABLED.value():
            self.stop()
            yield
            return
        if meanwhile is not None and not self._settled.is_set():
            meanwhile()
        if not self.wait(PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS.value()):
            yield  # Prefect starts its own temporary server and reports why if that fails too
        else:
            logging.getLogger("mipulse").info(
                "Prefect temporary server on %s for this run (export PREFECT_API_URL to use a running server)",
                self.api_url)
            # no UI is served: no "View at <url>" lines pointing at nothing (as with Prefect's own).
            # No heartbeats: they let a lasting server mark a crashed run, but this server dies with
            # the run, and the flow's end waits for the heartbeat thread's 1 s sleep (0-1 s a run).
            with temporary_settings(updates={PREFECT_API_URL: self.api_url, PREFECT_UI_URL: "",
                                             PREFECT_FLOWS_HEARTBEAT_FREQUENCY: None}):
                yield


_EARLY: EarlyServer | None = None


@contextmanager
def _no_server_to_wait_for(meanwhile: Callable[[], object] | None = None) -> Iterator[None]:
    yield


def start_temporary_server_early() -> Callable[..., ContextManager[None]]:
    """Launch (once per process) the temporary Prefect server the runs of this process use, unless
    PREFECT_API_URL names a server; return the context manager that flow runs run inside (see
    `EarlyServer.in_use`)."""
    global _EARLY
    if os.environ.get("PREFECT_API_URL"):
        return _no_server_to_wait_for
    if _EARLY is None or _EARLY.process.poll() is not None:
        _EARLY = EarlyServer()
    return _EARLY.in_use
