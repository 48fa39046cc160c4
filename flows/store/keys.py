"""The author-key secret of a database: find it before a run, refuse loads made with another one.

A database remembers the fingerprint of the secret its author keys were made with
(`author_key_scheme`, stored by its first load). A lost key file, an empty one or a
different `$MIPULSE_AUTHOR_SALT` would silently give every author a new key from then on;
instead the run stops before the Beam job (`secret_for`) and the load refuses inside its
transaction (`check_author_key`), with the way out in the message.
"""

from __future__ import annotations

import os

import duckdb

import sql
from pipelines.reading.authors import (SCHEME, SECRET_ENV, AuthorKeyError, create_key_file, default_key_file,
                               fingerprint, read_secret)

FINGERPRINT_OPTION = "author_key_fingerprint"  # key of RunRecord.options that carries it to the load


class AuthorKeyMismatch(AuthorKeyError):
    """The run's author-key secret is not the one the database's author keys were made with."""


def secret_for(db_path: str) -> tuple[str, str]:
    """(secret, fingerprint) for a run into `db_path`, checked against the database's fingerprint.

    A new database with no secret anywhere gets a new key file; an existing one never does.
    """
    stored = stored_fingerprint(db_path)
    if SECRET_ENV not in os.environ and not default_key_file().exists() and stored is None:
        create_key_file()
    secret = read_secret()
    found = fingerprint(secret)
    if stored is not None and stored != found:
        raise AuthorKeyMismatch(_mismatch(db_path, stored, found))
    return secret, found


def stored_fingerprint(db_path: str) -> str | None:
    """The fingerprint a database holds, None for a new database (or one made before fingerprints)."""
    from flows.store.db import query

    if not os.path.exists(db_path):
        return None
    try:
        _, rows = query(db_path, sql.read("author_key_scheme.sql"))
    except duckdb.CatalogException:
        return None
    return rows[0][0]


def check_author_key(con: duckdb.DuckDBPyConnection, run_id: str, found: str | None) -> None:
    """Inside a load transaction: remember the fingerprint on a first load, refuse a different one.

    `found` None (a caller that does not know the run's key) skips the check.
    """
    from flows.store.db import execute_file

    if found is None:
        return
    stored, posts = con.execute(sql.read("author_key_scheme.sql")).fetchone()
    if stored is None and posts:
        raise AuthorKeyMismatch(
            "this database holds author keys made before mipulse recorded which key made them, so "
            "new keys could not be matched with them; load all inputs into a new database")
    if stored is not None and stored != found:
        raise AuthorKeyMismatch(_mismatch("the database", stored, found))
    execute_file(con, "author_key_scheme_store.sql", {"fingerprint": found, "scheme": SCHEME, "run_id": run_id})


def _mismatch(db: str, stored: str, found: str) -> str:
    source = f"${SECRET_ENV}" if SECRET_ENV in os.environ else str(default_key_file())
    return (f"{db}: its author keys were made with the author key of fingerprint {stored}, but {source} "
            f"holds another one (fingerprint {found}); loading would give every author a second key. "
            f"Restore the original key file (or set ${SECRET_ENV} to that key), or load into a new database")
