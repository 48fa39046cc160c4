"""What the keyed, slow author hash costs a run, and what it costs a guesser.

A run pays one scrypt per distinct (platform, author) per worker process (the keys are
cached), so its cost is (distinct authors) x (cost of one key). This counts the distinct
authors of the synthetic sample (`mipulse sample`, seed 0), or of the flat JSONL files given
with `--input` (their `platform` and `author` fields, as `mipulse sample` and
`bench.throughput`'s real-vocabulary corpus write them), and times one key on a cold cache,
best of `--repeats` rounds, against the old unkeyed SHA-256.

    python -m bench.author_keys --posts 1000000
    python -m bench.author_keys --input 'D/real-100000/*.jsonl'
"""

from __future__ import annotations

import argparse
import glob
import hashlib
import json
import time

from pipelines.reading.authors import _slow_keyed_hash, author_key
from pipelines.evaluation.synthetic import generate_posts

GUESSES = 600_000  # the re-identification attempt: a 600,000-handle guess list


def distinct_authors(posts: int) -> int:
    return len({(p["platform"], p["author"]) for p in generate_posts(posts)})


def distinct_authors_in(pattern: str) -> tuple[int, int]:
    """(posts, distinct (platform, author)) of the flat JSONL files matching `pattern`."""
    posts, authors = 0, set()
    for path in sorted(glob.glob(pattern)):
        with open(path, encoding="utf-8") as lines:
            for line in lines:
                record = json.loads(line)
                posts += 1
                authors.add((record.get("platform"), record.get("author")))
    return posts, len(authors)


def seconds_per_key(keys: int, repeats: int) -> tuple[float, float]:
    """(new keyed scrypt, old sha256) seconds per distinct author, best of `repeats`."""
    best_new = best_old = float("inf")
    for round_no in range(repeats):
        handles = [f"author_{round_no}_{i}" for i in range(keys)]
        _slow_keyed_hash.cache_clear()
        started = time.perf_counter()
        for handle in handles:
            author_key("twitter", handle, "bench secret")
        best_new = min(best_new, (time.perf_counter() - started) / keys)
        started = time.perf_counter()
        for handle in handles:
            hashlib.sha256(f"bench secret\x00twitter\x00{handle}".encode()).hexdigest()[:24]
        best_old = min(best_old, (time.perf_counter() - started) / keys)
    return best_new, best_old


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--posts", type=int, default=1_000_000)
    parser.add_argument("--keys", type=int, default=3000, help="distinct authors timed per round")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--input", help="flat JSONL files (a glob) to count the authors of, instead of the sample")
    args = parser.parse_args()
    posts, authors = distinct_authors_in(args.input) if args.input else (args.posts, distinct_authors(args.posts))
    new, old = seconds_per_key(args.keys, args.repeats)
    print(f"posts: {posts:,}; distinct (platform, author): {authors:,}")
    print(f"one key, cold cache: keyed scrypt {new * 1e3:.3f} ms, old sha256 {old * 1e6:.2f} us")
    print(f"run cost: {authors:,} x {new * 1e3:.3f} ms = {authors * new:.2f} s CPU (old: {authors * old:.3f} s)")
    print(f"guesser with the key: {GUESSES:,} guesses x {new * 1e3:.3f} ms = {GUESSES * new:.0f} s per core "
          f"(old: {GUESSES * old:.2f} s)")


if __name__ == "__main__":
    main()
