"""Drop duplicate posts (same platform and post_id): the first by file name and position stays,
unless it is a copy whose text is cut short (`partial_text`, a v1.1 retweet of a long tweet) and a
full one exists.

Posts already loaded from other files (read from Parquet, the database's ids) come first:
the loaded copy stays, and the run counts its own copy as a duplicate; so do the records
outside a windowed run's window whose post is loaded (`OutsideLoaded`).
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


Key = tuple[str, str, str, int, bool]  # (platform, post_id, source_file, record_no, partial text)


def shard_keys(batch: list[dict]):
    """A batch of posts -> (shard, [Key, ...])."""
    shards: dict[int, list] = defaultdict(list)
    for p in batch:
        shards[key_shard(p["platform"], p["post_id"])].append(
            (p["platform"], p["post_id"], p["source_file"], p["record_no"], bool(p.get("partial_text"))))
    return shards.items()


def shard_loaded(ids: pa.Table):
    """An Arrow batch of loaded (platform, post_id) -> (shard, keys located at LOADED), as shard_keys."""
    shards: dict[int, list] = defaultdict(list)
    for platform, post_id in zip(ids.column("platform").to_pylist(), ids.column("post_id").to_pylist()):
        shards[key_shard(platform, post_id)].append((platform, post_id, *LOADED, False))
    return shards.items()


def _kept_first(key: Key) -> tuple:
    """The loaded copy, then full texts before cut ones, then by file and position."""
    return (key[2:4] != LOADED, key[4], key[2], key[3])


def dropped_copies(keys: list[Key]) -> list[Location]:
    """Locations of every copy but the first (`_kept_first`) of each post id."""
    first: dict[tuple[str, str], Location] = {}
    dropped: list[Location] = []
    for platform, post_id, source_file, record_no, _ in sorted(keys, key=_kept_first):
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
            keys = (keys, _loaded_ids(batches.pipeline, self._loaded_posts)) | "WithLoadedIds" >> beam.Flatten()
        dropped = (
            keys
            | "GroupShards" >> beam.GroupByKey()
            | "FindCopies" >> beam.FlatMap(lambda kv: dropped_copies([k for ks in kv[1] for k in ks]))
        )
        kept = batches | "DropCopies" >> beam.Map(
            _without, dropped=beam.pvalue.AsDict(dropped | "AsKeys" >> beam.Map(lambda loc: (loc, True)))
        ).with_output_types(PostBatch)
        return kept, dropped


def _loaded_ids(pipeline: beam.Pipeline, loaded_posts: str, prefix: str = ""):
    """(shard, keys at LOADED) of the loaded posts' ids, as `shard_keys` gives a run's."""
    return (pipeline
            | f"{prefix}ReadLoadedIds" >> beam.io.ReadFromParquetBatched(loaded_posts)
            | f"{prefix}ShardLoadedIds" >> beam.FlatMap(shard_loaded))


def loaded_copies(keys: list[Key]) -> list[Location]:
    """Locations of the run's copies (not at LOADED) of posts that are loaded (a key at LOADED)."""
    loaded = {(platform, post_id) for platform, post_id, source_file, record_no, _ in keys
              if (source_file, record_no) == LOADED}
    return [(source_file, record_no) for platform, post_id, source_file, record_no, _ in keys
            if (source_file, record_no) != LOADED and (platform, post_id) in loaded]


class OutsideLoaded(beam.PTransform):
    """Reject rows of posts outside the run's window (`pipelines.reading.window.outside_row`) ->
    (the rows whose post is not loaded, the locations (source_file, record_no) of those whose post is).

    A windowed run rejects the records outside its window. One whose post the database already
    holds, loaded by a run over another window or from another file, is no reject: it counts as a
    duplicate of the loaded copy. Backfills of a file window by window then leave each of its
    records one post or one reject, not a post and a reject "outside date range" from the next
    window's run. `loaded_posts`: as `DropDuplicates`'s.
    """

    def __init__(self, loaded_posts: str):
        super().__init__()
        self._loaded_posts = loaded_posts

    def expand(self, rows):
        keys = rows | "ShardOutsideKeys" >> beam.Map(lambda row: (
            key_shard(row["platform"], row["post_id"]),
            [(row["platform"], row["post_id"], row["source_file"], row["record_no"], False)]))
        loaded = (
            (keys, _loaded_ids(rows.pipeline, self._loaded_posts, "Outside")) | "OutsideWithLoadedIds" >> beam.Flatten()
            | "GroupOutsideShards" >> beam.GroupByKey()
            | "FindLoaded" >> beam.FlatMap(lambda kv: loaded_copies([k for ks in kv[1] for k in ks]))
        )
        kept = rows | "KeepUnloaded" >> beam.Filter(
            lambda row, loaded: (row["source_file"], row["record_no"]) not in loaded,
            loaded=beam.pvalue.AsDict(loaded | "LoadedAsKeys" >> beam.Map(lambda loc: (loc, True))))
        return kept, loaded


def _without(batch: list[dict], dropped) -> list[dict]:
    if not dropped:
        return batch
    return [p for p in batch if (p["source_file"], p["record_no"]) not in dropped]
