"""One worker process beside the report, for the `mipulse` command only: it draws charts (the
word shifts, ~40 % of the charts' time) while the report computes its intervals.

The worker is started fresh ("spawn"), never forked: the report runs in a process that holds
threads (Prefect's, Beam's) whose locks a forked child would inherit. A spawned worker imports
the caller's main module again, so only a process whose main module is known to be guarded is
allowed one: the `mipulse` command allows it (`allow_worker`); a Python script that calls the
report or the flow gets none (its top-level code, unguarded, would run a second time), and
everything is then done in the report's own process, the same way.
"""

from __future__ import annotations

import multiprocessing
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from contextlib import contextmanager
from typing import Any

_ALLOWED = False


def allow_worker() -> None:
    """Let the reports of this process draw in a worker: call only where the main module is
    guarded by `if __name__ == "__main__"` (the `mipulse` command)."""
    global _ALLOWED
    _ALLOWED = True


@contextmanager
def beside_the_report() -> Iterator[Callable[..., Future]]:
    """`submit(work, *args)` -> the Future of `work(*args)`: done by the worker if this process
    allows one, else at once, here. Leaving the block waits for every piece of work (a failure in
    the block first cancels the work not yet started), so no worker outlives it."""
    if not _ALLOWED:
        yield _run_here
        return
    pool = ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("spawn"))
    try:
        yield pool.submit
    except BaseException:
        pool.shutdown(wait=True, cancel_futures=True)
        raise
    pool.shutdown(wait=True)


def _run_here(work: Callable[..., Any], *args: Any) -> Future:
    done: Future = Future()
    try:
        done.set_result(work(*args))
    except Exception as exc:  # as the worker's would be: raised by result()
        done.set_exception(exc)
    return done
