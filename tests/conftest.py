import os

# Prefect without a server starts a temporary local one; keep it quiet and offline.
os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
os.environ.setdefault("DO_NOT_TRACK", "1")


def pytest_sessionfinish(session, exitstatus):
    """Stop Prefect's temporary server while pytest still owns stderr.

    Left to its atexit hook, the server's "Stopping temporary server" log line is written to
    pytest's already closed capture stream: a `--- Logging error ---` traceback after the summary.
    """
    import logging
    import sys

    if "prefect.server.api.server" in sys.modules:
        from prefect.server.api.server import SubprocessASGIServer

        logging.disable(logging.INFO)  # its "Stopping temporary server" line is noise after the summary
        SubprocessASGIServer().stop()
