"""Tokenizer throughput over every real text at hand, as one worker meets them: a first pass over
all texts of ../shared/data/*/*.jsonl (shuffled; every chunk new once), then a second pass (every
chunk seen). CPU time of this process; spaCy's tokenizer (and the splitter built from its rules,
where the revision has one) is built before the timing.

    PYTHONPATH=. python bench/tokenizer_stream.py [--data GLOB] [--against REV]

With --against, the tokenizer of git revision REV (its own module and caches) makes the same two
passes in the same process, the two taking turns over 40 slices of the texts (every slice a
sample of the whole stream): on a shared machine both then meet the same load, which
separate runs a minute apart do not.
"""

from __future__ import annotations

import argparse
import json
import random
import time
import types

import pipelines.text.tokenizer as current
from pipelines.text.hashtags import word_costs
from pipelines.text.tokenizer import _spacy_tokenizer, tokenize

from bench import SHARED_DATA as DATA, data_files
from bench.tokenizer_equality import module_at


def texts_of(pattern: str) -> list[str]:
    texts = []
    for path in data_files(pattern):
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
    parser.add_argument("--against", help="git revision whose tokenizer takes turns with this one")
    args = parser.parse_args()
    texts = texts_of(args.data)
    if args.against:
        _spacy_tokenizer()  # before REV's module registers its spaCy tokenizer factory under the same name
        current._spacy_splitter()
        interleaved(texts, module_at(args.against), args.against)
        return
    _spacy_tokenizer()
    current._spacy_splitter()
    for name in ("first pass", "second pass"):
        started = time.process_time()
        tokens = sum(len(tokenize(text)) for text in texts)
        seconds = time.process_time() - started
        print(f"{name}: {len(texts):,} texts, {tokens:,} tokens, {seconds:.2f} s CPU, {tokens / seconds:,.0f} tokens/s")


def interleaved(texts: list[str], older: types.ModuleType, revision: str, slices: int = 40) -> None:
    word_costs()  # shared by both modules: loaded before the timing
    older._spacy_tokenizer()
    if hasattr(older, "_spacy_splitter"):
        older._spacy_splitter()
    tokenizers = {"this tree": current, revision: older}
    for name in ("first pass", "second pass"):
        seconds = dict.fromkeys(tokenizers, 0.0)
        tokens = dict.fromkeys(tokenizers, 0)
        for k in range(slices):
            order = list(tokenizers.items()) if k % 2 == 0 else list(tokenizers.items())[::-1]
            for label, module in order:
                started = time.process_time()
                tokens[label] += sum(len(module.tokenize(text)) for text in texts[k::slices])
                seconds[label] += time.process_time() - started
        print(f"{name}: " + "; ".join(f"{label} {seconds[label]:.2f} s CPU, {tokens[label] / seconds[label]:,.0f} tokens/s"
                                     for label in tokenizers)
              + f"; {revision} / this tree {seconds[revision] / seconds['this tree']:.2f}")


if __name__ == "__main__":
    main()
