"""Issue 16 (input side) re-run: each reproduction of the issue through the real `mipulse run`.

    PYTHONPATH=. python -m bench.input_probe [--work /tmp/mipulse-input-probe]

Every case runs `python -m flows.cli.commands run` in a fresh process with a private PREFECT_HOME and
author-key file, then checks the DuckDB file, stderr and Prefect's storage. Prints one
Markdown table: case, what was checked, held or broke. The same properties are asserted by
tests/test_input_exposure.py, tests/test_input_run.py and tests/test_author_key_secret.py.
"""

from __future__ import annotations

import argparse
import base64
import json
import os
import pickle
import shutil
import subprocess
import sys
from pathlib import Path

import duckdb
import zstandard

HANDLE = "probe_handle_x7"
ROWS: list[tuple[str, str, bool]] = []


def run(work: Path, inputs: list[Path], db: Path, env: dict | None = None, extra: list[str] = ()) -> subprocess.CompletedProcess:
    base = {k: v for k, v in os.environ.items() if not k.startswith("MIPULSE_AUTHOR")}
    base.update({"PREFECT_HOME": str(work / "prefect"), "MIPULSE_AUTHOR_KEY_FILE": str(work / "key" / "author.key"),
                 "PYTHONPATH": str(Path.cwd()), "PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS": "120"})
    return subprocess.run([sys.executable, "-m", "flows.cli.commands", "run", "--no-report", "--db", str(db),
                           "--input", *map(str, inputs), *extra], env={**base, **(env or {})},
                          capture_output=True, text=True, timeout=900)


def rows(db: Path, statement: str) -> list[tuple]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute(statement).fetchall()
    finally:
        con.close()


def check(case: str, what: str, held: bool) -> None:
    ROWS.append((case, what, held))
    print(f"{'held ' if held else 'BROKE'} {case}: {what}", file=sys.stderr, flush=True)


def prefect_storage_holds(work: Path, needle: str) -> bool:
    """Whether any result Prefect stored (base64 pickles) or its database holds `needle`."""
    for path in (work / "prefect").rglob("*"):
        if not path.is_file():
            continue
        data = path.read_bytes()
        if needle.encode() in data:
            return True
        try:
            if needle in repr(pickle.loads(base64.b64decode(data))):
                return True
        except Exception:  # not a stored result
            continue
    return False


def jsonl(path: Path, records: list[dict]) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in records))
    return path


def surrogates(work: Path) -> None:
    secret = "probe-secret-8c1f"
    path = work / "surrogates.jsonl"
    path.write_bytes(
        b'{"id": "1", "platform": "twitter", "created_at": "2020-01-05", "author": "' + HANDLE.encode()
        + b'\\ud800", "text": "fine"}\n'
        b'{"id": "2", "platform": "twitter", "created_at": "2020-01-05", "author": "b", "text": "cut \\ud83d"}\n'
        b'{"id": "3", "platform": "twitter", "created_at": "2020-01-05", "author": "c", "text": "ok", "lang": "e\\udc00"}\n'
        b'{"id": "4", "platform": "twitter", "author": "d", "text": "no time \\ud800"}\n')
    db = work / "surrogates.duckdb"
    done = run(work, [path], db, {"MIPULSE_AUTHOR_SALT": secret})
    check("2 lone surrogates", "`\\ud800` in author, text, lang and a reject's excerpt: run exits 0, "
          "3 posts + 1 reject", done.returncode == 0 and rows(db, "SELECT count(*) FROM posts") == [(3,)]
          and rows(db, "SELECT count(*) FROM rejects") == [(1,)])
    check("2 lone surrogates", "secret and handle absent from stderr, Prefect's DB and stored results",
          secret not in done.stderr + done.stdout and HANDLE not in done.stderr
          and not prefect_storage_holds(work, secret) and not prefect_storage_holds(work, HANDLE))


def stray_quote(work: Path) -> None:
    lines = ["id,platform,author,text,created_at"]
    quote = '"'
    lines += [f"{i},twitter,{HANDLE}{i},{quote if i == 10 else ''}post number {i},2020-01-0{1 + i % 9}"
              for i in range(1, 51)]
    path = work / "stray.csv"
    path.write_text("\n".join(lines) + "\n")
    db = work / "stray.duckdb"
    run(work, [path], db)
    check("3 stray CSV quote", "50 records, one stray quote: records_read 50, accepted 49, rejected 1",
          rows(db, "SELECT records_read, accepted, rejected FROM file_accounting") == [(50, 49, 1)])
    check("3 stray CSV quote", "no post text holds another row; no handle in rejects or lexicon",
          rows(db, "SELECT max(length(text)) FROM posts")[0][0] < 20
          and not rows(db, f"SELECT 1 FROM rejects WHERE excerpt LIKE '%{HANDLE}%'")
          and not rows(db, f"SELECT 1 FROM lexicon WHERE term LIKE '%{HANDLE}%'"))


def salt_changes(work: Path) -> None:
    posts = jsonl(work / "a.jsonl", [{"id": str(i), "platform": "reddit", "created_at": "2020-03-01",
                                      "author": f"writer{i % 3}", "text": f"good sun {i}"} for i in range(20)])
    key = work / "key" / "author.key"
    db = work / "salt.duckdb"
    first = run(work, [posts], db)
    check("5 author key", "first run creates a 0600 key file outside the DB's folder; DB stores its fingerprint",
          first.returncode == 0 and key.exists() and oct(key.stat().st_mode & 0o777) == "0o600"
          and len(rows(db, "SELECT fingerprint FROM author_key_scheme")) == 1
          and not list(work.glob("salt.duckdb.salt")))
    saved = key.read_text()
    key.unlink()
    deleted = run(work, [posts], db)
    check("5 author key", "key file deleted: run refused (exit 2) with the way out, no new key made",
          deleted.returncode == 2 and "does not exist" in deleted.stderr and not key.exists())
    key.write_text("")
    empty = run(work, [posts], db)
    check("5 author key", "0-byte key file: refused (exit 2)", empty.returncode == 2 and "is empty" in empty.stderr)
    key.write_text(saved)
    other = run(work, [posts], db, {"MIPULSE_AUTHOR_SALT": "set for this run only"})
    check("5 author key", "MIPULSE_AUTHOR_SALT set for one run, not the first: refused (exit 2), DB unchanged",
          other.returncode == 2 and "Restore the original key file" in other.stderr
          and rows(db, "SELECT count(*) FROM runs") == [(1,)])
    flag = run(work, [posts], db, extra=["--author-salt", "visible"])
    check("5 author key", "`--author-salt X`: refused by the parser (not passed on to Beam or Prefect)",
          flag.returncode == 2 and "MIPULSE_AUTHOR_SALT" in flag.stderr and not prefect_storage_holds(work, "visible"))
    job = subprocess.run([sys.executable, "-m", "pipelines.job", "--input", str(posts), "--output", str(work / "job")],
                         env={**{k: v for k, v in os.environ.items() if not k.startswith("MIPULSE_AUTHOR")},
                              "MIPULSE_AUTHOR_KEY_FILE": str(work / "none" / "author.key"), "PYTHONPATH": str(Path.cwd())},
                         capture_output=True, text=True, timeout=600)
    check("5 author key", "`python -m pipelines.job` without a key: stops (no silent empty salt)",
          job.returncode != 0 and "no author key" in job.stderr)


def excerpts_and_mentions(work: Path) -> None:
    v1 = work / "v1.jsonl"
    v1.write_text(json.dumps({"id_str": "9", "text": None, "in_reply_to_screen_name": HANDLE,
                              "user": {"id_str": "5"}, "created_at": "Wed Oct 10 20:19:24 +0000 2018"}) + "\n")
    reddit = work / "rc.jsonl"
    reddit.write_text(json.dumps({"id": "x", "body": None, "link_author": HANDLE, "parent_author": HANDLE,
                                  "created_utc": 1600000000, "subreddit": "climate"}) + "\n")
    response = {"kind": "youtube#commentThreadListResponse", "items": [
        {"kind": "youtube#commentThread", "id": "t", "snippet": {"topLevelComment": {
            "kind": "youtube#comment", "id": "c", "snippet": {
                "textOriginal": "great", "authorChannelId": {"value": f"UC{HANDLE}"},
                "publishedAt": "2020-01-01T00:00:00Z"}}}}]}
    pretty = json.dumps(response, indent=2).encode()
    youtube = work / "yt.json"
    youtube.write_bytes(b"\xef\xbb\xbf" + pretty[:-40])
    mentions = jsonl(work / "mentions.jsonl", [
        {"id": str(i), "platform": "reddit", "created_at": "2020-02-02", "author": "a", "text": t}
        for i, t in enumerate([f"RT@{HANDLE}: good", f"hi ＠{HANDLE} good", f"ask u/{HANDLE} good",
                               f"see /u/{HANDLE} good"] * 3)])
    db = work / "excerpts.duckdb"
    run(work, [v1, reddit, youtube, mentions], db)
    check("6 handles in excerpts", "v1.1 in_reply_to_screen_name, Reddit link/parent_author, pretty YouTube "
          "cut off (BOM): no handle or channel id in any reject",
          rows(db, "SELECT count(*) FROM rejects")[0][0] > 2
          and not rows(db, f"SELECT 1 FROM rejects WHERE excerpt LIKE '%{HANDLE}%'"))
    check("7 mentions", "RT@h, ＠h, u/h, /u/h: not in posts.text nor lexicon terms",
          rows(db, "SELECT count(*) FROM posts")[0][0] == 12
          and not rows(db, f"SELECT 1 FROM posts WHERE text LIKE '%{HANDLE}%'")
          and not rows(db, f"SELECT 1 FROM lexicon WHERE term LIKE '%{HANDLE[:5]}%'"))
    data = db.read_bytes()
    check("6/7 whole DB file", "the handle's bytes appear nowhere in the DuckDB file", HANDLE.encode() not in data)


def unreadable(work: Path) -> None:
    """This machine runs as root, which reads a mode-0 file, so the refusal an ordinary user
    gets is simulated: the job runs in-process with ReadableFile.open raising PermissionError
    for that one file (what Beam's open does for a user without read permission)."""
    from apache_beam.io import fileio

    from flows.store.db import RunRecord, load_run
    from pipelines.config import load_seeds
    from pipelines.job import JobSettings, run_job
    from pipelines.reading.sources import SourceOptions

    good = jsonl(work / "good.jsonl", [{"id": str(i), "platform": "reddit", "created_at": "2020-03-01",
                                        "author": "w", "text": f"nice day {i}"} for i in range(5)])
    locked = jsonl(work / "locked.jsonl", [{"id": "l1", "platform": "reddit", "created_at": "2020-03-01",
                                            "text": "hidden"}])
    real_open = fileio.ReadableFile.open

    def open_as_other_user(readable, *args, **kwargs):
        if readable.metadata.path == str(locked):
            raise PermissionError(13, "Permission denied", str(locked))
        return real_open(readable, *args, **kwargs)

    fileio.ReadableFile.open = open_as_other_user
    try:
        run_job(JobSettings((str(good), str(locked)), str(work / "run"), load_seeds(None),
                            SourceOptions(author_salt="probe")))
    finally:
        fileio.ReadableFile.open = real_open
    db = work / "unreadable.duckdb"
    load_run(db, RunRecord("probe", str(work / "run"), __import__("datetime").datetime(2026, 1, 1), [], {}, "t"))
    accounting = rows(db, "SELECT regexp_extract(source_file, '[^/]+$'), records_read, accepted, rejected "
                          "FROM file_accounting ORDER BY 1")
    check("8 unreadable file", "a file the user may not read, among good ones (simulated, see docstring): "
          "the job finishes, that file is one reject with its accounting row, the others load",
          accounting == [("good.jsonl", 5, 5, 0), ("locked.jsonl", 1, 0, 1)])


def zst_tail(work: Path) -> None:
    records = [{"id": f"c{i}", "body": f"comment {i} about weather {i * 7}", "author": "u", "created_utc": 1600000000 + i,
                "subreddit": "climate"} for i in range(60_000)]
    three = work / "three.zst"
    three_records = [{**r, "id": f"other{i}"} for i, r in enumerate(records[:3])]  # not duplicates of the big file's
    three.write_bytes(zstandard.ZstdCompressor().compress(
        "".join(json.dumps(r) + "\n" for r in three_records).encode()) + b"garbage" * 10)
    damaged = bytearray(zstandard.ZstdCompressor().compress("".join(json.dumps(r) + "\n" for r in records).encode()))
    damaged[len(damaged) // 2: len(damaged) // 2 + 64] = bytes(64)
    big = work / "damaged.zst"
    big.write_bytes(bytes(damaged))
    db = work / "zst.duckdb"
    run(work, [three, big], db)
    got = dict((name, (read, accepted, rejected)) for name, read, accepted, rejected in rows(
        db, "SELECT regexp_extract(source_file, '[^/]+$'), records_read, accepted, rejected FROM file_accounting"))
    check("12 .zst tail", f"3 records + garbage after the frame: (read, accepted, rejected) = {got.get('three.zst')}",
          got.get("three.zst") == (4, 3, 1))
    check("12 .zst tail", f"60,000 records, 64 bytes zeroed mid-file: {got.get('damaged.zst')}; accepted are a "
          "prefix, rest is the one reject", got.get("damaged.zst", (0, 0, 0))[1] > 25_000
          and got["damaged.zst"][2] == 1)


CASES = {case.__name__: case for case in (surrogates, stray_quote, salt_changes, excerpts_and_mentions,
                                         zst_tail, unreadable)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--work", default="/tmp/mipulse-input-probe")
    parser.add_argument("--cases", nargs="+", default=list(CASES), choices=list(CASES))
    args = parser.parse_args()
    for case in (CASES[name] for name in args.cases):
        work = Path(args.work) / case.__name__
        shutil.rmtree(work, ignore_errors=True)
        work.mkdir(parents=True)
        case(work)
    print("| item | case tried | result |\n|---|---|---|")
    for case, what, held in ROWS:
        print(f"| {case} | {what} | {'held' if held else 'BROKE'} |")


if __name__ == "__main__":
    main()
