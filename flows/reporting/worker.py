"""One worker process beside the report, for the `mipulse` command only: it draws charts (the
word shifts, ~40 % of the charts' time) while the report computes its intervals.

It is started only when a CPU stayed idle while the report began (`/proc/stat`): where other
processes keep both CPUs busy, its start-up (~0.7 s CPU) and its share of the CPUs made the
report slower (1,000 posts at load 2: 5.2 / 7.7 s -> 5.6 / 9.7 s).

The worker is started fresh ("spawn"), never forked: the report runs in a process that holds
threads (Prefect's, Beam's) whose locks a forked child would inherit. A spawned worker imports
the caller's main module again, so only a process whose main module is known to be guarded is
allowed one: the `mipulse` command allows it (`allow_worker`); a Python script that calls the
report or the flow gets none (its top-level code, unguarded, would run a second time), and
everything is then done in the report's own process, the same way.
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from contextlib import contextmanager
from typing import Any

_ALLOWED = False
#: idle CPUs (beyond the report's own) it takes to start the worker
IDLE_CPUS_FOR_A_WORKER = 0.5


def allow_worker() -> None:
    """Let the reports of this process draw in a worker: call only where the main module is
    guarded by `if __name__ == "__main__"` (the `mipulse` command)."""
    global _ALLOWED
    _ALLOWED = True


@contextmanager
def beside_the_report() -> Iterator[Callable[..., Future]]:
    """`submit(work, *args)` -> the Future of `work(*args)`: done by the worker if this process
    allows one and a CPU stayed idle until the first `submit`, else at once, here. Leaving the
    block waits for every piece of work (a failure in the block first cancels the work not yet
    started), so no worker outlives it."""
    if not _ALLOWED:
        yield _run_here
        return
    started = cpu_ticks()
    pool: ProcessPoolExecutor | None = None

    def submit(work: Callable[..., Any], *args: Any) -> Future:
        nonlocal pool, started
        if pool is None and started is not None:  # decided at the first piece of work
            idle = idle_cpus(started, cpu_ticks())
            started = None
            if idle is not None and idle >= IDLE_CPUS_FOR_A_WORKER:
                pool = ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("spawn"))
        return pool.submit(work, *args) if pool is not None else _run_here(work, *args)

    try:
        yield submit
    except BaseException:
        if pool is not None:
            pool.shutdown(wait=True, cancel_futures=True)
        raise
    if pool is not None:
        pool.shutdown(wait=True)


def cpu_ticks() -> tuple[int, int] | None:
    """(busy, idle) clock ticks of all CPUs since boot, from /proc/stat (idle counts I/O wait
    too); None where there is no /proc/stat."""
    try:
        with open("/proc/stat", encoding="ascii") as stat:
            ticks = [int(t) for t in stat.readline().split()[1:]]
    except OSError:
        return None
    idle = ticks[3] + ticks[4]
    return sum(ticks[:8]) - idle, idle


def idle_cpus(before: tuple[int, int] | None, after: tuple[int, int] | None) -> float | None:
    """How many CPUs stayed idle on average between two `cpu_ticks` (None: unknown)."""
    if before is None or after is None:
        return None
    busy, idle = (a - b for a, b in zip(after, before))
    return (os.cpu_count() or 1) * idle / (busy + idle) if busy + idle else None


def _run_here(work: Callable[..., Any], *args: Any) -> Future:
    done: Future = Future()
    try:
        done.set_result(work(*args))
    except Exception as exc:  # as the worker's would be: raised by result()
        done.set_exception(exc)
    return done
