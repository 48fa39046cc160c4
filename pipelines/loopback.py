"""Keep the in-process runner's gRPC servers on loopback.

With `--direct_num_workers=2 --direct_running_mode=multi_processing` (or
`multi_threading`) the FnApiRunner serves its SDK workers over gRPC: control, data, state
and logging servers (`worker_handlers.GrpcServer`) plus one logging server per worker
process (`local_job_service.SubprocessSdkWorker`), unauthenticated, which Beam binds to
`[::]:0`, i.e. every interface. No option changes that, and the workers connect to
`localhost:<port>` anyway. So `bind_beam_servers_to_loopback()` gives those two modules a
`grpc` whose servers bind `localhost` instead of `[::]`; everything else is Beam's own
grpc, unchanged.
(Tested by tests/test_security.py, which fails if a Beam upgrade binds elsewhere.)
"""

from __future__ import annotations

import grpc

_ALL_INTERFACES = "[::]:"
_LOOPBACK = "localhost:"


class _LoopbackServer:
    """A grpc server whose `add_insecure_port('[::]:N')` binds `localhost:N`."""

    def __init__(self, server):
        self._server = server

    def add_insecure_port(self, address: str) -> int:
        if address.startswith(_ALL_INTERFACES):
            address = _LOOPBACK + address[len(_ALL_INTERFACES):]
        return self._server.add_insecure_port(address)

    def __getattr__(self, name):
        return getattr(self._server, name)


class _LoopbackGrpc:
    """The grpc module, except that `server()` makes loopback-only servers."""

    def server(self, *args, **kwargs) -> _LoopbackServer:
        return _LoopbackServer(grpc.server(*args, **kwargs))

    def __getattr__(self, name):
        return getattr(grpc, name)


def bind_beam_servers_to_loopback() -> None:
    """Make the FnApiRunner's worker servers listen on loopback only (idempotent)."""
    from apache_beam.runners.portability import local_job_service
    from apache_beam.runners.portability.fn_api_runner import worker_handlers

    for module in (worker_handlers, local_job_service):
        if not isinstance(module.grpc, _LoopbackGrpc):
            module.grpc = _LoopbackGrpc()
