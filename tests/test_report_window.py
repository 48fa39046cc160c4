"""Issue 13 item 3: the report window (years, platform) is one macro (sql/report_window.sql) that every
sql/report_*.sql filters with; a database made before it still gets its report."""

from __future__ import annotations

import glob
from pathlib import Path

import duckdb
import pytest

import sql
from flows.reporting.report import render_report
from flows.store.db import ensure_schema
from flows.store.views import add_report_window

ROWS = [  # (year, platform)
    (2019, "twitter"), (2020, "twitter"), (2020, "reddit"), (2021, "reddit"),
]


@pytest.mark.parametrize("from_year, to_year, platform, expected", [
    (None, None, None, ROWS),
    (2020, None, None, ROWS[1:]),
    (None, 2020, None, ROWS[:3]),
    (2020, 2020, "reddit", [(2020, "reddit")]),
    (None, None, "twitter", ROWS[:2]),
])
def test_the_window_filters_years_inclusive_and_one_platform(from_year, to_year, platform, expected):
    con = duckdb.connect()
    ensure_schema(con)  # the schema, then the views and macros
    con.execute("CREATE TABLE t (year INTEGER, platform VARCHAR)")
    con.executemany("INSERT INTO t VALUES (?, ?)", ROWS)
    got = con.execute("SELECT year, platform FROM t WHERE in_report_window(year, platform, $f, $t, $p) "
                      "ORDER BY year, platform DESC", {"f": from_year, "t": to_year, "p": platform}).fetchall()
    assert got == expected


def test_no_report_query_spells_the_window_out_again():
    for path in glob.glob(str(Path(sql.__file__).parent / "report_*.sql")):
        text = Path(path).read_text()
        assert "$from_year IS NULL" not in text, path


def test_a_database_made_before_the_macro_still_gets_its_report(tmp_path):
    from tests.test_views_report import POSTS, _new_db

    db = tmp_path / "old.duckdb"
    con = _new_db(db, POSTS)
    con.execute("DROP MACRO in_report_window")  # as in a database made before it
    con.close()
    charts = render_report(db, tmp_path / "report", interval_replicates=0)
    assert (tmp_path / "report" / "report.html") in charts
    with duckdb.connect(str(db), read_only=True) as con:
        add_report_window(con)  # a TEMP macro: allowed read-only
        assert con.execute("SELECT in_report_window(2020, 'x', NULL, NULL, NULL)").fetchone() == (True,)
