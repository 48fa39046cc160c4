"""Content checksums of a mipulse database, to prove a re-load changed nothing (or that two runs,
say on two Beam runners, landed the same data).

``python -m flows.store.checksum DB`` prints one line per table (rows, digest) and a total digest.
The SQL is ``sql/checksum.sql``: an order-independent hash of every row without the columns
that name a run or a time, over every table but the ``runs`` log.
"""

from __future__ import annotations

import hashlib
import sys
from pathlib import Path

import duckdb

import sql
from flows.store.db import connect_read_only


def table_checksums(con: duckdb.DuckDBPyConnection) -> dict[str, tuple[int, str]]:
    """{table: (row count, 16-hex digest)} for every table but ``runs``."""
    con.execute(sql.read("checksum.sql"))
    tables = [name for (name,) in con.execute(sql.read("checksum_table_names.sql")).fetchall()]
    return {name: con.execute(sql.read("checksum_of_table.sql"), {"name": name}).fetchone() for name in tables}


def database_checksum(checksums: dict[str, tuple[int, str]]) -> str:
    """One digest over all tables' (name, rows, digest)."""
    text = "\n".join(f"{name} {rows} {digest}" for name, (rows, digest) in sorted(checksums.items()))
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def checksums_of(db_path: str | Path) -> dict[str, tuple[int, str]]:
    """Checksums of a database file, opened read-only."""
    con = connect_read_only(db_path)
    try:
        return table_checksums(con)
    finally:
        con.close()


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 1:
        print("usage: python -m flows.store.checksum DB", file=sys.stderr)
        return 2
    checksums = checksums_of(args[0])
    for name, (rows, digest) in sorted(checksums.items()):
        print(f"{name:<20} {rows:>10} {digest}")
    print(f"{'database':<20} {'':>10} {database_checksum(checksums)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
