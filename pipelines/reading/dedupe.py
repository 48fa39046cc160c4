"""Drop duplicate posts (same platform and post_id): the first by file name and position stays.

Posts already loaded from other files (read from Parquet, the database's ids) come first:
the loaded copy stays, and the run counts its own copy as a duplicate.
Only keys travel through the shuffle, sharded by a stable hash, so the cost is one small
element per shard and batch, not one per post.
"""

from __future__ import annotations

import zlib
from collections import defaultdict

import apache_beam as beam
import pyarrow as pa

from pipelines.batches import PostBatch

KEY_SHARDS = 64

Location = tuple[str, int]  # (source_file, record_no)
#: the location of an already loaded post: sorts before every input file
LOADED: Location = ("", 0)


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


def shard_loaded(ids: pa.Table):
    """An Arrow batch of loaded (platform, post_id) -> (shard, keys located at LOADED), as shard_keys."""
    shards: dict[int, list] = defaultdict(list)
    for platform, post_id in zip(ids.column("platform").to_pylist(), ids.column("post_id").to_pylist()):
        shards[key_shard(platform, post_id)].append((platform, post_id, *LOADED))
    return shards.items()


def dropped_copies(keys: list[tuple[str, str, str, int]]) -> list[Location]:
    """Locations of every copy but the first (by source_file, record_no) of each post id."""
    first: dict[tuple[str, str], Location] = {}
    dropped: list[Location] = []
    for platform, post_id, source_file, record_no in sorted(keys, key=lambda k: (k[2], k[3])):
        if (platform, post_id) in first:
            if (source_file, record_no) != LOADED:
                dropped.append((source_file, record_no))
        else:
            first[(platform, post_id)] = (source_file, record_no)
    return dropped


class DropDuplicates(beam.PTransform):
    """Batches of posts -> (batches without duplicate copies, dropped (source_file, record_no)).

    `loaded_posts`: a Parquet file of (platform, post_id) already loaded from other files,
    whose copies in this run are dropped too; None for none.
    """

    def __init__(self, loaded_posts: str | None = None):
        super().__init__()
        self._loaded_posts = loaded_posts

    def expand(self, batches):
        keys = batches | "ShardKeys" >> beam.FlatMap(shard_keys)
        if self._loaded_posts:
            loaded = (batches.pipeline
                      | "ReadLoadedIds" >> beam.io.ReadFromParquetBatched(self._loaded_posts)
                      | "ShardLoadedIds" >> beam.FlatMap(shard_loaded))
            keys = (keys, loaded) | "WithLoadedIds" >> beam.Flatten()
        dropped = (
            keys
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
