"""Tokenizer throughput: mipulse's `tokenize` vs spaCy's blank English tokenizer alone and
nltk's TweetTokenizer, on the same real posts (single process, best of N repeats).

    PYTHONPATH=. python bench/tokenizer.py [--input PATH] [--limit N] [--repeats R]

Time is the process's CPU time (`time.process_time`), not wall time: the machine is
shared, and CPU time does not count the moments another process has the core. Each
tokenizer's own token count is reported; tokens/s divides it by the best CPU time.
The hashtag word table is loaded (and timed) before the runs: it is a one-off cost per
process, not per post. mipulse caches the normalized tokens of every whitespace-separated
chunk: "cold" rows clear every cache of `pipelines.text` before each pass and build a
fresh spaCy tokenizer (outside the timing), so every chunk is new to mipulse and to spaCy,
as at the start of a corpus in a new worker; the "warm" row measures a pass over chunks
already seen (as deep into a large corpus, where most chunks repeat).
"""

from __future__ import annotations

import argparse
import json
import time
from typing import Callable

import spacy
from nltk.tokenize import TweetTokenizer

from pipelines.hashtags import word_costs
import pipelines.text as text_module
from pipelines.text import TOKENIZER_VERSION, counting_terms, tokenize

DEFAULT_INPUT = "../shared/data/climate_tweets_2014_2021/sample.jsonl"


def load_texts(path: str, limit: int) -> list[str]:
    texts = []
    with open(path, encoding="utf-8") as f:
        for line in f:
            texts.append(json.loads(line)["text"])
            if len(texts) >= limit:
                break
    return texts


def measure(tokenizers: dict[str, Callable[[str], list]], texts: list[str], repeats: int) -> list[dict]:
    """Best CPU time of each tokenizer over all texts; rounds interleave the tokenizers so
    that load from other processes on the machine hits them alike."""
    best = dict.fromkeys(tokenizers, float("inf"))
    tokens = dict.fromkeys(tokenizers, 0)
    for fn in tokenizers.values():
        fn(texts[0])  # warm caches and lazy loads
    for _ in range(repeats):
        for name, fn in tokenizers.items():
            if "cold" in name:
                text_module.clear_caches()
                text_module._spacy_tokenizer()  # built outside the timing
            started = time.process_time()
            tokens[name] = sum(len(fn(t)) for t in texts)
            best[name] = min(best[name], time.process_time() - started)
    return [{"tokenizer": name, "posts": len(texts), "tokens": tokens[name], "cpu_seconds": round(best[name], 3),
             "tokens_per_s": round(tokens[name] / best[name]), "posts_per_s": round(len(texts) / best[name])}
            for name in tokenizers]


def tokenize_and_count(text: str) -> list[str]:
    """The job's per-post work: tokens, then the counting terms (tokens returned)."""
    tokens = tokenize(text)
    counting_terms(tokens)
    return tokens


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--input", default=DEFAULT_INPUT)
    parser.add_argument("--limit", type=int, default=10_000)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    texts = load_texts(args.input, args.limit)

    started = time.process_time()
    word_costs()
    print(f"hashtag word table: {len(word_costs())} words loaded in {time.process_time() - started:.2f} s CPU")

    blank = spacy.blank("en").tokenizer
    tweet = TweetTokenizer(preserve_case=False, reduce_len=True, strip_handles=False)
    rows = measure({
        "spacy.blank('en') tokenizer": lambda t: list(blank(t)),
        "nltk TweetTokenizer": tweet.tokenize,
        f"mipulse tokenize ({TOKENIZER_VERSION}), cold chunk cache": tokenize,
        "mipulse tokenize + counting_terms, cold chunk cache": tokenize_and_count,
        "mipulse tokenize + counting_terms, warm chunk cache": tokenize_and_count,
    }, texts, args.repeats)
    header = ["tokenizer", "posts", "tokens", "cpu_seconds", "tokens_per_s", "posts_per_s"]
    print("| " + " | ".join(header) + " |")
    print("|" + "---|" * len(header))
    for row in rows:
        print("| " + " | ".join(str(row[h]) for h in header) + " |")


if __name__ == "__main__":
    main()
