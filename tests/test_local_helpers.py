"""Helper servers started by mipulse die with the process that started them."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]

# A parent that starts a long-sleeping child (with or without die_with_parent), prints its pid, waits.
PARENT = """
import subprocess, sys, time
from flows.processes import die_with_parent
child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(120)"],
                         preexec_fn=die_with_parent if sys.argv[1] == "yes" else None)
print(child.pid, flush=True)
time.sleep(120)
"""


def _alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().split()[2] != "Z"  # a zombie has died
    except FileNotFoundError:
        return False


def _child_after_parent_killed(with_guard: str, wait_s: float) -> bool:
    parent = subprocess.Popen([sys.executable, "-c", PARENT, with_guard], stdout=subprocess.PIPE, text=True,
                              env={**os.environ, "PYTHONPATH": str(REPO)})
    child = int(parent.stdout.readline())
    parent.send_signal(signal.SIGKILL)
    parent.wait()
    deadline = time.monotonic() + wait_s
    while _alive(child) and time.monotonic() < deadline:
        time.sleep(0.05)
    alive = _alive(child)
    if alive:
        os.kill(child, signal.SIGKILL)
    return alive


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="parent-death signal is Linux only")
def test_a_helper_server_dies_when_its_parent_is_killed():
    assert _child_after_parent_killed("no", wait_s=1) is True  # without it the child outlives a killed parent
    assert _child_after_parent_killed("yes", wait_s=10) is False
