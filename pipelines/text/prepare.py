"""A canonical post -> tokens, counting terms, topics and anchors (pure; the job maps it over batches)."""

from __future__ import annotations

from typing import Iterable

from pipelines.induction.anchors import anchor_index, find_topics
from pipelines.config import SeedConfig
from pipelines.scoring.score import lexicon_terms
from pipelines.text.tokenizer import tokenize


class PostPreparer:
    """Tokenizes posts and finds their anchors for one seed configuration.

    ``with_bigrams``: count adjacent content-word pairs too (supervised lexicons use them).
    """

    def __init__(self, seeds: SeedConfig, with_bigrams: bool = False):
        self.seeds = seeds
        self.with_bigrams = with_bigrams
        self._anchors = anchor_index(seeds)

    def __reduce__(self):
        # Beam pickles (and bz2-compresses) a DoFn's arguments each time it sets up a stage: the
        # seed file's settings are ~2 KB, the anchor index built from them ~700 KB.
        return type(self), (self.seeds, self.with_bigrams)

    def __call__(self, post: dict, labels: Iterable[str] = ()) -> dict:
        tokens = tokenize(post["text"])
        terms = lexicon_terms(tokens, self.with_bigrams)
        topics = find_topics(tokens, self.seeds)
        anchors = self._anchors.anchors(terms, topics, labels)
        return {**post, "tokens": tokens, "terms": terms, "topics": topics, "anchors": anchors.all,
                "paired_anchors": anchors.paired, "half_pairs": anchors.half_pairs}
