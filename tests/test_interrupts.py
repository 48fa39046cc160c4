"""A signal that stops a run stops it as `Interrupted`, also when it arrives inside a DuckDB query."""

from __future__ import annotations

import os
import signal
import threading

import duckdb
import pytest

from flows.interrupts import Interrupted, stop_cleanly_on_signals

LONG_QUERY = "SELECT max(i::VARCHAR) FROM range(10000000000) AS t(i)"  # minutes, unless interrupted


def test_ctrl_c_inside_a_duckdb_query_is_an_interrupt_not_a_runtime_error():
    """DuckDB turns it into RuntimeError('Query interrupted'): a load stopped by Ctrl-C had failed with two
    tracebacks, and the report's task had retried, ignoring the Ctrl-C. (DuckDB stops a query at SIGINT
    only; a SIGTERM takes effect when the query ends.)"""
    stop = signal.SIGINT
    con = duckdb.connect()
    timer = threading.Timer(0.3, lambda: os.kill(os.getpid(), stop))
    timer.start()
    with pytest.raises(Interrupted) as raised:
        with stop_cleanly_on_signals():
            con.execute(LONG_QUERY).fetchall()
    timer.join()
    assert raised.value.exit_code == 128 + stop


def test_a_query_that_fails_on_its_own_keeps_its_error():
    with pytest.raises(duckdb.Error), stop_cleanly_on_signals():
        duckdb.connect().execute("SELECT * FROM no_such_table")
