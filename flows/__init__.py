"""Prefect flows, the mipulse CLI and report rendering."""

import os

# Set before Prefect is first imported, wherever flows are used (CLI, served deployments,
# tests, notebooks): Prefect's temporary server sends no telemetry (it would only log
# "Failed to send telemetry" on a machine without internet).
os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
os.environ.setdefault("DO_NOT_TRACK", "1")
# Its default 20 s start-up limit fails runs on a busy 2-core machine; waiting longer costs nothing.
os.environ.setdefault("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "120")
