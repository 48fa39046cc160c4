"""The temporary Prefect server a run starts early (no real server: its start is recorded)."""

import pytest
from prefect.server.api.server import SubprocessASGIServer
from prefect.settings import PREFECT_API_URL, PREFECT_SERVER_EPHEMERAL_ENABLED, temporary_settings

from flows.local_server import start_temporary_server_early


@pytest.fixture
def starts(monkeypatch):
    """The SubprocessASGIServer instances whose start() was called."""
    started = []
    monkeypatch.setattr(SubprocessASGIServer, "start", lambda self, timeout=None: started.append(self))
    return started


def test_starts_the_temporary_server_prefect_would_use_when_no_api_is_configured(starts):
    with temporary_settings(restore_defaults={PREFECT_API_URL}, updates={PREFECT_SERVER_EPHEMERAL_ENABLED: True}):
        start_temporary_server_early()()
    assert len(starts) == 1
    assert starts[0] is SubprocessASGIServer()  # the one instance Prefect's client starts and reuses


def test_reuses_the_configured_server(starts):
    with temporary_settings(updates={PREFECT_API_URL: "http://127.0.0.1:4200/api"}):
        start_temporary_server_early()()
    assert starts == []


def test_starts_nothing_when_temporary_servers_are_disabled(starts):
    with temporary_settings(restore_defaults={PREFECT_API_URL}, updates={PREFECT_SERVER_EPHEMERAL_ENABLED: False}):
        start_temporary_server_early()()
    assert starts == []
