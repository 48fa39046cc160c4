"""A corpus of malformed records mixed into valid files of every input format.

`write_corpus(folder, seed)` writes the files and returns a `Corpus` that knows, for every
record it wrote, its file, record number and kind, so a test can check the job's accounting
record by record. Raw author handles are `zzhandle<n>` and mentions `@zzmention<n>`: none may
ever reach disk. Used by tests/test_bad_input.py and bench/reliability.py.
"""

from __future__ import annotations

import csv
import io
import json
import random
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import zstandard

HANDLE, MENTION = "zzhandle", "zzmention"
HUGE_CHARS = 10_000_000
VALID = "valid"
DUPLICATE = "duplicate"
# Malformed kinds -> the reject reasons each may get.
REASONS: dict[str, set[str]] = {
    "random_bytes": {"invalid JSON", "invalid UTF-8", "record is not an object"},
    "invalid_utf8": {"invalid UTF-8"},
    "truncated_json": {"invalid JSON"},
    "text_wrong_type": {"text is not a string"},
    "text_null": {"missing text"},
    "id_wrong_type": {"missing post_id"},
    "date_absurd": {"created_at out of range", "unparseable created_at"},
    "date_wrong_type": {"unparseable created_at"},
    "huge_text": {"text too long"},
    "empty_text": {"empty text"},
    "csv_field_count": {"wrong number of CSV fields"},
    "unknown_platform": {"unknown platform"},
    "retweet_without_original": {"retweet"},
    "missing_snippet": {"missing snippet"},
    "broken_zst_frame": {"corrupt compressed stream: ZstdError"},
}
ABSURD_DATES = ["9999-12-31T23:59:59Z", "1800-01-01T00:00:00Z", "2200-02-02"]
BAD_DATES = ["2020-13-45T99:99:99Z", "yesterday", "Mon Feb 30 25:61:61 +9999 99999"]
LINE_KINDS = ["random_bytes", "invalid_utf8", "truncated_json", "text_wrong_type", "text_null",
              "id_wrong_type", "date_absurd", "date_wrong_type", "empty_text"]


@dataclass
class Corpus:
    files: list[Path] = field(default_factory=list)
    kinds: dict[tuple[str, int], str] = field(default_factory=dict)  # (file name, record_no) -> kind
    valid_ids: set[tuple[str, str]] = field(default_factory=set)  # (platform, post_id) that must land
    uncounted: dict[str, str] = field(default_factory=dict)  # file -> why its tail cannot be counted
    junk_lines: int = 0  # lines inside a cut zstd frame: read as far as the frame can be decoded

    def count(self, name: str, kind: str | None = None) -> int:
        return sum(1 for (f, _), k in self.kinds.items() if f == name and (kind is None or k == kind))

    def count_kind(self, kind: str) -> int:
        return sum(1 for k in self.kinds.values() if k == kind)

    @property
    def malformed(self) -> int:
        return sum(1 for k in self.kinds.values() if k not in (VALID, DUPLICATE))

    def by_kind(self) -> Counter:
        return Counter(self.kinds.values())


class _Writer:
    """Builds one line-oriented file, numbering its records."""

    def __init__(self, corpus: Corpus, name: str, rng: random.Random):
        self.corpus, self.name, self.rng = corpus, name, rng
        self.lines: list[bytes] = []

    def add(self, line: bytes, kind: str, key: tuple[str, str] | None = None) -> None:
        self.lines.append(line)
        self.corpus.kinds[(self.name, len(self.lines))] = kind
        if kind == VALID and key:
            self.corpus.valid_ids.add(key)


def _text(rng: random.Random, n: int) -> str:
    words = ["sun", "wind", "smog", "good", "bad", "plastic", "recycling", "happy", "afraid", "climate"]
    return " ".join(rng.choice(words) for _ in range(6)) + f" @{MENTION}{n} #climate"


def _random_bytes(rng: random.Random) -> bytes:
    while True:
        raw = bytes(rng.randrange(256) for _ in range(rng.randrange(1, 60))).replace(b"\n", b" ")
        if not raw.strip():
            continue
        try:
            json.loads(raw)
        except (ValueError, UnicodeDecodeError):
            return raw


def _mutate(rng: random.Random, kind: str, record: dict, fields: dict[str, str]) -> bytes:
    """A malformed line of `kind` made from a valid record of the file's format."""
    bad = json.loads(json.dumps(record))
    if kind == "random_bytes":
        return _random_bytes(rng)
    if kind == "invalid_utf8":
        return json.dumps(bad).encode().replace(b"sun", b"s\xff\xfen", 1).replace(b'"id', b'"\xc3\x28id', 1)
    if kind == "truncated_json":
        line = json.dumps(bad).encode()
        return line[: rng.randrange(1, len(line) - 1)]
    if kind == "text_wrong_type":
        bad[fields["text"]] = rng.choice([12345, ["a", "list"], {"an": "object"}, True])
    elif kind == "text_null":
        bad[fields["text"]] = None
    elif kind == "empty_text":
        bad[fields["text"]] = "   \t "
    elif kind == "id_wrong_type":
        for id_field in fields["ids"].split(","):
            bad[id_field] = {"nested": 1}
    elif kind == "date_absurd":
        bad[fields["date"]] = rng.choice(ABSURD_DATES) if fields["date"] != "created_utc" else 10**12
    elif kind == "date_wrong_type":
        bad[fields["date"]] = rng.choice([[2020, 1, 1], {"y": 2020}] + BAD_DATES)
    elif kind == "huge_text":
        bad[fields["text"]] = "word " * (HUGE_CHARS // 5)
    return json.dumps(bad).encode()


def _line_file(corpus: Corpus, folder: Path, name: str, rng: random.Random, n_valid: int, n_bad: int,
               make, fields: dict[str, str], huge: int = 0, duplicates: int = 0,
               foreign_duplicates: list[dict] = ()) -> _Writer:
    """Valid records (from `make(i)` -> (record, key)) with malformed ones mixed in at random."""
    writer = _Writer(corpus, name, rng)
    valid = [make(i) for i in range(n_valid)]
    record, key = valid[0]
    writer.add(json.dumps(record).encode(), VALID, key)  # a valid first line: format detection
    plan = ([("v", v) for v in valid[1:]] + [("b", rng.choice(LINE_KINDS)) for _ in range(n_bad - huge)]
            + [("b", "huge_text")] * huge + [("d", rng.choice(valid)) for _ in range(duplicates)]
            + [("f", r) for r in foreign_duplicates])
    rng.shuffle(plan)
    seen_valid = {key}
    for what, item in plan:
        if what == "v":
            writer.add(json.dumps(item[0]).encode(), DUPLICATE if item[1] in seen_valid else VALID, item[1])
            seen_valid.add(item[1])
        elif what == "b":
            writer.add(_mutate(rng, item, rng.choice(valid)[0], fields), item)
        elif what == "d":  # an exact copy; the first copy in the file stays
            record, key = item
            if key in seen_valid:
                writer.add(json.dumps(record).encode(), DUPLICATE)
            else:
                writer.add(json.dumps(record).encode(), VALID, key)
                seen_valid.add(key)
        else:  # a copy of a post of a file that sorts first
            writer.add(json.dumps(item).encode(), DUPLICATE)
    return writer


def _generic(i: int) -> tuple[dict, tuple[str, str]]:
    rng = random.Random(i)
    return ({"id": f"g{i}", "platform": "twitter", "created_at": f"2020-{1 + i % 12:02d}-15T10:00:00Z",
             "author": f"{HANDLE}{i}", "text": _text(rng, i)}, ("twitter", f"g{i}"))


def _tweet_v1(i: int) -> tuple[dict, tuple[str, str]]:
    rng = random.Random(1000 + i)
    return ({"id": 10**15 + i, "id_str": str(10**15 + i), "created_at": "Wed Oct 10 20:19:24 +0000 2018",
             "full_text": _text(rng, i), "lang": "en",
             "user": {"id_str": str(500 + i), "screen_name": f"{HANDLE}v1{i}", "name": f"{HANDLE} Name{i}"}},
            ("twitter", str(10**15 + i)))


def _reddit(i: int) -> tuple[dict, tuple[str, str]]:
    rng = random.Random(2000 + i)
    return ({"id": f"c{i}", "subreddit": "environment", "created_utc": 1_600_000_000 + i * 3600,
             "body": _text(rng, i), "author": f"{HANDLE}rd{i}", "parent_id": "t3_x"}, ("reddit", f"t1_c{i}"))


def write_corpus(folder: Path, seed: int = 0, scale: float = 1.0) -> Corpus:
    """Write every file; `scale` 1.0 gives 10,000 malformed records among ~2,000 valid ones."""
    rng = random.Random(seed)
    folder.mkdir(parents=True, exist_ok=True)
    corpus = Corpus()
    n = lambda count: max(1, int(count * scale))

    generic = _line_file(corpus, folder, "a_generic.jsonl", rng, n(600), n(3000), _generic,
                         {"text": "text", "ids": "id", "date": "created_at"}, huge=1, duplicates=n(40))
    _save(corpus, folder / generic.name, b"\n".join(generic.lines) + b"\n")

    # Tweets whose ids equal posts of a_generic.jsonl (twitter too): duplicates across files.
    foreign = [{**_tweet_v1(0)[0], "id_str": f"g{i}", "id": None} for i in range(n(20))]
    v1 = _line_file(corpus, folder, "b_tweets_v1.jsonl", rng, n(500), n(2500), _tweet_v1,
                    {"text": "full_text", "ids": "id_str,id", "date": "created_at"}, huge=1,
                    duplicates=n(30), foreign_duplicates=foreign)
    _save(corpus, folder / v1.name, b"\n".join(v1.lines) + b"\n")

    _reddit_zst(corpus, folder, rng, n(400), n(2000))
    _csv(corpus, folder, rng, n(300), n(1500))
    _youtube(corpus, folder, rng, n(100), n(500))
    _twitter_v2(corpus, folder, rng, n(100), n(500))
    return corpus


def _save(corpus: Corpus, path: Path, content: bytes) -> None:
    path.write_bytes(content)
    corpus.files.append(path)


def _reddit_zst(corpus: Corpus, folder: Path, rng: random.Random, n_valid: int, n_bad: int) -> None:
    """Comments in several zstd frames; the last frame (junk only) is cut short."""
    name = "c_RC_reddit.ndjson.zst"
    junk = max(1, n_bad // 20)
    writer = _line_file(corpus, folder, name, rng, n_valid, n_bad - junk, _reddit,
                        {"text": "body", "ids": "id", "date": "created_utc"}, duplicates=max(1, n_valid // 20))
    compressor = zstandard.ZstdCompressor()
    chunks = [writer.lines[i:i + 200] for i in range(0, len(writer.lines), 200)]
    frames = [compressor.compress(b"\n".join(chunk) + b"\n") for chunk in chunks]
    tail = b"\n".join(_random_bytes(rng).hex().encode() for _ in range(junk)) + b"\n"
    frames.append(compressor.compress(tail)[:-9])
    # Whatever of the cut frame is readable, then one reject for the corrupt stream.
    corpus.kinds[(name, len(writer.lines) + 1)] = "broken_zst_frame"
    corpus.uncounted[name] = "records in a truncated zstd frame cannot be counted"
    corpus.junk_lines += junk
    _save(corpus, folder / name, b"".join(frames))


def _csv(corpus: Corpus, folder: Path, rng: random.Random, n_valid: int, n_bad: int) -> None:
    name = "d_table.csv"
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["id", "platform", "created_at", "author", "text"])
    rows: list[tuple[list[str], str]] = []
    for i in range(n_valid):
        rows.append(([f"csv{i}", "youtube", f"2021-{1 + i % 12:02d}-02T03:04:05Z", f"{HANDLE}csv{i}",
                      _text(random.Random(3000 + i), i)], VALID))
    bad_kinds = ["csv_field_count", "empty_text", "date_absurd", "date_wrong_type", "unknown_platform"]
    for j in range(n_bad):
        kind = rng.choice(bad_kinds)
        row = [f"bad{j}", "youtube", "2021-05-05T00:00:00Z", f"{HANDLE}csvbad{j}", _text(rng, j)]
        if kind == "csv_field_count":
            row = row + [f"{HANDLE}extra{j}"] if rng.random() < 0.5 else row[:3]
        elif kind == "empty_text":
            row[4] = "  "
        elif kind == "date_absurd":
            row[2] = rng.choice(ABSURD_DATES)
        elif kind == "date_wrong_type":
            row[2] = rng.choice(BAD_DATES)
        else:
            row[1] = "myspace"
        rows.append((row, kind))
    rng.shuffle(rows)
    for row_no, (row, kind) in enumerate(rows, start=1):
        writer.writerow(row)
        corpus.kinds[(name, row_no)] = kind
        if kind == VALID:
            corpus.valid_ids.add(("youtube", row[0]))
    _save(corpus, folder / name, out.getvalue().encode())


def _youtube(corpus: Corpus, folder: Path, rng: random.Random, n_valid: int, n_bad: int) -> None:
    """One commentThreads response (a whole JSON document); records numbered by position."""
    name = "e_youtube.json"
    items: list[tuple[dict, str]] = []
    for i in range(n_valid):
        snippet = {"textOriginal": _text(random.Random(4000 + i), i), "publishedAt": "2019-07-07T07:07:07Z",
                   "authorDisplayName": f"{HANDLE}yt{i}", "authorChannelId": {"value": f"UC{i}"}}
        items.append(({"kind": "youtube#commentThread", "id": f"yt{i}",
                       "snippet": {"topLevelComment": {"kind": "youtube#comment", "id": f"yt{i}",
                                                       "snippet": snippet}}}, VALID))
    for j in range(n_bad):
        kind = rng.choice(["missing_snippet", "text_null", "date_absurd"])
        snippet = {"textOriginal": None if kind == "text_null" else "sun @" + MENTION,
                   "publishedAt": rng.choice(ABSURD_DATES) if kind == "date_absurd" else "2019-07-07T07:07:07Z",
                   "authorDisplayName": f"{HANDLE}ytbad{j}"}
        comment = {"kind": "youtube#comment", "id": f"ytbad{j}"}
        if kind != "missing_snippet":
            comment["snippet"] = snippet
        items.append(({"kind": "youtube#commentThread", "id": f"ytbad{j}",
                       "snippet": {"topLevelComment": comment}}, kind))
    rng.shuffle(items)
    for position, (item, kind) in enumerate(items, start=1):
        corpus.kinds[(name, position)] = kind
        if kind == VALID:
            corpus.valid_ids.add(("youtube", item["id"]))
    document = {"kind": "youtube#commentThreadListResponse", "items": [item for item, _ in items]}
    _save(corpus, folder / name, json.dumps(document, indent=1).encode())


def _twitter_v2(corpus: Corpus, folder: Path, rng: random.Random, n_valid: int, n_bad: int) -> None:
    """API v2 responses, one per line, five tweets each, numbered by position; every tenth
    line is cut short and is one unreadable record."""
    name = "f_twitter_v2.jsonl"
    tweets: list[tuple[dict, str]] = []
    for i in range(n_valid):
        tweets.append(({"id": f"{9 * 10**17 + i}", "text": _text(random.Random(5000 + i), i),
                        "created_at": "2022-02-02T02:02:02.000Z", "author_id": f"{700 + i}"}, VALID))
    n_truncated = n_bad // 10
    for j in range(n_bad - n_truncated):
        kind = rng.choice(["text_wrong_type", "date_absurd", "retweet_without_original"])
        tweet = {"id": f"{8 * 10**17 + j}", "text": "wind @" + MENTION, "created_at": "2022-02-02T02:02:02.000Z",
                 "author_id": "1"}
        if kind == "text_wrong_type":
            tweet["text"] = 7
        elif kind == "date_absurd":
            tweet["created_at"] = rng.choice(ABSURD_DATES)
        else:
            tweet["referenced_tweets"] = [{"type": "retweeted", "id": "404"}]
        tweets.append((tweet, kind))
    rng.shuffle(tweets)
    lines: list[bytes] = []
    position = 0
    for start in range(0, len(tweets), 5):
        group = tweets[start:start + 5]
        lines.append(json.dumps({"data": [t for t, _ in group], "meta": {"result_count": len(group)}}).encode())
        for tweet, kind in group:
            position += 1
            corpus.kinds[(name, position)] = kind
            if kind == VALID:
                corpus.valid_ids.add(("twitter", tweet["id"]))
        if n_truncated and len(lines) % 10 == 9:
            cut = json.dumps({"data": [{"id": "1", "text": "lost"}] * 5}).encode()
            lines.append(cut[: len(cut) // 2])
            position += 1
            n_truncated -= 1
            corpus.kinds[(name, position)] = "truncated_json"
    for _ in range(n_truncated):
        lines.append(b'{"data": [{"id": "2", "te')
        position += 1
        corpus.kinds[(name, position)] = "truncated_json"
    _save(corpus, folder / name, b"\n".join(lines) + b"\n")
