"""Document-presence counts keyed by `Partition` (month, platform), pre-aggregated in bundles.

Counts are additive: any window's PMI is a sum of its (month, platform) parts. Only
term x anchor pairs are counted, never all pairs of terms. Elements are batches of posts
in, and one Counter per partition and table out, so Beam's per-element cost is paid per
batch, not per post or per pair. The job keys its counts by (month, platform, source_file)
(`FilePartition`), so a load can replace exactly the counts of the files a run read while
the other files' counts of the same months stay; the lexicon sums over every partition anyway.
"""

from __future__ import annotations

import logging
from collections import Counter, defaultdict
from itertools import product
from typing import Iterable, NamedTuple

import apache_beam as beam
from apache_beam.transforms.window import GlobalWindow
from apache_beam.utils.timestamp import MIN_TIMESTAMP
from apache_beam.utils.windowed_value import WindowedValue

TOTALS = "totals"
TERMS = "terms"
ANCHORS = "anchors"
PAIRS = "pairs"
TABLES = (TOTALS, TERMS, ANCHORS, PAIRS)
#: flush a bundle's counters once they hold this many pair entries (bounds memory)
FLUSH_PAIR_ENTRIES = 2_000_000


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


class _PartitionKeysAreDeterministic(logging.Filter):
    """Drops Beam's "Using fallback deterministic coder" warning for the partition keys: Beam
    encodes a NamedTuple key deterministically by design (its type, then its fields), so the
    warning would only alarm the user, once per shuffle and process, on every run. Warnings
    about any other type pass."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not (isinstance(record.msg, str) and record.msg.startswith("Using fallback deterministic coder")
                    and isinstance(record.args, tuple) and record.args[:1] in ((Partition,), (FilePartition,)))


# installed wherever counts are shuffled: this module is imported by every process that runs them
logging.getLogger("apache_beam.coders.coder_impl").addFilter(_PartitionKeysAreDeterministic())


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


class SumCounters(beam.CombineFn):
    """Sums Counters; lifted by Beam so partial sums happen before the shuffle."""

    def create_accumulator(self) -> Counter:
        return Counter()

    def add_input(self, acc: Counter, counter: Counter) -> Counter:
        acc.update(counter)
        return acc

    def merge_accumulators(self, accumulators: Iterable[Counter]) -> Counter:
        return merge_counters(accumulators)

    def extract_output(self, acc: Counter) -> Counter:
        return acc


class _CountInBundle(beam.DoFn):
    """Sums counts of every post in a bundle; emits (partition, Counter) per table at the
    bundle's end, or earlier when the pair counters grow past FLUSH_PAIR_ENTRIES."""

    def __init__(self, key: PartitionKey):
        super().__init__()
        self._key = key

    def start_bundle(self):
        self._counters = new_counters()
        self._since_check = 0

    def process(self, batch: list[dict]):
        for post in batch:
            count_post(self._counters, post, self._key)
        self._since_check += len(batch)
        if self._since_check >= 10_000:
            self._since_check = 0
            if sum(map(len, self._counters[PAIRS].values())) > FLUSH_PAIR_ENTRIES:
                for table, value in self._drain():
                    yield beam.pvalue.TaggedOutput(table, value)

    def finish_bundle(self):
        for table, value in self._drain():
            yield beam.pvalue.TaggedOutput(table, WindowedValue(value, MIN_TIMESTAMP, [GlobalWindow()]))

    def _drain(self):
        counters, self._counters = self._counters, new_counters()
        for table, by_partition in counters.items():
            for partition, counter in by_partition.items():
                yield table, (partition, counter)


class CountPresence(beam.PTransform):
    """Batches of posts with `terms` and `anchors` -> per table a PCollection of
    (partition, Counter): totals {None: posts}, terms {term: df}, anchors {anchor: df},
    pairs {(term, anchor): df}; summed over the whole input, keyed by `key` (Partition or
    FilePartition) made from the post's fields."""

    def __init__(self, key: PartitionKey = Partition):
        super().__init__()
        self._key = key

    def expand(self, batches):
        partial = batches | "CountInBundles" >> beam.ParDo(_CountInBundle(self._key)).with_outputs(*TABLES)
        return {table: partial[table] | f"Sum{table.title()}" >> beam.CombinePerKey(SumCounters())
                for table in TABLES}
