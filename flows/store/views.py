"""Create mipulse's report views (``sql/views.sql``) in a DuckDB database.

The loader calls :func:`create_views` right after the schema, in a writable connection;
reports then open the database read-only and only read the views and call the macros
(``sql/pmi.sql``: PMI and lexicons of any window from the additive counts).
"""

from __future__ import annotations

import duckdb

import sql

VIEWS: tuple[str, ...] = (
    "yearly_sentiment_share",
    "monthly_sentiment_share",
    "yearly_emotion_share",
    "yearly_topic_volume",
    "yearly_topic_sentiment_share",
    "monthly_topic_sentiment_share",
    "yearly_topic_top_terms",
)
#: Table macros over the additive counts (``sql/pmi.sql``), for any window of months.
TABLE_MACROS: tuple[str, ...] = ("pmi_window", "word_shift")
SQL_FILES: tuple[str, ...] = ("pmi.sql", "views.sql", "word_shift.sql",  # pmi.sql first: the others use its macros
                              "report_window.sql")


def create_views(con: duckdb.DuckDBPyConnection) -> None:
    """Create or replace the PMI macros and the report views (with their Wilson-interval
    macros); idempotent."""
    for name in SQL_FILES:
        con.execute(sql.read(name))


def add_report_window(con: duckdb.DuckDBPyConnection) -> None:
    """The report-window macro on a connection to a database made before it (read-only, so
    created as a TEMP macro there); a no-op where `create_views` made it."""
    if not con.execute(sql.read("report_window_present.sql")).fetchone()[0]:
        con.execute(sql.read("report_window.sql").replace("CREATE OR REPLACE MACRO", "CREATE OR REPLACE TEMP MACRO"))
