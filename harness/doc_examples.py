"""The example outputs of docs/sql.md and docs/case-study.md: what `mipulse query` prints for each
```sql block, and a digest of those outputs that `tests/test_end_to_end.py` recomputes on its demo
run (`bench/sql_docs.py` regenerates the documents and the digest)."""

from __future__ import annotations

import contextlib
import hashlib
import io
import re
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
DOCS = (REPO / "docs" / "sql.md", REPO / "docs" / "case-study.md")
DIGEST = REPO / "docs" / "examples.digest"
EXAMPLE = re.compile(r"```sql\n(?P<sql>.*?)\n```\n\n```text\n(?P<out>.*?)```", re.DOTALL)
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
