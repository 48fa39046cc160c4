"""Induce the lexicon from partition counts: global sums, sharded by term, then per-term math.

The per-term math is `pipelines.lexicon.lexicon_entry`; this module only distributes it.
"""

from __future__ import annotations

import zlib
from collections import Counter, defaultdict

import apache_beam as beam

from pipelines.config import SeedConfig
from pipelines.counting import ANCHORS, PAIRS, TERMS, TOTALS, SumCounters, merge_counters
from pipelines.lexicon import LexiconEntry, LexiconOptions, lexicon_entry, lexicon_version

TERM_SHARDS = 16


def term_shard(term: str) -> int:
    return zlib.crc32(term.encode()) % TERM_SHARDS


def split_terms(counter: Counter) -> list[tuple[int, Counter]]:
    """{term: df} -> one Counter per term shard."""
    shards: dict[int, Counter] = defaultdict(Counter)
    for term, df in counter.items():
        shards[term_shard(term)][term] = df
    return list(shards.items())


def split_pairs(counter: Counter) -> list[tuple[int, Counter]]:
    """{(term, anchor): df} -> one Counter per term shard."""
    shards: dict[int, Counter] = defaultdict(Counter)
    shard_of: dict[str, int] = {}
    for key, df in counter.items():
        term = key[0]
        shard = shard_of.get(term)
        if shard is None:
            shard = shard_of[term] = term_shard(term)
        shards[shard][key] = df
    return list(shards.items())


def pairs_by_term(pair_df: Counter) -> dict[str, dict[str, int]]:
    """{(term, anchor): df} -> {term: {anchor: df}}."""
    grouped: dict[str, dict[str, int]] = defaultdict(dict)
    for (term, anchor), df in pair_df.items():
        grouped[term][anchor] = df
    return grouped


def shard_entries(term_df: Counter, pair_df: Counter, n: int, anchor_df: dict[str, int],
                  seeds: SeedConfig, options: LexiconOptions) -> list[LexiconEntry]:
    """Lexicon entries for one shard's terms, sorted by term."""
    grouped = pairs_by_term(pair_df)
    entries = []
    for term in sorted(grouped):
        entry = lexicon_entry(term, term_df[term], grouped[term], anchor_df, n, seeds, options)
        if entry is not None:
            entries.append(entry)
    return entries


class GlobalCounts(beam.PTransform):
    """Partition counts -> (posts in all, {anchor: df}, per term shard (shard, (term df, pair df))).

    Sums over every partition; terms are spread over TERM_SHARDS so the per-term work
    runs in parallel and no single element holds the whole vocabulary.
    """

    def expand(self, counts):
        n_posts = (counts[TOTALS] | "PostsPerPartition" >> beam.Map(lambda kv: kv[1][None])
                   | "AllPosts" >> beam.CombineGlobally(sum))
        anchor_df = (counts[ANCHORS] | "AnchorCounters" >> beam.Values()
                     | "AnchorDf" >> beam.CombineGlobally(SumCounters()))
        term_df = (counts[TERMS] | "TermShards" >> beam.FlatMap(lambda kv: split_terms(kv[1]))
                   | "TermDf" >> beam.CombinePerKey(SumCounters()))
        pair_df = (counts[PAIRS] | "PairShards" >> beam.FlatMap(lambda kv: split_pairs(kv[1]))
                   | "PairDf" >> beam.CombinePerKey(SumCounters()))
        shards = ({"df": term_df, "pairs": pair_df} | "JoinShards" >> beam.CoGroupByKey()
                  | "MergeShard" >> beam.MapTuple(lambda shard, parts: (
                      shard, (merge_counters(parts["df"]), merge_counters(parts["pairs"])))))
        return n_posts, anchor_df, shards


class BuildLexicon(beam.PTransform):
    """Partition counts -> (lists of lexicon entries per shard, the lexicon version)."""

    def __init__(self, seeds: SeedConfig, options: LexiconOptions):
        super().__init__()
        self._seeds = seeds
        self._options = options

    def expand(self, counts):
        seeds, options = self._seeds, self._options
        n_posts, anchor_df, shards = counts | "GlobalCounts" >> GlobalCounts()
        entries = shards | "Entries" >> beam.Map(
            lambda shard, n, anchors: shard_entries(*shard[1], n, dict(anchors), seeds, options),
            n=beam.pvalue.AsSingleton(n_posts), anchors=beam.pvalue.AsSingleton(anchor_df))
        version = (counts[TOTALS] | "WindowList" >> beam.combiners.ToList()
                   | "Version" >> beam.Map(lambda totals: lexicon_version(
                       seeds, options, [(m, p, c[None]) for (m, p), c in totals])))
        return entries, version
