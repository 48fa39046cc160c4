"""The helper process that draws a report's word-shift charts (`flows.reporting.helper_process`)."""

import re
import subprocess
import sys
import textwrap
import time

import pytest

from flows.reporting.helper_process import (
    _STARTED_EARLY, HelperProcess, HelperProcessError, _same_error, helper_for, helpers_started_early, started_early,
)
from tests.test_views_report import POSTS, _new_db


def test_the_calls_of_a_batch_come_back_in_order():
    with HelperProcess("math") as helper:
        helper.send([("factorial", (5,)), ("sqrt", (2.25,)), ("gcd", (12, 18))])
        assert helper.results() == [120, 1.5, 6]
    assert helper.process.returncode == 0


def test_calls_and_results_travel_as_json_values():
    with HelperProcess("pathlib") as helper:
        helper.send([("PurePosixPath", ("charts", "a.png"))])  # a result that is no JSON value: its str
        assert helper.results() == ["charts/a.png"]


def test_the_helper_imports_what_this_process_can_import(tmp_path, monkeypatch):
    """A module found through this process's sys.path (a notebook's sys.path.append), not the
    environment or the working folder, is found by the helper too."""
    (tmp_path / "only_on_my_path.py").write_text("def double(x):\n    return 2 * x\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.delenv("PYTHONPATH", raising=False)
    monkeypatch.chdir("/")
    with HelperProcess("only_on_my_path") as helper:
        helper.send([("double", (21,))])
        assert helper.results() == [42]


def test_a_batch_larger_than_a_pipe_is_sent_while_the_helper_still_imports():
    """The batch is written by a thread: the caller goes on even though the helper reads it only
    once its imports are done (a pipe holds 64 KiB)."""
    big = "x" * 5_000_000
    with HelperProcess("builtins") as helper:
        helper.send([("len", (big,)), ("len", (big[:7],))])
        assert helper.results() == [5_000_000, 7]


def test_what_the_helpers_functions_print_does_not_spoil_the_answer():
    with HelperProcess("builtins") as helper:
        helper.send([("print", ("a line on stdout",)), ("abs", (-3,))])
        assert helper.results() == [None, 3]


def test_a_call_that_fails_raises_its_built_in_error_here_with_the_helpers_traceback():
    """So the command line still reports a bad value or a missing file in one line."""
    with HelperProcess("math") as helper:
        helper.send([("sqrt", (4.0,)), ("sqrt", (-1.0,))])
        with pytest.raises(ValueError, match="^math domain error$") as raised:
            helper.results()
    cause = raised.value.__cause__
    assert isinstance(cause, HelperProcessError)
    assert re.search(r"(?s)in the helper process for math:\nTraceback .*ValueError: math domain error", str(cause))


def test_an_error_of_a_library_type_comes_back_as_its_nearest_built_in_type():
    with HelperProcess("json") as helper:
        helper.send([("loads", ("{not json",))])  # json.JSONDecodeError, a ValueError
        with pytest.raises(ValueError, match=r"^Expecting property name") as raised:
            helper.results()
    assert "json.decoder.JSONDecodeError" in str(raised.value.__cause__)


def test_a_built_in_error_that_takes_more_than_a_message_is_a_helper_process_error():
    error = {"type": "UnicodeDecodeError", "builtin": "UnicodeDecodeError", "message": "'utf-8' codec can't",
             "traceback": ""}
    same = _same_error(error)  # UnicodeDecodeError("...") itself would be a TypeError
    assert type(same) is HelperProcessError and str(same) == "UnicodeDecodeError: 'utf-8' codec can't"


def test_an_error_with_no_built_in_type_but_exception_is_a_helper_process_error():
    with HelperProcess("subprocess") as helper:
        helper.send([("check_call", (["false"],))])  # CalledProcessError, an Exception only
        with pytest.raises(HelperProcessError, match=r"^CalledProcessError: Command '\['false'\]' returned"):
            helper.results()


def test_a_helper_that_dies_is_reported():
    with HelperProcess("math") as helper:
        helper.process.kill()
        helper.send([("sqrt", (4.0,))])
        with pytest.raises(HelperProcessError, match=r"the helper process for math died \(exit code -9\)"):
            helper.results()


def test_leaving_the_block_stops_a_helper_that_was_not_asked_for_results():
    with HelperProcess("math") as helper:
        helper.send([("sqrt", (4.0,))])
    assert helper.process.poll() is not None


def test_a_helper_started_early_is_taken_once_and_one_not_taken_is_stopped_when_the_block_ends():
    with helpers_started_early(["math", "cmath"]):
        early_cmath = _STARTED_EARLY["cmath"]
        with helper_for("math") as taken:
            assert taken.process.args[-1] == "math" and "math" not in _STARTED_EARLY
            with helper_for("math") as later:  # none left: a new one
                assert later.process.pid != taken.process.pid
                later.send([("sqrt", (9.0,))])
                assert later.results() == [3.0]
            taken.send([("factorial", (4,))])
            assert taken.results() == [24]
        assert early_cmath.process.poll() is None  # still waiting to be taken
    assert early_cmath.process.poll() is not None and _STARTED_EARLY == {}
    assert started_early("math") is None


def test_a_helper_started_early_that_died_is_not_taken():
    with helpers_started_early(["no_such_module_for_a_helper"]):
        dead = _STARTED_EARLY["no_such_module_for_a_helper"]
        dead.process.wait(timeout=60)  # it could not import its module
        assert started_early("no_such_module_for_a_helper") is None
    assert dead.process.stdin.closed


def _gone(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().rsplit(")", 1)[1].split()[0] in ("Z", "X")  # a zombie has exited
    except FileNotFoundError:
        return True


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the kernel's parent-death signal is Linux's")
def test_a_killed_report_leaves_no_helper_behind(tmp_path):
    script = tmp_path / "killed.py"
    script.write_text(textwrap.dedent("""
        import time
        from flows.reporting.helper_process import HelperProcess
        helper = HelperProcess("math")
        print(helper.process.pid, flush=True)
        time.sleep(600)
    """))
    report = subprocess.Popen([sys.executable, str(script)], stdout=subprocess.PIPE, text=True)
    helper_pid = int(report.stdout.readline())
    assert not _gone(helper_pid)
    report.kill()
    report.wait()
    deadline = time.monotonic() + 20
    while not _gone(helper_pid) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert _gone(helper_pid)


def test_a_script_without_a_main_guard_renders_a_report_with_word_shifts(tmp_path):
    """Why the helper is not a `multiprocessing` child: those re-run the caller's main script
    first, and fail in a script that renders a report at its top level."""
    db = tmp_path / "mipulse.duckdb"
    con = _new_db(db, POSTS)
    con.execute("INSERT INTO totals (month, platform, posts, run_id) "
                "VALUES ('2020-01', 'twitter', 4, 'r'), ('2021-03', 'twitter', 2, 'r')")
    con.close()  # posts in 2020 and 2021: one word-shift chart
    script = tmp_path / "render.py"
    script.write_text(textwrap.dedent(f"""
        from flows.reporting.report import render_report
        for path in render_report({str(db)!r}, {str(tmp_path / 'out')!r}, interval_replicates=0):
            print(path.name)
    """))
    done = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert "word_shift_2020_2021.png" in done.stdout.split()
    assert (tmp_path / "out" / "word_shift_2020_2021.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
