"""A second process that draws some of a report's charts while the report's own process works
on the rest.

Drawing a chart is CPU-bound Python (matplotlib holds the GIL), so a thread would not help; on
1,000 posts the charts were ~1.6 s of a ~2.7 s report, all in one process on a machine with two
cores. The helper is a fresh interpreter, `python -m flows.reporting.helper_process MODULE`,
started before the report's queries (in a run, before its Beam job: `helpers_started_early`) so that
it imports MODULE meanwhile; it is then sent one
batch of calls of MODULE's functions and sends back their results, or the error of the call
that failed, which is raised here as its nearest built-in type (a `json.JSONDecodeError` as a
`ValueError`: the command line reports a missing file or a bad value in one line, as before), or
as `HelperProcessError` when that is only `Exception`; either way with the helper's traceback
attached as its cause. Calls and
results travel as JSON (no pickle in the product, `tests/test_security.py`): arguments are JSON
values, so a path goes as a string and a tuple comes as a list.

Not `multiprocessing`: its "spawn" children first re-run the caller's main script, so a user's
script that renders a report without an `if __name__ == "__main__":` guard would fail; and a
forked copy of a run's process would count everything the run holds a second time in RSS.
"""

from __future__ import annotations

import builtins
import importlib
import json
import subprocess
import sys
import threading
import traceback
from contextlib import contextmanager
from typing import Any, BinaryIO, Iterator, Sequence

from flows.processes import die_with_parent, python_child_environment

Call = tuple[str, list]  # (function name in the helper's module, positional arguments as JSON values)


class HelperProcessError(RuntimeError):
    """A call failed in the helper process, or the helper died."""


class HelperProcess:
    """`python -m flows.reporting.helper_process MODULE`, started now: `send` one batch of calls of
    MODULE's functions, then `results`; `stop` (or leaving a `with` block) kills it if still running."""

    def __init__(self, module: str) -> None:
        self.module = module
        # its own session: a Ctrl-C reaches the report, which stops it; gone with a killed report too
        self.process = subprocess.Popen([sys.executable, "-m", __name__, module], stdin=subprocess.PIPE,
                                        stdout=subprocess.PIPE, env=python_child_environment(),
                                        start_new_session=True, preexec_fn=die_with_parent)
        self._sender: threading.Thread | None = None

    def send(self, calls: Sequence[Call]) -> None:
        """Send the batch (once) and return at once: the helper reads it when its imports are done."""
        data = json.dumps(list(calls)).encode()
        self._sender = threading.Thread(target=_write_and_close, args=(self.process.stdin, data), daemon=True)
        self._sender.start()

    def results(self) -> list[Any]:
        """The results of the batch's calls, in order (waits for them)."""
        out = self.process.stdout.read()
        self.process.wait()
        if self._sender is not None:
            self._sender.join()
        if self.process.returncode != 0 or not out:
            raise HelperProcessError(f"the helper process for {self.module} died (exit code {self.process.returncode})")
        ok, value = json.loads(out)
        if not ok:
            raise _same_error(value) from HelperProcessError(f"in the helper process for {self.module}:\n"
                                                             f"{value['traceback']}")
        return value

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait()
        for pipe in (self.process.stdin, self.process.stdout):
            if pipe is not None and not pipe.closed:
                try:
                    pipe.close()
                except OSError:  # the stdin of a killed helper, with the batch still being written
                    pass

    def __enter__(self) -> HelperProcess:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.stop()


_STARTED_EARLY: dict[str, HelperProcess] = {}


@contextmanager
def helpers_started_early(modules: Sequence[str]) -> Iterator[None]:
    """Start a helper for each module now, for the `helper_for` calls made inside the block (a run
    starts the report's helpers before its Beam job, which leaves a core free: their imports, ~1 s
    each, are then done when the report begins). The helpers no call took are stopped when the block
    ends, however it ends."""
    started = {module: HelperProcess(module) for module in modules if module not in _STARTED_EARLY}
    _STARTED_EARLY.update(started)
    try:
        yield
    finally:
        for module, helper in started.items():
            if _STARTED_EARLY.get(module) is helper:
                del _STARTED_EARLY[module]
                helper.stop()


def started_early(module: str) -> HelperProcess | None:
    """The helper started early for `module` (`helpers_started_early`), taken by the caller (who stops
    it); None when there is none, or it died meanwhile."""
    helper = _STARTED_EARLY.pop(module, None)
    if helper is not None and helper.process.poll() is not None:
        helper.stop()
        return None
    return helper


def helper_for(module: str) -> HelperProcess:
    """A helper for `module`: the one started early if there is one, else one started now."""
    return started_early(module) or HelperProcess(module)


def _same_error(error: dict) -> Exception:
    """The helper's error as raised here: its nearest built-in type, else HelperProcessError."""
    kind = getattr(builtins, error["builtin"], Exception)
    if isinstance(kind, type) and issubclass(kind, Exception) and kind is not Exception:
        try:
            return kind(error["message"])
        except TypeError:  # a type made with more than a message (UnicodeDecodeError)
            pass
    return HelperProcessError(f"{error['type']}: {error['message']}")


def _nearest_builtin(kind: type) -> str:
    return next(k.__name__ for k in kind.__mro__ if k.__module__ == "builtins")


def _write_and_close(pipe: BinaryIO, data: bytes) -> None:
    try:
        pipe.write(data)
        pipe.close()
    except (OSError, ValueError):  # the helper is gone, or stopped meanwhile: results() says so
        pass


def serve(module_name: str, stdin: BinaryIO, stdout: BinaryIO) -> None:
    """The helper's side: import the module, run the batch read from `stdin`, answer on `stdout`."""
    module = importlib.import_module(module_name)
    calls: list[Call] = json.load(stdin)
    try:
        answer: tuple[bool, Any] = (True, [getattr(module, name)(*args) for name, args in calls])
    except Exception as exc:  # noqa: BLE001  (sent back whole, raised in the caller)
        answer = (False, {"type": type(exc).__qualname__, "builtin": _nearest_builtin(type(exc)),
                          "message": str(exc), "traceback": traceback.format_exc()})
    stdout.write(json.dumps(answer, default=str).encode())  # a result that is no JSON value (a Path): its str
    stdout.flush()


if __name__ == "__main__":
    answers = sys.stdout.buffer
    sys.stdout = sys.stderr  # whatever the module prints must not mix with the answer
    serve(sys.argv[1], sys.stdin.buffer, answers)
