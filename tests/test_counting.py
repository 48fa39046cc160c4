"""The Beam counting transform on a hand-counted corpus (BeamTestPipeline + assert_that)."""

from collections import Counter

import apache_beam as beam
from apache_beam.testing.test_pipeline import TestPipeline as BeamTestPipeline  # a name pytest does not collect
from apache_beam.testing.util import assert_that, equal_to

from pipelines.induction.counting import ANCHORS, PAIRS, TERMS, TOTALS, FilePartition, Partition, count_posts
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
    [partition] = count_posts(POSTS[:1])[TOTALS]
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
    whole, first, second = count_posts(POSTS), count_posts(POSTS[:2]), count_posts(POSTS[2:])
    for table in whole:
        for partition in whole[table]:
            assert first[table][partition] + second[table][partition] == whole[table][partition]


def test_a_half_anchor_is_paired_only_with_the_prior_words_measured_against_it():
    from pipelines.config import load_seeds
    from pipelines.text.prepare import PostPreparer

    # 'good' (positive; anticipation, joy, surprise, trust) is in half 0 of its classes,
    # 'great' (positive, no emotion) in half 1; 'forest' is no prior word
    counters = count_posts([{**PostPreparer(load_seeds())({"text": "good great forest"}), "month": M1, "platform": "x"}])
    pairs = counters[PAIRS][(M1, "x")]
    assert {pair for pair in pairs if "#" in pair[1]} == {("good", "sentiment:positive#1"),
                                                          ("great", "sentiment:positive#0")}
    whole = {"sentiment:positive", "emotion:anticipation", "emotion:joy", "emotion:surprise", "emotion:trust"}
    assert {pair for pair in pairs if "#" not in pair[1]} == {(t, a) for t in ("good", "great", "forest") for a in whole}
    assert set(counters[ANCHORS][(M1, "x")]) == whole | {"sentiment:positive#0", "sentiment:positive#1",
                                                          *(f"{a}#0" for a in whole - {"sentiment:positive"})}


def test_presence_counts_give_the_posts_counts_by_hand():
    from pipelines.induction.counting import PresenceCounts

    counts = PresenceCounts()
    for post in POSTS:
        counts.add(post)
    drained = counts.drain()
    assert drained[TOTALS] == {T1: Counter({None: 2}), R1: Counter({None: 1}), T2: Counter({None: 2})}
    assert drained[TERMS] == {T1: Counter(good=1, forest=2, smog=1), R1: Counter(bad=1, smog=1),
                              T2: Counter(good=1, forest=2, bad=1)}
    assert drained[ANCHORS] == {T1: Counter(good=1), R1: Counter(bad=1), T2: Counter(good=1, bad=1)}
    assert drained[PAIRS] == {
        T1: Counter({("good", "good"): 1, ("forest", "good"): 1}),
        R1: Counter({("bad", "bad"): 1, ("smog", "bad"): 1}),
        T2: Counter({("good", "good"): 1, ("forest", "good"): 1, ("bad", "good"): 1,
                     ("good", "bad"): 1, ("forest", "bad"): 1, ("bad", "bad"): 1})}
    assert all(type(p) is Partition for table in drained.values() for p in table)
    assert counts.drain() == {TOTALS: {}, TERMS: {}, ANCHORS: {}, PAIRS: {}}  # a drain starts afresh


def test_presence_counts_pair_each_term_with_the_paired_anchors_and_add_the_half_pairs():
    from pipelines.induction.counting import PresenceCounts

    post = {"month": M1, "platform": "x", "terms": ["good", "great", "forest"],
            "anchors": {"sentiment:positive", "sentiment:positive#0", "sentiment:positive#1"},
            "paired_anchors": {"sentiment:positive"},
            "half_pairs": [("good", "sentiment:positive#1"), ("great", "sentiment:positive#0")]}
    counts = PresenceCounts()
    counts.add(post)
    counts.add(post)
    assert counts.pairs_exceed(4) and not counts.pairs_exceed(5)  # 5 distinct pairs of 10 counted
    assert counts.drain()[PAIRS] == {(M1, "x"): Counter({
        ("good", "sentiment:positive"): 2, ("great", "sentiment:positive"): 2, ("forest", "sentiment:positive"): 2,
        ("good", "sentiment:positive#1"): 2, ("great", "sentiment:positive#0"): 2})}


def _posts_of_few_words():
    from hypothesis import strategies as st

    words = st.sampled_from(["a", "b", "c", "d", "e"])
    anchors = st.sampled_from(["x", "y", "z#0", "z#1"])
    post = st.fixed_dictionaries(
        {"month": st.sampled_from([M1, M2]), "platform": st.sampled_from(["twitter", "reddit"]),
         "source_file": st.sampled_from(["f0", "f1"]),
         "terms": st.one_of(st.lists(words, max_size=6), st.sets(words)),  # a list may hold a term twice
         "anchors": st.one_of(st.sets(anchors), st.lists(anchors, max_size=4))},
        optional={"paired_anchors": st.sets(anchors), "half_pairs": st.lists(st.tuples(words, anchors), max_size=3)})
    # (post, None or a limit to ask pairs_exceed about after it: a fold when it may be passed)
    return st.lists(st.tuples(post, st.none() | st.integers(0, 40)), max_size=40)


def _counted_one_pair_at_a_time(posts, key):
    """The counts written out post by post, term by term (the oracle: no sparse product)."""
    tables = {table: {} for table in (TOTALS, TERMS, ANCHORS, PAIRS)}

    def add(table, partition, item):
        counter = tables[table].setdefault(partition, Counter())
        counter[item] += 1

    for post in posts:
        partition = key(*(post[field] for field in key._fields))
        add(TOTALS, partition, None)
        tables[TERMS].setdefault(partition, Counter())  # a post without terms still has its partition's Counter
        for term in post["terms"]:
            add(TERMS, partition, term)
        if not post["anchors"]:
            continue
        tables[PAIRS].setdefault(partition, Counter())
        for anchor in post["anchors"]:
            add(ANCHORS, partition, anchor)
        for term in post["terms"]:
            for anchor in post.get("paired_anchors", post["anchors"]):
                add(PAIRS, partition, (term, anchor))
        for pair in post.get("half_pairs", ()):
            add(PAIRS, partition, pair)
    return tables


def test_presence_counts_are_the_counts_pair_by_pair_however_often_they_are_folded_or_drained():
    from hypothesis import given, settings

    from pipelines.induction.counting import PresenceCounts

    @settings(max_examples=300, deadline=None)
    @given(_posts_of_few_words(), st_key())
    def check(posts_and_asks, key):
        counts = PresenceCounts(key)
        drained = []
        for i, (post, limit) in enumerate(posts_and_asks):
            counts.add(post)
            if limit is not None:
                counts.pairs_exceed(limit)
            if i % 7 == 6:
                drained.append(counts.drain())
        drained.append(counts.drain())
        posts = [post for post, _ in posts_and_asks]
        whole = _counted_one_pair_at_a_time(posts, key)
        for table, by_partition in whole.items():
            summed = {}
            for part in drained:
                for partition, counter in part[table].items():
                    summed.setdefault(partition, Counter()).update(counter)
            assert summed == by_partition, table
            assert all(type(p) is key for p in summed)
        # pairs_exceed: beyond the distinct pairs of paired anchors plus the distinct half pairs
        with_anchors = [(key(*(post[field] for field in key._fields)), post) for post in posts if post["anchors"]]
        products = {(partition, (term, anchor)) for partition, post in with_anchors
                    for term in post["terms"] for anchor in post.get("paired_anchors", post["anchors"])}
        halves = {(partition, pair) for partition, post in with_anchors for pair in post.get("half_pairs", ())}
        entries = len(products) + len(halves)
        counts = PresenceCounts(key)
        for post in posts:
            counts.add(post)
        assert not counts.pairs_exceed(entries)  # before any fold
        assert counts.pairs_exceed(entries - 1) and not counts.pairs_exceed(entries)
        assert dict(counts.drain()[PAIRS]) == whole[PAIRS]

    check()


def st_key():
    from hypothesis import strategies as st

    return st.sampled_from([Partition, FilePartition])
