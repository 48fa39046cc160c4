"""mipulse's Apache Beam side: sources, text, counting, PMI, lexicons, scoring, sinks.

Nothing here knows about Prefect or DuckDB.
"""

import importlib.abc
import importlib.util
import logging as _logging
import sys as _sys
from contextlib import contextmanager as _contextmanager

_BEAM_BIGQUERY_CLIENT = "apache_beam.io.gcp.internal.clients.bigquery"


@_contextmanager
def no_basic_config():
    """Inside, nothing gives the root logger a stderr handler through `logging.basicConfig()`, which
    `logging.warning()` calls on a root logger without handlers, and Beam's `PipelineOptions` always:
    a handler there for the rest of the process turned every Prefect line of a run into a bare
    "INFO:prefect.task_runs:..." (a NullHandler holds the place meanwhile)."""
    root = _logging.getLogger()
    guard = _logging.NullHandler()
    root.addHandler(guard)
    try:
        yield
    finally:
        root.removeHandler(guard)


class _QuietBeamBigQueryClient(importlib.abc.MetaPathFinder):
    """Imports Beam's optional BigQuery client without its "apitools not found" warning.

    Beam logs it with `logging.warning()` on every import of Beam, which on a root logger
    without handlers also calls `basicConfig()`: a stderr handler for the rest of the process
    (under pytest, one bound to a capture stream that is closed at the end). This finder only
    acts when Beam itself is imported, so importing `pipelines` stays cheap.
    """

    def find_spec(self, name, path, target=None):
        if name != _BEAM_BIGQUERY_CLIENT:
            return None
        _sys.meta_path.remove(self)  # once, and not while looking the module up below
        spec = importlib.util.find_spec(name)
        if spec is not None and spec.loader is not None:
            load = spec.loader.exec_module

            def exec_quietly(module) -> None:
                root = _logging.getLogger()

                def not_apitools(record: _logging.LogRecord) -> bool:
                    return "apitools not found" not in record.getMessage()

                root.addFilter(not_apitools)
                try:
                    with no_basic_config():
                        load(module)
                finally:
                    root.removeFilter(not_apitools)

            spec.loader.exec_module = exec_quietly
        return spec


if _BEAM_BIGQUERY_CLIENT not in _sys.modules:
    _sys.meta_path.insert(0, _QuietBeamBigQueryClient())
