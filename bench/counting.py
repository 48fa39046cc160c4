"""The counting stage alone, against gensim Phrases (npmi) and nltk's collocation finder.

All three count the same pre-tokenized posts (tokenization is outside the timings):
mipulse counts document presence of terms, anchors and term x anchor pairs per
(month, platform); gensim Phrases and nltk BigramCollocationFinder count adjacent bigrams
and then score them (npmi / pmi). Different statistics, same amount of text, so the
timings compare the counting machinery.

    python -m bench.counting --posts 100000
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

from gensim.models.phrases import Phrases
from nltk.collocations import BigramCollocationFinder
from nltk.metrics.association import BigramAssocMeasures

from pipelines.config import load_seeds
from pipelines.induction.counting import count_posts
from pipelines.reading.posts import canonical_post
from pipelines.text.prepare import PostPreparer
from pipelines.evaluation.synthetic import generate_posts


def timed(fn) -> tuple[float, object]:
    start = time.perf_counter()
    result = fn()
    return time.perf_counter() - start, result


def count_mipulse(prepared: list[dict]) -> int:
    return sum(len(c) for c in count_posts(prepared)["pairs"].values())


def count_gensim(docs: list[list[str]]) -> int:
    phrases = Phrases(docs, min_count=1, threshold=0.0, scoring="npmi")
    return len(phrases.export_phrases())


def count_nltk(docs: list[list[str]]) -> int:
    finder = BigramCollocationFinder.from_documents(docs)
    return len(finder.score_ngrams(BigramAssocMeasures.pmi))


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--posts", type=int, default=100_000)
    parser.add_argument("--out", default=str(Path(__file__).parent / "results" / "counting.json"))
    args = parser.parse_args(argv)

    seeds = load_seeds()
    prepare = PostPreparer(seeds)
    prepared = [{**post, **prepare(post)} for post in (canonical_post(p, "bench", "salt") for p in generate_posts(args.posts))]
    docs = [[t for t in p["tokens"] if t in p["terms"]] for p in prepared]
    tokens = sum(map(len, docs))
    results = {"posts": args.posts, "tokens": tokens}
    for name, fn, data in (("mipulse_presence_pairs", count_mipulse, prepared),
                           ("gensim_phrases_npmi", count_gensim, docs),
                           ("nltk_bigram_finder_pmi", count_nltk, docs)):
        seconds, items = timed(lambda: fn(data))
        results[name] = {"seconds": seconds, "tokens_per_second": tokens / seconds, "items": items}
        print(f"{name:24s} {seconds:7.2f} s  {tokens / seconds:12,.0f} tokens/s  {items:,} items", flush=True)
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text(json.dumps(results, indent=2) + "\n")


if __name__ == "__main__":
    main()
