import atexit
import logging
import os
import shutil
import sys
import tempfile

import pytest

# Prefect without a server starts a temporary local one; keep it quiet and offline.
os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
os.environ.setdefault("DO_NOT_TRACK", "1")
os.environ.setdefault("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "120")


def _author_key_file_in_a_temporary_folder() -> None:
    """Flow runs create an author-key file when none exists: keep it out of the user's ~/.config, in a
    folder removed when this process ends (pytest-xdist's workers inherit the variable, so only the
    process that made the folder removes it)."""
    if "MIPULSE_AUTHOR_KEY_FILE" in os.environ:
        return
    folder = tempfile.mkdtemp(prefix="mipulse-test-key-")
    atexit.register(shutil.rmtree, folder, ignore_errors=True)
    os.environ["MIPULSE_AUTHOR_KEY_FILE"] = os.path.join(folder, "author.key")


_author_key_file_in_a_temporary_folder()


@pytest.fixture(autouse=True)
def _prefect_events_client_closed_after_each_test():
    """Stop Prefect's events worker after a test that ran a flow (it starts again with the next flow).

    Its websocket client lives on in a background thread and pings every 20 s; each ping draws
    its payload from the global `random`. Hypothesis warns (a future version errors) when the
    global random state changes while it draws an example, so a later test in the same pytest
    process could fail because an earlier one ran a flow.
    """
    yield
    if "prefect.events.worker" in sys.modules:
        from prefect.events.worker import EventsWorker

        EventsWorker.drain_all()


def pytest_sessionfinish(session, exitstatus):
    """Flush Prefect's log and event workers, then stop its temporary server, while pytest still owns stderr.

    Left to their atexit hooks (as `prefect_test_harness` does on exit), they log to pytest's
    already closed capture stream: a `--- Logging error ---` traceback after the summary.
    """
    import logging
    import sys

    if "prefect.server.api.server" in sys.modules:
        from prefect.events.worker import EventsWorker
        from prefect.logging.handlers import APILogWorker
        from prefect.server.api.server import SubprocessASGIServer

        # After the summary, "Still processing items" and "Stopping temporary server" are noise.
        logging.disable(logging.WARNING)
        APILogWorker.drain_all()
        EventsWorker.drain_all()
        SubprocessASGIServer().stop()


def pytest_collection_modifyitems(config, items):
    """Slow tests first (a stable sort): under `make test`'s two processes the long end-to-end and
    server files start early instead of leaving one process busy alone at the end."""
    items.sort(key=lambda item: item.get_closest_marker("slow") is None)


@pytest.fixture(autouse=True)
def _log_handlers_write_to_an_open_stream():
    """A handler made while a test's `capsys` stood in for stderr (Prefect's console handler, set
    up at the process's first flow run) keeps that stream after the test closed it; the next
    flow run's logging then fails on the closed file, recursively. Such a handler writes to the
    current stderr instead."""
    loggers = [logging.getLogger()] + [log for log in logging.Logger.manager.loggerDict.values()
                                       if isinstance(log, logging.Logger)]
    for handler in {h for log in loggers for h in log.handlers}:
        stream = getattr(handler, "stream", None)
        if isinstance(handler, logging.StreamHandler) and getattr(stream, "closed", False):
            handler.stream = sys.stderr  # not setStream: it flushes the closed stream first
            if hasattr(handler, "console"):  # Prefect's handler prints through a rich Console of its stream
                handler.console.file = sys.stderr
    yield
