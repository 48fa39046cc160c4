"""The report's computed parts on one database, by this checkout and by another revision, compared.

    python -m bench.report_equality --db pulse.duckdb [--base main] [--render]

Each side runs in a process of its own with this venv (the base from `git archive BASE` in a
temporary folder, first on the path): the lexicon-aware intervals (`flows.reporting.intervals`,
10 replicates, the default seed), the top terms of each year, the drift with its bands and the
word shifts. Keys and strings must be equal, floats within 1e-9. Word-shift rows are compared
by term: DuckDB's parallel float sums differ in their last bits from run to run, so two rows
whose contributions tie to ~1e-17 may swap places. Prints each part's CPU seconds per side.
With --render, each side also renders the whole report (`render_report`, as `mipulse report`
does): every PNG must be byte-identical and report.html equal but for its "generated" line.
"""

from __future__ import annotations

import argparse
import math
import os
import pickle
import subprocess
import sys
import tempfile
import time
from pathlib import Path

TOLERANCE = 1e-9


def computed_parts(db: str) -> tuple[dict, dict]:
    """({part: value}, {part: CPU seconds}) of the report's computed parts, by the code on the path."""
    import sql
    from flows.reporting import report_lexicon, report_shifts
    from flows.reporting.intervals import lexicon_intervals
    from flows.store.db import connect_read_only
    from flows.store.views import add_report_window
    from pipelines.gc_passes import fewer_gc_passes

    parts, seconds = {}, {}

    def timed(name, compute):
        start = time.process_time()
        parts[name] = compute()
        seconds[name] = round(time.process_time() - start, 2)

    with fewer_gc_passes(), connect_read_only(db) as con:
        add_report_window(con)
        window = {"from_year": None, "to_year": None, "platform": None}
        years = [row[0] for row in con.execute(sql.read("report_years.sql"), window).fetchall()]
        periods = report_lexicon.halves(years)
        timed("intervals", lambda: _fields(lexicon_intervals(con, 10)))
        timed("top terms", lambda: report_lexicon.top_terms_by_year(con, years, None))
        timed("drift", lambda: report_lexicon.drift(con, periods, None) if periods else [])
        timed("word shifts", lambda: {pair: sorted(rows, key=lambda r: r["term"]) for pair, rows
                                      in report_shifts.consecutive_shifts(con, years, None).items()})
    return parts, seconds


def rendered_files(db: str, out: Path) -> dict[str, bytes]:
    """{file name: bytes} of the whole report rendered by the code on the path (the HTML without
    its "generated" line, which names the minute)."""
    from flows.reporting.report import render_report

    files = {}
    for path in render_report(db, out):
        data = path.read_bytes()
        if path.suffix == ".html":
            data = b"\n".join(line for line in data.split(b"\n") if b"generated" not in line)
        files[path.name] = data
    return files


def _fields(intervals) -> tuple | None:
    return intervals and (dict(intervals.values), intervals.replicates, intervals.posts, intervals.rescored,
                          intervals.lexicon_resampled)


def differences(a, b, path=()) -> list[str]:
    """Where two values differ (floats: by more than TOLERANCE; NaN equals NaN)."""
    if isinstance(a, float) and isinstance(b, float):
        same = (math.isnan(a) and math.isnan(b)) or abs(a - b) <= TOLERANCE
        return [] if same else [f"{path}: {a!r} != {b!r}"]
    if isinstance(a, dict) and isinstance(b, dict):
        if a.keys() != b.keys():
            return [f"{path}: keys differ: {sorted(map(repr, a.keys() ^ b.keys()))[:5]}"]
        return [d for k in a for d in differences(a[k], b[k], (*path, k))]
    if isinstance(a, (list, tuple)) and isinstance(b, (list, tuple)) and type(a) is type(b):
        if len(a) != len(b):
            return [f"{path}: {len(a)} != {len(b)} items"]
        return [d for i, (x, y) in enumerate(zip(a, b)) for d in differences(x, y, (*path, i))]
    return [] if a == b else [f"{path}: {a!r} != {b!r}"]


def largest_float_difference(a, b) -> float:
    if isinstance(a, float) and isinstance(b, float):
        return 0.0 if math.isnan(a) else abs(a - b)
    if isinstance(a, dict):
        return max((largest_float_difference(a[k], b[k]) for k in a), default=0.0)
    if isinstance(a, (list, tuple)):
        return max((largest_float_difference(x, y) for x, y in zip(a, b)), default=0.0)
    return 0.0


def run_side(code: Path, db: str, out: Path, render: bool) -> dict:
    """The parts computed by the code in `code` (a separate process: its own imports)."""
    env = {**os.environ, "PYTHONPATH": str(code)}
    subprocess.run([sys.executable, str(Path(__file__).resolve()), "--db", db, "--dump", str(out),
                    *(["--render"] if render else [])], cwd=code, env=env, check=True)
    with open(out, "rb") as f:
        return pickle.load(f)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", required=True, help="a mipulse DuckDB database")
    parser.add_argument("--base", default="main", help="the git revision to compare with (default: main)")
    parser.add_argument("--render", action="store_true", help="compare the whole rendered reports too")
    parser.add_argument("--dump", help=argparse.SUPPRESS)  # internal: compute one side into this file
    args = parser.parse_args()
    db = str(Path(args.db).resolve())
    if args.dump:
        parts, seconds = computed_parts(db)
        if args.render:
            start = time.process_time()
            parts["rendered report"] = rendered_files(db, Path(args.dump).with_suffix(".report"))
            seconds["rendered report"] = round(time.process_time() - start, 2)
        with open(args.dump, "wb") as f:
            pickle.dump((parts, seconds), f)
        return
    from bench import REPO, tree_at  # not at the top: a --dump process has the other tree's `bench` first

    with tempfile.TemporaryDirectory() as work:
        base = tree_at(args.base, Path(work) / "base")
        (theirs, their_seconds), (ours, our_seconds) = (run_side(code, db, Path(work) / f"{name}.pkl", args.render)
                                                        for name, code in (("base", base), ("here", REPO)))
    for part in ours:
        print(f"{part}: CPU s {args.base} {their_seconds[part]}, here {our_seconds[part]}")
    found = differences(theirs, ours)
    if found:
        sys.exit("different:\n" + "\n".join(found[:20]))
    print(f"equal (largest float difference {largest_float_difference(theirs, ours):.3g})")


if __name__ == "__main__":
    main()
