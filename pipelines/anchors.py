"""Which anchors (seed words, seed classes, topics) a tokenized post holds."""

from __future__ import annotations

from pipelines.config import SeedConfig
from pipelines.lexicon import emotion_anchor, sentiment_anchor, topic_anchor
from pipelines.text import base_form


def find_topics(tokens: list[str], seeds: SeedConfig) -> list[str]:
    """Topics whose keyword (a word, a hashtag or a phrase of consecutive words) occurs,
    in the order of the seed file. Negation marks are ignored: 'no plastic' is still about plastic.
    """
    bases = [base_form(t) for t in tokens]
    index = seeds.topic_phrases_by_first_word
    found: set[str] = set()
    for i, first in enumerate(bases):
        for topic, phrase in index.get(first, ()):
            if topic not in found and tuple(bases[i:i + len(phrase)]) == phrase:
                found.add(topic)
    return [topic for topic in seeds.topics if topic in found]


def anchors_in_post(terms: set[str], topics: list[str], seeds: SeedConfig) -> set[str]:
    """Word anchors among the post's counting terms plus the classes they (or its topics) form.

    Seeds count only un-negated: 'not good' is no evidence of the positive class.
    """
    anchors = terms & seeds.word_anchors
    for polarity, words in seeds.sentiment.items():
        if anchors.intersection(words):
            anchors.add(sentiment_anchor(polarity))
    for emotion, words in seeds.emotions.items():
        if anchors.intersection(words):
            anchors.add(emotion_anchor(emotion))
    anchors.update(topic_anchor(t) for t in topics)
    return anchors
