"""The indicator panel on constructed documents, through the real loader into a real warehouse (no mocks), and the
in-place upgrade of a schema-4 warehouse to exact values."""

from __future__ import annotations

import math
import shutil
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import duckdb

from flows.process import stage_pages
from flows.warehouse import SCHEMA_VERSION, CrawlBatch, connect, load
from mirror.render import hanweb_xxgk
from transforms.models import RawPage
from zwgk import settings

from .conftest import FIXTURES

PUBLISHER = "样例镇人民政府"
YI = Decimal(10) ** 8


def _page(title: str, published: str, body: str, publisher: str = PUBLISHER) -> bytes:
    meta = {"title": title, "publisher": publisher, "published_at": published, "written_date": published}
    return hanweb_xxgk(meta, body, "样例镇").encode("utf-8")


def _crawl(con: duckdb.DuckDBPyConnection, pages: dict[str, bytes]) -> None:
    """One crawl snapshot of these pages (named by path); other stored documents stay (the listing is partial)."""
    raw = [RawPage(url=f"http://town.example/art/{name}.html", portal="town", status=200,
                   fetched_at="2025-06-01T00:00:00", content=page, content_type="text/html; charset=utf-8")
           for name, page in pages.items()]
    load(con, CrawlBatch(kind="crawl", started_at=datetime.now(UTC), portals=["town"], pages=[stage_pages(raw)],
                         pages_listed=len(raw)))


def _panel(con: duckdb.DuckDBPyConnection, canonical: str) -> list[dict[str, Any]]:
    cur = con.execute("SELECT * FROM indicator_panel WHERE canonical = ? ORDER BY period, kind, value_base",
                      [canonical])
    columns = [d[0] for d in cur.description]
    return [dict(zip(columns, row, strict=True)) for row in cur.fetchall()]


def test_panel_columns_are_the_contract(tmp_path: Path) -> None:
    con = connect(tmp_path)
    assert [r[0] for r in con.execute("DESCRIBE indicator_panel").fetchall()] == [
        "publisher", "region", "canonical", "period", "period_raw", "kind", "value", "unit", "value_base", "yoy_pct",
        "conflict", "doc_id", "version", "url", "quote"]
    types = dict(con.execute("SELECT column_name, data_type FROM duckdb_columns() WHERE table_name = 'indicator_rows'"
                             " AND database_name = 'zwgk'").fetchall())
    assert types["value"] == types["value_base"] == types["value_high"] == "DECIMAL(38,6)"
    assert types["yoy_pct"] == "DOUBLE"


def test_a_half_year_report_then_the_annual_one_are_two_periods(tmp_path: Path) -> None:
    con = connect(tmp_path)
    _crawl(con, {"h1": _page("样例镇2024年上半年工作总结", "2024-07-15",
                             "一、主要经济指标\n固定资产投资完成年度目标的57.2%;完成规上工业总产值50.5亿元,同比增长5%;"
                             "完成固定资产投资30.6亿元。规上工业增加值同比增长7.1%。")})
    _crawl(con, {"year": _page("样例镇2024年工作总结", "2025-01-10",
                               "一、主要经济指标\n全年完成规上工业总产值103.2亿元,同比增长6%;规上工业增加值45.2亿元,同比增长6.3%。")})
    rows = _panel(con, "industrial_output_above_scale")
    assert [(r["period"], r["kind"], r["value_base"], r["yoy_pct"], r["conflict"]) for r in rows] == [
        ("2024", "actual", Decimal("103.2") * YI, 6.0, False),
        ("2024H1", "actual", Decimal("50.5") * YI, 5.0, False)]
    assert rows[1]["period_raw"] == "2024年上半年" and rows[0]["unit"] == "CNY" and rows[1]["value"] == Decimal("50.5")
    assert "50.5亿元" in rows[1]["quote"] and rows[1]["url"].endswith("/h1.html") and rows[1]["version"] == 1
    # a completion share (完成年度目标的57.2%) is a share of the target, not a level: the panel keeps the level
    assert con.execute("SELECT count(*) FROM indicators WHERE canonical = 'fixed_asset_investment'").fetchone() == (2,)
    assert [(r["period"], r["value_base"]) for r in _panel(con, "fixed_asset_investment")] == [
        ("2024H1", Decimal("30.6") * YI)]
    # a half year that prints only a growth rate is still its own fact beside the year's level (were the two one
    # fact, the level would win and the half year's rate would vanish)
    assert [(r["period"], r["value_base"], r["yoy_pct"]) for r in _panel(con, "industrial_value_added_above_scale")] == [
        ("2024", Decimal("45.2") * YI, 6.3), ("2024H1", None, 7.1)]


def test_the_actual_published_after_the_estimate_replaces_it(tmp_path: Path) -> None:
    con = connect(tmp_path)
    _crawl(con, {"estimate": _page("样例镇2024年工作总结和2025年工作思路", "2024-12-05",
                                   "一、2024年工作总结\n预计全年完成固定资产投资80亿元,同比增长8%。")})
    assert [(r["kind"], r["value_base"]) for r in _panel(con, "fixed_asset_investment")] == [
        ("estimate", 80 * YI)]
    _crawl(con, {"result": _page("样例镇2024年国民经济和社会发展统计公报", "2025-03-01",
                                 "一、综合\n全年完成固定资产投资82.3亿元,同比增长9.1%。")})
    rows = _panel(con, "fixed_asset_investment")
    assert [(r["period"], r["kind"], r["value_base"], r["yoy_pct"], r["conflict"]) for r in rows] == [
        ("2024", "actual", Decimal("82.3") * YI, 9.1, False)]
    assert rows[0]["url"].endswith("/result.html")
    # an estimate published after the actual (a plan that still quotes its 预计) does not displace it
    _crawl(con, {"plan": _page("样例镇2025年工作计划", "2025-04-02",
                               "一、2024年工作回顾\n预计全年完成固定资产投资80亿元,同比增长8%。")})
    assert con.execute("SELECT kind, period_norm FROM indicators WHERE url LIKE '%/plan.html'").fetchall() == [
        ("estimate", "2024")]
    assert [(r["period"], r["kind"], r["value_base"], r["url"].rsplit("/", 1)[1])
            for r in _panel(con, "fixed_asset_investment")] == [("2024", "actual", Decimal("82.3") * YI, "result.html")]


def test_a_target_then_the_result_next_year_meet_in_targets_vs_results(tmp_path: Path) -> None:
    con = connect(tmp_path)
    _crawl(con, {"plan": _page("样例镇2023年工作总结和2024年工作思路", "2024-01-20",
                               "一、2023年工作总结\n完成规上工业总产值110亿元。\n二、2024年工作思路\n"
                               "力争完成规上工业总产值120亿元以上。")})
    _crawl(con, {"review": _page("样例镇2024年工作总结和2025年工作思路", "2025-01-15",
                                 "一、2024年工作总结\n完成规上工业总产值126亿元,同比增长14.5%。\n二、2025年工作思路\n"
                                 "力争完成规上工业总产值135亿元。")})
    rows = _panel(con, "industrial_output_above_scale")
    assert [(r["period"], r["kind"], r["value_base"]) for r in rows] == [
        ("2023", "actual", 110 * YI), ("2024", "actual", 126 * YI), ("2024", "target", 120 * YI),
        ("2025", "target", 135 * YI)]
    cur = con.execute("SELECT period, target, result, unit, gap, gap_pct, result_kind, conflict, target_url, result_url "
                      "FROM targets_vs_results WHERE canonical = 'industrial_output_above_scale'")
    assert cur.fetchall() == [("2024", 120 * YI, 126 * YI, "CNY", 6 * YI, 5.0, "actual", False,
                               "http://town.example/art/plan.html", "http://town.example/art/review.html")]
    # the analysis pack's query reads the view
    query = (settings.SQL_DIR / "analysis" / "03_targets_vs_results.sql").read_text(encoding="utf-8")
    assert [r[:3] for r in con.execute(query).fetchall()] == [(PUBLISHER, "industrial_output_above_scale", "2024")]


def test_documents_that_disagree_on_an_actual_are_both_kept_as_a_conflict(tmp_path: Path) -> None:
    """12.5亿元 and 12.46亿元 agree (12.5 stands for 12.45 to 12.55); 13.1亿元 disagrees with both."""
    pages = {"summary": _page("样例镇2024年工作总结", "2025-01-10", "一、主要指标\n完成一般公共预算收入12.5亿元。"),
             "budget": _page("样例镇2024年预算执行情况", "2025-02-20", "一、收入\n全年一般公共预算收入13.1亿元。"),
             "final": _page("样例镇2024年决算报告", "2025-03-01", "一、收入\n全年完成一般公共预算收入12.46亿元。")}
    con = connect(tmp_path / "all")
    _crawl(con, pages)
    rows = _panel(con, "general_budget_revenue")
    assert [(r["period"], r["kind"], r["value_base"], r["conflict"], r["url"].rsplit("/", 1)[1]) for r in rows] == [
        ("2024", "actual", Decimal("12.46") * YI, True, "final.html"),
        ("2024", "actual", Decimal("13.1") * YI, True, "budget.html")]
    # without the dissenting document there is no conflict: the agreeing figures are one fact, the latest wins
    con = connect(tmp_path / "agreeing")
    _crawl(con, {name: page for name, page in pages.items() if name != "budget"})
    assert [(r["value_base"], r["conflict"]) for r in _panel(con, "general_budget_revenue")] == [
        (Decimal("12.46") * YI, False)]


def _old_rows(con: duckdb.DuckDBPyConnection, lake_version: int) -> dict[tuple[Any, ...], tuple[Any, ...]]:
    rows = con.execute(f"SELECT doc_id, version, parser_version, seq, value, multiplier, value_base, value_high, raw, "
                       f"kind, period FROM indicator_rows AT (VERSION => {int(lake_version)})").fetchall()
    return {r[:4]: r[4:] for r in rows}


def test_a_schema_4_warehouse_is_upgraded_to_exact_values_in_place(tmp_path: Path) -> None:
    """A warehouse written by the schema-4 code (tests/fixtures/warehouse-schema4) opens upgraded: every value equals
    the DOUBLE it was, the base values are exact, periods are filled, history and loads still work."""
    wh = tmp_path / "wh"
    shutil.copytree(FIXTURES / "warehouse-schema4", wh)
    con = connect(wh)
    assert con.execute("SELECT value FROM zwgk_meta WHERE key = 'schema_version'").fetchone() == (SCHEMA_VERSION,)
    lake = [r[0] for r in con.execute("SELECT snapshot_id FROM ducklake_snapshots('zwgk') ORDER BY 1").fetchall()]
    old = _old_rows(con, lake[-2])  # the lake version before the upgrade's commit: the old table, DOUBLE columns
    assert con.execute(f"SELECT typeof(value) FROM indicator_rows AT (VERSION => {int(lake[-2])}) LIMIT 1").fetchone() \
        == ("DOUBLE",)
    new = {r[:4]: r[4:] for r in con.execute(
        "SELECT doc_id, version, parser_version, seq, value, multiplier, value_base, value_high, raw, kind, period, "
        "period_norm FROM indicator_rows").fetchall()}
    assert len(new) == len(old) == 148 and new.keys() == old.keys()
    inexact = 0
    for key, (value, multiplier, base, high, raw, kind, period, period_norm) in new.items():
        o_value, o_multiplier, o_base, o_high, o_raw, o_kind, o_period = old[key]
        assert (raw, kind, period, multiplier) == (o_raw, o_kind, o_period, o_multiplier)
        assert (value is None) == (o_value is None) and (high is None) == (o_high is None)
        if value is not None:
            assert isinstance(value, Decimal) and float(value) == o_value  # the written number, exactly
            assert base == value * Decimal(int(multiplier))  # exact, where the DOUBLE was off in its last digit
            assert math.isclose(float(base), o_base, rel_tol=1e-15)
            inexact += float(base) != o_base
        if high is not None:
            assert float(high) == o_high
        assert period_norm is not None
    assert inexact >= 4  # 587.06亿元 was 58705999999.99999, and three more
    h1 = dict(con.execute("SELECT raw, period_norm FROM indicators WHERE publisher = '样例镇人民政府'").fetchall())
    assert h1 == {"587.06亿元": "2024H1", "66.90亿元": "2024H1", "71.93亿元": "2024H1", "130亿元以上": "2024"}
    assert con.execute("SELECT value_base FROM indicator_panel WHERE period = '2024H1' AND publisher = '样例镇人民政府' "
                       "AND canonical = 'industrial_output_above_scale'").fetchone() == (Decimal("58706000000"),)
    # zwgk's own history is whole: both versions of the changed page and their indicators, as of snapshot 1
    assert con.execute("SELECT count(*) FROM indicators_as_of(1)").fetchone()[0] > 0
    assert con.execute("SELECT count(*) FROM document_versions WHERE valid_to IS NOT NULL").fetchone() == (1,)
    for path in sorted((settings.SQL_DIR / "checks").glob("*.sql")):
        assert con.execute(path.read_text(encoding="utf-8")).fetchall() == [], path.name
    # a load into the upgraded warehouse, and a second open that finds nothing to upgrade
    _crawl(con, {"later": _page("样例镇2024年工作总结", "2025-01-10", "一、主要指标\n完成一般公共预算收入12.5亿元。")})
    con.close()
    con = connect(wh)
    assert con.execute("SELECT count(*) FROM snapshots").fetchone() == (3,)
    assert con.execute("SELECT value_base FROM indicators WHERE raw = '12.5亿元'").fetchone() == (Decimal("1250000000"),)
    con.close()
