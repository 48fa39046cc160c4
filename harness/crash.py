"""Crash and concurrency helpers: loader processes to kill at a pause point, readers that poll
during loads, and two small runs to load (tests/test_crash_safety.py, bench/reliability.py)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]  # on PYTHONPATH of the child processes
JANUARY = [("twitter", "t1", "2020-01", "positive", ["sun", "wind"], ["good"]),
           ("reddit", "r1", "2020-01", "negative", ["smog"], ["bad"])]
FEBRUARY = [("twitter", "t2", "2020-02", "positive", ["wind"], ["good"]),
            ("twitter", "t3", "2020-02", "negative", ["smog", "tide"], ["bad"])]

LOADER = """
import sys
from flows.store.db import load_run
from harness.run_folders import record
from pathlib import Path
load_run(sys.argv[1], record(Path(sys.argv[2]), sys.argv[3]), swap=sys.argv[4] == "swap", wait=sys.argv[5] == "wait")
"""


def env(**extra: str) -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": str(REPO), **extra}


def start_loader(db: Path, run_dir: Path, run_id: str, swap: bool = True, wait: bool = False,
                 **extra_env: str) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-c", LOADER, str(db), str(run_dir), run_id,
                             "swap" if swap else "in-place", "wait" if wait else "fail"],
                            env=env(**extra_env), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def wait_for(path: Path, process: subprocess.Popen, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while not path.exists():
        assert process.poll() is None, process.communicate()
        assert time.monotonic() < deadline, f"{path} never appeared"
        time.sleep(0.02)


def kill(process: subprocess.Popen) -> None:
    process.send_signal(signal.SIGKILL)
    process.wait(30)


READER_LOOP = """
import json, sys, time
from flows.store.db import query
seen, errors, end = [], [], time.monotonic() + float(sys.argv[2])
while time.monotonic() < end:
    try:
        runs = query(sys.argv[1], "SELECT count(*) FROM runs")[1][0][0]
        posts = query(sys.argv[1], "SELECT (SELECT count(*) FROM runs), sum(posts) FROM totals")[1][0]
        seen.append([runs, *posts])
    except Exception as exc:
        errors.append(repr(exc))
print(json.dumps({"seen": seen, "errors": errors}))
"""
