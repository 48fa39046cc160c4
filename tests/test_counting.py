"""The Beam counting transform on a hand-counted corpus (BeamTestPipeline + assert_that)."""

from collections import Counter

import apache_beam as beam
from apache_beam.testing.test_pipeline import TestPipeline as BeamTestPipeline  # a name pytest does not collect
from apache_beam.testing.util import assert_that, equal_to

from pipelines.induction.counting import ANCHORS, PAIRS, TERMS, TOTALS, FilePartition, Partition, count_post, new_counters
from pipelines.induction.transforms import CountPresence

M1, M2 = "2019-01", "2019-02"
POSTS = [
    {"month": M1, "platform": "twitter", "terms": {"good", "forest"}, "anchors": {"good"}},
    {"month": M1, "platform": "twitter", "terms": {"forest", "smog"}, "anchors": set()},
    {"month": M1, "platform": "reddit", "terms": {"bad", "smog"}, "anchors": {"bad"}},
    {"month": M2, "platform": "twitter", "terms": {"good", "forest", "bad"}, "anchors": {"good", "bad"}},
    {"month": M2, "platform": "twitter", "terms": {"forest"}, "anchors": set()},
]
T1, R1, T2 = (M1, "twitter"), (M1, "reddit"), (M2, "twitter")


def test_count_presence_sums_per_month_and_platform():
    with BeamTestPipeline(runner="FnApiRunner") as p:
        # three batches, so sums cross batch boundaries
        counts = p | beam.Create([POSTS[:2], POSTS[2:3], POSTS[3:]]) | CountPresence()
        assert_that(counts[TOTALS], equal_to([
            (T1, Counter({None: 2})), (R1, Counter({None: 1})), (T2, Counter({None: 2}))]), label="totals")
        assert_that(counts[TERMS], equal_to([
            (T1, Counter(good=1, forest=2, smog=1)),
            (R1, Counter(bad=1, smog=1)),
            (T2, Counter(good=1, forest=2, bad=1)),
        ]), label="terms")
        assert_that(counts[ANCHORS], equal_to([
            (T1, Counter(good=1)), (R1, Counter(bad=1)), (T2, Counter(good=1, bad=1)),
        ]), label="anchors")
        assert_that(counts[PAIRS], equal_to([
            (T1, Counter({("good", "good"): 1, ("forest", "good"): 1})),
            (R1, Counter({("bad", "bad"): 1, ("smog", "bad"): 1})),
            (T2, Counter({("good", "good"): 1, ("forest", "good"): 1, ("bad", "good"): 1,
                          ("good", "bad"): 1, ("forest", "bad"): 1, ("bad", "bad"): 1})),
        ]), label="pairs")


def test_counts_are_keyed_by_named_partitions_month_first_also_after_beam():
    by_file = [{**post, "source_file": f"f{i % 2}.jsonl"} for i, post in enumerate(POSTS[:3])]
    with BeamTestPipeline(runner="FnApiRunner") as p:
        counts = p | beam.Create([by_file]) | CountPresence(FilePartition)
        keys = counts[TOTALS] | beam.Map(lambda kv: (type(kv[0]).__name__, kv[0].month, kv[0].platform,
                                                     kv[0].source_file, kv[1][None]))
        assert_that(keys, equal_to([("FilePartition", M1, "twitter", "f0.jsonl", 1),
                                    ("FilePartition", M1, "twitter", "f1.jsonl", 1),
                                    ("FilePartition", M1, "reddit", "f0.jsonl", 1)]))
    counters = new_counters()
    count_post(counters, POSTS[0])
    [partition] = counters[TOTALS]
    assert type(partition) is Partition and (partition.month, partition.platform) == (M1, "twitter") == partition


def test_shuffling_partition_keys_warns_of_no_fallback_coder_but_other_types_still_warn(caplog):
    """Beam warned "Using fallback deterministic coder" for the NamedTuple keys on every run,
    once per shuffle (their encoding is deterministic by design); a warning about any other
    type must still reach the user."""
    import logging

    by_file = [{**post, "source_file": f"f{i % 2}.jsonl"} for i, post in enumerate(POSTS[:3])]
    with caplog.at_level(logging.WARNING):
        with BeamTestPipeline(runner="FnApiRunner") as p:
            counts = p | beam.Create([by_file]) | CountPresence(FilePartition)
            assert_that(counts[TOTALS] | beam.Map(lambda kv: kv[1][None]), equal_to([1, 1, 1]))
        with BeamTestPipeline(runner="FnApiRunner") as p:
            keyed = p | beam.Create([(Partition(M1, "twitter"), 1), (Partition(M1, "twitter"), 2)])
            assert_that(keyed | beam.CombinePerKey(sum) | beam.Map(lambda kv: kv[1]), equal_to([3]))
        logging.getLogger("apache_beam.coders.coder_impl").warning(
            "Using fallback deterministic coder for type '%s' in '%s'. ", frozenset, "SomeStep")
    fallback = [r.getMessage() for r in caplog.records if "fallback deterministic coder" in r.getMessage()]
    assert fallback == ["Using fallback deterministic coder for type '<class 'frozenset'>' in 'SomeStep'. "]


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
        for partition in whole[table]:
            assert first[table][partition] + second[table][partition] == whole[table][partition]


def test_a_half_anchor_is_paired_only_with_the_prior_words_measured_against_it():
    from pipelines.config import load_seeds
    from pipelines.text.prepare import PostPreparer

    # 'good' (positive; anticipation, joy, surprise, trust) is in half 0 of its classes,
    # 'great' (positive, no emotion) in half 1; 'forest' is no prior word
    counters = new_counters()
    count_post(counters, {**PostPreparer(load_seeds())({"text": "good great forest"}), "month": M1, "platform": "x"})
    pairs = counters[PAIRS][(M1, "x")]
    assert {pair for pair in pairs if "#" in pair[1]} == {("good", "sentiment:positive#1"),
                                                          ("great", "sentiment:positive#0")}
    whole = {"sentiment:positive", "emotion:anticipation", "emotion:joy", "emotion:surprise", "emotion:trust"}
    assert {pair for pair in pairs if "#" not in pair[1]} == {(t, a) for t in ("good", "great", "forest") for a in whole}
    assert set(counters[ANCHORS][(M1, "x")]) == whole | {"sentiment:positive#0", "sentiment:positive#1",
                                                          *(f"{a}#0" for a in whole - {"sentiment:positive"})}
