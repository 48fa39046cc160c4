"""A Prefect server on 127.0.0.1 (SQLite in its own PREFECT_HOME), with its services (the scheduler).

`mipulse schedule` runs one for as long as it serves; tests and benchmarks run throw-away ones.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
import urllib.request
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

from pipelines.local_portable import die_with_parent, free_port, stop_process

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
