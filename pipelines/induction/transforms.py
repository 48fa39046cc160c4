"""The lexicon engine's Beam composites: counting presence and building lexicons from the counts.

The arithmetic is in pure modules that import no Beam (`pipelines.induction.counting`,
`pipelines.induction.induce`, `pipelines.induction.lexicon`), so the report, the calibration and
the tests use it without Beam; these composites distribute it. `CountPresence` pre-aggregates
the counts of a bundle's posts before the shuffle, so Beam's per-element cost is paid per batch,
not per post or per pair. `BuildLexicons` sums them in Arrow (`SumCountTables`), cuts the sums into
term shards and builds every lexicon a job needs (`build_lexicon_from_counts` in one process, which a
test holds it equal to).
`CacheWeighedLexicon` is the form of a lexicon that scoring takes as a side input.
"""

from __future__ import annotations

import logging
import sys
from collections import Counter
from dataclasses import asdict
from itertools import islice
from typing import Iterable, Mapping, Sequence

import apache_beam as beam
import pyarrow as pa
from apache_beam.runners.worker.statecache import CacheAware, get_deep_size
from apache_beam.transforms.window import GlobalWindow
from apache_beam.utils.timestamp import MIN_TIMESTAMP
from apache_beam.utils.windowed_value import WindowedValue

from pipelines.config import SeedConfig
from pipelines.induction.counting import (
    ANCHORS, PAIRS, TABLES, TERMS, TOTALS, FilePartition, Partition, PartitionKey, PresenceCounts, counts_table,
    merge_counters, summed_counts,
)
from pipelines.induction.induce import (
    ALL, LexiconSpec, Scales, TermMath, assemble, fit_scales, group_shards, scale_sums, without,
)
from pipelines.induction.lexicon import Lexicon

#: flush a bundle's counters once they hold this many pair entries (bounds memory)
FLUSH_PAIR_ENTRIES = 2_000_000
#: sum a key's count tables (`SumCountTables`) into one once they hold this many rows (bounds memory)
COMPACT_ROWS = 2_000_000
#: entries of each layer whose deep size stands for the layer's, in Beam's cache weight
WEIGHED_ENTRIES = 64


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
    """Sums counts of every post in a bundle (`PresenceCounts`); emits (partition, Counter) per
    table at the bundle's end, or earlier when the pairs counted grow past FLUSH_PAIR_ENTRIES."""

    def __init__(self, key: PartitionKey):
        super().__init__()
        self._key = key

    def start_bundle(self):
        self._counts = PresenceCounts(self._key)
        self._since_check = 0

    def process(self, batch: list[dict]):
        for post in batch:
            self._counts.add(post)
        self._since_check += len(batch)
        if self._since_check >= 10_000:
            self._since_check = 0
            if self._counts.pairs_exceed(FLUSH_PAIR_ENTRIES):
                for table, value in self._drain():
                    yield beam.pvalue.TaggedOutput(table, value)

    def finish_bundle(self):
        for table, value in self._drain():
            yield beam.pvalue.TaggedOutput(table, WindowedValue(value, MIN_TIMESTAMP, [GlobalWindow()]))

    def _drain(self):
        for table, by_partition in self._counts.drain().items():
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


class _SumGroups(beam.CombineFn):
    """Sums {group: Counter} dicts; lifted by Beam so partial sums happen before the shuffle."""

    def create_accumulator(self):
        return {}

    def add_input(self, acc, part):
        for group, counter in part.items():
            total = acc.get(group)
            if total is None:
                acc[group] = Counter(counter)  # a copy: the input may be shared with other steps
            else:
                total.update(counter)
        return acc

    def merge_accumulators(self, accumulators):
        accumulators = iter(accumulators)
        merged = next(accumulators)  # Beam lets the first accumulator be updated in place
        for acc in accumulators:
            self.add_input(merged, acc)
        return merged

    def extract_output(self, acc):
        return acc


class SumCountTables(beam.CombineFn):
    """Sums ((table, group), Counter) elements of count tables (TERMS, PAIRS) into {(table, group):
    summed Arrow table}: each Counter as a table (`counts_table`), a key's tables summed by Arrow
    (`summed_counts`), ~4 times faster than a Counter's update and without a Python object per cell.
    A key's tables are summed whenever they hold more than `compact_rows` rows and before an
    accumulator leaves its bundle (`compact`), so it holds little more than the key's distinct rows."""

    def __init__(self, compact_rows: int = COMPACT_ROWS):
        super().__init__()
        self._compact_rows = compact_rows

    def create_accumulator(self) -> dict[tuple[str, str], list[pa.Table]]:
        return {}

    def add_input(self, acc, element):
        key, counter = element
        return self._add(acc, key, counts_table(counter, key[0]))

    def _add(self, acc, key, rows: pa.Table):
        tables = acc.setdefault(key, [])
        tables.append(rows)
        if len(tables) > 1 and sum(t.num_rows for t in tables) > self._compact_rows:
            tables[:] = [summed_counts(tables)]
        return acc

    def merge_accumulators(self, accumulators):
        merged: dict[tuple[str, str], list[pa.Table]] = {}
        for acc in accumulators:
            for key, tables in acc.items():
                for rows in tables:
                    self._add(merged, key, rows)
        return merged

    def compact(self, acc):
        return {key: [summed_counts(tables)] if len(tables) > 1 else tables for key, tables in acc.items()}

    def extract_output(self, acc) -> dict[tuple[str, str], pa.Table]:
        return {key: summed_counts(tables) for key, tables in acc.items()}


class GroupedCounts(beam.PTransform):
    """Partition counts -> ({group: posts}, {group: {anchor: df}}, per term shard
    (shard, ({group: term df}, {group: pair df}))), group = ``group_of(partition)``.

    One shuffle serves every lexicon that leaves a group out (cross-fitting). The term and pair
    counts are summed per group as Arrow tables (`SumCountTables`: one compact element, not a
    Python object per cell), then spread over TERM_SHARDS as Counters, so the per-term work runs
    in parallel and no element of that work holds the whole vocabulary.
    """

    def __init__(self, group_of=None):
        super().__init__()
        self._group_of = group_of or (lambda partition: ALL)

    def expand(self, counts):
        group_of = self._group_of

        def grouped(kv):
            return {group_of(kv[0]): kv[1]}

        n_posts = (counts[TOTALS] | "PostsPerPartition" >> beam.Map(lambda kv: {group_of(kv[0]): Counter({None: kv[1][None]})})
                   | "AllPosts" >> beam.CombineGlobally(_SumGroups())
                   | "PostsPerGroup" >> beam.Map(lambda groups: {g: c[None] for g, c in groups.items()}))
        anchor_df = (counts[ANCHORS] | "AnchorGroups" >> beam.Map(grouped)
                     | "AnchorDf" >> beam.CombineGlobally(_SumGroups()))

        def keyed(table: str):
            return counts[table] | f"{table.title()}Keys" >> beam.MapTuple(
                lambda partition, counter: ((table, group_of(partition)), counter))

        # one sum of both tables, without a default for no input: the fewest steps (each costs a short run)
        shards = ((keyed(TERMS), keyed(PAIRS)) | "TermsAndPairs" >> beam.Flatten()
                  | "SumCountTables" >> beam.CombineGlobally(SumCountTables()).without_defaults()
                  | "TermShards" >> beam.FlatMap(group_shards))
        return n_posts, anchor_df, shards


class _FitScales(beam.CombineFn):
    """Collects every shard's scale contributions; fits the scales once, exactly (fit_scales)."""

    def create_accumulator(self):
        return {}

    def add_input(self, acc, parts):
        for part, pairs in parts.items():
            acc.setdefault(part, []).extend(pairs)
        return acc

    def merge_accumulators(self, accumulators):
        merged = {}
        for acc in accumulators:
            self.add_input(merged, acc)
        return merged

    def extract_output(self, acc):
        return fit_scales(acc)


class BuildLexicons(beam.PTransform):
    """Partition counts -> (name, `Lexicon`) for the lexicon of all partitions (name ALL) and,
    for each name in ``leave_out``, the lexicon of every group but that one.

    Per term shard and name: raw evidence; per name: the scale factors; per shard again:
    entries; then one element per name assembles them with the priors (the functions of
    `build_lexicon_from_counts`, which a test holds this equal to).
    """

    def __init__(self, seeds: SeedConfig, spec: LexiconSpec, metadata: Mapping | None = None,
                 group_of=None, leave_out: Sequence[str] = ()):
        super().__init__()
        self._math = TermMath(seeds, spec)
        self._metadata = dict(metadata or {})
        self._group_of = group_of
        self._names = (ALL, *leave_out)

    def expand(self, counts):
        math_, metadata, names = self._math, self._metadata, self._names
        n_posts, anchor_df, shards = counts | "GroupedCounts" >> GroupedCounts(self._group_of)

        def views(shard, n, anchors):
            groups_df, groups_pairs = shard[1]
            for name in names:
                yield name, (without(groups_df, name), without(groups_pairs, name),
                             sum(v for g, v in n.items() if name == ALL or g != name), without(anchors, name))

        per_name = shards | "PerName" >> beam.FlatMap(views, n=beam.pvalue.AsSingleton(n_posts),
                                                      anchors=beam.pvalue.AsSingleton(anchor_df))
        evidence = per_name | "Evidence" >> beam.MapTuple(
            lambda name, view: (name, (math_.evidence(view[0], view[1], view[3], view[2]), view[2])))
        scales = (evidence | "ScaleSums" >> beam.MapTuple(lambda name, ev: (name, scale_sums(ev[0])))
                  | "FitScales" >> beam.CombinePerKey(_FitScales()))
        general = evidence | "GeneralEntries" >> beam.MapTuple(
            lambda name, ev, scales=None: (name, math_.general_entries(ev[0], scales.get(name, Scales()), ev[1])),
            scales=beam.pvalue.AsDict(scales))
        supervised = per_name | "SupervisedEntries" >> beam.MapTuple(
            lambda name, view: (name, math_.supervised_entries(view[0], view[1], view[3], view[2])))
        return ({"general": general, "supervised": supervised} | "ByName" >> beam.CoGroupByKey()
                | "Assemble" >> beam.MapTuple(
                    lambda name, parts, scales=None: (name, assemble(
                        math_, [e for shard in parts["general"] for e in shard],
                        [e for shard in parts["supervised"] for e in shard],
                        {**metadata, "scales": asdict(scales.get(name, Scales()))})),
                    scales=beam.pvalue.AsDict(scales)))


class BuildLexicon(beam.PTransform):
    """Partition counts -> a one-element PCollection holding the `Lexicon` of all of them."""

    def __init__(self, seeds: SeedConfig, spec: LexiconSpec, metadata: Mapping | None = None):
        super().__init__()
        self._build = BuildLexicons(seeds, spec, metadata)

    def expand(self, counts):
        return counts | "BuildLexicons" >> self._build | "Lexicon" >> beam.Values()


class _Bytes:
    """An object that weighs `size` bytes for `sys.getsizeof`, hence for Beam's state cache."""

    def __init__(self, size: int) -> None:
        self.size = size

    def __sizeof__(self) -> int:
        return self.size


class CacheWeighedLexicon(Lexicon, CacheAware):
    """A `Lexicon` as scoring takes it as a side input, which Beam's state cache weighs: each
    layer's entries by the deep size of a few of them times their number, instead of a walk over
    every object of every entry (~0.4 s per process, 10^4 entries)."""

    @classmethod
    def of(cls, lexicon: Lexicon) -> CacheWeighedLexicon:
        return cls(lexicon.layers, lexicon.metadata, lexicon.calibration)

    def get_referents_for_cache(self) -> list:
        weights = []
        for entries in self.layers.values():
            sample = list(islice(entries.values(), WEIGHED_ENTRIES))
            per_entry = get_deep_size(*sample) / len(sample) if sample else 0
            weights.append(_Bytes(sys.getsizeof(entries) + round(per_entry * len(entries))))
        return [*weights, self.metadata, self.calibration]
