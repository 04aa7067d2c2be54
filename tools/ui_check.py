"""`make ui-check`: a real Prefect server, one crawl of the mirror, and headless-Chromium screenshots of the
flow run's artifacts tab (docs/ui-check.png) and of `zwgk report` on that crawl's warehouse (docs/report.png),
so the UI's view of a run and the report are checked, not assumed."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parents[1]
SHOT = ROOT / "docs" / "ui-check.png"
REPORT_SHOT = ROOT / "docs" / "report.png"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _wait(url: str, seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            if requests.get(url, timeout=2).ok:
                return
        except requests.RequestException:
            pass
        time.sleep(1)
    raise SystemExit(f"ui-check: {url} did not answer within {seconds:.0f}s")


def _screenshot_report(browser: str, report: Path) -> None:
    """The whole report page once its charts are drawn (the chromium CLI cannot wait for them or take a full page)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=browser, args=["--no-sandbox", "--disable-gpu"])
        try:
            page = chromium.new_page(viewport={"width": 1100, "height": 900})
            page.goto(report.as_uri())
            page.wait_for_function("document.querySelectorAll('div.chart svg.marks').length >= 3", timeout=60_000)
            page.screenshot(path=str(REPORT_SHOT), full_page=True)
        finally:
            chromium.close()


def main() -> int:
    browser = shutil.which("chromium") or shutil.which("chromium-browser")
    if not browser:
        raise SystemExit("ui-check: chromium not found (Debian: apt-get install chromium)")
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    with tempfile.TemporaryDirectory(prefix="zwgk-ui-") as tmp:
        env = {**os.environ, "PREFECT_HOME": str(Path(tmp) / "prefect"), "PREFECT_API_URL": f"{base}/api",
               "PREFECT_SERVER_ANALYTICS_ENABLED": "false", "PREFECT_UI_API_URL": f"{base}/api"}
        server = subprocess.Popen([sys.executable, "-m", "prefect", "server", "start", "--host", "127.0.0.1",
                                   "--port", str(port)], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            _wait(f"{base}/api/health", 180)
            subprocess.run([sys.executable, "-m", "zwgk.cli", "demo", "--warehouse", str(Path(tmp) / "wh")], env=env,
                           check=True, stdout=subprocess.DEVNULL)
            runs = requests.post(f"{base}/api/flow_runs/filter", json={"sort": "START_TIME_DESC", "limit": 1},
                                 timeout=30).json()
            run_id = runs[0]["id"]
            artifacts = requests.post(f"{base}/api/artifacts/filter",
                                      json={"artifacts": {"flow_run_id": {"any_": [run_id]}}}, timeout=30).json()
            SHOT.parent.mkdir(exist_ok=True)
            # the run page (graph with the artifact markers), then the run's markdown report and table as rendered
            pages = {SHOT: f"{base}/runs/flow-run/{run_id}"}
            for artifact in artifacts:
                if artifact["type"] in ("markdown", "table"):
                    pages[SHOT.with_name(f"ui-check-{artifact['type']}.png")] = f"{base}/artifacts/artifact/{artifact['id']}"
            for shot, url in pages.items():
                subprocess.run([browser, "--headless=new", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
                                "--window-size=1400,1100", "--virtual-time-budget=20000", f"--screenshot={shot}", url],
                               check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=180)
            report = Path(tmp) / "report.html"
            subprocess.run([sys.executable, "-m", "zwgk.cli", "report", "--warehouse", str(Path(tmp) / "wh"),
                            "--out", str(report)], env=env, check=True, stdout=subprocess.DEVNULL)
            _screenshot_report(browser, report)
        finally:
            server.terminate()
            server.wait(timeout=30)
    kinds = sorted({a["type"] for a in artifacts})
    shots = ", ".join(f"{p.relative_to(ROOT)} ({p.stat().st_size} bytes)"
                      for p in sorted([*SHOT.parent.glob("ui-check*.png"), REPORT_SHOT]))
    print(f"ui-check: flow run {run_id}: artifacts {', '.join(kinds)}; screenshots {shots}")
    return 0 if {"markdown", "progress", "table"} <= set(kinds) else 1


if __name__ == "__main__":
    sys.exit(main())
