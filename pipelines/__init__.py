"""mipulse's Apache Beam side: sources, text, counting, PMI, lexicons, scoring, sinks.

Nothing here knows about Prefect or DuckDB.
"""
