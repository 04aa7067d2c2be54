"""`zwgk report`: the warehouse as one self-contained HTML file with charts, which opens with no network.

Everything is inlined: the Vega/Vega-Lite/vega-embed bundle that vl-convert ships, the CSS, and each chart's spec
with its data. The queries are sql/report/*.sql, with parameters (never text pasted into SQL).
"""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from decimal import Decimal
from functools import lru_cache
from html import escape
from pathlib import Path
from typing import Any

import duckdb

from zwgk import charts
from zwgk.settings import SQL_DIR

DEFAULT_INDICATORS = 4
MAX_TARGET_ROWS = 60
VEGA_LITE = "6.4"  # the Vega-Lite Altair writes (its schema v6.4.x), bundled by vl-convert

_CSS = """
body{font-family:"Noto Sans CJK SC","WenQuanYi Zen Hei","PingFang SC","Microsoft YaHei",sans-serif;margin:24px auto;
max-width:980px;color:#222;line-height:1.5;padding:0 16px}
h1{font-size:1.6em;margin-bottom:4px}h2{font-size:1.2em;margin-top:36px;border-bottom:1px solid #ddd;padding-bottom:4px}
.summary{color:#555}.note{color:#666;font-size:.9em}.empty{color:#999;font-style:italic}
.chart{margin:12px 0}table{border-collapse:collapse;font-size:.85em}td,th{border:1px solid #ddd;padding:2px 6px}
"""

_EMBED = """
document.querySelectorAll('div.chart[data-spec]').forEach(function (el) {
  var spec = JSON.parse(document.getElementById(el.dataset.spec).textContent);
  vegaEmbed(el, spec, {renderer: 'svg', actions: false}).catch(function (err) {
    el.textContent = 'chart failed: ' + err;
  });
});
"""


@lru_cache(maxsize=1)
def _bundle() -> str:
    """vega-embed, Vega-Lite and Vega with the code that draws each chart, as one script, from the vl-convert wheel
    (nothing is downloaded, then or when the file is opened)."""
    import vl_convert

    return _script_safe(vl_convert.javascript_bundle(_EMBED, vl_version=VEGA_LITE))


def _script_safe(text: str) -> str:
    """Text that cannot end the <script> element it is inlined in."""
    return text.replace("</script", "<\\/script").replace("</SCRIPT", "<\\/SCRIPT")


def _plain(value: Any) -> Any:
    """A value as the chart data carries it: decimals as numbers (the charts need no exactness), dates as text."""
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    return value


def _query(con: duckdb.DuckDBPyConnection, name: str, params: dict[str, Any] | None = None) -> list[dict[str, Any]]:
    cur = con.execute((SQL_DIR / "report" / f"{name}.sql").read_text(encoding="utf-8"), params or {})
    columns = [d[0] for d in cur.description or []]
    return [{c: _plain(v) for c, v in zip(columns, row, strict=True)} for row in cur.fetchall()]


class _Page:
    """The report's sections, each a heading, a line saying what is shown, and a chart or why there is none."""

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.specs: list[dict[str, Any]] = []

    def section(self, title: str, note: str) -> None:
        self.parts.append(f"<h2>{escape(title)}</h2><p class='note'>{escape(note)}</p>")

    def chart(self, spec: dict[str, Any]) -> None:
        n = len(self.specs)
        self.specs.append(spec)
        self.parts.append(f"<div class='chart' id='chart-{n}' data-spec='spec-{n}'></div>")

    def empty(self, why: str) -> None:
        self.parts.append(f"<p class='empty'>{escape(why)}</p>")

    def chart_of(self, make: Any, rows: list[dict[str, Any]], why_none: str) -> None:
        if rows:
            self.chart(make(rows))
        else:
            self.empty(why_none)

    def html(self, title: str, summary: str) -> str:
        specs = "".join(
            f"<script type='application/json' id='spec-{n}'>{_script_safe(json.dumps(spec, ensure_ascii=False))}</script>"
            for n, spec in enumerate(self.specs))
        return ("<!DOCTYPE html><html lang='zh-CN'><head><meta charset='utf-8'>"
                f"<meta name='viewport' content='width=device-width, initial-scale=1'><title>{escape(title)}</title>"
                f"<style>{_CSS}</style></head><body><h1>{escape(title)}</h1><p class='summary'>{summary}</p>"
                + "".join(self.parts) + specs
                + f"<script>{_bundle()}</script></body></html>")


def build_report(con: duckdb.DuckDBPyConnection, indicators: list[str] | None = None, source: str = "") -> str:
    """The report's HTML: each chosen indicator across publishers and periods, targets vs results, the masked share
    by source, documents per snapshot and failures per portal."""
    page = _Page()
    keys = indicators or [r["canonical"] for r in _query(con, "default_indicators", {"limit": DEFAULT_INDICATORS})]
    series = _query(con, "indicator_series", {"indicators": keys}) if keys else []
    page.section("Indicators across publishers and periods",
                 "One point per fact of the indicator panel (filled: actual, hollow: estimate, red ring: documents "
                 "disagree); lines join a publisher's periods of one span (years, half years …).")
    for key in keys:
        rows = [r for r in series if r["canonical"] == key]
        if rows:
            page.chart(charts.indicator_chart(key, rows))
        else:
            page.empty(f"{key}: no result with a level in the panel.")
    if not keys:
        page.empty("The panel has no indicator with a level yet.")
    targets = _query(con, "targets", {"limit": MAX_TARGET_ROWS})
    page.section("Targets vs results", "Each target next to the result for the same period (targets_vs_results): "
                 "the result as a share of the target; the dashed line is the target.")
    page.chart_of(charts.targets_chart, targets, "No target has a result for its period yet.")
    masked = _query(con, "masked_share")
    page.section("Masked share by source", "Indicators whose digits the page hides (**%, ××亿元): their values are "
                 "null, never guessed.")
    page.chart_of(charts.masked_chart, masked, "No indicators yet.")
    snapshots = _query(con, "snapshots")
    page.section("Crawl health", "Documents per snapshot, and failures per portal as its last run left it "
                 "(portal_health, fetch_failures).")
    page.chart_of(charts.snapshots_chart, snapshots, "No snapshot yet.")
    failures = _query(con, "portal_failures")
    page.chart_of(charts.portal_failures_chart, failures, "No portal run recorded yet.")
    s = _query(con, "summary")[0]
    summary = escape(f"{source} · {s['snapshots']} snapshots (last {s['last_snapshot_at'] or '—'}) · "
                     f"{s['documents']} documents · {s['indicators']} indicators · {s['panel_facts']} panel facts "
                     f"from {s['publishers']} publishers, {s['conflicts']} in conflict · generated "
                     f"{datetime.now(UTC).isoformat(timespec='seconds')}")
    return page.html("zwgk report", summary)


def write_report(con: duckdb.DuckDBPyConnection, out: Path, indicators: list[str] | None = None,
                 source: str = "") -> Path:
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(build_report(con, indicators, source), encoding="utf-8")
    return out
