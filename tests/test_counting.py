"""The Beam counting transform on a hand-counted corpus (TestPipeline + assert_that)."""

import apache_beam as beam
from apache_beam.testing.test_pipeline import TestPipeline
from apache_beam.testing.util import assert_that, equal_to

from pipelines.counting import ANCHORS, PAIRS, TERMS, TOTALS, CountPresence, count_post, new_counters

M1, M2 = "2019-01", "2019-02"
POSTS = [
    {"month": M1, "platform": "twitter", "terms": {"good", "forest"}, "anchors": {"good"}},
    {"month": M1, "platform": "twitter", "terms": {"forest", "smog"}, "anchors": set()},
    {"month": M1, "platform": "reddit", "terms": {"bad", "smog"}, "anchors": {"bad"}},
    {"month": M2, "platform": "twitter", "terms": {"good", "forest", "bad"}, "anchors": {"good", "bad"}},
    {"month": M2, "platform": "twitter", "terms": {"forest"}, "anchors": set()},
]


def test_count_presence_sums_per_month_and_platform():
    with TestPipeline(runner="FnApiRunner") as p:
        counts = p | beam.Create(POSTS) | CountPresence()
        assert_that(counts[TOTALS], equal_to([
            ((M1, "twitter"), 2), ((M1, "reddit"), 1), ((M2, "twitter"), 2)]), label="totals")
        assert_that(counts[TERMS], equal_to([
            ((M1, "twitter", "good"), 1), ((M1, "twitter", "forest"), 2), ((M1, "twitter", "smog"), 1),
            ((M1, "reddit", "bad"), 1), ((M1, "reddit", "smog"), 1),
            ((M2, "twitter", "good"), 1), ((M2, "twitter", "forest"), 2), ((M2, "twitter", "bad"), 1),
        ]), label="terms")
        assert_that(counts[ANCHORS], equal_to([
            ((M1, "twitter", "good"), 1), ((M1, "reddit", "bad"), 1),
            ((M2, "twitter", "good"), 1), ((M2, "twitter", "bad"), 1),
        ]), label="anchors")
        assert_that(counts[PAIRS], equal_to([
            ((M1, "twitter", "good", "good"), 1), ((M1, "twitter", "forest", "good"), 1),
            ((M1, "reddit", "bad", "bad"), 1), ((M1, "reddit", "smog", "bad"), 1),
            ((M2, "twitter", "good", "good"), 1), ((M2, "twitter", "forest", "good"), 1),
            ((M2, "twitter", "bad", "good"), 1), ((M2, "twitter", "good", "bad"), 1),
            ((M2, "twitter", "forest", "bad"), 1), ((M2, "twitter", "bad", "bad"), 1),
        ]), label="pairs")


def test_counts_split_over_bundles_add_up():
    """Counting the corpus in two halves and adding gives the one-pass counts (additivity)."""
    whole, first, second = new_counters(), new_counters(), new_counters()
    for post in POSTS:
        count_post(whole, post)
    for post in POSTS[:2]:
        count_post(first, post)
    for post in POSTS[2:]:
        count_post(second, post)
    for table in whole:
        assert first[table] + second[table] == whole[table]
