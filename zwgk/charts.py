"""The report's charts as Vega-Lite specs (Altair), from plain rows: one function per chart, no I/O.

Why Altair + vl-convert: the charts are declared from the data (a column is an encoding, not a loop over
artists), the HTML report draws them in the browser with tooltips from one inlined JavaScript bundle that
vl-convert ships (no CDN, nothing fetched when the file is opened). Both install from PyPI as wheels with no
system libraries. The Prefect run report's chart is not here: zwgk/run_chart.py says why.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

import altair as alt

from transforms.period import parse_period, period_sort_key

WIDTH = 640
MAX_PUBLISHERS = 12  # colours a reader can still tell apart; the rest stay in the panel
UNIT_LABELS = {"CNY": "元", "USD": "美元", "mu": "亩", "m2": "平方米", "km2": "平方公里", "km": "公里", "m": "米",
               "m3": "立方米", "tce": "吨标煤", "t": "吨", "kWh": "千瓦时", "pct": "%", "count": "个/家/项"}
FONT = "Noto Sans CJK SC, WenQuanYi Zen Hei, PingFang SC, Microsoft YaHei, sans-serif"


def _config(chart: alt.TopLevelMixin) -> dict[str, Any]:
    return chart.configure(font=FONT).configure_view(stroke=None).to_dict()  # type: ignore[no-any-return]


def span_of(period: str) -> str:
    """What a period spans: only periods of one span are joined by a line (a half year is not a year)."""
    _, (first, last) = parse_period(period)
    length = last - first + 1
    return {12: "year", 6: "half year", 3: "quarter"}.get(length, f"{length} months" if length > 1 else "month")


def indicator_chart(canonical: str, rows: list[dict[str, Any]]) -> dict[str, Any]:
    """One indicator across publishers and periods: a point per panel fact (filled: actual, hollow: estimate,
    red ring: in conflict), a line per publisher through the periods of one span."""
    counts = Counter(r["publisher"] or "(unknown)" for r in rows)
    keep = {p for p, _ in counts.most_common(MAX_PUBLISHERS)}
    data = [{**r, "publisher": r["publisher"] or "(unknown)", "span": span_of(r["period"])}
            for r in rows if (r["publisher"] or "(unknown)") in keep]
    unit = Counter(r["unit"] for r in data).most_common(1)[0][0] if data else None
    data = [r for r in data if r["unit"] == unit]
    order = sorted({r["period"] for r in data}, key=period_sort_key)
    factor, label = display_scale(unit, [abs(r["value_base"]) for r in data])
    data = [{**r, "shown": r["value_base"] / factor} for r in data]
    title = f"{canonical} ({label})"
    if len(counts) > MAX_PUBLISHERS:
        title += f" — {MAX_PUBLISHERS} of {len(counts)} publishers"
    x = alt.X("period:O", sort=order, title="period")
    y = alt.Y("shown:Q", title=label)
    color = alt.Color("publisher:N", scale=alt.Scale(scheme="tableau20"), legend=alt.Legend(title="publisher"))
    base = alt.Chart(alt.Data(values=data)).encode(x=x, y=y, color=color)
    lines = base.mark_line(opacity=0.5).encode(detail="span:N")
    points = base.mark_point(size=70, strokeWidth=2).encode(
        fill=alt.condition("datum.kind == 'actual'", alt.Fill("publisher:N", legend=None), alt.value("white")),
        tooltip=["publisher:N", "period:N", "kind:N", alt.Tooltip("shown:Q", title=label, format=",.2f"),
                 "yoy_pct:Q", "conflict:N", "url:N", "quote:N"])
    layers = [lines, points]
    if any(r["conflict"] for r in data):
        layers.append(base.transform_filter("datum.conflict").mark_point(size=260, color="#d62728", strokeWidth=1.5))
    return _config(alt.layer(*layers).properties(width=WIDTH, height=300, title=title))


def display_scale(unit: str | None, magnitudes: list[float]) -> tuple[float, str]:
    """How a chart writes its values: money in 亿元 or 万元 as the reports do, other units as stored."""
    largest = max(magnitudes, default=0.0)
    if unit in ("CNY", "USD"):
        currency = UNIT_LABELS[unit]
        if largest >= 1e8:
            return 1e8, f"亿{currency}"
        if largest >= 1e4:
            return 1e4, f"万{currency}"
        return 1.0, currency
    return 1.0, UNIT_LABELS.get(unit or "", unit or "value")


def targets_chart(rows: list[dict[str, Any]]) -> dict[str, Any]:
    """Results as a share of their targets: a bar per (publisher, indicator, period), the target at 100%."""
    data = [{**r, "label": f"{r['publisher'] or '?'} · {r['canonical']} · {r['period']}",
             "share": round(100.0 + float(r["gap_pct"]), 1), "met": float(r["gap_pct"]) >= 0}
            for r in rows if r.get("gap_pct") is not None]
    bars = alt.Chart(alt.Data(values=data)).mark_bar().encode(
        y=alt.Y("label:N", sort="-x", title=None),
        x=alt.X("share:Q", title="result as % of target"),
        color=alt.Color("met:N", scale=alt.Scale(domain=[True, False], range=["#2ca02c", "#d62728"]),
                        legend=alt.Legend(title="target met")),
        tooltip=["publisher:N", "canonical:N", "period:N", alt.Tooltip("target:Q", format=",.2f"),
                 alt.Tooltip("result:Q", format=",.2f"), "unit:N", alt.Tooltip("gap:Q", format=",.2f"), "gap_pct:Q",
                 "result_kind:N", "conflict:N", "result_url:N"])
    target = alt.Chart(alt.Data(values=[{"x": 100}])).mark_rule(strokeDash=[4, 3], color="#333").encode(x="x:Q")
    height = max(120, 18 * len(data))
    return _config((bars + target).properties(width=WIDTH, height=height, title="targets vs results"))


def masked_chart(rows: list[dict[str, Any]]) -> dict[str, Any]:
    """The share of each source's indicators whose digits the page hides (××, **%): a worse source masks more."""
    chart = alt.Chart(alt.Data(values=rows)).mark_bar(color="#9467bd").encode(
        y=alt.Y("portal:N", sort="-x", title="source (portal)"),
        x=alt.X("masked_pct:Q", title="masked indicators, % of the source's indicators"),
        tooltip=["portal:N", "indicators:Q", "masked:Q", "masked_pct:Q"])
    return _config(chart.properties(width=WIDTH, height=max(80, 22 * len(rows)), title="masked share by source"))


def snapshots_chart(rows: list[dict[str, Any]]) -> dict[str, Any]:
    """Documents per snapshot: what each crawl or reprocess found new, changed, unchanged or gone."""
    data = [{"snapshot": r["snapshot_id"], "kind": r["kind"], "change": change, "documents": r[change]}
            for r in rows for change in ("new", "changed", "unchanged", "gone")]
    chart = alt.Chart(alt.Data(values=data)).mark_bar().encode(
        x=alt.X("snapshot:O", title="snapshot"),
        y=alt.Y("documents:Q", title="documents"),
        color=alt.Color("change:N", sort=["new", "changed", "unchanged", "gone"],
                        scale=alt.Scale(domain=["new", "changed", "unchanged", "gone"],
                                        range=["#1f77b4", "#ff7f0e", "#c7c7c7", "#7f7f7f"])),
        order=alt.Order("change_order:Q"),
        tooltip=["snapshot:O", "kind:N", "change:N", "documents:Q"]).transform_calculate(
        change_order="indexof(['new', 'changed', 'unchanged', 'gone'], datum.change)")
    return _config(chart.properties(width=alt.Step(40), height=240, title="documents per snapshot"))


def portal_failures_chart(rows: list[dict[str, Any]]) -> dict[str, Any]:
    """Failures per portal: pages that failed in its last run and URLs still failing, the run's state in colour."""
    data = [{"portal": r["portal"], "state": str(r["state"]).split(":", 1)[0], "measure": measure,
             "count": r[measure], "note": r.get("note") or ""}
            for r in rows for measure in ("failed_last_run", "failing_urls")]
    chart = alt.Chart(alt.Data(values=data)).mark_bar().encode(
        y=alt.Y("portal:N", title=None),
        x=alt.X("count:Q", title="pages", axis=alt.Axis(format="d", tickMinStep=1)),
        yOffset="measure:N",
        color=alt.Color("measure:N", scale=alt.Scale(range=["#d62728", "#ff9896"]), legend=alt.Legend(title=None)),
        stroke=alt.condition("datum.state == 'failed'", alt.value("black"), alt.value(None)),
        tooltip=["portal:N", "state:N", "measure:N", "count:Q", "note:N"])
    return _config(chart.properties(width=WIDTH, height=max(80, 34 * len(rows)),
                                    title="failures per portal (black outline: the last run failed)"))
