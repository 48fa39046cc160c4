"""Beam's portable protocol on one machine: a local job service plus an external worker pool.

The job runs exactly as it would against a Flink or Spark job server, except that the job
service executes it itself and the SDK workers are processes of a local worker pool. Used
by the tests and the runner benchmark; handy to check a pipeline before a cluster run:

    with local_portable_services(repo_root) as services:
        run_job(settings, services.beam_args)

Limitations of Beam itself: the job service binds 'localhost', the worker pool binds all
interfaces ([::]); the pool starts workers with the `python` found on PATH, so PATH starts
with the directory of the interpreter given here.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

from flows.processes import die_with_parent, free_port, stop_process, wait_for_port


@dataclass(frozen=True)
class PortableServices:
    job_port: int
    worker_pool_port: int
    startup_seconds: float

    @property
    def beam_args(self) -> list[str]:
        """Pipeline options that send a job through the portable protocol to these services."""
        return ["--runner=PortableRunner", f"--job_endpoint=localhost:{self.job_port}",
                "--environment_type=EXTERNAL", f"--environment_config=localhost:{self.worker_pool_port}"]


def _environment(pythonpath: str | Path, python: str) -> dict[str, str]:
    env = dict(os.environ)
    env["PATH"] = f"{Path(python).parent}{os.pathsep}{env.get('PATH', '')}"
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(pythonpath), env.get("PYTHONPATH", "")) if p)
    return env


@contextmanager
def local_portable_services(pythonpath: str | Path, python: str = sys.executable,
                            log_dir: str | Path | None = None) -> Iterator[PortableServices]:
    """Start a job service and a worker pool on free ports; stop both on exit."""
    log_dir = Path(log_dir or tempfile.mkdtemp(prefix="mipulse-portable-"))
    log_dir.mkdir(parents=True, exist_ok=True)
    env = _environment(pythonpath, python)
    job_port, pool_port = free_port(), free_port()
    commands = {
        "job_service": [python, "-m", "apache_beam.runners.portability.local_job_service_main",
                        "--port", str(job_port)],
        "worker_pool": [python, "-m", "apache_beam.runners.worker.worker_pool_main",
                        f"--service_port={pool_port}"],
    }
    started = time.perf_counter()
    processes: list[subprocess.Popen] = []
    try:
        for name, command in commands.items():
            with open(log_dir / f"{name}.log", "wb") as log:
                processes.append(subprocess.Popen(command, env=env, stdout=log, stderr=subprocess.STDOUT,
                                                  stdin=subprocess.DEVNULL, start_new_session=True,
                                                  preexec_fn=die_with_parent))
        for process, port in zip(processes, (job_port, pool_port)):
            wait_for_port(port, process)
        yield PortableServices(job_port, pool_port, time.perf_counter() - started)
    finally:
        for process in processes:
            stop_process(process)
