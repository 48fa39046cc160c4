"""Single-process pure-Python reference: the same work as the Beam job, with plain dicts.

read -> parse -> dedupe -> tokenize -> count -> PMI lexicon -> score -> Parquet -> DuckDB,
using the very functions the pipeline wraps, so the ratio pipeline / reference measures
what Beam costs or gains. Not part of the product: `tests/test_job.py` checks the job's tables
against it, and `bench/per_post_floor.py` times its stages (the floor under Beam, Prefect and the report).
"""

from __future__ import annotations

import glob
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

import pyarrow as pa
import pyarrow.parquet as pq

from pipelines.config import SeedConfig
from pipelines.induction.counting import (
    ANCHORS,
    PAIRS,
    TERMS,
    FilePartition,
    TOTALS,
    count_posts,
    merge_counters,
    summed_counter,
)
from pipelines.induction.induce import LexiconSpec, build_lexicon_from_counts
from pipelines.job import POST_FIELDS, lexicon_header, lexicon_rows, score_table, with_default_calibration
from pipelines.writing.manifest import write_manifest
from pipelines.reading.posts import Reject
from pipelines.text.prepare import PostPreparer
from pipelines.text.tokenizer import TOKENIZER_VERSION
from pipelines.writing.sinks import COUNT_TABLES, SCHEMAS, counts_to_arrow, rows_to_arrow
from pipelines.reading.sources import SourceOptions, read_records


#: the stages `run_reference` times, in order
STAGES = ("read", "prepare", "count", "lexicon", "score", "write")


def run_reference(patterns: list[str], output: str, seeds: SeedConfig,
                  source: SourceOptions = SourceOptions(), spec: LexiconSpec = LexiconSpec(),
                  stage_seconds: dict[str, float] | None = None) -> int:
    """Write the same Parquet tables as the Beam job into `output`; returns posts kept. With
    `stage_seconds`, each of `STAGES` adds its CPU seconds there."""
    seconds = {} if stage_seconds is None else stage_seconds

    @contextmanager
    def stage(name: str) -> Iterator[None]:
        started = time.process_time()
        yield
        seconds[name] = seconds.get(name, 0.0) + time.process_time() - started

    with stage("read"):
        posts, rejects, accounting = _read(sorted({f for p in patterns for f in glob.glob(p)}), source)
    with stage("prepare"):
        prepare = PostPreparer(seeds)
        prepared = [prepare(p) for p in posts.values()]
    with stage("count"):
        counters = count_posts(prepared, FilePartition)
    with stage("lexicon"):
        n = sum(c[None] for c in counters[TOTALS].values())
        anchor_df = merge_counters(counters[ANCHORS].values())
        metadata = {"kind": "default", "sources": list(spec.sources), "options": spec.as_dict(),
                    "seeds": seeds.fingerprint, "tokenizer": TOKENIZER_VERSION}
        lexicon = with_default_calibration(build_lexicon_from_counts(
            summed_counter(counters[TERMS].values(), TERMS), anchor_df, summed_counter(counters[PAIRS].values(), PAIRS),
            n, seeds, spec, metadata))
    with stage("score"):  # in the job's batches, as its Score step scores them
        post_scores = pa.concat_tables([score_table(prepared[i:i + source.batch_size], lexicon)
                                        for i in range(0, len(prepared), source.batch_size)]
                                       or [score_table([], lexicon)])
    with stage("write"):
        tables = {
            "posts": rows_to_arrow("posts", [{k: p[k] for k in POST_FIELDS} for p in posts.values()]),
            "post_scores": post_scores,
            **{table: pa.concat_tables([counts_to_arrow(name, partition, counter)
                                        for partition, counter in counters[name].items()]
                                       or [rows_to_arrow(table, [])])
               for name, table in COUNT_TABLES.items()},
            "lexicon": rows_to_arrow("lexicon", lexicon_rows(lexicon)),
            "lexicons": rows_to_arrow("lexicons", [lexicon_header(lexicon)]),
            "rejects": rows_to_arrow("rejects", rejects),
            "file_accounting": rows_to_arrow("file_accounting", list(accounting.values())),
        }
        for table, arrow_table in tables.items():
            folder = Path(output) / table
            folder.mkdir(parents=True, exist_ok=True)
            pq.write_table(arrow_table, folder / "part-00000.parquet")
        write_manifest(output, SCHEMAS)
    return len(posts)


def _read(files: list[str], source: SourceOptions) -> tuple[dict[tuple[str, str], dict], list[dict], dict[str, dict]]:
    """(the first copy of each (platform, post_id), reject rows, file_accounting rows by file) of the files."""
    posts: dict[tuple[str, str], dict] = {}
    rejects, accounting = [], {}
    for path in files:
        row = accounting[path] = {"source_file": path, "records_read": 0, "accepted": 0,
                                  "rejected": 0, "duplicates": 0}
        with open(path, "rb") as stream:
            for item in read_records(path, stream, source):
                row["records_read"] += 1
                if isinstance(item, Reject):
                    row["rejected"] += 1
                    rejects.append(item.as_row())
                elif (item["platform"], item["post_id"]) in posts:
                    row["duplicates"] += 1
                else:
                    row["accepted"] += 1
                    posts[(item["platform"], item["post_id"])] = item
    return posts, rejects, accounting
