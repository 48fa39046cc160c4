"""mipulse's Apache Beam side: sources, text, counting, PMI, lexicons, scoring, sinks.

Nothing here knows about Prefect or DuckDB.
"""

import logging as _logging


def _import_beam_quietly() -> None:
    """Import Beam without its import-time "apitools not found" warning (an optional GCP client).

    Beam logs it with `logging.warning()`, which on a logger without handlers also calls
    `basicConfig()`: a stderr handler on the root logger for the rest of the process. A
    NullHandler and a filter, for the length of the import only, avoid both.
    """
    root = _logging.getLogger()
    guard = _logging.NullHandler()

    def not_apitools(record: _logging.LogRecord) -> bool:
        return "apitools not found" not in record.getMessage()

    root.addHandler(guard)
    root.addFilter(not_apitools)
    try:
        import apache_beam  # noqa: F401
    finally:
        root.removeFilter(not_apitools)
        root.removeHandler(guard)


_import_beam_quietly()
