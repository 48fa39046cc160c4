"""Benchmarks (see bench/README.md)."""

import glob
import os
import subprocess
from pathlib import Path

#: the clone the benchmarks are in (`tree_at` reads its history)
REPO = Path(__file__).resolve().parents[1]
#: the labelled and real data the benchmarks read: ../shared/data beside the clone (as CI lays
#: it out), or MIPULSE_DATA
SHARED_DATA = Path(os.environ.get("MIPULSE_DATA", Path(__file__).resolve().parents[2] / "shared" / "data"))


def data_files(pattern: str) -> list[str]:
    """The files a benchmark reads, sorted; an error naming the pattern when none match (a
    benchmark over no data would print figures of nothing)."""
    files = sorted(glob.glob(pattern))
    if not files:
        raise SystemExit(f"no files match {pattern}: put the data at ../shared/data beside the clone, "
                         "set MIPULSE_DATA, or name the data with the benchmark's data option")
    return files


def tree_at(revision: str, into: Path) -> Path:
    """The files of git revision `revision` (`git archive`) extracted into the new folder `into`:
    the code a process imports that revision from (the folder first on its PYTHONPATH)."""
    into.mkdir()
    archive = subprocess.run(["git", "-C", str(REPO), "archive", revision], check=True, capture_output=True)
    subprocess.run(["tar", "-x", "-C", str(into)], input=archive.stdout, check=True)
    return into
