"""`mipulse schedule`: serve the deployments of prefect.yaml from this process.

prefect.yaml stays the one place where schedules live: `prefect deploy` reads it for a
server with a work pool, and this module reads the same entries for `serve`, which needs
no work pool and no worker (runs execute as subprocesses of the serving process).
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from pipelines.errors import BadInput


class DeploymentFileError(BadInput, ValueError):
    """A prefect.yaml entry mipulse cannot serve; the message names the entry and the problem."""


@dataclass(frozen=True)
class ScheduleSpec:
    cron: str
    timezone: str


@dataclass(frozen=True)
class DeploymentSpec:
    """One deployment of prefect.yaml, as far as serving it needs."""

    name: str
    entrypoint: str  # 'flows/run_flow.py:run_flow'
    schedules: tuple[ScheduleSpec, ...]
    parameters: dict[str, Any] = field(default_factory=dict)
    concurrency_limit: int | None = None
    tags: tuple[str, ...] = ()
    description: str | None = None

    @property
    def module_and_function(self) -> tuple[str, str]:
        """('flows.run_flow', 'run_flow') from the file entrypoint."""
        path, _, function = self.entrypoint.partition(":")
        if not path.endswith(".py") or not function:
            raise DeploymentFileError(f"{self.name}: entrypoint must be 'path/to/file.py:flow', got {self.entrypoint!r}")
        return path[:-3].replace("/", "."), function


def read_deployments(path: str | Path) -> list[DeploymentSpec]:
    """The deployments of a prefect.yaml; every schedule must name its time zone."""
    try:
        raw = yaml.safe_load(Path(path).read_text(encoding="utf-8")) or {}
    except yaml.YAMLError as exc:  # its message names the line and column
        raise DeploymentFileError(f"{path}: not valid YAML: {exc}") from None
    if not isinstance(raw, dict) or not isinstance(raw.get("deployments") or [], list):
        raise DeploymentFileError(f"{path}: expected a mapping with a 'deployments' list")
    specs = []
    for entry in raw.get("deployments") or []:
        if not isinstance(entry, dict):
            raise DeploymentFileError(f"{path}: each deployment must be a mapping, got {entry!r}")
        name = entry.get("name") or "?"
        schedules = []
        for schedule in entry.get("schedules") or []:
            if not schedule.get("cron") or not schedule.get("timezone"):
                raise DeploymentFileError(f"{path}: deployment {name}: each schedule needs cron and timezone")
            if schedule.get("active", True):
                schedules.append(ScheduleSpec(schedule["cron"], schedule["timezone"]))
        if not entry.get("entrypoint"):
            raise DeploymentFileError(f"{path}: deployment {name}: missing entrypoint")
        specs.append(DeploymentSpec(name, entry["entrypoint"], tuple(schedules), dict(entry.get("parameters") or {}),
                                    entry.get("concurrency_limit"), tuple(entry.get("tags") or ()),
                                    entry.get("description")))
    return specs


def serve_deployments(path: str | Path, names: list[str] | None = None, api_url: str | None = None) -> None:
    """Register the deployments (with their cron schedules) and run them from this process.

    `api_url`: the Prefect server to serve on (default: the configured one).
    """
    from prefect import serve
    from prefect.deployments.runner import EntrypointType
    from prefect.schedules import Cron
    from prefect.settings import PREFECT_API_URL, temporary_settings

    specs = read_deployments(path)
    unknown = sorted(set(names or ()) - {s.name for s in specs})
    if unknown:
        raise DeploymentFileError(f"{path}: no deployment named {', '.join(unknown)}")
    deployments = []
    for spec in specs:
        if names and spec.name not in names:
            continue
        module, function = spec.module_and_function
        flow = getattr(importlib.import_module(module), function)
        deployments.append(flow.to_deployment(
            spec.name, schedules=[Cron(s.cron, timezone=s.timezone) for s in spec.schedules],
            parameters=spec.parameters, concurrency_limit=spec.concurrency_limit, tags=list(spec.tags),
            description=spec.description, entrypoint_type=EntrypointType.MODULE_PATH))
    with temporary_settings(updates={PREFECT_API_URL: api_url} if api_url else {}):
        serve(*deployments)
