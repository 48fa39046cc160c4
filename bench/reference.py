"""Single-process pure-Python reference: the same work as the Beam job, with plain dicts.

read -> parse -> dedupe -> tokenize -> count -> PMI lexicon -> score -> Parquet -> DuckDB,
using the very functions the pipeline wraps, so the ratio pipeline / reference measures
what Beam costs or gains. Not part of the product; used by bench/throughput.py.
"""

from __future__ import annotations

import glob
from collections import defaultdict
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from pipelines.config import SeedConfig
from pipelines.counting import (
    ANCHORS,
    PAIRS,
    TERMS,
    TOTALS,
    count_post,
    merge_counters,
    new_counters,
)
from pipelines.job import POST_FIELDS, prepare_post
from pipelines.lexicon import LexiconOptions, lexicon_entry, lexicon_version
from pipelines.manifest import write_manifest
from pipelines.posts import Reject
from pipelines.scoring import ScoringOptions, score_post
from pipelines.sinks import COUNT_TABLES, SCHEMAS
from pipelines.sources import SourceOptions, read_records
from pipelines.text import TOKENIZER_VERSION


def run_reference(patterns: list[str], output: str, seeds: SeedConfig,
                  source: SourceOptions = SourceOptions(), lexicon: LexiconOptions = LexiconOptions(),
                  scoring: ScoringOptions = ScoringOptions()) -> int:
    """Write the same Parquet tables as the Beam job into `output`; returns posts kept."""
    files = sorted({f for p in patterns for f in glob.glob(p)})
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

    prepared = [prepare_post(p, seeds) for p in posts.values()]
    counters = new_counters()
    for post in prepared:
        count_post(counters, post)

    n = sum(c[None] for c in counters[TOTALS].values())
    anchor_df = merge_counters(counters[ANCHORS].values())
    term_df = merge_counters(counters[TERMS].values())
    pairs: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for counter in counters[PAIRS].values():
        for (term, anchor), df in counter.items():
            pairs[term][anchor] += df
    entries = {}
    for term in sorted(pairs):
        entry = lexicon_entry(term, term_df[term], pairs[term], anchor_df, n, seeds, lexicon)
        if entry is not None:
            entries[term] = entry
    version = lexicon_version(seeds, lexicon, [(m, p, c[None]) for (m, p), c in counters[TOTALS].items()])

    scores = [{"platform": p["platform"], "post_id": p["post_id"], "month": p["month"],
               **score_post(p["tokens"], entries, scoring), "topics": p["topics"],
               "lexicon_version": version, "tokenizer_version": TOKENIZER_VERSION} for p in prepared]
    tables = {
        "posts": [{k: p[k] for k in POST_FIELDS} for p in posts.values()],
        "post_scores": scores,
        **{table: _count_rows(table, counters[name]) for name, table in COUNT_TABLES.items()},
        "lexicon": [{"lexicon_version": version, **e.as_row()} for e in entries.values()],
        "rejects": rejects,
        "file_accounting": list(accounting.values()),
    }
    for table, rows in tables.items():
        folder = Path(output) / table
        folder.mkdir(parents=True, exist_ok=True)
        pq.write_table(pa.Table.from_pylist(rows, schema=SCHEMAS[table]), folder / "part-00000.parquet")
    write_manifest(output, SCHEMAS)
    return len(posts)


def _count_rows(table: str, by_partition) -> list[dict]:
    names = [f.name for f in SCHEMAS[table]]
    rows = []
    for partition, counter in by_partition.items():
        for key, df in counter.items():
            key = () if key is None else key if isinstance(key, tuple) else (key,)
            rows.append(dict(zip(names, (*partition, *key, df))))
    return rows
