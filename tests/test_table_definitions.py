"""Issue 13 item 3: each table the job writes is declared once (pipelines.writing.sinks.SCHEMAS); the DuckDB DDL
(sql/schema.sql) and the load (sql/load.sql) are checked against it column by column."""

from __future__ import annotations

import re
from pathlib import Path

import duckdb
import pyarrow.parquet as pq
import pytest

import sql
from flows.store.db import ensure_schema
from pipelines.writing.sinks import SCHEMAS

# Columns the load adds to every row of a run's tables.
ADDED_BY_LOAD = ("run_id",)
# Columns an older database gained with ALTER TABLE ADD COLUMN (sql/schema.sql): last in the DDL, wherever
# they are in the Parquet; the load inserts BY NAME.
APPENDED_BY_MIGRATION = {"totals": "source_file", "term_counts": "source_file", "anchor_counts": "source_file",
                         "anchor_pair_counts": "source_file"}
SAME_TYPE = {"JSON": "VARCHAR"}  # JSON columns of the DDL hold the Parquet's JSON text


@pytest.fixture(scope="module")
def described(tmp_path_factory):
    """{table: (DDL columns, Parquet columns)}, each a list of (name, DuckDB type) in order."""
    folder = tmp_path_factory.mktemp("empty")
    con = duckdb.connect()
    ensure_schema(con)
    out = {}
    for table, schema in SCHEMAS.items():
        path = folder / f"{table}.parquet"
        pq.write_table(schema.empty_table(), path)
        parquet = [(name, kind) for name, kind, *_ in con.execute(f"DESCRIBE SELECT * FROM read_parquet('{path}')").fetchall()]
        ddl = [(name, SAME_TYPE.get(kind, kind)) for name, kind, *_ in con.execute(f"DESCRIBE {table}").fetchall()
               if name not in ADDED_BY_LOAD]
        out[table] = ddl, parquet
    return out


@pytest.mark.parametrize("table", sorted(SCHEMAS))
def test_the_ddl_has_the_arrow_columns_with_their_types_in_their_order(described, table):
    ddl, parquet = described[table]
    appended = APPENDED_BY_MIGRATION.get(table)
    if appended:
        assert ddl[-1] == next(column for column in parquet if column[0] == appended)
        ddl, parquet = ddl[:-1], [column for column in parquet if column[0] != appended]
    assert ddl == parquet


@pytest.mark.parametrize("table", sorted(SCHEMAS))
def test_the_load_inserts_every_table_from_its_own_folder(table):
    load = sql.read("load.sql")
    pattern = rf"INSERT INTO {table} BY NAME\s+SELECT \*, \$run_id AS run_id FROM read_parquet\(\$run_dir \|\| '/{table}/\*\.parquet'\)"
    assert re.search(pattern, load), table


def test_the_readme_names_every_table():
    con = duckdb.connect()
    ensure_schema(con)
    tables = {name for (name,) in con.execute("SELECT table_name FROM duckdb_tables()").fetchall()}
    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
    listed = readme.split("\nTables: ", 1)[1].split(" Views: ", 1)[0]
    assert sorted(t for t in tables if f"`{t}`" not in listed) == []
