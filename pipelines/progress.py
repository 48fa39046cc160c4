"""Progress lines from inside the Beam job: the stage running, how much it did, how fast.

Steps call `progress.add(stage, unit, n, **more)`; for each stage a line goes to the
`mipulse.progress` logger when it starts, then at most every `INTERVAL_S` seconds, e.g.
`reading: 12,000 records, 11,200 valid posts, 2 files read, 4,100 records/s`.
Counts are per process (the in-process runner runs every step in this one); a runner with
worker processes logs one line per worker.
"""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass, field

INTERVAL_S = 5.0
LOGGER = logging.getLogger("mipulse.progress")


@dataclass
class _Stage:
    started: float
    logged: float
    counts: dict[str, int] = field(default_factory=dict)


_stages: dict[str, _Stage] = {}
_lock = threading.Lock()


def add(stage: str, unit: str, n: int, done_at: tuple[str, int] | None = None, **more: int) -> None:
    """Count `n` more `unit`s (and `more` side counts) for `stage`; log a line if one is due.

    The first call of a stage logs at once (so every stage shows when it starts), later ones
    at most every INTERVAL_S seconds; `done_at=("files read", 3)` also logs the call that
    brings that count to 3 (the stage's last line).
    """
    now = time.monotonic()
    with _lock:
        state = _stages.setdefault(stage, _Stage(started=now, logged=now - INTERVAL_S))
        for name, value in {unit: n, **more}.items():
            state.counts[name] = state.counts.get(name, 0) + value
        done = done_at is not None and done_at[0] in more and state.counts[done_at[0]] == done_at[1]
        if now - state.logged < INTERVAL_S and not done:
            return
        state.logged = now
        line = describe(stage, unit, state.counts, now - state.started)
    LOGGER.info(line)


def describe(stage: str, unit: str, counts: dict[str, int], seconds: float) -> str:
    """'reading: 12,000 records, 11,200 valid posts, 2 files read, 4,100 records/s'."""
    others = [f"{value:,} {name}" for name, value in counts.items() if name != unit]
    rate = f"{counts[unit] / seconds:,.0f} {unit}/s" if seconds > 0 else "started"
    return ", ".join([f"{stage}: {counts[unit]:,} {unit}", *others, rate])


def reset() -> None:
    """Forget the counts (a new job in the same process starts from zero)."""
    with _lock:
        _stages.clear()
