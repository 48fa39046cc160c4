"""docker-compose.yml, checked offline by Docker Compose's own parser and the compose-spec schema."""

import json
import os
import subprocess
import sys
from pathlib import Path

import apache_beam
import compose
import pytest
from apache_beam.options.pipeline_options import FlinkRunnerOptions

REPO = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
# The Docker Compose v2 binary itself: the package's `docker-compose` wrapper drops its exit code.
COMPOSE = Path(compose.__file__).parent / "docker-compose"
LONG_RUNNING = {"postgres", "prefect-server", "prefect-worker", "jobmanager", "taskmanager", "beam-worker-pool",
                "flink-job-server", "minio"}


def _compose(*args: str, file: Path = REPO / "docker-compose.yml") -> subprocess.CompletedProcess:
    env = {**os.environ, "MIPULSE_AUTHOR_SALT": "test-salt"}
    return subprocess.run([str(COMPOSE), "-f", str(file), *args], capture_output=True, text=True,
                          env=env, cwd=REPO, timeout=60)


@pytest.fixture(scope="module")
def config() -> dict:
    result = _compose("config", "--format", "json")
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_compose_spec_schema_accepts_the_file():
    result = subprocess.run([str(BIN / "check-jsonschema"), "--builtin-schema", "vendor.compose-spec",
                             str(REPO / "docker-compose.yml")], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_validators_do_reject_a_broken_file(tmp_path):
    broken = tmp_path / "docker-compose.yml"
    broken.write_text("services:\n  x:\n    image: busybox\n    ports: 8080\n    healthcheck: yes\n")
    assert _compose("config", "--quiet", file=broken).returncode != 0
    schema = subprocess.run([str(BIN / "check-jsonschema"), "--builtin-schema", "vendor.compose-spec", str(broken)],
                            capture_output=True, text=True, timeout=60)
    assert schema.returncode != 0


def test_every_port_is_published_on_localhost_only(config):
    published = [(name, port) for name, service in config["services"].items() for port in service.get("ports", [])]
    assert published, "the UI, job server and MinIO should be reachable from the host"
    assert all(port["host_ip"] == "127.0.0.1" for _, port in published), published


def test_long_running_services_have_health_checks(config):
    assert LONG_RUNNING <= set(config["services"])
    missing = [name for name in LONG_RUNNING if "healthcheck" not in config["services"][name]]
    assert missing == []


def test_flink_and_job_server_versions_match_what_beam_supports(config):
    services = config["services"]
    flink_tags = {services[s]["image"].split(":")[1] for s in ("jobmanager", "taskmanager")}
    assert len(flink_tags) == 1
    flink_minor = flink_tags.pop().split("-")[0]
    assert flink_minor in FlinkRunnerOptions.PUBLISHED_FLINK_VERSIONS
    assert services["flink-job-server"]["image"] == f"apache/beam_flink{flink_minor}_job_server:{apache_beam.__version__}"


def test_worker_and_sdk_pool_share_the_data_volume_and_the_project_image(config):
    services = config["services"]
    assert services["prefect-worker"]["build"]["context"] == str(REPO)
    assert services["beam-worker-pool"]["image"] == services["prefect-worker"]["image"]
    assert services["beam-worker-pool"]["network_mode"] == "service:taskmanager"
    for name in ("prefect-worker", "beam-worker-pool", "taskmanager"):
        assert any(v["source"] == "mipulse-data" and v["target"] == "/data" for v in services[name]["volumes"]), name
