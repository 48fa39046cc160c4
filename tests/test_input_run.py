"""Issue 16, input side, through the whole Beam job: one bad file never stops the others,
nothing secret reaches the run folder, and the two-worker mode listens on loopback only."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
from pathlib import Path

import apache_beam as beam
import pyarrow.parquet as pq
import pytest
import zstandard
from apache_beam.io import fileio

from pipelines.config import load_seeds
from pipelines.job import JobSettings, pipeline_options, run_job
from pipelines.reading.sources import SourceOptions
from tests.test_input_exposure import SURROGATE_LINES, csv_with_stray_quote, ndjson, reddit_comments

pytestmark = pytest.mark.slow
SECRET = "run-secret-4f1e2d"
REPO = Path(__file__).resolve().parents[1]


def table(run_dir: Path, name: str) -> list[dict]:
    return [row for shard in sorted((run_dir / name).glob("*.parquet")) for row in pq.read_table(shard).to_pylist()]


@pytest.fixture(scope="module")
def bad_run(tmp_path_factory):
    folder = tmp_path_factory.mktemp("inputs")
    files = {
        "surrogates.jsonl": SURROGATE_LINES,
        "stray.csv": csv_with_stray_quote(),
        "tail.zst": zstandard.ZstdCompressor().compress(ndjson(reddit_comments(3))) + b"garbage" * 9,
        "mentions.jsonl": ndjson([{"id": str(i), "platform": "reddit", "created_at": "2020-02-02", "author": "a",
                                   "text": text} for i, text in enumerate(
                                       ["RT@hidden_handle: yes", "hi ＠hidden_handle", "ask u/hidden_handle"])]),
        "locked.jsonl": ndjson(reddit_comments(2)),
    }
    for name, content in files.items():
        (folder / name).write_bytes(content)
    locked = str(folder / "locked.jsonl")
    real_open = fileio.ReadableFile.open

    def open_or_refuse(readable, *args, **kwargs):
        if readable.metadata.path == locked:
            raise PermissionError(13, "Permission denied", locked)
        return real_open(readable, *args, **kwargs)

    patch = pytest.MonkeyPatch()
    patch.setattr(fileio.ReadableFile, "open", open_or_refuse)
    run_dir = tmp_path_factory.mktemp("run") / "r"
    try:
        run_job(JobSettings(tuple(str(folder / n) for n in files), str(run_dir), load_seeds(None),
                            SourceOptions(author_salt=SECRET)))
    finally:
        patch.undo()
    return folder, run_dir


def test_every_file_is_accounted_for_and_one_bad_file_stops_nothing(bad_run):
    folder, run_dir = bad_run
    accounting = {Path(r["source_file"]).name: (r["records_read"], r["accepted"], r["rejected"])
                  for r in table(run_dir, "file_accounting")}
    assert accounting == {"surrogates.jsonl": (4, 3, 1), "stray.csv": (50, 49, 1), "tail.zst": (4, 3, 1),
                          "mentions.jsonl": (3, 3, 0), "locked.jsonl": (1, 0, 1)}
    reasons = {(Path(r["source_file"]).name, r["reason"]) for r in table(run_dir, "rejects")}
    assert ("locked.jsonl", "unreadable file: PermissionError (Permission denied)") in reasons
    assert ("stray.csv", "unbalanced quote in CSV record") in reasons


def test_nothing_secret_or_handle_reaches_the_run_folder(bad_run):
    _, run_dir = bad_run
    texts = [p["text"] for p in table(run_dir, "posts")]
    assert "cut \ufffd" in texts and "RT @user: yes" in texts and "ask @user" in texts
    for path in run_dir.rglob("*"):
        if path.is_file():
            data = path.read_bytes()
            assert SECRET.encode() not in data and b"hidden_handle" not in data and b"writer_10" not in data, path


class _ListeningAddresses(beam.DoFn):
    """In a worker: the addresses its own process tree (worker, shell, runner) listens on."""

    def process(self, _):
        pids = [os.getpid()]
        for _ in range(2):
            pids.append(int(Path(f"/proc/{pids[-1]}/stat").read_text().rsplit(")", 1)[1].split()[1]))
        yield sorted(listening_addresses(pids))


def listening_addresses(pids: list[int]) -> set[str]:
    inodes = {os.readlink(fd)[8:-1] for pid in pids for fd in Path(f"/proc/{pid}/fd").iterdir()
              if _link(fd).startswith("socket:[")}
    found = set()
    for name in ("/proc/net/tcp", "/proc/net/tcp6"):
        for line in Path(name).read_text().splitlines()[1:]:
            fields = line.split()
            if fields[3] == "0A" and fields[9] in inodes:  # 0A: LISTEN
                raw = bytes.fromhex(fields[1].split(":")[0])
                family = socket.AF_INET if len(raw) == 4 else socket.AF_INET6
                words = raw[::-1] if len(raw) == 4 else b"".join(raw[i:i + 4][::-1] for i in range(0, 16, 4))
                found.add(socket.inet_ntop(family, words))
    return found


def _link(fd: Path) -> str:
    try:
        return os.readlink(fd)
    except OSError:
        return ""


def test_two_worker_mode_listens_on_loopback_only():
    options = pipeline_options(["--direct_num_workers=2", "--direct_running_mode=multi_processing"])
    seen: list = []
    with beam.Pipeline(options=options) as p:
        addresses = p | beam.Create([1, 2]) | beam.ParDo(_ListeningAddresses())
        addresses | beam.Map(lambda found: Path(os.environ["LISTEN_REPORT"]).open("a").write(json.dumps(found) + "\n"))
    for line in Path(os.environ["LISTEN_REPORT"]).read_text().splitlines():
        seen.extend(json.loads(line))
    assert seen and set(seen) <= {"127.0.0.1", "::1", "::ffff:127.0.0.1"}


@pytest.fixture(autouse=True)
def _listen_report(tmp_path, monkeypatch):
    monkeypatch.setenv("LISTEN_REPORT", str(tmp_path / "listening.jsonl"))


WORKER_LOGS = """
import logging
import apache_beam as beam
from pipelines.job import new_pipeline


class Log(beam.DoFn):
    def process(self, x):
        logging.getLogger("mipulse.progress").info("planted progress %s", x)
        logging.getLogger("some.library").warning("planted warning %s", x)
        logging.getLogger("some.library").info("planted chatter %s", x)
        yield x


with new_pipeline(["--direct_num_workers=2", "--direct_running_mode=multi_processing"]) as p:
    p | beam.Create([7]) | beam.ParDo(Log())
"""


def test_two_worker_mode_shows_warnings_and_progress_but_not_the_workers_set_up():
    """Each worker process logged its set-up at INFO (~15 lines) and a warning about a main
    session mipulse never saves ('No semi_persistent_directory found') on every 2-worker run."""
    done = subprocess.run([sys.executable, "-c", WORKER_LOGS], cwd=REPO, capture_output=True, text=True,
                          check=True, timeout=300)
    logs = done.stdout + done.stderr
    assert "planted progress 7" in logs and "planted warning 7" in logs
    assert "planted chatter" not in logs
    assert "semi_persistent_directory" not in logs and "Control channel established" not in logs
