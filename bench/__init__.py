"""Benchmarks (see bench/README.md)."""

import glob
import os
from pathlib import Path

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
