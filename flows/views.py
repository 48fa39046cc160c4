"""Create mipulse's report views (``sql/views.sql``) in a DuckDB database.

The loader calls :func:`create_views` right after the schema, in a writable connection;
reports then open the database read-only and only read the views.
"""

from __future__ import annotations

import duckdb

import sql

VIEWS: tuple[str, ...] = (
    "yearly_sentiment_share",
    "monthly_sentiment_share",
    "yearly_emotion_share",
    "yearly_topic_volume",
)


def create_views(con: duckdb.DuckDBPyConnection) -> None:
    """Create or replace the report views (and their Wilson-interval macros); idempotent."""
    con.execute(sql.read("views.sql"))
