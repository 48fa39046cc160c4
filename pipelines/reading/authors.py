"""Author keys: a keyed, deliberately slow hash of (platform, handle), and its secret key.

    author_key = scrypt(HMAC-SHA256(secret, platform NUL handle), n=2**5, r=8, p=1)[:12], hex

Without the secret, a key cannot be matched to a handle at all (HMAC). With the secret,
each guessed handle costs one scrypt evaluation (32 KiB of memory) instead of one SHA-256.
The run pays that cost once per distinct author per process (`functools.lru_cache`), not
once per post; docs/privacy.md gives the measured cost and what this does not protect.

The secret comes from `$MIPULSE_AUTHOR_SALT` or a key file, never from the command line
(flags land in `ps` and in Prefect's stored parameters). The key file is
`$MIPULSE_AUTHOR_KEY_FILE`, by default `~/.config/mipulse/author.key` (`$XDG_CONFIG_HOME`
respected): not beside the database, so a copy of the database alone re-identifies no one.
An empty secret is refused. `fingerprint(secret)` names a secret without revealing it; the
database stores it and refuses loads made with another one (`flows.store.keys`).
"""

from __future__ import annotations

import functools
import hashlib
import hmac
import os
import secrets
from pathlib import Path
from pipelines.errors import BadInput

SECRET_ENV = "MIPULSE_AUTHOR_SALT"
KEY_FILE_ENV = "MIPULSE_AUTHOR_KEY_FILE"
SCRYPT_N, SCRYPT_R, SCRYPT_P = 2**5, 8, 1  # 128 * r * n = 32 KiB per evaluation; cost: docs/privacy.md
KEY_BYTES = 12  # 24 hex characters, as before
CACHED_AUTHORS = 1 << 17
SCHEME = f"hmac-sha256+scrypt(n={SCRYPT_N},r={SCRYPT_R},p={SCRYPT_P})"
# The fingerprint is slower still: a guessed weak secret must not be cheap to confirm.
_FINGERPRINT_N = 2**14
_FINGERPRINT_SALT = f"mipulse author-key fingerprint; {SCHEME}".encode()
_KEY_SALT = b"mipulse author key"


class AuthorKeyError(BadInput, ValueError):
    """No usable author-key secret (missing, empty or unreadable); the message says how to fix it."""


def _bytes(text: str) -> bytes:
    # surrogatepass: a lone surrogate (from a truncated emoji escape) encodes instead of
    # raising an error whose message would carry the very text being hashed.
    return text.encode("utf-8", "surrogatepass")


def author_key(platform: str, author: str | None, secret: str) -> str | None:
    """The pseudonymous key of an author: stable per secret, never the handle itself."""
    if not author:
        return None
    return _slow_keyed_hash(secret, platform, author)


@functools.lru_cache(maxsize=CACHED_AUTHORS)
def _slow_keyed_hash(secret: str, platform: str, author: str) -> str:
    tag = hmac.new(_bytes(secret), _bytes(f"{platform}\x00{author}"), hashlib.sha256).digest()
    return hashlib.scrypt(tag, salt=_KEY_SALT, n=SCRYPT_N, r=SCRYPT_R, p=SCRYPT_P, dklen=KEY_BYTES).hex()


def fingerprint(secret: str) -> str:
    """A short, slow-to-invert name of the secret and of the key scheme, safe to store."""
    return hashlib.scrypt(_bytes(secret), salt=_FINGERPRINT_SALT, n=_FINGERPRINT_N, r=8, p=1, dklen=8).hex()


def default_key_file() -> Path:
    """`$MIPULSE_AUTHOR_KEY_FILE`, else `$XDG_CONFIG_HOME/mipulse/author.key` (~/.config)."""
    if os.environ.get(KEY_FILE_ENV):
        return Path(os.environ[KEY_FILE_ENV])
    config = os.environ.get("XDG_CONFIG_HOME") or Path.home() / ".config"
    return Path(config) / "mipulse" / "author.key"


def read_secret(key_file: Path | None = None) -> str:
    """The secret from `$MIPULSE_AUTHOR_SALT`, else from the key file; AuthorKeyError if absent or empty."""
    if SECRET_ENV in os.environ:
        return _non_empty(os.environ[SECRET_ENV], f"${SECRET_ENV}")
    key_file = key_file or default_key_file()
    try:
        return _non_empty(key_file.read_text(encoding="utf-8"), str(key_file))
    except FileNotFoundError:
        raise AuthorKeyError(f"no author key: {key_file} does not exist and ${SECRET_ENV} is not set") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise AuthorKeyError(f"cannot read the author key file {key_file}: {type(exc).__name__}") from None


def create_key_file(key_file: Path | None = None) -> Path:
    """Write a new random secret (mode 0600) where none exists; never replaces one.

    Written to a temporary file, synced and then linked into place, so a crash or a full
    disk never leaves an empty key file behind.
    """
    key_file = key_file or default_key_file()
    key_file.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    temporary = key_file.with_name(f".{key_file.name}.{os.getpid()}.tmp")
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        os.write(fd, (secrets.token_hex(32) + "\n").encode())
        os.fsync(fd)
    finally:
        os.close(fd)
    try:
        os.link(temporary, key_file)  # fails if another process created it first: keep theirs
    except FileExistsError:
        pass
    finally:
        temporary.unlink(missing_ok=True)
    return key_file


def _non_empty(secret: str, where: str) -> str:
    secret = secret.strip()
    if not secret:
        raise AuthorKeyError(f"the author key in {where} is empty; author keys made with an empty "
                             f"key are unsalted hashes. Restore the key (or set ${SECRET_ENV})")
    return secret
