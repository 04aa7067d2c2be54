"""`zwgk report` on the demo warehouse: one self-contained HTML file, drawn by headless Chromium with no network."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from .conftest import run_cli

pytestmark = pytest.mark.slow

MARKS = "path, rect, line, circle, text"


@pytest.fixture(scope="module")
def demo_warehouse(demo_run: tuple[Path, subprocess.CompletedProcess], tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the session's demo warehouse (the report without --out writes into the folder)."""
    warehouse = tmp_path_factory.mktemp("report") / "wh"
    shutil.copytree(demo_run[0], warehouse)
    return warehouse


@pytest.fixture(scope="module")
def report(demo_warehouse: Path) -> Path:
    """`zwgk report` as a user runs it first: no --out, so the file lands in the warehouse folder."""
    before = {p.name for p in demo_warehouse.iterdir()}
    out = run_cli("report", "--warehouse", str(demo_warehouse))
    assert out.returncode == 0, out.stderr
    target = demo_warehouse / "report.html"
    assert out.stdout.strip() == str(target) and {p.name for p in demo_warehouse.iterdir()} - before == {"report.html"}
    return target


def test_report_writes_one_self_contained_file_and_prints_its_path(report: Path, demo_warehouse: Path,
                                                                     tmp_path: Path) -> None:
    html = report.read_text(encoding="utf-8")
    assert not re.findall(r"""(?:src|href)\s*=\s*["']?(?:https?:)?//""", html)  # nothing loaded from elsewhere
    charts = html.count("<div class='chart'")
    assert charts == html.count("type='application/json'") >= 7  # 4 indicators, targets, masked share, 2 of health
    # --indicator chooses the indicators charted
    one = tmp_path / "out" / "one.html"  # its folder is made
    out = run_cli("report", "--warehouse", str(demo_warehouse), "--indicator", "fixed_asset_investment", "--out", str(one))
    assert out.returncode == 0, out.stderr
    text = one.read_text(encoding="utf-8")
    assert "fixed_asset_investment (亿元)" in text and "general_budget_revenue (" not in text
    assert out.stdout.strip() == str(one) and [p.name for p in one.parent.iterdir()] == ["one.html"]
    # a missing warehouse is one line on stderr
    out = run_cli("report", "--warehouse", str(tmp_path / "none"))
    assert out.returncode == 2 and "no warehouse" in out.stderr and "Traceback" not in out.stderr


def test_headless_chromium_draws_the_charts_without_the_network(report: Path, tmp_path: Path) -> None:
    browser = shutil.which("chromium") or shutil.which("chromium-browser")
    if browser is None:
        pytest.skip("chromium is not installed and `make test` could not install it (Debian: apt-get install "
                    "chromium fonts-wqy-zenhei); the report is not checked in a browser on this machine")
    from playwright.sync_api import Route, sync_playwright

    asked: list[str] = []
    errors: list[str] = []

    def refuse_the_network(route: Route) -> None:
        """Every request is recorded; only the file itself may be read."""
        url = route.request.url
        if url.startswith(("file://", "data:", "about:")):
            route.continue_()
        else:
            asked.append(url)
            route.abort()

    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=browser, args=["--no-sandbox", "--disable-gpu"])
        try:
            page = chromium.new_page(viewport={"width": 1100, "height": 900})
            page.route("**/*", refuse_the_network)
            page.on("request", lambda r: None if r.url.startswith(("file://", "data:")) else asked.append(r.url))
            page.on("pageerror", lambda e: errors.append(str(e)))
            page.goto(report.as_uri())
            page.wait_for_function("document.querySelectorAll('div.chart svg.marks').length >= 3", timeout=60_000)
            drawn = page.eval_on_selector_all(
                "div.chart", f"els => els.map(e => e.querySelectorAll('svg.marks :is({MARKS})').length)")
            failed = page.eval_on_selector_all("div.chart", "els => els.filter(e => /chart failed/.test(e.textContent)).length")
            page.screenshot(path=str(tmp_path / "report.png"), full_page=True)
        finally:
            chromium.close()
    assert asked == [] and errors == [] and failed == 0
    assert len(drawn) >= 3 and all(n > 10 for n in drawn), drawn
    assert (tmp_path / "report.png").stat().st_size > 50_000
