"""Helper processes on this machine: a free port, waiting for a listener, stopping what we started.

Used by the local Prefect server (`flows.local_server`) and by the portable-runner harness
(`harness.portable`).
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time

STARTUP_TIMEOUT_S = 60.0


def free_port() -> int:
    """A TCP port that is free on 127.0.0.1 right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for_port(port: int, process: subprocess.Popen, timeout: float = STARTUP_TIMEOUT_S) -> None:
    """Block until something accepts connections on localhost:`port`; fail if `process` dies."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{process.args!r} exited with {process.returncode} before listening on {port}")
        with socket.socket() as sock:
            sock.settimeout(0.5)
            if sock.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.1)
    raise TimeoutError(f"nothing listens on port {port} after {timeout:.0f} s")


def python_child_environment(**extra: str) -> dict[str, str]:
    """The environment of a `python -m flows...` child of this process: it imports what this
    process can import, wherever that comes from (a notebook's sys.path.append, a source tree
    run without installing), as multiprocessing's children do."""
    return {**os.environ, "PYTHONPATH": os.pathsep.join(path for path in sys.path if path), **extra}


def die_with_parent() -> None:
    """`preexec_fn` for a helper server: the kernel sends it SIGTERM when the process that
    started it dies, even by SIGKILL, so a killed `mipulse` leaves no server behind (Linux;
    elsewhere nothing is set and `stop_process` remains the only way it stops)."""
    if sys.platform.startswith("linux"):
        import ctypes

        pr_set_pdeathsig = 1
        ctypes.CDLL(None, use_errno=True).prctl(pr_set_pdeathsig, signal.SIGTERM)


def stop_process(process: subprocess.Popen, timeout: float = 10.0) -> None:
    """Stop a process we started (in its own session) and whatever it spawned, by its PID."""
    if process.poll() is None:
        process.send_signal(signal.SIGINT)  # lets the worker pool's atexit stop its workers
        try:
            process.wait(timeout)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout)
    try:
        os.killpg(process.pid, signal.SIGKILL)  # the group is this PID's own session
    except ProcessLookupError:
        pass
