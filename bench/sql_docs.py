"""Refresh every example output of docs/sql.md and docs/case-study.md, in one command.

    .venv/bin/python bench/sql_docs.py                # runs the climate sample fresh, as a user would
    .venv/bin/python bench/sql_docs.py --db DB        # or reuses a database loaded from it
    .venv/bin/python bench/sql_docs.py --db DB --check

1. Every ```sql block of the documents is run with `mipulse query --db DB` and the ```text
   block right after it is replaced by what the command printed.
2. The case study's generated blocks (between `<!-- begin: NAME -->` and `<!-- end: NAME -->`:
   yearly shares with their lexicon-aware intervals, top terms, drift, the largest word
   shifts) are rewritten from the same database with the report's own functions.
3. `docs/examples.digest` records a digest of the ```sql examples' outputs on the end-to-end
   test's demo run (`mipulse sample --posts 4000 --seed 3`, then `mipulse run`), which
   `tests/test_end_to_end.py` recomputes on its own demo run: when the code changes what the
   examples print, that test fails until this command is run again.

`--check` changes nothing and exits 1 when a ```sql example differs from what DB gives now.
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import io
import json
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

DOCS = (REPO / "docs" / "sql.md", REPO / "docs" / "case-study.md")
DIGEST = REPO / "docs" / "examples.digest"
DATA = Path(os.environ.get("MIPULSE_DATA", REPO.parent / "shared" / "data"))  # ../shared/data beside the clone
CLIMATE = DATA / "climate_tweets_2014_2021" / "sample.jsonl"
DEMO_POSTS, DEMO_SEED = 4000, 3  # as tests/test_end_to_end.py
EXAMPLE = re.compile(r"```sql\n(?P<sql>.*?)\n```\n\n```text\n(?P<out>.*?)```", re.DOTALL)
GENERATED = re.compile(r"(<!-- begin: (?P<name>[\w-]+) -->\n)(?P<body>.*?)(<!-- end: (?P=name) -->)", re.DOTALL)
RUN_ID = re.compile(r"\d{8}T\d{6}Z-[0-9a-f]{6}")
TIMESTAMP = re.compile(r"\d{4}-\d\d-\d\d[ T]\d\d:\d\d:\d\d(\.\d+)?")


def query(db: str, statement: str) -> str:
    """What `mipulse query --db DB STATEMENT` prints (run in this process)."""
    from flows.cli.commands import main

    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        code = main(["query", "--db", db, statement])
    if code:
        raise RuntimeError(f"query failed ({code}): {statement}")
    return out.getvalue()


def refresh(text: str, db: str) -> str:
    def replace(match: re.Match) -> str:
        return f"```sql\n{match['sql']}\n```\n\n```text\n{query(db, match['sql'])}```"

    return EXAMPLE.sub(replace, text)


def regenerate(text: str, blocks: dict[str, str]) -> str:
    def replace(match: re.Match) -> str:
        body = blocks.get(match["name"])
        return match.group(0) if body is None else f"{match.group(1)}{body}\n{match.group(4)}"

    return GENERATED.sub(replace, text)


def example_digests(db: str, root: str) -> dict[str, str]:
    """{document: sha256 of its ```sql examples' outputs on db}, run ids, times and the
    folder ``root`` the database's inputs sat in left out (they differ between two runs), and
    each output's lines sorted (rows tied in an example's ORDER BY come in any order)."""
    digests = {}
    for doc in DOCS:
        outputs = ["\n".join(sorted(query(db, m["sql"]).splitlines()))
                   for m in EXAMPLE.finditer(doc.read_text(encoding="utf-8"))]
        normalized = TIMESTAMP.sub("<time>", RUN_ID.sub("<run>", "\n\n".join(outputs).replace(root, "<root>")))
        digests[doc.name] = hashlib.sha256(normalized.encode()).hexdigest()
    return digests


def mipulse(*args: str) -> float:
    started = time.perf_counter()
    subprocess.run([str(Path(sys.executable).with_name("mipulse")), *args], check=True)
    return time.perf_counter() - started


def demo_digests() -> dict[str, str]:
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        mipulse("sample", "--posts", str(DEMO_POSTS), "--out", str(root / "sample"), "--seed", str(DEMO_SEED))
        mipulse("run", "--input", str(root / "sample" / "*.jsonl"), "--db", str(root / "m.duckdb"),
                "--out", str(root / "out"), "--no-report")
        return example_digests(str(root / "m.duckdb"), str(root))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--db", help="a database loaded from the climate sample (default: run it now)")
    parser.add_argument("--check", action="store_true")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        db = args.db
        if db is None:
            db = str(Path(tmp) / "climate.duckdb")
            seconds = mipulse("run", "--input", str(CLIMATE), "--db", db, "--out", str(Path(tmp) / "out"))
            print(f"climate run: {seconds:.0f} s")
        if args.check:
            stale = [doc.name for doc in DOCS if refresh(doc.read_text(encoding="utf-8"), db)
                     != doc.read_text(encoding="utf-8")]
            print(f"stale: {', '.join(stale)}" if stale else "up to date")
            return 1 if stale else 0
        from bench.case_study import generated_blocks

        blocks = generated_blocks(db)
        for doc in DOCS:
            doc.write_text(regenerate(refresh(doc.read_text(encoding="utf-8"), db), blocks), encoding="utf-8")
    DIGEST.write_text(json.dumps(demo_digests(), indent=2, sort_keys=True) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
