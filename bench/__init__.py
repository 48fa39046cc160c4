"""Benchmarks (see bench/README.md)."""

import os
from pathlib import Path

#: the labelled and real data the benchmarks read: ../shared/data beside the clone (as CI lays
#: it out), or MIPULSE_DATA
SHARED_DATA = Path(os.environ.get("MIPULSE_DATA", Path(__file__).resolve().parents[2] / "shared" / "data"))
