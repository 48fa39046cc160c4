"""When each part of a short `mipulse run` starts and ends: is the run waiting for Prefect's
temporary server, or the server for the run?

    python -m bench.startup_timeline run --input 'DIR/*.jsonl' --db X.duckdb --out OUT

Runs the command line in this process (the arguments are `mipulse`'s) with marks, in seconds since
this script started, at: the command line imported; the temporary server launched
(`flows.local_server.EarlyServer`); the run's own imports done (the server's context entered);
the work it does while the server starts (`meanwhile`: Prefect's flow imports, spaCy's tokenizer,
the anchor index) begun and ended; the server answering; the flow free to start; the command done.
"""

from __future__ import annotations

import sys
import time
from contextlib import contextmanager

STARTED = time.perf_counter()


def mark(what: str) -> None:
    print(f"[{time.perf_counter() - STARTED:6.2f} s] {what}", file=sys.stderr, flush=True)


def with_marks(server: type) -> None:
    """Wrap `EarlyServer`'s steps so that each marks when it happens."""
    launch, watch, in_use = server.__init__, server._watch, server.in_use

    def launched(self) -> None:
        mark("temporary server launched")
        launch(self)

    def watched(self) -> None:
        watch(self)
        mark(f"temporary server {'answers' if self._up else 'did not come up'}")

    @contextmanager
    def used(self, meanwhile=None):
        mark("the run's imports done")

        def marked_meanwhile() -> None:
            mark("work while the server starts: begun")
            meanwhile()
            mark("work while the server starts: done")
        with in_use(self, marked_meanwhile if meanwhile else None):
            mark("flow may start")
            yield

    server.__init__, server._watch, server.in_use = launched, watched, used


def main() -> None:
    from flows import local_server

    with_marks(local_server.EarlyServer)
    from flows.cli.commands import main as mipulse

    mark("command line imported")
    sys.argv = ["mipulse", *sys.argv[1:]]
    try:
        mipulse()
    finally:
        mark("command done")


if __name__ == "__main__":
    main()
