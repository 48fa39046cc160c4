"""Security and privacy: read-only SQL from the CLI, safe parsing of configuration files
(errors name file and line), excerpts without handles, servers on the loopback interface."""

from __future__ import annotations

import ast
import hashlib
import socket
from pathlib import Path

import pytest

from flows.cli.commands import main
from flows.store.db import load_run
from flows.schedule import DeploymentFileError, read_deployments
from pipelines.config import SeedConfigError, load_seeds
from pipelines.reading.posts import safe_excerpt
from pipelines.reading.readers.tabular import csv_rows
from harness.run_folders import record, write_run

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture
def db(tmp_path: Path) -> Path:
    path = tmp_path / "m.duckdb"
    load_run(path, record(write_run(tmp_path / "run", [("twitter", "t1", "2020-01", "positive", ["sun"], ["good"])]),
                          "r1"))
    return path


REFUSED = [
    "SELECT * FROM read_csv('/etc/passwd')", "SELECT * FROM read_text('/etc/hostname')",
    "SELECT * FROM glob('/etc/*')", "INSTALL httpfs", "LOAD httpfs", "SET enable_external_access = true",
    "RESET enable_external_access", "SELECT 1; DELETE FROM posts", "PRAGMA enable_profiling",
    "CREATE OR REPLACE MACRO m() AS 1", "UPDATE posts SET text = 'x'", "INSERT INTO runs DEFAULT VALUES",
    "EXPORT DATABASE '{tmp}/export'", "COPY (SELECT 1) TO '{tmp}/leak.csv'",
]


def test_cli_sql_cannot_write_read_files_or_change_settings(db, tmp_path, capsys):
    before = hashlib.sha256(db.read_bytes()).hexdigest()
    for statement in REFUSED:
        assert main(["query", "--db", str(db), statement.format(tmp=tmp_path)]) == 3, statement
        assert "mipulse query: refused:" in capsys.readouterr().err
    for statement in ("ATTACH ':memory:' AS mem", f"ATTACH '{tmp_path}/other.duckdb' AS o", "SELEC 1"):
        assert main(["query", "--db", str(db), statement]) in (1, 3), statement
        assert capsys.readouterr().err.startswith("mipulse query: ")
    assert main(["query", "--db", str(db), "--format", "csv", "SELECT post_id FROM posts"]) == 0
    assert capsys.readouterr().out.split() == ["post_id", "t1"]
    assert hashlib.sha256(db.read_bytes()).hexdigest() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["m.duckdb", "m.duckdb.lock", "run"]


def test_no_eval_exec_pickle_or_unsafe_yaml_in_the_product():
    banned_calls = {"eval", "exec", "compile", "__import__"}
    banned_modules = {"pickle", "cPickle", "marshal", "shelve", "dill", "cloudpickle"}
    found = []
    for path in [*REPO.glob("pipelines/**/*.py"), *REPO.glob("flows/**/*.py"), *REPO.glob("sql/*.py")]:
        tree = ast.parse(path.read_text(), str(path))
        for node in ast.walk(tree):
            if isinstance(node, ast.Call):
                func = node.func
                name = func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else ""
                owner = func.value.id if isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name) else ""
                if name in banned_calls and not owner or (owner == "yaml" and name not in ("safe_load",
                                                                                         "YAMLError")):
                    found.append(f"{path.name}:{node.lineno} {owner}.{name}")
                if any(k.arg == "shell" and getattr(k.value, "value", False) for k in node.keywords):
                    found.append(f"{path.name}:{node.lineno} shell=True")
            elif isinstance(node, (ast.Import, ast.ImportFrom)):
                names = [a.name for a in node.names] + [getattr(node, "module", None) or ""]
                found += [f"{path.name}:{node.lineno} import {n}" for n in names if n.split(".")[0] in banned_modules]
    assert found == []


SEEDS = """\
version = "t"

[sentiment]
positive = ["good"]
negative = ["bad"]

[emotion]
anger = ["angry"]
anticipation = ["expect"]
disgust = ["gross"]
fear = ["afraid"]
joy = ["happy"]
sadness = ["sad"]
surprise = ["wow"]
trust = ["trust"]

[topics]
climate = ["climate change"]
"""


@pytest.mark.parametrize("old, new, message", [
    ('joy = ["happy"]', 'joy = ["happy", 3]', ":12: emotion.joy must be a non-empty list of non-empty strings"),
    ('negative = ["bad"]', "negative = []", ":5: sentiment.negative must be a non-empty list"),
    ('climate = ["climate change"]', 'climate = "climate change"', ":18: topics.climate must be a non-empty list"),
    ('trust = ["trust"]', "", ":7: [emotion] lacks trust"),
    ('version = "t"', 'version = "t"\ntopics = 3\n[x]', ":2: topics must be a table"),
    ('version = "t"', 'version = = "t"', ": Invalid value (at line 1, column 11)"),
    ('fear = ["afraid"]', 'fear = ["afraid" "scared"]', ": Unclosed array (at line 11"),
])
def test_bad_seed_files_name_file_and_line(tmp_path, old, new, message):
    path = tmp_path / "seeds.toml"
    assert old in SEEDS
    path.write_text(SEEDS.replace(old, new).replace('[topics]\nclimate', '[topics]\nclimate') if "[x]" not in new
                    else SEEDS.replace(old, new).replace('[topics]\nclimate = ["climate change"]\n', ""))
    with pytest.raises(SeedConfigError) as error:
        load_seeds(path)
    assert str(error.value).startswith(f"{path}{message}"), str(error.value)


def test_seed_file_that_is_not_utf8_is_a_clear_error(tmp_path):
    path = tmp_path / "seeds.toml"
    path.write_bytes(SEEDS.encode().replace(b"happy", b"h\xffppy"))
    with pytest.raises(SeedConfigError, match=f"^{path}: not UTF-8 text"):
        load_seeds(path)
    assert load_seeds(None).version == "seeds-2"  # the shipped file is fine


def test_bad_deployment_files_name_file_and_line(tmp_path):
    bad = tmp_path / "prefect.yaml"
    bad.write_text("deployments:\n  - name: x\n    entrypoint: [unclosed\n")
    with pytest.raises(DeploymentFileError, match=rf"(?s)^{bad}: not valid YAML: while parsing .*line 3, column 17"):
        read_deployments(bad)
    bad.write_text("deployments:\n  - just a string\n")
    with pytest.raises(DeploymentFileError, match="each deployment must be a mapping"):
        read_deployments(bad)
    bad.write_text("!!python/object/apply:os.system ['touch pwned']\n")  # safe_load never runs it
    with pytest.raises(DeploymentFileError, match="not valid YAML"):
        read_deployments(bad)
    assert not Path("pwned").exists()


def test_excerpts_never_keep_a_handle_even_cut_short():
    cut = '{"id": "1", "author": "somebody_secret_42", "text": "hi'
    assert "somebody" not in safe_excerpt(cut[: cut.index("secret")])
    assert "somebody" not in safe_excerpt(cut) and '"author": "<redacted>"' in safe_excerpt(cut)
    rows = list(csv_rows(__import__("io").BytesIO(
        b"id,platform,author,text\n1,twitter,handle_one,hi,extra_handle\n2,twitter\n")))
    excerpts = [row.raw for _, row in rows]
    assert [safe_excerpt(e) for e in excerpts] == [
        '{"id": "1", "platform": "twitter", "author": "<redacted>", "text": "hi", "(extra fields)": 1}',
        '{"id": "2", "platform": "twitter", "author": null, "text": null}']


def listening_addresses(port: int) -> set[str]:
    """Local addresses of sockets listening on `port`, from /proc/net/tcp and tcp6."""
    found = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        for line in Path(table).read_text().splitlines()[1:]:
            local, state = line.split()[1], line.split()[3]
            address, port_hex = local.split(":")
            if state == "0A" and int(port_hex, 16) == port:  # 0A: LISTEN
                raw = bytes.fromhex(address)
                if len(raw) == 4:
                    found.add(socket.inet_ntop(socket.AF_INET, raw[::-1]))
                else:
                    words = b"".join(raw[i:i + 4][::-1] for i in range(0, 16, 4))
                    found.add(socket.inet_ntop(socket.AF_INET6, words))
    return found


LOOPBACK = {"127.0.0.1", "::1", "::ffff:127.0.0.1"}


@pytest.mark.slow
def test_portable_job_service_listens_on_loopback_only(tmp_path):
    from harness.portable import local_portable_services

    with local_portable_services(REPO, log_dir=tmp_path) as services:
        assert listening_addresses(services.job_port) and listening_addresses(services.job_port) <= LOOPBACK
        # Beam's worker pool hard-codes '[::]' (documented limitation in pipelines/local_portable.py).
        assert listening_addresses(services.worker_pool_port) <= {"::", "0.0.0.0"}
