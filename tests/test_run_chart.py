"""The run report's SVG chart: well-formed whatever the portal names, bars in proportion, every outcome shown."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

from zwgk.run_chart import nice_step, run_chart_svg

SVG = "{http://www.w3.org/2000/svg}"


def _bars(svg: str) -> dict[str, float]:
    root = ET.fromstring(svg)
    return {rect.find(f"{SVG}title").text: float(rect.get("width"))  # type: ignore[union-attr]
            for rect in root.iter(f"{SVG}rect") if rect.find(f"{SVG}title") is not None}


def test_bars_are_in_proportion_and_stack_per_portal() -> None:
    svg = run_chart_svg([{"portal": "a", "new": 30, "changed": 10, "unchanged": 60, "failed": 0},
                         {"portal": "b", "new": 0, "changed": 0, "unchanged": 0, "failed": 25}])
    bars = _bars(svg)
    assert set(bars) == {"a: 30 new", "a: 10 changed", "a: 60 unchanged", "b: 25 failed"}  # no zero-width bars
    assert abs(bars["a: 30 new"] / bars["a: 10 changed"] - 3) < 0.05
    assert abs(bars["a: 60 unchanged"] / bars["b: 25 failed"] - 60 / 25) < 0.05
    assert "pages per portal" in svg and all(o in svg for o in ("new", "changed", "unchanged", "failed"))


def test_hostile_names_stay_text() -> None:
    svg = run_chart_svg([{"portal": '<script>alert("x")</script>&', "new": 1}])
    root = ET.fromstring(svg)  # still well-formed XML
    assert not list(root.iter(f"{SVG}script"))
    assert '<script>alert("x")</script>&' in "".join(root.itertext())


def test_no_rows_and_no_pages_still_draw() -> None:
    for rows in ([], [{"portal": "quiet", "new": 0, "changed": 0, "unchanged": 0, "failed": 0}]):
        ET.fromstring(run_chart_svg(rows))


def test_a_province_shows_its_failing_portals_first_then_the_busiest() -> None:
    rows = [{"portal": f"p{n:03d}", "unchanged": n} for n in range(200)]
    rows[5]["failed"], rows[7]["failed"] = 3, 9
    svg = run_chart_svg(rows)
    labels = [t.text for t in ET.fromstring(svg).iter(f"{SVG}text") if re.fullmatch(r"p\d{3}", t.text or "")]
    assert labels[:3] == ["p007", "p005", "p199"] and len(labels) == 40 and "p162" in labels and "p161" not in labels
    assert "40 of 200" in svg


def test_axis_steps_are_round() -> None:
    assert [nice_step(n) for n in (0, 4, 10, 37, 2000, 12345)] == [1.0, 1.0, 2.0, 10.0, 500.0, 5000.0]
