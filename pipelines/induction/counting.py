"""Document-presence counts keyed by `Partition` (month, platform).

Counts are additive: any window's PMI is a sum of its (month, platform) parts. Only
term x anchor pairs are counted, never all pairs of terms. `count_post` adds one post's counts;
the job runs it in Beam (`pipelines.induction.transforms.CountPresence`), the calibration and the
tests in one process (`pipelines.induction.lexicon_local`). The job keys its counts by (month,
platform, source_file) (`FilePartition`), so a load can replace exactly the counts of the files a
run read while the other files' counts of the same months stay; the lexicon sums over every
partition anyway.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from itertools import product
from typing import Iterable, NamedTuple

TOTALS = "totals"
TERMS = "terms"
ANCHORS = "anchors"
PAIRS = "pairs"
TABLES = (TOTALS, TERMS, ANCHORS, PAIRS)


class Partition(NamedTuple):
    """The part of the corpus a count belongs to; its fields are the post fields it is read from."""

    month: str
    platform: str


class FilePartition(NamedTuple):
    """A `Partition` of one input file: the job's count tables, so that a load can replace the
    counts of exactly the files a run read."""

    month: str
    platform: str
    source_file: str


PartitionKey = type[Partition] | type[FilePartition]
Counters = dict[str, dict[Partition | FilePartition, Counter]]


def new_counters() -> Counters:
    """Per table, per partition: a Counter (totals count under the key None)."""
    return {table: defaultdict(Counter) for table in TABLES}


def count_post(counters: Counters, post: dict, key: PartitionKey = Partition) -> None:
    """Add one post's presence counts under its `key` (Partition or FilePartition); the post
    carries that key's fields, terms and anchors.

    Pairs: every term with each of ``paired_anchors``, plus the post's ``half_pairs``
    (`pipelines.induction.anchors.PostAnchors`); a post without those fields (made by hand) pairs
    every term with every anchor.
    """
    partition = key._make(map(post.__getitem__, key._fields))
    terms, anchors = post["terms"], post["anchors"]
    counters[TOTALS][partition][None] += 1
    counters[TERMS][partition].update(terms)
    if anchors:
        counters[ANCHORS][partition].update(anchors)
        pairs = counters[PAIRS][partition]
        pairs.update(product(terms, post.get("paired_anchors", anchors)))  # (term, anchor) tuples made in C
        pairs.update(post.get("half_pairs", ()))


def merge_counters(parts: Iterable[Counter]) -> Counter:
    """Sum Counters (the first one is reused as the accumulator)."""
    total: Counter = Counter()
    for part in parts:
        total.update(part)
    return total
