"""Tiny hand-made run folders (the Parquet tables a Beam run writes), for load tests.

A post is (platform, post_id, month, label, terms, anchors); the count tables are derived
from the posts with the pipeline's own counting function, so a folder is self-consistent.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from flows.store.db import RunRecord
from pipelines.config import EMOTIONS
from pipelines.induction.counting import FilePartition, count_posts
from pipelines.writing.manifest import write_manifest
from pipelines.writing.sinks import COUNT_TABLES, SCHEMAS, counts_to_arrow

Post = tuple[str, str, str, str, list[str], list[str]]


def write_run(run_dir: Path, posts: list[Post], lexicon: dict[str, float] | None = None,
              source_file: str = "in.jsonl") -> Path:
    """Write every table of one run into `run_dir` (one shard each); returns run_dir."""
    counters = count_posts(({"month": month, "platform": platform, "source_file": source_file,
                             "terms": set(terms), "anchors": set(anchors)}
                            for platform, _, month, _, terms, anchors in posts), FilePartition)
    tables = {
        "posts": [{"platform": p, "post_id": i, "month": m, "created_at": datetime.fromisoformat(f"{m}-15T12:00:00"),
                   "author_key": "k" + i, "text": " ".join(t), "lang": "en", "parent_id": None,
                   "source_file": source_file, "record_no": n}
                  for n, (p, i, m, _, t, _) in enumerate(posts, start=1)],
        "post_scores": [{"platform": p, "post_id": i, "month": m, "sentiment_score": 0.5 if lab == "positive" else -0.5,
                         "sentiment_label": lab, **{e: 0.0 for e in EMOTIONS}, "dominant_emotion": None,
                         "emotion_labels": [],
                         "topics": [a[6:] for a in anchors if a.startswith("topic:")], "explanation": [],
                         "n_terms": len(t), "n_lexicon_hits": 0, "lexicon_version": "lex-test",
                         "tokenizer_version": "tok-test"}
                        for p, i, m, lab, t, anchors in posts],
        **{table: [row for partition, counter in counters[name].items()
                   for row in counts_to_arrow(name, partition, counter).to_pylist()]
           for name, table in COUNT_TABLES.items()},
        "lexicon": [{"lexicon_version": "lex-test", "layer": "general", "term": term, "df": 1, "sentiment": value,
                     "neutral": 0.0, **{e: 0.0 for e in EMOTIONS}, "support": 0, "source": "prior"}
                    for term, value in (lexicon or {}).items()],
        "lexicons": [{"lexicon_version": "lex-test", "metadata": "{}", "calibration": "{}"}],
        "rejects": [{"source_file": source_file, "record_no": len(posts) + 1, "reason": "invalid JSON",
                     "excerpt": "{oops"}],
        "file_accounting": [{"source_file": source_file, "records_read": len(posts) + 1,
                             "accepted": len(posts), "rejected": 1, "duplicates": 0}],
    }
    for name, rows in tables.items():
        folder = run_dir / name
        folder.mkdir(parents=True, exist_ok=True)
        pq.write_table(pa.Table.from_pylist(rows, schema=SCHEMAS[name]), folder / "part-00000-of-00001.parquet")
    write_manifest(str(run_dir), SCHEMAS)
    return run_dir


def record(run_dir: Path, run_id: str) -> RunRecord:
    return RunRecord(run_id, str(run_dir), datetime(2026, 1, 1), [str(run_dir / "in.jsonl")], {"test": True}, "tok-test")
