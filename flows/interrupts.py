"""Ctrl-C and SIGTERM during a run's Beam job: one clean stop instead of pages of tracebacks.

A signal handler raises in the main thread, which in the in-process runner is usually inside a
DoFn. Beam wraps whatever a DoFn raises into "<its type>(message [while running 'step'])" and
logs it with its traceback; a bare KeyboardInterrupt (or Prefect's TerminationSignal) cannot be
rebuilt that way and comes out as a RuntimeError, so the flow "failed" with three tracebacks.
`Interrupted` can be rebuilt with the step's name and is a KeyboardInterrupt, so Prefect
marks the run Crashed ("aborted by an interrupt signal") and the command line reports one line.
DuckDB, likewise, turns whatever a signal raises during a query into RuntimeError("Query
interrupted"): the load had failed with two tracebacks, and the report's task had retried, so
that a Ctrl-C early in it was ignored.
"""

from __future__ import annotations

import logging
import signal
import threading
from contextlib import contextmanager
from typing import Iterator

STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM)
BEAM_STEP_LOGGER = "apache_beam.runners.common"


class Interrupted(KeyboardInterrupt):
    """The run was asked to stop by a signal (Ctrl-C: SIGINT, or SIGTERM). Beam rebuilds it
    with a longer message, so the signal is read back from the message's first word."""

    @property
    def exit_code(self) -> int:
        """128 + the signal's number, as a shell reports a command a signal stopped."""
        return 128 + signal.Signals[str(self).split()[0]]


#: DuckDB's message for a query a signal interrupted (`duckdb.InterruptException` is not what it raises)
DUCKDB_INTERRUPTED = "Query interrupted"


def _raise_interrupted(signum: int, _frame) -> None:
    raise Interrupted(signal.Signals(signum).name)


class _DropInterruptTracebacks(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        return not (record.exc_info and isinstance(record.exc_info[1], KeyboardInterrupt))


@contextmanager
def stop_cleanly_on_signals() -> Iterator[None]:
    """Inside: SIGINT and SIGTERM raise `Interrupted`, also out of a DuckDB query they interrupt,
    and Beam does not log its traceback. Outside the main thread (no signals there) it changes nothing."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    received: list[str] = []

    def stop(signum: int, frame) -> None:
        received.append(signal.Signals(signum).name)
        _raise_interrupted(signum, frame)

    previous = {s: signal.signal(s, stop) for s in STOP_SIGNALS}
    beam_filter = _DropInterruptTracebacks()
    logging.getLogger(BEAM_STEP_LOGGER).addFilter(beam_filter)
    try:
        yield
    except RuntimeError as exc:
        if received and str(exc) == DUCKDB_INTERRUPTED:
            raise Interrupted(received[-1]) from None
        raise
    finally:
        logging.getLogger(BEAM_STEP_LOGGER).removeFilter(beam_filter)
        for s, handler in previous.items():
            signal.signal(s, handler)
