"""The run window (months x platforms): validation, containment, and the Beam split."""

import apache_beam as beam
import pytest
from apache_beam.testing.test_pipeline import TestPipeline as BeamTestPipeline  # a name pytest does not collect
from apache_beam.testing.util import assert_that, equal_to
from hypothesis import given
from hypothesis import strategies as st

from pipelines.reading.keep_window import KeepWindow
from pipelines.reading.window import OUTSIDE_DATE_RANGE, PLATFORM_NOT_SELECTED, PostWindow

months = st.builds(lambda y, m: f"{y}-{m:02d}", st.integers(2014, 2024), st.integers(1, 12))
platform_sets = st.lists(st.sampled_from(["twitter", "reddit", "youtube"]), unique=True).map(tuple)


@st.composite
def windows(draw):
    low, high = draw(st.none() | months), draw(st.none() | months)
    if low and high and low > high:
        low, high = high, low
    return PostWindow(low, high, draw(platform_sets))


def test_reject_reasons_at_the_edges():
    window = PostWindow("2019-03", "2019-05", ("reddit",))
    assert window.reject_reason("reddit", "2019-03") is None
    assert window.reject_reason("reddit", "2019-05") is None
    assert window.reject_reason("reddit", "2019-02") == OUTSIDE_DATE_RANGE
    assert window.reject_reason("reddit", "2019-06") == OUTSIDE_DATE_RANGE
    assert window.reject_reason("twitter", "2019-04") == PLATFORM_NOT_SELECTED


@pytest.mark.parametrize("kwargs, message", [
    ({"from_month": "2019-13"}, "from-month must be YYYY-MM"),
    ({"to_month": "2019-1"}, "to-month must be YYYY-MM"),
    ({"from_month": "2020-01", "to_month": "2019-12"}, "is after"),
    ({"platforms": ("mastodon",)}, "unknown platform"),
])
def test_bad_windows_are_refused(kwargs, message):
    with pytest.raises(ValueError, match=message):
        PostWindow(**kwargs)


@pytest.mark.parametrize("month", ["2019-1", "2019-13", "2019-01\n", "19-01", "2019/01"])
def test_undated_as_and_the_window_share_one_month_rule(month):
    from pipelines.reading.sources import undated_month

    for check in (lambda: PostWindow(from_month=month), lambda: undated_month(month)):
        with pytest.raises(ValueError, match=r"must be YYYY-MM, got "):
            check()


def test_a_reader_refuses_an_undated_month_before_any_post_is_read_in():
    """Not only --undated-as: `evaluate` gave its readers 2000-01, and its undated posts all became rejects."""
    from pipelines.reading.sources import SourceOptions, undated_month

    assert undated_month("2005-01").year == 2005
    for check in (lambda: undated_month("2004-12"), lambda: SourceOptions(undated_as="2000-01")):
        with pytest.raises(ValueError, match="before 2005-01, the earliest month a post is read in"):
            check()


def test_containment_by_hand():
    everything = PostWindow()
    year = PostWindow("2019-01", "2019-12")
    spring_reddit = PostWindow("2019-03", "2019-05", ("reddit",))
    assert everything.contains(year) and year.contains(spring_reddit)
    assert not year.contains(everything)
    assert not spring_reddit.contains(year)
    assert not PostWindow(platforms=("reddit",)).contains(PostWindow())


@given(windows(), windows(), st.sampled_from(["twitter", "reddit", "youtube"]), months)
def test_contains_means_every_partition_is_held(outer, inner, platform, month):
    assert outer.contains(outer)
    if outer.contains(inner) and inner.holds(platform, month):
        assert outer.holds(platform, month)


def _post(post_id, platform, month):
    return {"platform": platform, "post_id": post_id, "month": month, "source_file": "/in/a.jsonl",
            "record_no": int(post_id)}


def test_keep_window_splits_posts_into_kept_and_rejects():
    posts = [_post("1", "twitter", "2019-01"), _post("2", "twitter", "2018-12"), _post("3", "youtube", "2019-02")]
    with BeamTestPipeline(runner="FnApiRunner") as p:
        batches = [posts[:2], posts[2:]]  # the job's elements are batches of posts
        kept, outside = p | beam.Create(batches) | KeepWindow(PostWindow("2019-01", None, ("twitter", "reddit")))
        assert_that(kept | "Ids" >> beam.Map(lambda batch: [post["post_id"] for post in batch]),
                    equal_to([["1"]]), label="kept")
        assert_that(outside | "Reasons" >> beam.Map(lambda r: (r["record_no"], r["reason"], r["excerpt"])),
                    equal_to([(2, OUTSIDE_DATE_RANGE, "twitter 2 2018-12"),
                              (3, PLATFORM_NOT_SELECTED, "youtube 3 2019-02")]), label="outside")


def test_loaded_copies_are_the_runs_copies_of_loaded_posts_only():
    from pipelines.reading.dedupe import LOADED, loaded_copies

    keys = [("twitter", "1", *LOADED, False), ("twitter", "1", "a.jsonl", 3, False), ("twitter", "2", "a.jsonl", 4, False),
            ("reddit", "1", "a.jsonl", 5, False), ("reddit", "9", *LOADED, False)]
    assert loaded_copies(keys) == [("a.jsonl", 3)]  # twitter 2 and reddit 1 are not loaded; reddit 9 is not the run's
