"""Publish a folder of generated files all at once: render into a private sibling, then swap.

A reader of the output folder, or a process killed mid-render, never leaves or sees a
half-written PNG, a truncated HTML file or a mix of old and new files. Where the kernel can
exchange two directories atomically (Linux ``renameat2(RENAME_EXCHANGE)``), the whole folder
is swapped; a folder that also holds files we did not write (say ``--out ~/Desktop``) is never
swapped away: there each file is replaced atomically on its own.
"""

from __future__ import annotations

import ctypes
import errno
import os
import shutil
import tempfile
from collections.abc import Iterable
from pathlib import Path

_AT_FDCWD = -100
_RENAME_EXCHANGE = 2
_STAGING = ".{name}.rendering-{pid}-"  # + mkdtemp's random suffix (letters, digits, _)


def staging_folder(out_dir: Path) -> Path:
    """A fresh private folder beside `out_dir` (same file system, so renames are atomic).

    Folders left by killed renders (their process is gone) are removed first.
    """
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    for stale in out_dir.parent.glob(_STAGING.format(name=out_dir.name, pid="*") + "*"):
        pid = stale.name.rsplit("-", 2)[-2]
        if pid.isdigit() and not _alive(int(pid)):
            shutil.rmtree(stale, ignore_errors=True)
    return Path(tempfile.mkdtemp(prefix=_STAGING.format(name=out_dir.name, pid=os.getpid()), dir=out_dir.parent))


def publish_folder(staging: Path, out_dir: Path, names: Iterable[str]) -> None:
    """Make the files `names` of `staging` the content of `out_dir`, all at once where possible.

    `staging` holds whatever is left over afterwards (the old files, when swapped); remove it.
    """
    names = list(names)
    if not out_dir.exists():
        os.chmod(staging, 0o777 & ~_umask())
        os.rename(staging, out_dir)
        return
    if {p.name for p in out_dir.iterdir()} <= set(names):
        os.chmod(staging, out_dir.stat().st_mode & 0o7777)
        if _exchange(staging, out_dir):
            return
    for name in names:
        os.replace(staging / name, out_dir / name)


def _exchange(a: Path, b: Path) -> bool:
    """Swap two paths atomically; False where the platform or file system cannot."""
    renameat2 = getattr(ctypes.CDLL(None, use_errno=True), "renameat2", None)
    if renameat2 is None:
        return False
    if renameat2(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE) == 0:
        return True
    err = ctypes.get_errno()
    if err in (errno.ENOSYS, errno.EINVAL, errno.ENOTSUP):
        return False
    raise OSError(err, os.strerror(err), str(b))


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask
