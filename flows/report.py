"""What a crawl run shows in the Prefect UI: progress while it runs, a table and a report when it ends."""

from __future__ import annotations

import base64
from collections import Counter
from typing import Any

import duckdb
from prefect.artifacts import create_markdown_artifact, create_table_artifact

from flows.warehouse import LoadResult
from zwgk.run_chart import run_chart_svg

MAX_FAILURES_SHOWN = 30
TOP_INDICATORS = 10


def publish(summaries: list[Any], result: LoadResult, con: duckdb.DuckDBPyConnection) -> None:
    """A table per portal and a markdown report: failures with their reasons, top indicators found."""
    rows = [{"portal": s.portal, "state": s.state, "listed": s.listed, "fetched": s.fetched, "unchanged": s.unchanged, "failed": s.failed,
             "new": s.new, "changed": s.changed, "gone": s.gone, "indicators": result.per_portal.get(s.portal, {}).get("indicators", 0),
             "notes": "; ".join(s.notes)} for s in summaries]
    create_table_artifact(rows, key="crawl-portals", description=f"snapshot {result.snapshot_id}: per-portal counts")
    create_markdown_artifact(_report(summaries, result, con, rows), key="crawl-report",
                             description=f"snapshot {result.snapshot_id}: failures and top indicators")
    health = con.execute("SELECT * FROM portal_health")
    columns = [d[0] for d in health.description]
    create_table_artifact([{c: _cell(v) for c, v in zip(columns, row, strict=True)} for row in health.fetchall()],
                          key="portal-health",
                          description="every portal as its runs left it: failing ones first (the portal_health view)")


def _cell(value: Any) -> Any:
    return value.isoformat(timespec="seconds") if hasattr(value, "isoformat") else value


def chart_image(rows: list[dict[str, Any]]) -> str:
    """Pages per portal in this run as an SVG data URI: the Prefect UI renders a markdown image as <img src>, and a
    data URI needs no server to host the picture (the UI of a machine with no network still shows it)."""
    svg = run_chart_svg(rows)
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode("utf-8")).decode("ascii")


def _report(summaries: list[Any], result: LoadResult, con: duckdb.DuckDBPyConnection,
            rows: list[dict[str, Any]] | None = None) -> str:
    lines = [f"# Snapshot {result.snapshot_id}", "",
             f"{result.docs_new} new, {result.docs_changed} changed, {result.docs_unchanged} unchanged, "
             f"{result.docs_gone} gone documents; {result.indicators} indicators in new versions; "
             f"{result.pages_failed} pages failed.", ""]
    if rows:
        lines += [f"![pages per portal in snapshot {result.snapshot_id}]({chart_image(rows)})", ""]
    notes = [(s.portal, n) for s in summaries for n in s.notes]
    if notes:
        lines += ["## Notes", ""] + [f"- **{portal}**: {note}" for portal, note in notes] + [""]
    if result.failures:
        reasons = Counter(error.split(":")[0] for _p, _u, _s, error in result.failures)
        lines += ["## Failures", "", "| reason | pages |", "|---|---|"]
        lines += [f"| {reason} | {count} |" for reason, count in reasons.most_common()] + [""]
        lines += ["| portal | url | status | error |", "|---|---|---|---|"]
        lines += [f"| {p} | {u} | {s if s is not None else ''} | {e} |" for p, u, s, e in result.failures[:MAX_FAILURES_SHOWN]]
        if len(result.failures) > MAX_FAILURES_SHOWN:
            lines.append(f"\n… and {len(result.failures) - MAX_FAILURES_SHOWN} more (query `fetch_failures`).")
        lines.append("")
    # the top figures of the versions this snapshot created: a query of 0.04-0.06 s when it created none
    top = _top_indicators(con, result.snapshot_id) if result.docs_new or result.docs_changed else []
    if top:
        lines += ["## Top indicators in this snapshot", "", "| publisher | indicator | value | yoy % | kind | period |",
                  "|---|---|---|---|---|---|"]
        lines += [f"| {pub or ''} | {name} | {raw} | {'' if yoy is None else yoy} | {kind} | {period or ''} |"
                  for pub, name, raw, yoy, kind, period in top]
    return "\n".join(lines)


def _top_indicators(con: duckdb.DuckDBPyConnection, snapshot_id: int) -> list[tuple[Any, ...]]:
    """The largest money figures with a canonical key among the versions this snapshot created."""
    return con.execute(
        """
        SELECT d.publisher, i.name, i.raw, i.yoy_pct, i.kind, i.period
        FROM indicator_rows i JOIN document_versions d ON d.doc_id = i.doc_id AND d.version = i.version
        WHERE d.valid_from = ? AND i.value_base IS NOT NULL AND i.canonical IS NOT NULL AND i.valid
        ORDER BY (i.unit = 'CNY') DESC, i.value_base DESC LIMIT ?
        """, [snapshot_id, TOP_INDICATORS]).fetchall()
