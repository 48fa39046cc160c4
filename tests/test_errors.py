"""Issue 13 item 2: errors a user can act on derive from MipulseError; the CLI prints them as one line
and exits with their code, never with a traceback."""

from __future__ import annotations

import subprocess
import sys

import duckdb
import pytest

from flows.cli.commands import main
from flows.store.db import LoadAlreadyRunning, ReadOnlyQueryError
from flows.cli.preflight import UsageError
from pipelines.errors import MipulseError
from pipelines.writing.manifest import IncompleteRunError


def test_a_database_without_the_report_views_ends_report_in_one_line(tmp_path):
    db = tmp_path / "other.duckdb"
    with duckdb.connect(str(db)) as con:  # a DuckDB file, but not one mipulse run wrote
        con.execute("CREATE TABLE x (a INTEGER)")
    done = subprocess.run([sys.executable, "-m", "flows.cli.commands", "report", "--db", str(db), "--out", str(tmp_path / "r")],
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 2, done.stderr
    assert "Traceback" not in done.stderr
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"mipulse report: {db}: report views missing")


@pytest.mark.parametrize("error, code", [(UsageError, 2), (ReadOnlyQueryError, 3), (LoadAlreadyRunning, 4),
                                         (IncompleteRunError, 4)])
def test_each_error_has_its_exit_code(error, code):
    assert issubclass(error, MipulseError) and error.exit_code == code


def test_the_cli_maps_any_mipulse_error_to_its_code(monkeypatch, capsys):
    import flows.cli.preflight

    def busy(*_):
        raise LoadAlreadyRunning("m.duckdb: another load is running")
    monkeypatch.setattr(flows.cli.preflight, "check_report", busy)
    assert main(["report", "--db", "m.duckdb", "--out", "r"]) == 4
    assert capsys.readouterr().err == "mipulse report: m.duckdb: another load is running\n"
