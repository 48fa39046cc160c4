"""Issue 16, input side: bad characters, stray CSV quotes, damaged .zst tails, unreadable
files, handles in excerpts and texts. Reader-level cases (no Beam); tests/test_input_run.py
runs the same inputs through the whole job."""

from __future__ import annotations

import hashlib
import hmac
import io
import json

import pyarrow as pa
import pytest
import zstandard

from pipelines.reading.authors import author_key
from pipelines.reading.posts import Reject, redact_mentions, safe_excerpt
from pipelines.reading.readers.tabular import csv_rows
from pipelines.writing.sinks import SCHEMAS
from pipelines.reading.sources import FILE_READS, REJECTS, SourceOptions, _ParseFile, read_records
from pipelines.text.tokenizer import tokenize

SECRET = "issue16-secret-key"


def read(name: str, content: bytes, **options) -> list:
    return list(read_records(name, io.BytesIO(content), SourceOptions(author_salt=SECRET, **options)))


def posts_and_rejects(items: list) -> tuple[list[dict], list[Reject]]:
    return [i for i in items if not isinstance(i, Reject)], [i for i in items if isinstance(i, Reject)]


# ---- item 2: lone surrogates ------------------------------------------------------------

SURROGATE_LINES = (
    b'{"id": "1", "platform": "twitter", "created_at": "2020-01-05", "author": "ab\\ud800", "text": "fine"}\n'
    b'{"id": "2", "platform": "twitter", "created_at": "2020-01-05", "author": "cd", "text": "cut \\ud83d"}\n'
    b'{"id": "3", "platform": "twitter", "created_at": "2020-01-05", "author": "ef", "text": "ok", "lang": "e\\udc00"}\n'
    b'{"id": "4", "platform": "twitter", "author": "gh", "text": "no time \\ud800"}\n'
)


def test_lone_surrogates_are_repaired_and_every_row_can_be_stored():
    posts, rejects = posts_and_rejects(read("s.jsonl", SURROGATE_LINES))
    assert [p["post_id"] for p in posts] == ["1", "2", "3"]
    assert posts[1]["text"] == "cut \ufffd" and posts[2]["lang"] == "e\ufffd"
    assert posts[0]["author_key"] != author_key("twitter", "ab", SECRET)  # the bad author is still its own
    assert [r.reason for r in rejects] == ["missing created_at"]
    assert rejects[0].as_row()["excerpt"] == "no time \ufffd"
    # What Parquet must store encodes as UTF-8 (a lone surrogate made Arrow raise).
    pa.Table.from_pylist([{k: p[k] for k in SCHEMAS["posts"].names} for p in posts], schema=SCHEMAS["posts"])
    pa.Table.from_pylist([r.as_row() for r in rejects], schema=SCHEMAS["rejects"])


def test_no_error_while_hashing_can_carry_the_secret_or_the_handle():
    # The old key, sha256(f"{salt}\0{platform}\0{author}".encode()), raised UnicodeEncodeError
    # holding that whole string; the keyed hash encodes every str.
    assert len(author_key("twitter", "handle\udfff", SECRET)) == 24


# ---- item 9: keyed, slow author keys ------------------------------------------------------

def test_author_key_is_scrypt_of_an_hmac_keyed_by_the_secret():
    tag = hmac.new(SECRET.encode(), b"reddit\x00some_handle", hashlib.sha256).digest()
    expected = hashlib.scrypt(tag, salt=b"mipulse author key", n=32, r=8, p=1, dklen=12).hex()
    assert author_key("reddit", "some_handle", SECRET) == expected
    assert author_key("reddit", "some_handle", "another secret") != expected
    unkeyed = hashlib.sha256(f"{SECRET}\x00reddit\x00some_handle".encode()).hexdigest()[:24]
    assert expected != unkeyed


# ---- item 3: an unbalanced quote in a CSV -----------------------------------------------------

def csv_with_stray_quote(records: int = 50, stray_at: int = 10) -> bytes:
    lines = ["id,platform,author,text,created_at"]
    for i in range(1, records + 1):
        quote = '"' if i == stray_at else ""
        lines.append(f"{i},youtube,writer_{i},{quote}post number {i},2020-01-0{1 + i % 9}")
    return ("\n".join(lines) + "\n").encode()


def test_a_stray_csv_quote_rejects_its_record_and_the_rest_still_load():
    posts, rejects = posts_and_rejects(read("stray.csv", csv_with_stray_quote()))
    assert [p["post_id"] for p in posts] == [str(i) for i in range(1, 51) if i != 10]
    assert [(r.record_no, r.reason) for r in rejects] == [(10, "unbalanced quote in CSV record")]
    assert all(len(p["text"]) < 20 for p in posts)  # no post swallowed the following rows
    assert "writer_10" not in rejects[0].as_row()["excerpt"] and "post number 10" in rejects[0].as_row()["excerpt"]


def test_a_record_running_over_too_many_lines_is_cut_back_to_its_first():
    lines = ['id,platform,text,created_at', '1,twitter,"opens and never closes,2020-01-01']
    lines += [f"{i},twitter,row {i} with a \"\"quote\"\" pair,2020-01-01" for i in range(2, 1200)]
    rows = list(csv_rows(io.BytesIO(("\n".join(lines) + "\n").encode())))
    assert rows[0][0] == 1 and rows[0][1].reason == "unbalanced quote in CSV record"
    assert [n for n, _ in rows] == list(range(1, 1200))  # one numbered record per physical record


def test_a_quoted_field_over_several_lines_is_still_one_record():
    rows = list(csv_rows(io.BytesIO(b'id,text\n1,"two\nlines"\n2,"say ""hi""\nthen go"\n')))
    assert rows == [(1, {"id": "1", "text": "two\nlines"}), (2, {"id": "2", "text": 'say "hi"\nthen go'})]


# ---- item 12: garbage after a valid .zst frame -----------------------------------------------

def ndjson(records) -> bytes:
    return b"".join(json.dumps(r).encode() + b"\n" for r in records)


def reddit_comments(n: int, start: int = 0) -> list[dict]:
    return [{"id": f"c{i}", "body": f"comment {i} about the weather and more words {i * 7}", "author": f"u{i}",
             "created_utc": 1600000000 + i, "subreddit": "climate"} for i in range(start, start + n)]


def test_garbage_after_a_zst_frame_keeps_the_records_before_it():
    frame = zstandard.ZstdCompressor().compress(ndjson(reddit_comments(3)))
    posts, rejects = posts_and_rejects(read("dump.zst", frame + b"\x00garbage after the frame" * 3))
    assert [p["post_id"] for p in posts] == ["t1_c0", "t1_c1", "t1_c2"]
    assert [(r.record_no, r.reason) for r in rejects] == [(4, "corrupt compressed stream: ZstdError")]


def test_a_damaged_block_keeps_every_record_decoded_before_it():
    records = reddit_comments(60_000)
    compressed = bytearray(zstandard.ZstdCompressor(level=3).compress(ndjson(records)))
    middle = len(compressed) // 2
    compressed[middle:middle + 64] = bytes(64)
    posts, rejects = posts_and_rejects(read("dump.zst", bytes(compressed)))
    ids = [p["post_id"] for p in posts]
    assert ids == [f"t1_c{i}" for i in range(len(ids))]  # a clean prefix, in order
    assert len(ids) > 20_000  # about half the records come before the damage (was: 0 of them)
    assert len(rejects) == 1 and rejects[0].reason.startswith("corrupt compressed stream")


# ---- item 8: a file that cannot be opened ------------------------------------------------------

class _Metadata:
    def __init__(self, path: str):
        self.path = path


class _UnopenableFile:
    def __init__(self, path: str):
        self.metadata = _Metadata(path)

    def open(self, **_):
        raise PermissionError(13, "Permission denied", self.metadata.path)


def test_an_unopenable_file_becomes_one_reject_and_its_accounting():
    out = list(_ParseFile(SourceOptions(author_salt=SECRET), files=1).process(_UnopenableFile("/data/locked.jsonl")))
    assert [o.tag for o in out] == [REJECTS, FILE_READS]
    assert out[0].value["reason"] == "unreadable file: PermissionError (Permission denied)"
    assert out[1].value == ("/data/locked.jsonl", 1)


# ---- item 6: excerpts by allow-list --------------------------------------------------------------

def test_excerpts_keep_only_allow_listed_values():
    twitter_v1 = ('{"id_str": "9", "text": "hi", "in_reply_to_screen_name": "replied_handle", '
                  '"user": {"id_str": "777", "screen_name": "the_author"}, "created_at": "Wed Oct 10 20:19:24 +0000 2018"')
    excerpt = safe_excerpt(twitter_v1)
    assert "replied_handle" not in excerpt and "the_author" not in excerpt and "777" not in excerpt
    assert '"id_str": "9"' in excerpt and '"text": "hi"' in excerpt and "2018" in excerpt
    reddit = '{"body": "x", "link_author": "op_handle", "parent_author": "parent_handle", "created_utc": 16}'
    assert "handle" not in safe_excerpt(reddit) and '"created_utc": 16' in safe_excerpt(reddit)
    assert safe_excerpt('          "value": "UCchannel_id_hashed"') == '          "value": "<redacted>"'
    assert "bare_handle" not in safe_excerpt("bare_handle,2020-01-01 not json at all")


def test_a_pretty_printed_youtube_response_cut_short_leaks_no_channel_id():
    response = {"kind": "youtube#commentThreadListResponse", "items": [
        {"kind": "youtube#commentThread", "id": "t1", "snippet": {"topLevelComment": {
            "kind": "youtube#comment", "id": "c1", "snippet": {
                "textOriginal": "great video", "authorDisplayName": "Display Name",
                "authorChannelId": {"value": "UCsecretChannel"}, "publishedAt": "2020-01-01T00:00:00Z"}}}}]}
    pretty = json.dumps(response, indent=2).encode()
    items = read("comments.json", b"\xef\xbb\xbf" + pretty[: len(pretty) - 40])  # BOM, cut-off download
    _, rejects = posts_and_rejects(items)
    excerpts = " ".join(r.as_row()["excerpt"] for r in rejects)
    assert rejects and "UCsecretChannel" not in excerpts and "Display Name" not in excerpts


# ---- item 7: mentions that used to survive ---------------------------------------------------------

@pytest.mark.parametrize("text", ["RT@hidden_handle: so true", "thanks ＠hidden_handle!",
                                  "ask u/hidden_handle about it", "see /u/hidden_handle", "rt@hidden_handle"])
def test_every_mention_form_is_redacted_and_no_handle_becomes_a_term(text):
    redacted = redact_mentions(text)
    assert "hidden_handle" not in redacted and "@user" in redacted
    assert not any("hidden" in token for token in tokenize(redacted))


def test_e_mail_addresses_and_plain_words_are_not_mentions():
    assert redact_mentions("mail me@example.org or visit a u-turn") == "mail me@example.org or visit a u-turn"
