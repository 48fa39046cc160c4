"""Refresh the example outputs of docs/sql.md from a database, through `mipulse query`.

    .venv/bin/python bench/sql_docs.py DB [--doc docs/sql.md] [--check]

Every ```sql block of the document is run with `mipulse query --db DB` and the ```text block
right after it is replaced by what the command printed. `--check` changes nothing and exits 1
when any example differs from what the database gives now (stale documentation).
"""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
EXAMPLE = re.compile(r"```sql\n(?P<sql>.*?)\n```\n\n```text\n(?P<out>.*?)```", re.DOTALL)


def query(db: str, statement: str) -> str:
    mipulse = str(Path(sys.executable).with_name("mipulse"))
    done = subprocess.run([mipulse, "query", "--db", db, statement], capture_output=True, text=True)
    if done.returncode:
        raise RuntimeError(f"query failed ({done.returncode}): {statement}\n{done.stderr}")
    return done.stdout


def refresh(text: str, db: str) -> str:
    def replace(match: re.Match) -> str:
        return f"```sql\n{match['sql']}\n```\n\n```text\n{query(db, match['sql'])}```"

    return EXAMPLE.sub(replace, text)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("db")
    parser.add_argument("--doc", type=Path, default=REPO / "docs" / "sql.md")
    parser.add_argument("--check", action="store_true")
    args = parser.parse_args(argv)
    old = args.doc.read_text(encoding="utf-8")
    new = refresh(old, args.db)
    if args.check:
        print("up to date" if new == old else f"{args.doc} is stale")
        return 0 if new == old else 1
    args.doc.write_text(new, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
