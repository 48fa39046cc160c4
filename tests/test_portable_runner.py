"""The same job through Beam's portable protocol (job service + external SDK workers) gives the same tables."""

import json
from datetime import datetime
from pathlib import Path

import pytest

from flows.store.db import RunRecord, load_run
from flows.store.checksum import checksums_of
from pipelines.config import load_seeds
from pipelines.job import JobSettings, run_job
from harness.portable import local_portable_services
from pipelines.reading.sources import SourceOptions
from pipelines.evaluation.synthetic import write_sample

REPO = Path(__file__).resolve().parents[1]


def _load(db: Path, run_dir: Path, files: list[str]) -> dict:
    load_run(db, RunRecord(run_dir.name, str(run_dir), datetime(2024, 1, 1), files, {}, "t"),
             [{"source_file": f, "size_bytes": 1, "mtime_ns": 1, "from_month": None, "to_month": None,
               "platforms": []} for f in files])
    return checksums_of(db)


@pytest.mark.slow
def test_portable_runner_writes_the_same_tables_as_the_in_process_runner(tmp_path):
    files = sorted(str(p) for p in write_sample(tmp_path / "in", 400, seed=3))
    with open(files[0], "a") as f:  # a reject and a duplicate, so those tables are not empty
        f.write("not json\n" + json.dumps(json.loads(Path(files[0]).read_text().splitlines()[0])) + "\n")
    settings = JobSettings(tuple(files), str(tmp_path / "inproc"), load_seeds(None), SourceOptions("auto", None, "s"))
    run_job(settings, ["--runner=FnApiRunner"])
    expected = _load(tmp_path / "inproc.duckdb", tmp_path / "inproc", files)

    with local_portable_services(REPO, log_dir=tmp_path / "logs") as services:
        portable = JobSettings(settings.inputs, str(tmp_path / "portable"), settings.seeds, settings.source)
        run_job(portable, services.beam_args)
    got = _load(tmp_path / "portable.duckdb", tmp_path / "portable", files)

    assert got == expected
    assert expected["posts"][0] == 400 and expected["rejects"][0] == 1 and expected["lexicon"][0] > 0
