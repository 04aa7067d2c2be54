"""The Prefect run report's chart, pages per portal by outcome, drawn as SVG directly.

Why not Altair + vl-convert like the report's charts: vl-convert starts a JavaScript runtime on its first call in a
process, 0.38 s of CPU under the GIL (then 0.04 s a call), and `zwgk crawl` is a fresh process per run: that was a
third of a 2,000-page unchanged recrawl. A stacked bar per portal needs no layout engine.
"""

from __future__ import annotations

import math
from html import escape
from typing import Any

OUTCOMES = (("new", "#1f77b4"), ("changed", "#ff7f0e"), ("unchanged", "#c7c7c7"), ("failed", "#d62728"))
TITLE = "pages per portal"
BAR_H, BAR_GAP, PLOT_W = 18, 6, 480
TOP, AXIS_H, LEGEND_H, RIGHT = 30, 34, 24, 20
CHAR_W = 7  # px per character of a label at 12 px (portal names are mostly ASCII)
MAX_PORTALS = 40  # bars a reader can take in; the run's table artifact lists every portal


def nice_step(largest: float, ticks: int = 5) -> float:
    """A step of 1, 2 or 5 times a power of ten that cuts 0..largest into about `ticks` parts."""
    if largest <= 0:
        return 1.0
    raw = largest / ticks
    power = 10 ** math.floor(math.log10(raw))
    return next(m * power for m in (1, 2, 5, 10) if m * power >= raw)


def shown(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The portals a province-sized run draws: those with failures first (most first), then the busiest."""
    if len(rows) <= MAX_PORTALS:
        return rows
    def total(row: dict[str, Any]) -> int:
        return sum(int(row.get(o) or 0) for o, _ in OUTCOMES)
    return sorted(rows, key=lambda r: (-int(r.get("failed") or 0), -total(r)))[:MAX_PORTALS]


def run_chart_svg(rows: list[dict[str, Any]]) -> str:
    """Rows with `portal` and a count per outcome (new, changed, unchanged, failed): one stacked bar per portal."""
    title = TITLE if len(rows) <= MAX_PORTALS else f"{TITLE}: {MAX_PORTALS} of {len(rows)} (failing first, then busiest)"
    rows = shown(rows)
    largest = max([sum(int(r.get(o) or 0) for o, _ in OUTCOMES) for r in rows] or [0])
    step = nice_step(largest)
    axis_max = max(step, math.ceil(largest / step) * step)
    left = 12 + CHAR_W * max([len(str(r["portal"])) for r in rows] or [0])
    plot_h = max(1, len(rows)) * (BAR_H + BAR_GAP)
    width, height = left + PLOT_W + RIGHT, TOP + plot_h + AXIS_H + LEGEND_H
    scale = PLOT_W / axis_max
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
           f'viewBox="0 0 {width} {height}" font-family="sans-serif" font-size="12">',
           f'<text x="{left}" y="18" font-size="14" font-weight="bold">{title}</text>']
    bottom = TOP + plot_h
    for n in range(int(round(axis_max / step)) + 1):
        x = left + n * step * scale
        out.append(f'<line x1="{x:.1f}" y1="{TOP}" x2="{x:.1f}" y2="{bottom}" stroke="#e5e5e5"/>')
        out.append(f'<text x="{x:.1f}" y="{bottom + 14}" text-anchor="middle">{n * step:g}</text>')
    out.append(f'<text x="{left + PLOT_W / 2}" y="{bottom + 28}" text-anchor="middle">pages in this run</text>')
    for i, row in enumerate(rows):
        y = TOP + i * (BAR_H + BAR_GAP) + BAR_GAP / 2
        name = escape(str(row["portal"]))
        out.append(f'<text x="{left - 6}" y="{y + BAR_H - 5}" text-anchor="end">{name}</text>')
        x = float(left)
        for outcome, colour in OUTCOMES:
            count = int(row.get(outcome) or 0)
            if count:
                w = count * scale
                out.append(f'<rect x="{x:.1f}" y="{y:.1f}" width="{w:.1f}" height="{BAR_H}" fill="{colour}">'
                           f'<title>{name}: {count} {outcome}</title></rect>')
                x += w
    legend_y = bottom + AXIS_H + 4
    for n, (outcome, colour) in enumerate(OUTCOMES):
        x = left + n * 100
        out.append(f'<rect x="{x}" y="{legend_y}" width="12" height="12" fill="{colour}"/>')
        out.append(f'<text x="{x + 16}" y="{legend_y + 10}">{outcome}</text>')
    out.append("</svg>")
    return "".join(out)
