"""Drop duplicate posts (same platform and post_id): the first by file name and position stays.

Only keys travel through the shuffle, sharded by a stable hash, so the cost is one small
element per shard and batch, not one per post.
"""

from __future__ import annotations

import zlib
from collections import defaultdict

import apache_beam as beam

from pipelines.batches import PostBatch

KEY_SHARDS = 64

Location = tuple[str, int]  # (source_file, record_no)


def key_shard(platform: str, post_id: str) -> int:
    """Stable across processes (unlike hash()), so every worker shards alike."""
    return zlib.crc32(f"{platform}\x00{post_id}".encode()) % KEY_SHARDS


def shard_keys(batch: list[dict]):
    """A batch of posts -> (shard, [(platform, post_id, source_file, record_no), ...])."""
    shards: dict[int, list] = defaultdict(list)
    for p in batch:
        shards[key_shard(p["platform"], p["post_id"])].append(
            (p["platform"], p["post_id"], p["source_file"], p["record_no"]))
    return shards.items()


def dropped_copies(keys: list[tuple[str, str, str, int]]) -> list[Location]:
    """Locations of every copy but the first (by source_file, record_no) of each post id."""
    first: dict[tuple[str, str], Location] = {}
    dropped: list[Location] = []
    for platform, post_id, source_file, record_no in sorted(keys, key=lambda k: (k[2], k[3])):
        if (platform, post_id) in first:
            dropped.append((source_file, record_no))
        else:
            first[(platform, post_id)] = (source_file, record_no)
    return dropped


class DropDuplicates(beam.PTransform):
    """Batches of posts -> (batches without duplicate copies, dropped (source_file, record_no))."""

    def expand(self, batches):
        dropped = (
            batches
            | "ShardKeys" >> beam.FlatMap(shard_keys)
            | "GroupShards" >> beam.GroupByKey()
            | "FindCopies" >> beam.FlatMap(lambda kv: dropped_copies([k for ks in kv[1] for k in ks]))
        )
        kept = batches | "DropCopies" >> beam.Map(
            _without, dropped=beam.pvalue.AsDict(dropped | "AsKeys" >> beam.Map(lambda loc: (loc, True)))
        ).with_output_types(PostBatch)
        return kept, dropped


def _without(batch: list[dict], dropped) -> list[dict]:
    if not dropped:
        return batch
    return [p for p in batch if (p["source_file"], p["record_no"]) not in dropped]
