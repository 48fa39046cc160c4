"""Tokenizer throughput over every real text at hand, as one worker meets them: a first pass over
all texts of ../shared/data/*/*.jsonl (shuffled; every chunk new once), then a second pass (every
chunk seen). CPU time of this process; spaCy's tokenizer is built before the timing.

    PYTHONPATH=. python bench/tokenizer_stream.py [--data GLOB]
"""

from __future__ import annotations

import argparse
import glob
import json
import random
import time

from pipelines.text.tokenizer import _spacy_tokenizer, tokenize

from bench import SHARED_DATA as DATA


def texts_of(pattern: str) -> list[str]:
    texts = []
    for path in sorted(glob.glob(pattern)):
        with open(path, encoding="utf-8") as lines:
            for line in lines:
                try:
                    texts.append(json.loads(line).get("text") or "")
                except (ValueError, AttributeError):
                    continue
    random.Random(0).shuffle(texts)
    return texts


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", default=str(DATA / "*" / "*.jsonl"))
    texts = texts_of(parser.parse_args().data)
    _spacy_tokenizer()
    for name in ("first pass", "second pass"):
        started = time.process_time()
        tokens = sum(len(tokenize(text)) for text in texts)
        seconds = time.process_time() - started
        print(f"{name}: {len(texts):,} texts, {tokens:,} tokens, {seconds:.2f} s CPU, {tokens / seconds:,.0f} tokens/s")


if __name__ == "__main__":
    main()
