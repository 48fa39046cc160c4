"""The lexicon engine alone: `build_lexicon_from_counts` on a run's whole counts, as the report
builds its window, drift and replicate lexicons (dozens per report). CPU seconds of this process,
best of `--repeats`; the lexicon's version printed, so a change that must keep every value can
be checked to keep it.

    python -m bench.lexicon_build --db RUN.duckdb [--repeats 3]
"""

from __future__ import annotations

import argparse
import time

import duckdb

from flows.reporting.window_lexicon import lexicon_of_counts, window_counts
from pipelines.config import load_seeds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--db", required=True)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    with duckdb.connect(args.db, read_only=True) as con:
        counts = window_counts(con)
    if counts is None:
        raise SystemExit(f"{args.db} holds no posts")
    seeds = load_seeds()
    lexicon_of_counts(counts, seeds)  # the priors and settings, built once per process, outside the timing
    seconds = []
    for _ in range(args.repeats):
        started = time.process_time()
        lexicon = lexicon_of_counts(counts, seeds)
        seconds.append(time.process_time() - started)
    term_df, _, pair_df, n = counts
    print(f"{n:,} posts, {len(term_df):,} terms, {len(pair_df):,} pairs: best {min(seconds):.2f} s CPU "
          f"(of {', '.join(f'{s:.2f}' for s in seconds)}); {len(lexicon.general):,} entries, version {lexicon.version}")


if __name__ == "__main__":
    main()
