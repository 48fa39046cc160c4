"""The floor of `mipulse run`'s per-post work: the job's own functions over the same posts in one
process, with no Beam, no Prefect, no DuckDB load and no report, stage by stage (CPU seconds).

    python -m bench.per_post_floor --input 'DIR/*.jsonl' [--input ...]

Issue 12 compares `mipulse run` with `bench/reference_plain.py`, a plain script doing a simpler
version of the job. This measures what the run would cost if Beam's plumbing, Prefect, the load and
the report cost nothing: read (parse, canonical post, author key), prepare (tokenize, topics,
anchors), count (`PresenceCounts` per input-file partition), lexicon (the default lexicon from the
summed counts, with the shipped calibration), score (`score_table`, in the job's batches: the
post_scores rows, made in Arrow), write (the Arrow tables of posts and the count tables, then every
table as Parquet), with the job's garbage-collector thresholds. Dropping duplicate posts, rejects
and accounting are left out (small). If this floor is already above the reference, no change
to the plumbing reaches the issue's ratios: the per-post functions themselves would have to get cheaper.
"""

from __future__ import annotations

import argparse
import glob
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Callable

import pyarrow.parquet as pq

from pipelines.config import load_seeds
from pipelines.gc_passes import fewer_gc_passes
from pipelines.induction.counting import ANCHORS, PAIRS, TERMS, TOTALS, FilePartition, PresenceCounts
from pipelines.induction.induce import LexiconSpec, build_lexicon_from_counts
from pipelines.job import POST_FIELDS, as_job_lexicon, score_table, with_default_calibration
from pipelines.reading.posts import Reject
from pipelines.reading.sources import SourceOptions, read_records
from pipelines.text.prepare import PostPreparer
from pipelines.writing.sinks import COUNT_TABLES, counts_to_arrow, rows_to_arrow

BATCH = SourceOptions().batch_size  # posts per Beam element in the job


def timed(stage: str, seconds: dict[str, float], work: Callable):
    started = time.process_time()
    result = work()
    seconds[stage] = time.process_time() - started
    return result


def read_posts(paths: list[str]) -> list[dict]:
    options = SourceOptions(author_salt="bench")
    posts = []
    for path in paths:
        with open(path, "rb") as stream:
            posts += [item for item in read_records(path, stream, options) if not isinstance(item, Reject)]
    return posts


def summed(by_partition: dict) -> Counter:
    total: Counter = Counter()
    for counter in by_partition.values():
        total.update(counter)
    return total


def floor(paths: list[str]) -> tuple[int, dict[str, float]]:
    """(posts, CPU seconds per stage) of the job's per-post functions over the files."""
    seconds: dict[str, float] = {}
    seeds = load_seeds()
    prepare = PostPreparer(seeds)
    prepare({"text": "a post"})  # spaCy's tokenizer and the anchor index, built once per process as in a run
    posts = timed("read", seconds, lambda: read_posts(paths))
    prepared = timed("prepare", seconds, lambda: [prepare(post) for post in posts])
    counts = PresenceCounts(FilePartition)

    def count():
        for post in prepared:
            counts.add(post)
        return counts.drain()
    tables = timed("count", seconds, count)
    lexicon = timed("lexicon", seconds, lambda: as_job_lexicon(with_default_calibration(build_lexicon_from_counts(
        summed(tables[TERMS]), summed(tables[ANCHORS]), summed(tables[PAIRS]), summed(tables[TOTALS])[None],
        seeds, LexiconSpec()))))
    batches = [prepared[i:i + BATCH] for i in range(0, len(prepared), BATCH)]
    scores = timed("score", seconds, lambda: [score_table(batch, lexicon) for batch in batches])

    def write():
        with tempfile.TemporaryDirectory() as out:
            arrow = {"posts": [rows_to_arrow("posts", [{k: p[k] for k in POST_FIELDS} for p in batch])
                               for batch in batches],
                     "post_scores": scores,
                     **{table: [counts_to_arrow(name, partition, counter) for partition, counter in tables[name].items()]
                        for name, table in COUNT_TABLES.items()}}
            for table, parts in arrow.items():
                with pq.ParquetWriter(Path(out) / f"{table}.parquet", parts[0].schema, compression="snappy") as writer:
                    for part in parts:
                        writer.write_table(part)
    timed("write", seconds, write)
    return len(posts), seconds


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--input", action="append", required=True, help="a glob of JSONL files (repeatable)")
    args = parser.parse_args(argv)
    paths = sorted(path for pattern in args.input for path in glob.glob(pattern))
    with fewer_gc_passes():  # as the job runs
        posts, seconds = floor(paths)
    total = sum(seconds.values())
    print(f"{posts:,} posts, {total:.1f} s CPU: " + ", ".join(f"{stage} {s:.1f}" for stage, s in seconds.items()))


if __name__ == "__main__":
    main()
