"""Build a lexicon in one process from posts in memory: the same pure functions as the Beam
job (`pipelines.induction.induce`), for calibration and small tests."""

from __future__ import annotations

from collections import Counter
from typing import Iterable, Sequence

from pipelines.config import SeedConfig
from pipelines.induction.counting import ANCHORS, PAIRS, TERMS, TOTALS, count_posts
from pipelines.induction.induce import LexiconSpec, build_lexicon_from_counts
from pipelines.induction.lexicon import Lexicon
from pipelines.text.prepare import PostPreparer


def build_local(posts: Sequence[dict], seeds: SeedConfig, spec: LexiconSpec,
                labels: Iterable[Sequence[str]] | None = None) -> tuple[Lexicon, list[dict]]:
    """(lexicon, prepared posts) from posts with a ``text`` (and, supervised, their labels)."""
    prepare = PostPreparer(seeds, with_bigrams="supervised" in spec.sources)
    prepared = [prepare({"month": "all", "platform": "all", **post}, post_labels)
                for post, post_labels in zip(posts, labels if labels is not None else ([()] * len(posts)))]
    counters = count_posts(prepared)

    def total(table: str) -> Counter:
        return sum(counters[table].values(), Counter())

    n = total(TOTALS)[None]
    return build_lexicon_from_counts(total(TERMS), total(ANCHORS), total(PAIRS), n, seeds, spec), prepared
