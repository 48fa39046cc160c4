"""The README's test command: a .venv made by another Python is rebuilt; a missing Chromium stops it loudly."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
MAKE = shutil.which("make")
pytestmark = pytest.mark.skipif(MAKE is None, reason="make is not installed")

# A stand-in interpreter: answers the version probe with $VERSION, "creates" a venv holding a copy
# of itself, and accepts any `-m pip ...`.
FAKE_PYTHON = """#!/bin/sh
case "$1" in
  -c) echo {version} ;;
  -m) if [ "$2" = venv ]; then mkdir -p "$3/bin" && cp "$0" "$3/bin/python"; fi ;;
esac
"""


def fake_python(path: Path, version: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(FAKE_PYTHON.format(version=version))
    path.chmod(0o755)
    return path


def run_make(project: Path, *args: str, **kwargs) -> subprocess.CompletedProcess:
    """`make` as a user types it: not a sub-make of the `make test` running this suite (a sub-make
    prints "Entering directory ..." lines and inherits the outer make's flags)."""
    env = kwargs.pop("env", None) or {k: v for k, v in os.environ.items()
                                      if k not in ("MAKEFLAGS", "MAKELEVEL", "MFLAGS")}
    return subprocess.run([MAKE, "--no-print-directory", *args], cwd=project, capture_output=True,
                          text=True, env=env, **kwargs)


@pytest.fixture
def project(tmp_path: Path) -> Path:
    shutil.copy(REPO / "Makefile", tmp_path / "Makefile")
    (tmp_path / "pyproject.toml").write_text("")
    os.utime(tmp_path / "pyproject.toml", (1_000_000, 1_000_000))
    return tmp_path


def test_a_venv_made_by_another_python_is_rebuilt(project):
    fake_python(project / ".venv" / "bin" / "python", "3.10")
    (project / ".venv" / "made-by-3.10").write_text("")
    for stamp in (".installed", ".installed-python3.10"):  # up to date for the Python that made it
        (project / ".venv" / stamp).write_text("")
    python = fake_python(project / "py399", "3.99")
    done = run_make(project, "setup", f"PYTHON={python}")
    assert done.returncode == 0, done.stderr
    assert f".venv was made by Python 3.10, not {python} 3.99: recreating it" in done.stdout
    assert sorted(p.name for p in (project / ".venv").iterdir()) == [".installed-python3.99", "bin"]
    again = run_make(project, "setup", f"PYTHON={python}")
    assert again.returncode == 0, again.stderr
    assert "recreating" not in again.stdout and "-m venv" not in again.stdout  # now up to date


def test_make_test_stops_when_chromium_is_missing_and_cannot_be_installed(project, tmp_path):
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    (bin_dir / "id").write_text("#!/bin/sh\necho 1000\n")  # not root: no apt-get install
    (bin_dir / "id").chmod(0o755)
    done = run_make(project, "browser", env={"PATH": str(bin_dir)})
    assert done.returncode != 0
    assert "make test: Chromium is missing (the HTML report test needs it)" in done.stderr


@pytest.mark.slow
def test_the_browser_test_fails_instead_of_skipping_under_make_test(tmp_path):
    env = {**os.environ, "MIPULSE_REQUIRE_BROWSER": "1", "PATH": str(tmp_path)}  # no chromium on this PATH
    done = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
                           "tests/test_report_chromium.py"], cwd=REPO, env=env, capture_output=True, text=True)
    assert done.returncode == 1, done.stdout
    assert "1 failed" in done.stdout and "chromium not installed" in done.stdout
