"""The floor of `mipulse run`'s per-post work: the job's own functions over the same posts in one
process, with no Beam, no Prefect, no DuckDB load and no report, stage by stage (CPU seconds).

    python -m bench.per_post_floor --input 'DIR/*.jsonl' [--input ...]

Issue 12 compares `mipulse run` with `bench/reference_plain.py`, a plain script doing a simpler
version of the job. This measures what the run would cost if Beam's plumbing, Prefect, the load and
the report cost nothing: `harness.reference.run_reference` (the job's tables made with the very
functions the job wraps, checked against the job by tests/test_job.py) with the job's
garbage-collector thresholds, timed per stage: read (parse, canonical post, author key, duplicates),
prepare (tokenize, topics, anchors), count, lexicon (the default lexicon from the summed counts,
calibrated), score (the post_scores table), write (every table's Arrow rows, then Parquet). If this
floor is already above the reference, no change to the plumbing reaches the issue's ratios: the
per-post functions themselves would have to get cheaper.
"""

from __future__ import annotations

import argparse
import tempfile

from harness.reference import STAGES, run_reference
from pipelines.config import load_seeds
from pipelines.gc_passes import fewer_gc_passes
from pipelines.reading.sources import SourceOptions


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--input", action="append", required=True, help="a glob of JSONL files (repeatable)")
    args = parser.parse_args(argv)
    seconds: dict[str, float] = {}
    with tempfile.TemporaryDirectory() as out, fewer_gc_passes():  # the job's thresholds
        posts = run_reference(args.input, out, load_seeds(), SourceOptions(author_salt="bench"), stage_seconds=seconds)
    print(f"{posts:,} posts, {sum(seconds.values()):.1f} s CPU: "
          + ", ".join(f"{stage} {seconds[stage]:.1f}" for stage in STAGES))


if __name__ == "__main__":
    main()
