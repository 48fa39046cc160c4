"""Readers on hand-written fixtures in each platform's documented export format."""

from __future__ import annotations

import gzip
import io
import json
from datetime import date, datetime, timezone

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
import zstandard

from pipelines.reading.posts import ROUNDED_ID, RecordError, Reject, author_key, parse_timestamp
from pipelines.reading.sources import SourceOptions, read_records

SALT = "pepper"


def read(name: str, content: bytes, **options) -> list:
    return list(read_records(name, io.BytesIO(content), SourceOptions(author_salt=SALT, **options)))


def ndjson(*records) -> bytes:
    return b"".join(json.dumps(r).encode() + b"\n" for r in records)


def summary(items: list) -> list[tuple]:
    """(record_no, post_id or reject reason) per item."""
    return [(i.record_no, "reject", i.reason) if isinstance(i, Reject) else (i["record_no"], i["post_id"])
            for i in items]


# ---- Twitter API v2 ---------------------------------------------------------------------

V2_RESPONSE = {
    "data": [
        {"id": "1001", "text": "@greta_fan the #ClimateCrisis is real", "author_id": "42",
         "created_at": "2021-03-04T05:06:07.000Z", "lang": "en"},
        {"id": "1002", "text": "A long thought that Twitter cut at 280 chars…",
         "note_tweet": {"text": "A long thought that Twitter cut at 280 chars, in full."},
         "author_id": "43", "created_at": "2021-03-04T06:00:00.000Z", "lang": "en",
         "referenced_tweets": [{"type": "replied_to", "id": "1001"}]},
        {"id": "1003", "text": "RT @greta_fan: the #ClimateCrisis is…", "author_id": "44",
         "created_at": "2021-03-05T00:00:00.000Z",
         "referenced_tweets": [{"type": "retweeted", "id": "0999"}]},
        {"id": "1004", "text": "RT @someone: unseen", "author_id": "44",
         "created_at": "2021-03-05T00:00:00.000Z",
         "referenced_tweets": [{"type": "retweeted", "id": "0998"}]},
        {"id": "1005", "author_id": "45", "created_at": "2021-03-05T00:00:00.000Z"},
    ],
    "includes": {
        "users": [{"id": "42", "username": "greta_fan", "name": "G. Fan"}],
        "tweets": [{"id": "0999", "text": "the #ClimateCrisis is real, and older", "author_id": "46",
                    "created_at": "2020-12-31T23:59:59.000Z", "lang": "en"}],
    },
    "meta": {"result_count": 5, "newest_id": "1005"},
}


def test_twitter_v2_pretty_printed_response_is_one_document_numbered_by_position():
    items = read("search.json", json.dumps(V2_RESPONSE, indent=2).encode())
    assert summary(items) == [(1, "1001"), (2, "1002"), (3, "0999"), (4, "reject", "retweet"),
                              (5, "reject", "missing text")]
    first, reply, retweet = items[:3]
    assert first["text"] == "@user the #ClimateCrisis is real"
    assert first["created_at"] == datetime(2021, 3, 4, 5, 6, 7)
    assert first["author_key"] == author_key("twitter", "42", SALT)
    assert reply["text"] == "A long thought that Twitter cut at 280 chars, in full."
    assert reply["parent_id"] == "1001"
    # A retweet is read as its original: original id, author, time and full text.
    assert retweet["text"] == "the #ClimateCrisis is real, and older"
    assert retweet["author_key"] == author_key("twitter", "46", SALT)
    assert retweet["month"] == "2020-12"


def test_twitter_v2_one_response_per_line_numbers_records_across_lines():
    page2 = {"data": [{"id": "2001", "text": "second page", "author_id": "1",
                       "created_at": "2022-01-01T00:00:00Z"}], "meta": {"result_count": 1}}
    empty = {"meta": {"result_count": 0}, "data": []}
    items = read("pages.jsonl", ndjson(V2_RESPONSE, empty, page2))
    assert [s[:2] for s in summary(items)] == [(1, "1001"), (2, "1002"), (3, "0999"), (4, "reject"),
                                               (5, "reject"), (6, "2001")]


def test_twitter_v2_response_with_wrong_data_type_is_one_reject():
    items = read("bad.json", ndjson({"data": "oops", "includes": {}}), format="twitter-v2")
    assert summary(items) == [(1, "reject", "not a Twitter v2 response: no 'data' list")]


# ---- Twitter API v1.1 -------------------------------------------------------------------

def v1_status(id_str: str, **fields) -> dict:
    return {"created_at": "Wed Oct 10 20:19:24 +0000 2018", "id": int(id_str), "id_str": id_str,
            "text": f"text of {id_str}", "truncated": False, "lang": "en",
            "user": {"id": 7, "id_str": "7", "screen_name": "SecretHandle", "name": "Secret Name"},
            **fields}


V1_STATUSES = [
    v1_status("11", text="Short and plain @SecretHandle"),
    v1_status("12", truncated=True, text="Long tweet cut short… https://t.co/x",
              extended_tweet={"full_text": "Long tweet in its extended form, complete."}),
    v1_status("13", full_text="Fetched with tweet_mode=extended", text=None),
    v1_status("14", truncated=True, text="Truncated with no extension…"),
    v1_status("15", text="RT @SecretHandle: Short and plain",
              retweeted_status=v1_status("11", text="Short and plain @SecretHandle")),
    v1_status("16", in_reply_to_status_id_str="11", in_reply_to_status_id=11, text="a reply"),
    v1_status("17", created_at="Wed Oct 10 20:19:24 +0000 1990"),
]


def test_twitter_v1_statuses_per_line():
    items = read("stream.jsonl", ndjson(*V1_STATUSES))
    assert summary(items) == [(1, "11"), (2, "12"), (3, "13"), (4, "14"), (5, "11"), (6, "16"),
                              (7, "reject", "created_at out of range")]
    texts = [i["text"] for i in items[:6]]
    assert texts == ["Short and plain @user", "Long tweet in its extended form, complete.",
                     "Fetched with tweet_mode=extended", "Truncated with no extension…",
                     "Short and plain @user", "a reply"]
    assert items[0]["created_at"] == datetime(2018, 10, 10, 20, 19, 24)
    assert items[5]["parent_id"] == "11"
    assert items[0]["author_key"] == author_key("twitter", "7", SALT)


def test_twitter_v1_search_response_document():
    items = read("search.json", json.dumps({"statuses": V1_STATUSES[:2], "search_metadata": {}}).encode())
    assert summary(items) == [(1, "11"), (2, "12")]


def test_raw_handles_never_reach_posts_or_rejects():
    broken = v1_status("18", created_at="not a date", text="@SecretHandle says hi")
    items = read("stream.jsonl", ndjson(*V1_STATUSES, broken, {"user": {"screen_name": "SecretHandle"}}))
    rows = [i.as_row() if isinstance(i, Reject) else i for i in items]
    assert len(rows) == len(V1_STATUSES) + 2
    assert "secrethandle" not in json.dumps(rows, default=str).lower()
    assert "secret name" not in json.dumps(rows, default=str).lower()


# ---- Reddit -------------------------------------------------------------------------------

REDDIT_RECORDS = [
    {"id": "abc1", "name": "t3_abc1", "subreddit": "climate", "author": "u1", "created_utc": 1577836800,
     "title": "Heat records", "selftext": "Another hot year."},
    {"id": "abc2", "subreddit": "climate", "author": "u2", "created_utc": "1577836801",
     "title": "A link post", "selftext": "", "url": "https://example.org"},
    {"id": "abc3", "subreddit": "climate", "author": "[deleted]", "created_utc": 1577836802,
     "title": "[deleted by user]", "selftext": "[deleted]"},
    {"id": "c1", "subreddit": "climate", "author": "u3", "created_utc": 1577836900,
     "body": "Top-level comment @u1", "parent_id": "t3_abc1", "link_id": "t3_abc1"},
    {"id": "c2", "subreddit": "climate", "author": "[deleted]", "created_utc": 1577837000,
     "body": "Nested reply that survives its author", "parent_id": "t1_c1", "link_id": "t3_abc1"},
    {"id": "c3", "subreddit": "climate", "author": "mod", "created_utc": 1577837100,
     "body": "[removed]", "parent_id": "t1_c1", "link_id": "t3_abc1"},
]


def zst_frames(content: bytes) -> bytes:
    """Compress as a stream (no content size in the header), like the Reddit dumps."""
    out = io.BytesIO()
    with zstandard.ZstdCompressor(level=3).stream_writer(out, closefd=False) as writer:
        for start in range(0, len(content), 100):
            writer.write(content[start:start + 100])
            writer.flush(zstandard.FLUSH_FRAME)
    return out.getvalue()


@pytest.mark.parametrize("name,encode", [("RS_2020-01.ndjson", lambda b: b), ("RC_2020-01.zst", zst_frames)])
def test_reddit_submissions_and_comments(name, encode):
    items = read(name, encode(ndjson(*REDDIT_RECORDS)))
    assert summary(items) == [(1, "t3_abc1"), (2, "t3_abc2"), (3, "reject", "[deleted]"), (4, "t1_c1"),
                              (5, "t1_c2"), (6, "reject", "[removed]")]
    assert items[0]["text"] == "Heat records\n\nAnother hot year."
    assert items[1]["text"] == "A link post"
    assert items[3]["text"] == "Top-level comment @user"
    assert (items[3]["parent_id"], items[4]["parent_id"]) == ("t3_abc1", "t1_c1")
    assert items[4]["author_key"] is None
    assert items[0]["created_at"] == datetime(2020, 1, 1)


def reddit_submission(post_id: str, title: str, selftext: str) -> dict:
    return {"id": post_id, "subreddit": "climate", "author": "u1", "created_utc": 1577836800,
            "title": title, "selftext": selftext}


@pytest.mark.parametrize("placeholder, reason", [
    ("[ Removed by Reddit ]", "[removed]"),
    ("[ Removed by Reddit on account of violating the [content policy](/help/contentpolicy). ]", "[removed]"),
    ("[removed by moderator]", "[removed]"), ("[deleted by user]", "[deleted]"), (" [Removed]\n", "[removed]")])
def test_every_reddit_removal_placeholder_is_missing_text_not_a_neutral_post(placeholder, reason):
    comment = {"id": "c9", "subreddit": "climate", "author": "u1", "created_utc": 1577836800,
               "body": placeholder, "parent_id": "t3_abc1"}
    items = read("RC_2020-01.ndjson", ndjson(comment, reddit_submission("s9", placeholder, "")))
    assert summary(items) == [(1, "reject", reason), (2, "reject", reason)]


def test_a_submission_whose_selftext_is_gone_keeps_its_real_title():
    items = read("RS_2020-01.ndjson", ndjson(reddit_submission("s1", "Heat records", "[removed]"),
                                             reddit_submission("s2", "[OC] Heat map", "[ Removed by Reddit ]"),
                                             reddit_submission("s3", "[deleted by user]", "[deleted]"),
                                             reddit_submission("s4", "[removed] by the mods, why?", "")))
    assert summary(items) == [(1, "t3_s1"), (2, "t3_s2"), (3, "reject", "[deleted]"), (4, "t3_s4")]
    assert [item["text"] for item in items if not isinstance(item, Reject)] == [
        "Heat records", "[OC] Heat map", "[removed] by the mods, why?"]


# ---- YouTube ------------------------------------------------------------------------------

def yt_comment(cid: str, text: str, parent: str | None = None, display: str | None = None) -> dict:
    snippet = {"videoId": "vid1", "textDisplay": display or f"<b>{text}</b>", "textOriginal": text,
               "authorDisplayName": "@SecretHandle", "authorChannelId": {"value": f"UC{cid}"},
               "publishedAt": "2019-05-06T07:08:09Z", "updatedAt": "2019-05-06T07:08:09Z"}
    if parent:
        snippet["parentId"] = parent
    return {"kind": "youtube#comment", "etag": "e", "id": cid, "snippet": snippet}


YT_THREADS = {
    "kind": "youtube#commentThreadListResponse", "etag": "e", "nextPageToken": "n",
    "pageInfo": {"totalResults": 2, "resultsPerPage": 20},
    "items": [
        {"kind": "youtube#commentThread", "id": "t1",
         "snippet": {"videoId": "vid1", "topLevelComment": yt_comment("t1", "Great video"),
                     "totalReplyCount": 2, "canReply": True, "isPublic": True},
         "replies": {"comments": [yt_comment("t1.r1", "I disagree", "t1"),
                                  yt_comment("t1.r2", "@SecretHandle me too", "t1")]}},
        {"kind": "youtube#commentThread", "id": "t2",
         "snippet": {"videoId": "vid1", "topLevelComment": yt_comment("t2", ""), "totalReplyCount": 0}},
    ],
}


def test_youtube_comment_threads_with_replies():
    items = read("threads.json", json.dumps(YT_THREADS, indent=1).encode())
    assert summary(items) == [(1, "t1"), (2, "t1.r1"), (3, "t1.r2"), (4, "reject", "empty text")]
    assert [i["text"] for i in items[:3]] == ["Great video", "I disagree", "@user me too"]
    assert [i["parent_id"] for i in items[:3]] == [None, "t1", "t1"]
    assert items[0]["author_key"] == author_key("youtube", "UCt1", SALT)
    assert items[0]["created_at"] == datetime(2019, 5, 6, 7, 8, 9)


def test_youtube_comments_list_response_per_line():
    listing = {"kind": "youtube#commentListResponse", "items": [yt_comment("r9", "reply", "t1"), 5]}
    items = read("comments.jsonl", ndjson(listing, listing))
    assert summary(items) == [(1, "r9"), (2, "reject", "record is not an object"), (3, "r9"),
                              (4, "reject", "record is not an object")]


# ---- CSV, JSONL, Parquet with a column mapping --------------------------------------------

MAPPING = "text=body,created_at=ts,post_id=uid,author=who.id,platform=site"


def test_jsonl_with_nested_column_mapping():
    rows = [{"uid": 1, "body": "hello", "ts": "2020-02-02T00:00:00Z", "who": {"id": "a"}, "site": "reddit"},
            {"uid": 2, "body": 3, "ts": "2020-02-02T00:00:00Z", "site": "reddit"}]
    items = read("export.jsonl", ndjson(*rows), columns=MAPPING)
    assert summary(items) == [(1, "1"), (2, "reject", "text is not a string")]
    assert items[0]["author_key"] == author_key("reddit", "a", SALT)


def test_csv_with_mapping_bom_and_short_rows():
    content = "\ufeffuid,body,ts,site\n1,\"hi, there\",2020-02-02 10:00:00,youtube\n2,short\n".encode()
    items = read("export.csv", content, columns="text=body,created_at=ts,post_id=uid,platform=site")
    assert summary(items) == [(1, "1"), (2, "reject", "wrong number of CSV fields")]
    assert items[0]["text"] == "hi, there"


def test_a_csv_saved_by_excel_with_semicolons_is_read_like_the_comma_one():
    """Excel writes ';' where the decimal mark is a comma, with a BOM and CRLF; such a file had been refused
    for lacking every field. A header with a comma stays comma-separated."""
    semicolons = ('\ufeffid;text;created_at;platform\r\n1;"hi, there; you";2020-02-02;reddit\r\n'
                  '2;"two\r\nlines";2020-02-03;youtube\r\n').encode()
    commas = 'id,text,created_at,platform\n1,"hi, there; you",2020-02-02,reddit\n2,"two\r\nlines",2020-02-03,youtube\n'
    items = read("export.csv", semicolons)
    assert summary(items) == summary(read("export.csv", commas.encode())) == [(1, "1"), (2, "2")]
    assert [i["text"] for i in items] == ["hi, there; you", "two\r\nlines"]
    quoted = b'id,"text;body",created_at,platform\n1,hi,2020-02-02,reddit\n'
    assert summary(read("export.csv", quoted, columns="text=text;body")) == [(1, "1")]


@pytest.mark.parametrize("name,encode", [("export.tsv", lambda b: b), ("export.tsv.gz", gzip.compress)])
def test_tsv_is_split_at_tabs_not_commas(name, encode):
    content = b'uid\tbody\tts\tsite\n1\thi, there\t2020-02-02 10:00:00\tyoutube\n2\t"tab\tinside"\t2020-02-03\treddit\n'
    items = read(name, encode(content), columns="text=body,created_at=ts,post_id=uid,platform=site")
    assert summary(items) == [(1, "1"), (2, "2")]
    assert [i["text"] for i in items] == ["hi, there", "tab\tinside"]


def test_csv_rows_that_are_not_utf8_are_rejects_like_jsonl_not_mangled_posts():
    """A Latin-1 'café' had been loaded as 'caf\ufffd'; now it is counted, the other rows load."""
    content = (b"id,text,created_at,platform\n"
               b"1,caf\xe9 au lait,2020-02-02,reddit\n"          # Latin-1
               b"2,\x93quoted\x94 by cp1252,2020-02-02,reddit\n"  # cp1252 curly quotes
               b"3,caf\xc3\xa9 in UTF-8,2020-02-02,reddit\n")
    items = read("export.csv", content)
    assert summary(items) == [(1, "reject", "invalid UTF-8"), (2, "reject", "invalid UTF-8"), (3, "3")]
    assert items[2]["text"] == "caf\u00e9 in UTF-8"
    assert items[0].as_row()["excerpt"].encode("utf-8")  # storable: no lone surrogate left
    assert summary(read("export.jsonl", b'{"id": "1", "text": "caf\xe9"}\n')) == [(1, "reject", "invalid UTF-8")]


UTF8_BOM = b"\xef\xbb\xbf"


@pytest.mark.parametrize("suffix,encode", [("", lambda b: b), (".gz", gzip.compress), (".zst", zst_frames)])
def test_a_byte_order_mark_opening_a_json_file_is_dropped(suffix, encode):
    """Windows tools write a BOM: it had made line 1 "invalid JSON" and a pretty-printed
    response a hundred "invalid JSON" lines."""
    rows = ndjson({"id": "a", "platform": "reddit", "text": "first", "created_at": "2020-02-02"},
                  {"id": "b", "platform": "reddit", "text": "second", "created_at": "2020-02-02"})
    assert summary(read("export.jsonl" + suffix, encode(UTF8_BOM + rows))) == [(1, "a"), (2, "b")]
    for document in (V2_RESPONSE, V1_STATUSES[:2], YT_THREADS):
        pretty = json.dumps(document, indent=2).encode()
        assert summary(read("page.json" + suffix, encode(UTF8_BOM + pretty))) == summary(read("page.json", pretty))


def test_ids_rounded_by_a_spreadsheet_or_a_float_are_rejects_not_one_post_and_duplicates():
    """A spreadsheet saves tweet ids as 1.23457E+18 and a JavaScript number rounds them: thirty
    tweets then share one id, and all but one were dropped as duplicates of it."""
    content = ("id,text,created_at,platform\n"
               "1.23457E+18,first,2020-02-02,twitter\n"
               "1.23457E+18,second,2020-02-02,twitter\n"
               "1234567890123456789,exact,2020-02-02,twitter\n"
               "3e8,a base-36 reddit id,2020-02-02,reddit\n").encode()
    assert summary(read("export.csv", content)) == [
        (1, "reject", ROUNDED_ID), (2, "reject", ROUNDED_ID), (3, "1234567890123456789"), (4, "3e8")]
    rows = [{"id": 1.2345678901234567e18, "text": "a", "created_at": "2020-02-02", "platform": "twitter"},
            {"id": 1234567890123456789, "text": "b", "created_at": "2020-02-02", "platform": "twitter"},
            {"id": 12345.0, "text": "c", "created_at": "2020-02-02", "platform": "twitter"},
            {"id": 12.5, "text": "d", "created_at": "2020-02-02", "platform": "twitter"}]
    assert summary(read("export.jsonl", ndjson(*rows))) == [
        (1, "reject", ROUNDED_ID), (2, "1234567890123456789"), (3, "12345.0"), (4, "reject", ROUNDED_ID)]


def test_parquet_with_mapping_and_native_timestamps(tmp_path):
    table = pa.table({"uid": ["p1", "p2"], "body": ["first", None],
                      "ts": pa.array([datetime(2021, 6, 1, 12), datetime(2021, 6, 2)], pa.timestamp("ms"))})
    path = tmp_path / "export.parquet"
    pq.write_table(table, path)
    items = read(str(path), path.read_bytes(), columns="text=body,created_at=ts,post_id=uid", default_platform="twitter")
    assert summary(items) == [(1, "p1"), (2, "reject", "missing text")]
    assert items[0]["created_at"] == datetime(2021, 6, 1, 12)


def test_undated_records_get_the_given_month_only_when_time_is_absent():
    rows = [{"id": "a", "platform": "reddit", "text": "no date", "created_at": ""},
            {"id": "b", "platform": "reddit", "text": "bad date", "created_at": "someday"}]
    items = read("goemotions.jsonl", ndjson(*rows), undated_as="2019-01")
    assert summary(items) == [(1, "a"), (2, "reject", "unparseable created_at")]
    assert items[0]["month"] == "2019-01"
    with pytest.raises(ValueError):
        SourceOptions(undated_as="2019")


def test_created_at_more_than_a_day_ahead_of_the_clock_is_a_reject():
    """Posts dated 2029 and 2091 had been accepted, and every chart's x axis ran to 2091; a day's
    margin keeps a fast clock or a wrongly written zone from rejecting today's posts."""
    now = datetime(2026, 12, 7, 12, 0, tzinfo=timezone.utc)
    assert parse_timestamp("2026-12-08T12:00:00Z", now=now) == datetime(2026, 12, 8, 12, 0, tzinfo=timezone.utc)
    for later in ("2026-12-08T12:00:01Z", "2029-05-01", "2026-12-08T08:00:01-04:00"):
        with pytest.raises(RecordError, match="^created_at in the future$"):
            parse_timestamp(later, now=now)
    rows = [{"id": str(n), "platform": "reddit", "text": "t", "created_at": when}
            for n, when in enumerate(["2091-01-01", 4_000_000_000, "2020-05-05"], start=1)]
    assert summary(read("export.jsonl", ndjson(*rows))) == [
        (1, "reject", "created_at in the future"), (2, "reject", "created_at in the future"), (3, "3")]


MAY_5_2020 = [1588636800000, "1588636800000", "Tue, 05 May 2020 00:00:00 +0000", "Tue May 05 00:00:00 +0000 2020",
              1588636800, "2020-05-05T00:00:00Z", "2020-05-05 00:00:00 UTC", "2020-05-05 00:00:00UTC"]


def test_created_at_in_epoch_milliseconds_rfc_2822_or_twitter_text_or_a_parquet_date(tmp_path):
    """Each had been an "unparseable created_at" in generic exports; a bare year stays a reject
    (it had been "created_at out of range", read as 2018 seconds after 1970)."""
    rows = [{"id": str(n), "platform": "reddit", "text": "t", "created_at": when}
            for n, when in enumerate([*MAY_5_2020, "2018", 2018], start=1)]
    items = read("export.jsonl", ndjson(*rows))
    assert summary(items) == [(1, "1"), (2, "2"), (3, "3"), (4, "4"), (5, "5"), (6, "6"), (7, "7"), (8, "8"),
                              (9, "reject", "unparseable created_at"), (10, "reject", "unparseable created_at")]
    assert {item["created_at"] for item in items[:8]} == {datetime(2020, 5, 5)}
    content = b'id,platform,text,created_at\n1,reddit,t,1588636800000\n2,reddit,t,"Tue, 05 May 2020 00:00:00 +0000"\n'
    assert [item["created_at"] for item in read("export.csv", content)] == [datetime(2020, 5, 5)] * 2
    # a tweets.js archive (window.YTD... prefix removed) mapped as the --columns hint suggests
    archive = ndjson({"tweet": {"id_str": "77", "full_text": "hi", "created_at": "Wed Oct 10 20:19:24 +0000 2018"}})
    items = read("tweets.jsonl", archive, columns="post_id=tweet.id_str,text=tweet.full_text,created_at=tweet.created_at",
                 default_platform="twitter")
    assert summary(items) == [(1, "77")] and items[0]["created_at"] == datetime(2018, 10, 10, 20, 19, 24)
    path = tmp_path / "dated.parquet"
    pq.write_table(pa.table({"id": ["d1"], "text": ["t"], "created_at": pa.array([date(2018, 12, 31)], pa.date32())}),
                   path)
    items = read(str(path), path.read_bytes(), default_platform="youtube")
    assert summary(items) == [(1, "d1")] and items[0]["created_at"] == datetime(2018, 12, 31)


def test_format_override_and_bad_column_spec():
    status = ndjson(v1_status("11"))
    # every missing field at once
    assert summary(read("x.jsonl", status, format="reddit")) == [(1, "reject", "missing post_id, created_at, text")]
    assert summary(read("x.jsonl", status, format="jsonl")) == [(1, "reject", "missing platform")]
    with pytest.raises(ValueError):
        SourceOptions(columns="txt=body")
    with pytest.raises(ValueError):
        SourceOptions(format="myspace")


def test_reject_excerpts_show_the_record_itself():
    items = read("search.json", json.dumps(V2_RESPONSE).encode() + b"\nnot json  \n")
    retweet, bad = items[3], items[-1]
    assert retweet.reason == "retweet" and retweet.excerpt.startswith('{"id": "1004"')
    assert '"0999"' not in retweet.excerpt  # the included tweets are not part of this record
    assert '"author_id": "<redacted>"' in retweet.excerpt
    assert (bad.reason, bad.excerpt) == ("invalid JSON", "<redacted> <redacted>")  # words outside JSON: allow-list


# ---- languages --------------------------------------------------------------------------

def test_posts_in_a_language_the_run_does_not_keep_are_rejects_that_name_it():
    """A Spanish tweet scored with English lexicons had counted as neutral (or worse), silently."""
    tweets = [v1_status(str(n), lang=lang) for n, lang in
              enumerate(["en", "es", "en-GB", "und", "qme", "pt_BR", "FR", None, "e?"], start=1)]
    assert summary(read("tweets.jsonl", ndjson(*tweets))) == [
        (1, "1"), (2, "reject", "language es not selected"), (3, "3"), (4, "4"), (5, "5"),
        (6, "reject", "language pt not selected"), (7, "reject", "language fr not selected"), (8, "8"), (9, "9")]
    assert summary(read("tweets.jsonl", ndjson(*tweets), languages=("en", "pt")))[5] == (6, "6")
    assert [item["lang"] for item in read("tweets.jsonl", ndjson(*tweets), languages=None)] == \
        ["en", "es", "en-GB", "und", "qme", "pt_BR", "FR", None, "e?"]
    # generic exports: a lang column is read as such, also as a language detector's or a spreadsheet's
    # (a column of "eng" had rejected every English post)
    content = (b"id,platform,created_at,text,lang\n1,reddit,2020-01-01,hola,es\n2,reddit,2020-01-01,hi,\n"
               b"3,reddit,2020-01-01,hi,eng\n4,reddit,2020-01-01,hola,spa\n5,reddit,2020-01-01,hi,English\n"
               b"6,reddit,2020-01-01,hola,Spanish\n")
    assert summary(read("export.csv", content)) == [
        (1, "reject", "language es not selected"), (2, "2"), (3, "3"), (4, "reject", "language es not selected"),
        (5, "5"), (6, "reject", "language es not selected")]
