"""A Prefect server on 127.0.0.1 (SQLite in its own PREFECT_HOME), with its services (the scheduler).

`mipulse schedule` runs one for as long as it serves; tests and benchmarks run throw-away ones.
"""

from __future__ import annotations

import contextvars
import os
import subprocess
import sys
import threading
import time
import urllib.request
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterator

from pipelines.local_portable import free_port, stop_process

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


def _healthy(api_url: str) -> bool:
    try:
        with urllib.request.urlopen(f"{api_url}/health", timeout=1) as response:
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
                                   stdin=subprocess.DEVNULL, start_new_session=True)
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


def start_temporary_server_early() -> Callable[[], None]:
    """Start Prefect's own temporary server now, in a thread; return a function that waits for it.

    Without a Prefect API (`PREFECT_API_URL`) a flow's first API call starts this server (one
    per process) and waits for it, 8-13 s here. Started before the run imports Beam, spaCy and
    the report's libraries, it comes up in its own process while they load; the flow then finds
    it running and uses it. With `PREFECT_API_URL` set, that server is used and none is started.
    If the start fails, the flow's own first call starts it again and reports why.
    """
    context = contextvars.copy_context()  # Prefect's settings of the caller (a settings context, a profile)
    thread = threading.Thread(target=context.run, args=(_start_temporary_server,), name="prefect-temporary-server",
                              daemon=True)
    thread.start()
    return thread.join


def needs_temporary_server() -> bool:
    """Whether a flow run here would start Prefect's temporary server (no Prefect API is configured)."""
    from prefect.settings import PREFECT_API_URL, PREFECT_SERVER_EPHEMERAL_ENABLED

    return not PREFECT_API_URL.value() and bool(PREFECT_SERVER_EPHEMERAL_ENABLED.value())


def _start_temporary_server() -> None:
    """Prefect's temporary server of this process (the instance Prefect's client would start), if needed."""
    if not needs_temporary_server():
        return
    from prefect.server.api.server import SubprocessASGIServer

    try:
        SubprocessASGIServer().start()
    except Exception:  # noqa: BLE001 - the flow's own first call starts it again and reports why
        pass
