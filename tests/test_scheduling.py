"""Prefect side: artifacts, serialised loads across overlapping runs, an emptied portal, and `zwgk serve`."""

from __future__ import annotations

import base64
import os
import re
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests

from flows.warehouse import SQL_DIR, connect
from mirror.server import Mirror
from zwgk import settings

from .conftest import run_at_once

pytestmark = pytest.mark.slow


def _portals(mirror: Mirror) -> list[settings.Portal]:
    return list(settings.parse_portals(mirror.config_toml()))


def test_overlapping_runs_both_complete_with_their_artifacts(prefect_harness, tmp_path: Path) -> None:
    from prefect import get_client
    from prefect.client.schemas.filters import ArtifactFilter, ArtifactFilterFlowRunId

    from flows.crawl import crawl

    wh = tmp_path / "wh"
    with Mirror() as mirror:
        outcomes = run_at_once(lambda: crawl(portals=_portals(mirror), warehouse=str(wh), return_state=True), 2,
                               timeout=300)
    assert len(outcomes) == 2 and all(getattr(o, "is_completed", lambda: False)() for o in outcomes), outcomes
    con = connect(wh, read_only=True)
    assert [r[0] for r in con.execute("SELECT snapshot_id FROM snapshots ORDER BY 1").fetchall()] == [1, 2]
    assert con.execute("SELECT count(*) FROM documents").fetchone()[0] == 5
    assert sorted(r[0] for r in con.execute("SELECT docs_new FROM snapshots").fetchall()) == [0, 5]
    for path in sorted((SQL_DIR / "checks").glob("*.sql")):
        assert con.execute(path.read_text(encoding="utf-8")).fetchall() == [], path.name
    con.close()
    with get_client(sync_client=True) as client:
        for state in outcomes:
            run_id = state.state_details.flow_run_id  # type: ignore[attr-defined]
            artifacts = client.read_artifacts(artifact_filter=ArtifactFilter(flow_run_id=ArtifactFilterFlowRunId(any_=[run_id])))
            kinds = {a.type for a in artifacts}
            assert {"table", "markdown", "progress"} <= kinds, kinds
            table = next(a for a in artifacts if a.type == "table")
            assert "jinghu-mirror" in str(table.data)
            progress = next(a for a in artifacts if a.type == "progress")
            assert float(progress.data) == 100.0
            # the markdown report carries one chart, an SVG drawn by vl-convert, as a data URI the UI shows as <img>
            report = next(a for a in artifacts if a.type == "markdown")
            images = re.findall(r"!\[[^\]]*\]\(data:image/svg\+xml;base64,([A-Za-z0-9+/=]+)\)", str(report.data))
            assert len(images) == 1
            svg = base64.b64decode(images[0]).decode("utf-8")
            assert svg.startswith("<svg") and "jinghu-mirror" in svg and "pages per portal" in svg


def test_a_portal_that_lists_nothing_after_having_documents_fails_the_run(prefect_harness, tmp_path: Path) -> None:
    from flows.crawl import PortalEmptied, crawl

    wh = tmp_path / "wh"
    with Mirror() as mirror:
        portals = _portals(mirror)
        crawl(portals=portals, warehouse=str(wh))
        for article in [a for a in mirror.articles if a.host == "jcms"]:
            mirror.remove(article.path)  # the column still answers, with an empty list: a layout change looks like this
        state = crawl(portals=portals, warehouse=str(wh), return_state=True)
    assert state.is_failed()
    assert "jinghu-mirror" in (state.message or "") or isinstance(state.result(raise_on_failure=False), PortalEmptied)
    con = connect(wh, read_only=True)
    assert con.execute("SELECT max(snapshot_id) FROM snapshots").fetchone()[0] == 2  # what it found is committed
    assert con.execute("SELECT count(*) FROM documents WHERE portal = 'jinghu-mirror'").fetchone()[0] == 4  # not gone
    con.close()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_serve_runs_a_scheduled_crawl_on_a_real_prefect_server(tmp_path: Path) -> None:
    port = _free_port()
    api = f"http://127.0.0.1:{port}/api"
    env = {**os.environ, "PREFECT_HOME": str(tmp_path / "prefect"), "PREFECT_API_URL": api,
           "PREFECT_SERVER_ANALYTICS_ENABLED": "false", "PREFECT_UI_ENABLED": "false",
           "ZWGK_WAREHOUSE": str(tmp_path / "wh"), "PREFECT_SERVER_SERVICES_SCHEDULER_LOOP_SECONDS": "5"}
    server = subprocess.Popen([sys.executable, "-m", "prefect", "server", "start", "--host", "127.0.0.1", "--port", str(port)],
                              env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    served = None
    try:
        deadline = time.monotonic() + 180
        while time.monotonic() < deadline:
            try:
                if requests.get(f"{api}/health", timeout=2).ok:
                    break
            except requests.RequestException:
                time.sleep(1)
        else:
            pytest.fail("prefect server did not start")
        with Mirror() as mirror:
            config = tmp_path / "portals.toml"
            config.write_text(mirror.config_toml().replace('schedule = "0 3 * * *"', 'schedule = "* * * * *"'), encoding="utf-8")
            served = subprocess.Popen([sys.executable, "-m", "zwgk.cli", "serve", "--config", str(config), "--portal",
                                       "jinghu-mirror"], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
            run = None
            deadline = time.monotonic() + 240  # the next minute boundary, plus the runner's polling
            while time.monotonic() < deadline:
                try:
                    runs = requests.post(f"{api}/flow_runs/filter", json={"sort": "EXPECTED_START_TIME_ASC"},
                                         timeout=30).json()
                except requests.RequestException:  # a busy SQLite-backed server answers late now and then
                    continue
                done = [r for r in runs if r["state_type"] in ("COMPLETED", "FAILED", "CRASHED")]
                if done:
                    run = done[0]
                    break
                time.sleep(3)
            assert run is not None, "no scheduled run completed"
        assert run["state_type"] == "COMPLETED", run["state"]
        deployment = requests.get(f"{api}/deployments/{run['deployment_id']}", timeout=30).json()
        assert deployment["name"] == "crawl-jinghu-mirror"
        artifacts = requests.post(f"{api}/artifacts/filter", json={"artifacts": {"flow_run_id": {"any_": [run["id"]]}}},
                                  timeout=30).json()
        assert {"table", "markdown", "progress"} <= {a["type"] for a in artifacts}
        report = next(a for a in artifacts if a["type"] == "markdown")
        assert "Snapshot 1" in report["data"]
    finally:
        for proc in (served, server):
            if proc is not None:
                proc.terminate()
                try:
                    proc.wait(timeout=30)
                except subprocess.TimeoutExpired:
                    proc.kill()
