"""A signal that stops a run stops it as `Interrupted`, also when it arrives inside a DuckDB query."""

from __future__ import annotations

import os
import signal
import time

import duckdb
import pytest

from flows.interrupts import DUCKDB_INTERRUPTED, Interrupted, stop_cleanly_on_signals


def test_ctrl_c_that_duckdb_turned_into_a_runtime_error_is_an_interrupt_again():
    """DuckDB turns what a signal raises during a query into RuntimeError('Query interrupted') (when it
    stops the query at all: it does at SIGINT, at points of its own): a load stopped by Ctrl-C had failed
    with two tracebacks, and the report's task had retried, ignoring the Ctrl-C. Simulated here: which
    query DuckDB stops, and when, is its own affair (measured end to end: 0 tracebacks, exit 130)."""
    with pytest.raises(Interrupted) as raised, stop_cleanly_on_signals():
        try:
            os.kill(os.getpid(), signal.SIGINT)
            time.sleep(5)  # the handler raises here
        except Interrupted:
            raise RuntimeError(DUCKDB_INTERRUPTED) from None  # what DuckDB makes of it
    assert raised.value.exit_code == 130


def test_errors_of_a_query_without_a_signal_stay_what_they_are():
    with pytest.raises(RuntimeError, match=DUCKDB_INTERRUPTED), stop_cleanly_on_signals():
        raise RuntimeError(DUCKDB_INTERRUPTED)  # no signal came: not a user's Ctrl-C
    with pytest.raises(duckdb.Error), stop_cleanly_on_signals():
        duckdb.connect().execute("SELECT * FROM no_such_table")
