"""The HTML report renders in a real browser: headless Chromium loads every embedded chart.

Needs Debian's `chromium` package (CI: `apt-get update && apt-get install -y chromium`).
"""

from __future__ import annotations

import json
import re
import os
import shutil
import struct
import subprocess
from pathlib import Path

import pytest

from flows.store.db import load_run
from flows.reporting.report import render_report
from harness.run_folders import record, write_run

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--no-first-run", "--virtual-time-budget=10000"]
# Appended to a copy of the report: after load, write every image's state into the DOM.
PROBE = ("<script>window.addEventListener('load', () => { const pre = document.createElement('pre');"
         "pre.id = 'img-check'; pre.textContent = JSON.stringify([...document.images].map("
         "i => [i.complete, i.naturalWidth, i.naturalHeight])); document.body.appendChild(pre); });</script>")


def png_size(path: Path) -> tuple[int, int]:
    return struct.unpack(">II", path.read_bytes()[16:24])  # IHDR width, height


@pytest.mark.slow
def test_every_chart_of_the_html_report_loads_in_chromium(tmp_path):
    if CHROMIUM is None:
        if os.environ.get("CI") or os.environ.get("MIPULSE_REQUIRE_BROWSER"):
            pytest.fail("chromium not installed, but `make test` and CI must run this test (make browser installs it)")
        pytest.skip("chromium not installed: apt-get update && apt-get install -y chromium (CI installs it)")
    posts = [("twitter", f"t{i}", f"20{20 + i % 2}-0{1 + i % 3}", ("positive", "negative")[i % 2],
              ["sun", "wind"], ["good", "sentiment:positive", "topic:renewable_energy"]) for i in range(12)]
    db = tmp_path / "m.duckdb"
    load_run(db, record(write_run(tmp_path / "run", posts), "run-1"))
    paths = render_report(db, tmp_path / "report")
    pngs, html = paths[:-1], paths[-1]
    probe = tmp_path / "probe.html"
    probe.write_text(html.read_text(encoding="utf-8").replace("</body>", PROBE + "</body>"), encoding="utf-8")
    result = subprocess.run([CHROMIUM, *FLAGS, f"--user-data-dir={tmp_path / 'profile'}", "--dump-dom",
                             probe.as_uri()], capture_output=True, text=True, timeout=120)
    found = re.search(r'<pre id="img-check">(.*?)</pre>', result.stdout, re.S)
    assert found, f"no probe output; chromium said: {result.stderr[-2000:]}"
    images = json.loads(found.group(1))
    assert images == [[True, *png_size(p)] for p in pngs]
    assert all(width >= 1000 for _, width, _ in images)  # slide-sized
