"""Which reader a JSON file gets when no --format is given: a record that names its own platform, or
whose fields the user maps, is read as mipulse's generic record, however much it looks like a
platform's export (found by an exploratory test: YouTube posts with a `user` object became tweets)."""

from __future__ import annotations

import io
import json

from pipelines.reading.posts import Reject
from pipelines.reading.sources import SourceOptions, read_records


def read(content: bytes, **options) -> list:
    return list(read_records("export.jsonl", io.BytesIO(content), SourceOptions(author_salt="pepper", **options)))


def ndjson(*records) -> bytes:
    return b"".join(json.dumps(r).encode() + b"\n" for r in records)


def test_a_record_with_its_platform_and_a_user_object_keeps_its_platform():
    posts = read(ndjson({"platform": "youtube", "id": "y0", "created_at": "2020-05-05T00:00:00Z",
                         "text": "great video", "user": {"name": "bob"}}))
    assert [(p["platform"], p["post_id"]) for p in posts] == [("youtube", "y0")]
    # without the platform field it is a Twitter v1.1 status, as before
    status = read(ndjson({"id_str": "7", "created_at": "Wed Oct 10 20:19:24 +0000 2018", "full_text": "a tweet",
                          "user": {"id_str": "42"}}))
    assert [(p["platform"], p["post_id"]) for p in status] == [("twitter", "7")]


def test_a_record_with_its_platform_and_reddit_fields_is_not_made_a_reddit_comment():
    items = read(ndjson({"platform": "twitter", "id": "n0", "created_utc": 1588636800, "body": "hello"}))
    assert [(i.reason if isinstance(i, Reject) else i["platform"]) for i in items] == ["missing created_at, text"]
    mapped = read(ndjson({"platform": "twitter", "id": "n0", "created_utc": 1588636800, "body": "hello"}),
                  columns="created_at=created_utc,text=body")
    assert [(p["platform"], p["post_id"], p["month"]) for p in mapped] == [("twitter", "n0", "2020-05")]


def test_the_users_column_mapping_is_read_even_when_records_look_like_a_platforms():
    posts = read(ndjson({"uid": "u1", "body": "hi", "ts": "2021-01-01T00:00:00Z", "user": {"id": "9"}}),
                 columns="post_id=uid,text=body,created_at=ts,author=user.id", default_platform="reddit")
    assert [(p["platform"], p["post_id"], p["text"]) for p in posts] == [("reddit", "u1", "hi")]


TWARC = {"version": "2.10.4", "url": "https://api.twitter.com/2/tweets/search/all"}


def test_tweets_flattened_by_twarc2_are_read_as_twitter_v2_with_their_inlined_retweets():
    """`twarc2 flatten` writes one tweet per line with its expansions inlined: it was read as a generic
    record without a platform, or, with --format twitter-v2, rejected as 'no data list'."""
    lines = ndjson(
        {"id": "2001", "text": "the climate is changing", "created_at": "2021-03-04T05:06:07.000Z", "author_id": "42",
         "author": {"id": "42", "username": "fan"}, "__twarc": TWARC},
        {"id": "2002", "text": "RT @fan: the climate is chan\u2026", "created_at": "2021-03-04T06:00:00.000Z",
         "author_id": "43", "__twarc": TWARC,
         "referenced_tweets": [{"type": "retweeted", "id": "1990", "text": "the climate is changing fast, all of it",
                                "created_at": "2021-03-01T00:00:00.000Z", "author_id": "42"}]},
        {"id": "2003", "text": "RT @someone: unseen", "created_at": "2021-03-04T06:00:00.000Z", "author_id": "44",
         "referenced_tweets": [{"type": "retweeted", "id": "1991"}], "__twarc": TWARC},
        {"id": "2004", "text": "a reply", "created_at": "2021-03-04T07:00:00.000Z", "author_id": "45", "__twarc": TWARC,
         "referenced_tweets": [{"type": "replied_to", "id": "2001", "text": "the climate is changing",
                                "created_at": "2021-03-04T05:06:07.000Z", "author_id": "42"}]})
    for options in ({}, {"format": "twitter-v2"}):
        items = read(lines, **options)
        assert [(i.record_no, i.reason) if isinstance(i, Reject) else
                (i["record_no"], i["platform"], i["post_id"], i["month"], i["text"], i["parent_id"]) for i in items] == [
            (1, "twitter", "2001", "2021-03", "the climate is changing", None),
            (2, "twitter", "1990", "2021-03", "the climate is changing fast, all of it", None),  # the original
            (3, "retweet"),  # its original was not inlined: only the truncated "RT" copy is there
            (4, "twitter", "2004", "2021-03", "a reply", "2001")]


def test_search_pages_saved_as_one_json_array_and_pages_without_results():
    """A JSON array of v2 search pages had been one reject ('record is not an object') holding all
    their tweets; a page that found nothing, a reject 'no data list'."""
    def page(*ids):
        return {"data": [{"id": i, "text": f"tweet {i}", "created_at": "2021-03-04T05:06:07.000Z", "author_id": "1"}
                         for i in ids], "meta": {"result_count": len(ids)}}

    empty = {"meta": {"result_count": 0}}
    pages = json.dumps([page("1", "2"), empty, page("3")], indent=1).encode()
    for options in ({}, {"format": "twitter-v2"}):
        assert [(i["record_no"], i["post_id"]) for i in read(pages, **options)] == [(1, "1"), (2, "2"), (3, "3")]
        assert [(i["record_no"], i["post_id"]) for i in read(ndjson(page("1"), empty, page("2")), **options)] == [
            (1, "1"), (2, "2")]
    errors = read(ndjson({"errors": [{"message": "Rate limit exceeded"}], "meta": {"result_count": 1}}),
                  format="twitter-v2")
    assert [i.reason for i in errors] == ["not a Twitter v2 response: no 'data' list"]  # not an empty page


def test_a_reddit_comment_identified_by_its_fullname_alone_has_an_id():
    """A comment with only `name` ("t1_abc", as Reddit's API gives it) had been 'missing post_id'."""
    comment = {"body": "hello", "created_utc": 1588636800, "subreddit": "climate"}
    posts = read(ndjson({**comment, "name": "t1_abc"}, {**comment, "id": "xyz", "name": "t1_xyz"}))
    assert [p["post_id"] for p in posts] == ["t1_abc", "t1_xyz"]


def test_a_twitter_archives_tweets_js_is_read_as_its_statuses():
    """The tweets.js of a downloaded Twitter/X archive: a JavaScript assignment of a JSON array of
    {"tweet": status}; it had been a hundred 'invalid JSON' lines."""
    content = b"""window.YTD.tweets.part0 = [
  {
    "tweet" : {
      "id_str" : "1050118621198921728",
      "full_text" : "Heat waves are getting worse every year",
      "created_at" : "Wed Oct 10 20:19:24 +0000 2018",
      "in_reply_to_status_id_str" : "1050118621198921700"
    }
  },
  {
    "tweet" : {
      "id_str" : "1050118621198921729",
      "full_text" : "Great news: solar is now cheaper than coal",
      "created_at" : "Wed Oct 10 21:19:24 +0000 2018"
    }
  }
]
"""
    items = list(read_records("tweets.js", io.BytesIO(content), SourceOptions(author_salt="pepper")))
    assert [(p["record_no"], p["platform"], p["post_id"], p["created_at"].isoformat(), p["parent_id"]) for p in items] == [
        (1, "twitter", "1050118621198921728", "2018-10-10T20:19:24", "1050118621198921700"),
        (2, "twitter", "1050118621198921729", "2018-10-10T21:19:24", None)]
