"""Tokenizer throughput: mipulse's `tokenize` vs spaCy's blank English tokenizer alone and
nltk's TweetTokenizer, on the same real posts (single process, best of N repeats).

    PYTHONPATH=. python bench/tokenizer.py [--input PATH] [--limit N] [--repeats R] [--against REV]

Time is the process's CPU time (`time.process_time`), not wall time: the machine is
shared, and CPU time does not count the moments another process has the core. Each
tokenizer's own token count is reported; tokens/s divides it by the best CPU time.
The hashtag word table is loaded (and timed) before the runs: it is a one-off cost per
process, not per post. mipulse caches the normalized tokens of every whitespace-separated
chunk: "cold" rows clear every cache of `pipelines.text.tokenizer` before each pass and build a
fresh spaCy tokenizer (outside the timing), so every chunk is new to mipulse and to spaCy,
as at the start of a corpus in a new worker; the "warm" row measures a pass over chunks
already seen (as deep into a large corpus, where most chunks repeat).
"""

from __future__ import annotations

import argparse
import json
import time
import types
from typing import Callable

import spacy
from nltk.tokenize import TweetTokenizer

from pipelines.text.hashtags import word_costs
import pipelines.text.tokenizer as text_module
from pipelines.text.tokenizer import TOKENIZER_VERSION, counting_terms, tokenize

from bench.tokenizer_equality import module_at

DEFAULT_INPUT = "../shared/data/climate_tweets_2014_2021/sample.jsonl"


def load_texts(path: str, limit: int) -> list[str]:
    texts = []
    with open(path, encoding="utf-8") as f:
        for line in f:
            texts.append(json.loads(line)["text"])
            if len(texts) >= limit:
                break
    return texts


def measure(tokenizers: dict[str, Callable[[str], list]], texts: list[str], repeats: int,
            cold: dict[str, Callable[[], None]]) -> list[dict]:
    """Best CPU time of each tokenizer over all texts; rounds interleave the tokenizers so
    that load from other processes on the machine hits them alike. `cold[name]`, when
    given, empties that tokenizer's caches before each timed pass."""
    best = dict.fromkeys(tokenizers, float("inf"))
    tokens = dict.fromkeys(tokenizers, 0)
    for fn in tokenizers.values():
        fn(texts[0])  # warm caches and lazy loads
    for _ in range(repeats):
        for name, fn in tokenizers.items():
            if name in cold:
                cold[name]()
            started = time.process_time()
            tokens[name] = sum(len(fn(t)) for t in texts)
            best[name] = min(best[name], time.process_time() - started)
    return [{"tokenizer": name, "posts": len(texts), "tokens": tokens[name], "cpu_seconds": round(best[name], 3),
             "tokens_per_s": round(tokens[name] / best[name]), "posts_per_s": round(len(texts) / best[name])}
            for name in tokenizers]


def emptied(module: types.ModuleType) -> Callable[[], None]:
    """A function that empties a `pipelines.text.tokenizer` module's caches and builds a fresh spaCy
    tokenizer and, where the revision has one, the splitter built from its rules (outside the timing);
    older revisions had only the chunk cache to clear."""
    def clear() -> None:
        if hasattr(module, "clear_caches"):
            module.clear_caches()
        else:
            module._CHUNKS.clear()
            module._CHUNKS.update(module._PLACEHOLDER_CHUNKS)
            module._spacy_tokenizer.cache_clear()
            module.is_content_term.cache_clear()
        module._spacy_tokenizer()
        if hasattr(module, "_spacy_splitter"):
            module._spacy_splitter()
    return clear


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
    parser.add_argument("--against", help="also time pipelines/text/tokenizer.py at this git revision (e.g. main)")
    args = parser.parse_args()
    texts = load_texts(args.input, args.limit)

    started = time.process_time()
    word_costs()
    print(f"hashtag word table: {len(word_costs())} words loaded in {time.process_time() - started:.2f} s CPU")

    blank = spacy.blank("en").tokenizer
    tweet = TweetTokenizer(preserve_case=False, reduce_len=True, strip_handles=False)
    tokenizers = {
        "spacy.blank('en') tokenizer": lambda t: list(blank(t)),
        "nltk TweetTokenizer": tweet.tokenize,
        f"mipulse tokenize ({TOKENIZER_VERSION}), cold": tokenize,
        "mipulse tokenize + counting_terms, cold": tokenize_and_count,
        "mipulse tokenize + counting_terms, warm": tokenize_and_count,
    }
    cold = {name: emptied(text_module) for name in tokenizers if name.endswith("cold")}
    if args.against:
        older = module_at(args.against)
        tokenizers[f"{args.against}:pipelines/text/tokenizer.py tokenize, cold"] = older.tokenize
        tokenizers[f"{args.against}:pipelines/text/tokenizer.py tokenize, warm"] = older.tokenize
        cold[f"{args.against}:pipelines/text/tokenizer.py tokenize, cold"] = emptied(older)
    rows = measure(tokenizers, texts, args.repeats, cold)
    header = ["tokenizer", "posts", "tokens", "cpu_seconds", "tokens_per_s", "posts_per_s"]
    print("| " + " | ".join(header) + " |")
    print("|" + "---|" * len(header))
    for row in rows:
        print("| " + " | ".join(str(row[h]) for h in header) + " |")


if __name__ == "__main__":
    main()
