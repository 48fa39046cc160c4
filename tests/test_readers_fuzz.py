"""Readers never crash and account for every record, whatever the bytes."""

from __future__ import annotations

import glob
import io
import json
from collections import Counter

import pyarrow.parquet as pq
import pytest
import zstandard
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pipelines.reading.posts import Reject
from pipelines.reading.sources import SourceOptions, read_records

NAMES = ["x.jsonl", "x.json", "x.csv", "x.parquet", "x.zst", "RC_x.ndjson"]
BOM = b"\xef\xbb\xbf"
FORMATS = ["auto", "jsonl", "twitter-v1", "twitter-v2", "reddit", "youtube"]
OPTIONS = SourceOptions(author_salt="s")

json_scalars = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=True),
                         st.text(max_size=20))
json_values = st.recursive(json_scalars, lambda inner: st.one_of(
    st.lists(inner, max_size=3), st.dictionaries(st.text(max_size=8), inner, max_size=3)), max_leaves=8)
dates = st.one_of(st.integers(min_value=-(10**20), max_value=10**20), st.text(max_size=30),
                  st.sampled_from(["9999-12-31T23:59:59Z", "0001-01-01", "1969-12-31T23:59:59Z",
                                   "Wed Oct 10 20:19:24 +0000 2018", "Mon Feb 30 25:61:61 +9999 99999",
                                   "2020-02-30T00:00:00Z", "2099-12-31T23:59:59Z", "1e30"]))
FIELDS = ["id", "id_str", "text", "full_text", "body", "title", "selftext", "created_at", "created_utc",
          "platform", "user", "author", "author_id", "retweeted_status", "extended_tweet", "subreddit",
          "snippet", "kind", "data", "includes", "items", "publishedAt"]
records = st.dictionaries(st.sampled_from(FIELDS), st.one_of(json_values, dates), max_size=8)


lines = st.one_of(
    records.map(lambda r: json.dumps(r).encode()),
    records.map(lambda r: json.dumps(r).encode()[: len(json.dumps(r)) // 2]),  # truncated JSON
    # not blank: a blank line is no record (nor is a byte order mark alone, which a file may begin with)
    st.binary(max_size=40).filter(lambda b: b"\n" not in b and b"\r" not in b and b.removeprefix(BOM).strip()),
    st.just(b'{"text": "\xff\xfe invalid utf-8", "id": 1}'),
)


def account(name: str, content: bytes, **options) -> list:
    items = list(read_records(name, io.BytesIO(content), SourceOptions(author_salt="s", **options)))
    for item in items:
        assert isinstance(item, (dict, Reject))
        if isinstance(item, Reject):
            assert item.reason and len(item.as_row()["excerpt"]) <= 200
        else:
            assert item["text"].strip() and item["platform"] in ("twitter", "reddit", "youtube")
    return items


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(NAMES), st.sampled_from(FORMATS), st.binary(max_size=300))
def test_random_bytes_never_crash(name, fmt, content):
    if name.endswith(".parquet") or name.endswith(".csv"):
        fmt = "auto"
    account(name, content, format=fmt)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(lines, min_size=1, max_size=12), st.sampled_from(FORMATS))
def test_every_ndjson_line_of_single_records_is_one_item(body, fmt):
    content = b"\n".join(body) + b"\n"
    items = account("x.jsonl", content, format=fmt)
    numbers = [i.record_no if isinstance(i, Reject) else i["record_no"] for i in items]
    assert numbers == sorted(numbers)
    if fmt in ("jsonl", "reddit", "twitter-v1"):
        # Generated lines are never lists or search responses: one record per line, by line number.
        assert numbers == list(range(1, len(body) + 1))


@settings(max_examples=60, deadline=None)
@given(st.lists(records, min_size=1, max_size=10))
def test_zst_stream_matches_plain(body):
    content = b"".join(json.dumps(r).encode() + b"\n" for r in body)
    packed = zstandard.ZstdCompressor().compress(content)
    plain = [i.as_row() if isinstance(i, Reject) else i for i in account("d.ndjson", content)]
    zst = [i.as_row() if isinstance(i, Reject) else i for i in account("d.ndjson.zst", packed)]
    rename = lambda rows: json.dumps(rows, default=str).replace("d.ndjson.zst", "d.ndjson")
    assert rename(zst) == rename(plain)


def test_ten_megabyte_text_is_rejected_not_crashed():
    huge = "word " * 2_000_000
    line = json.dumps({"id": "1", "platform": "twitter", "created_at": "2020-01-01", "text": huge})
    for name, content in (("big.jsonl", line.encode() + b"\n"),
                          ("big.csv", f"id,platform,created_at,text\n1,twitter,2020-01-01,{huge}\n".encode())):
        items = account(name, content)
        assert [(i.record_no, i.reason) for i in items] == [(1, "text too long")]


def test_corrupt_zst_and_truncated_pretty_document():
    items = account("RC.zst", zstandard.ZstdCompressor().compress(b'{"a": 1}\n' * 50)[:-7])
    assert items and isinstance(items[-1], Reject)
    items = account("doc.json", b'{\n  "data": [\n    {"id": "1"')
    assert [(i.record_no, i.reason) for i in items] == [(1, "invalid JSON"), (2, "invalid JSON"), (3, "invalid JSON")]


@pytest.mark.slow
def test_job_accounting_balances_for_every_format(tmp_path):
    """End to end through Beam: accepted + rejected + duplicates = read, per file."""
    from pipelines.config import load_seeds
    from pipelines.job import JobSettings, run_job
    from tests.test_readers import REDDIT_RECORDS, V1_STATUSES, V2_RESPONSE, YT_THREADS, ndjson, zst_frames

    files = {
        "v1.jsonl": ndjson(*V1_STATUSES, *V1_STATUSES[:2]) + b"not json\n\xff\n",
        "v2.json": json.dumps(V2_RESPONSE, indent=2).encode(),
        "RC.zst": zst_frames(ndjson(*REDDIT_RECORDS)),
        "yt.json": json.dumps(YT_THREADS).encode(),
        "plain.csv": b"id,platform,created_at,text\n1,youtube,2020-01-01,hi there\n1,youtube,2020-01-01,again\n2\n",
    }
    for name, content in files.items():
        (tmp_path / name).write_bytes(content)
    out = tmp_path / "out"
    settings_ = JobSettings(inputs=(str(tmp_path / "*.*"),), output=str(out), seeds=load_seeds(),
                            source=OPTIONS)
    run_job(settings_, ["--runner=FnApiRunner"])
    table = {r["source_file"].rsplit("/", 1)[-1]: r for r in _rows(out / "file_accounting")}
    expected = {  # (read, accepted, rejected, duplicates), counted by hand from the fixtures
        # v1: 7 statuses + 2 repeated + 2 bad lines; retweet of 11 and the repeats are duplicates
        "v1.jsonl": (11, 5, 3, 3),
        "v2.json": (5, 3, 2, 0),
        "RC.zst": (6, 4, 2, 0),
        "yt.json": (4, 3, 1, 0),
        "plain.csv": (3, 1, 1, 1),
    }
    got = {name: (r["records_read"], r["accepted"], r["rejected"], r["duplicates"]) for name, r in table.items()}
    assert got == expected
    rejects = Counter(r["reason"] for r in _rows(out / "rejects"))
    assert rejects == Counter({"created_at out of range": 1, "invalid JSON": 1, "invalid UTF-8": 1,
                               "retweet": 1, "missing text": 1, "[deleted]": 1, "[removed]": 1,
                               "empty text": 1, "wrong number of CSV fields": 1})


def _rows(folder) -> list[dict]:
    return [row for path in sorted(glob.glob(f"{folder}/*.parquet")) for row in pq.read_table(path).to_pylist()]
