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
