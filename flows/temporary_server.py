"""`python -m flows.temporary_server UVICORN_OPTIONS...`: uvicorn serving Prefect's API for
`flows.local_server.EarlyServer`, with the garbage collector kept off its imports.

The server's start is the critical path of a short `mipulse run`: the run's own imports end
first and wait for it. Most of that start is importing Prefect's server modules (~2 s); with
the default thresholds, collector passes walk the growing heap again and again meanwhile, and
the full ones walk every imported object again while the server sets itself up. The imports
run with fewer passes and their objects are then frozen (`gc.freeze`: never walked again), so
the server answers ~0.3 s sooner here (2.7 -> 2.3 s); it then serves with the default thresholds.
"""

from __future__ import annotations

import gc
import sys

from pipelines.gc_passes import fewer_gc_passes


def main() -> None:
    with fewer_gc_passes():
        import prefect.server.api.server  # noqa: F401  (the module of the app factory uvicorn is given)
        import uvicorn.main
    gc.freeze()
    uvicorn.main.main(args=sys.argv[1:], prog_name="uvicorn")


if __name__ == "__main__":
    main()
