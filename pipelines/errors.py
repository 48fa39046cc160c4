"""The errors a user can act on: `mipulse` prints the message as one line and exits with `exit_code`.

Each lives beside the code that raises it and derives from one of these; it also keeps the
built-in base it had (ValueError, RuntimeError...) so that callers catching those still do.
"""

from __future__ import annotations


class MipulseError(Exception):
    """A problem the message explains in one line; `mipulse` exits with `exit_code`."""

    exit_code = 1


class BadInput(MipulseError):
    """A command line, input file, database or lexicon that cannot be used as given (exit 2)."""

    exit_code = 2


class Refused(MipulseError):
    """A query the read-only connection refuses (exit 3)."""

    exit_code = 3


class NotNow(MipulseError):
    """Another process holds what the command needs, or a run folder is incomplete (exit 4)."""

    exit_code = 4
