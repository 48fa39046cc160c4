"""Issue 13: who may import what (docs/architecture.md). Read from the source with `ast`, so a rule
broken anywhere (also inside a function) fails here, not on a cluster."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]


def imports_of(folder: str) -> dict[str, set[str]]:
    """{file: top-level packages and modules it imports} for every .py file under `folder`."""
    found = {}
    for path in sorted((REPO / folder).rglob("*.py")):
        names = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                names |= {alias.name for alias in node.names}
            elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                names.add(node.module)
        found[str(path.relative_to(REPO))] = names
    return found


def offenders(folder: str, forbidden: tuple[str, ...]) -> list[str]:
    return [f"{path} imports {name}" for path, names in imports_of(folder).items() for name in sorted(names)
            if name.split(".")[0] in forbidden or name in forbidden]


@pytest.mark.parametrize("folder, forbidden", [
    ("pipelines", ("flows", "prefect", "duckdb", "harness", "tests", "bench")),  # Beam code knows no orchestration or store
    ("flows", ("harness", "tests", "bench")),  # the product never imports its test support
    ("sql", ("flows", "pipelines", "prefect", "duckdb")),
    ("harness", ("tests", "bench")),
    ("bench", ("tests",)),  # a benchmark imports no test module (shared helpers live in harness)
    ("tests", ("bench",)),  # nor a test a benchmark: what both need lives in harness
])
def test_imports_go_one_way(folder, forbidden):
    assert offenders(folder, forbidden) == []


def test_a_query_imports_neither_beam_nor_prefect(tmp_path):
    """`mipulse query` and the store read the database without the job's or the flows' libraries
    (Beam alone took ~1 s of a 1.6 s query)."""
    import subprocess
    import sys

    import duckdb

    db = tmp_path / "m.duckdb"
    duckdb.connect(str(db)).close()
    probe = ("import sys; from flows.cli.commands import main; import flows.store.db; "
             f"code = main(['query', '--db', {str(db)!r}, 'SELECT 42 AS answer']); "
             "print(code, sorted(m for m in ('apache_beam', 'prefect') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", probe], cwd=REPO, capture_output=True, text=True, check=True).stdout
    assert out.splitlines()[-1] == "0 []", out


def test_the_lexicon_arithmetic_and_the_report_import_no_beam():
    """Counting, induction, the `Lexicon`, scoring, calibration and the report are pure: only the
    engine's composites (`pipelines.induction.transforms`) and the jobs import Beam. Importing it
    took ~0.33 s of each `mipulse report` and of each report helper that builds lexicons."""
    import subprocess
    import sys

    modules = ("pipelines.induction.counting", "pipelines.induction.induce", "pipelines.induction.lexicon",
               "pipelines.induction.lexicon_local", "pipelines.scoring.score", "pipelines.evaluation.calibrate",
               "flows.reporting.report", "flows.reporting.report_lexicon", "flows.reporting.report_shifts")
    probe = f"import sys; import {', '.join(modules)}; print('apache_beam' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", probe], cwd=REPO, capture_output=True, text=True, check=True).stdout
    assert out.splitlines()[-1] == "False", out
