"""Refresh every example output of docs/sql.md and docs/case-study.md, in one command.

    .venv/bin/python bench/sql_docs.py                # runs the climate sample fresh, as a user would
    .venv/bin/python bench/sql_docs.py --db DB        # or reuses a database loaded from it
    .venv/bin/python bench/sql_docs.py --db DB --check

1. Every ```sql block of the documents is run with `mipulse query --db DB` and the ```text
   block right after it is replaced by what the command printed.
2. The case study's generated blocks (between `<!-- begin: NAME -->` and `<!-- end: NAME -->`:
   yearly shares with their lexicon-aware intervals, top terms, drift, the largest word
   shifts) are rewritten from the same database with the report's own functions, and so is
   docs/sql.md's checksum block (what `python -m flows.store.checksum DB` prints).
3. `docs/examples.digest` records a digest of the ```sql examples' outputs on the end-to-end
   test's demo run (`mipulse sample --posts 4000 --seed 3`, then `mipulse run`), which
   `tests/test_end_to_end.py` recomputes on its own demo run: when the code changes what the
   examples print, that test fails until this command is run again.

`--check` changes nothing and exits 1 when a ```sql example differs from what DB gives now.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from harness.doc_examples import DIGEST, DOCS, EXAMPLE, example_digests, query  # noqa: E402

from bench import SHARED_DATA as DATA  # noqa: E402
CLIMATE = DATA / "climate_tweets_2014_2021" / "sample.jsonl"
DEMO_POSTS, DEMO_SEED = 4000, 3  # as tests/test_end_to_end.py
GENERATED = re.compile(r"(<!-- begin: (?P<name>[\w-]+) -->\n)(?P<body>.*?)(<!-- end: (?P=name) -->)", re.DOTALL)


def refresh(text: str, db: str) -> str:
    def replace(match: re.Match) -> str:
        return f"```sql\n{match['sql']}\n```\n\n```text\n{query(db, match['sql'])}```"

    return EXAMPLE.sub(replace, text)


def regenerate(text: str, blocks: dict[str, str]) -> str:
    def replace(match: re.Match) -> str:
        body = blocks.get(match["name"])
        return match.group(0) if body is None else f"{match.group(1)}{body}\n{match.group(4)}"

    return GENERATED.sub(replace, text)


def checksum_block(db: str) -> str:
    """What `python -m flows.store.checksum DB` prints, as a ```text block."""
    from flows.store.checksum import main as checksum

    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        checksum([db])
    return f"```text\n{out.getvalue()}```"


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

        blocks = {**generated_blocks(db), "checksum": checksum_block(db)}
        for doc in DOCS:
            doc.write_text(regenerate(refresh(doc.read_text(encoding="utf-8"), db), blocks), encoding="utf-8")
    DIGEST.write_text(json.dumps(demo_digests(), indent=2, sort_keys=True) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
