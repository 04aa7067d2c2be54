"""Indicator extraction: the seeds scored against gold, hard cases of the spec, the number grammar."""

from __future__ import annotations

import re
import subprocess
import sys
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from transforms.clean import clean_text
from transforms.extract import extract_indicators
from transforms.normalise import indicators_frame
from transforms.numbers import scan
from transforms.reading import reading_text
from zwgk.evaluate import predict

from .conftest import FIXTURES, GOLD, SEEDS

# The target on the seeds (measured 0.922 when this floor was set, 0.968 after round 2 of the extractor).
SEED_F1_FLOOR = 0.95


def test_seed_extraction_scores(tmp_path) -> None:
    pred = tmp_path / "pred.jsonl"
    predict(SEEDS, pred)
    out = subprocess.run([sys.executable, str(FIXTURES / "score_indicators.py"), str(GOLD / "seeds-indicators.jsonl"), str(pred)],
                         capture_output=True, text=True, check=True).stdout
    scores = dict(re.findall(r"(\w+)=([0-9.]+)", out))
    assert float(scores["f1"]) >= SEED_F1_FLOOR, out
    for attr in ("yoy_pct", "target_pct", "kind", "bound", "masked"):
        assert float(scores[f"{attr}_accuracy"]) >= 0.95, out


def one(text: str, section: str = "一、2023年工作总结") -> list[dict]:
    doc = clean_text(f"{section}\n{text}")
    return [i.to_dict() for i in extract_indicators(doc)]


def test_level_with_growth_and_target_share() -> None:
    rows = one("全年完成规上工业总产值773.76亿元,同比下降4.2%,完成目标任务的81.9%;")
    assert len(rows) == 1
    r = rows[0]
    assert (r["name"], r["value"], r["unit"], r["value_base"], r["yoy_pct"], r["target_pct"], r["kind"]) == (
        "规上工业总产值", 773.76, "CNY", 77376000000.0, -4.2, 81.9, "actual")


def test_respectively_distributes_values_growth_and_shares() -> None:
    rows = one("建安投资42.73亿元,同比增长2.8%,其中:工业建安和服务业建安分别25.41亿元、17.16亿元,分别同比增长8.8%、下降5.6%,分别完成目标任务的93.7%、90.9%;")
    by_name = {r["name"]: r for r in rows}
    assert by_name["工业建安"]["value"] == 25.41 and by_name["工业建安"]["yoy_pct"] == 8.8 and by_name["工业建安"]["target_pct"] == 93.7
    assert by_name["服务业建安"]["yoy_pct"] == -5.6 and by_name["服务业建安"]["target_pct"] == 90.9
    assert by_name["工业建安"]["parent"] == "建安投资"


def test_change_only_estimates() -> None:
    rows = one("规上工业总产值预计同比增长25%,限上商品批发额、零售额预计分别同比增长11.7%、19.2%,营利性服务业综合收入预计同比增长超40%。")
    assert [(r["value"], r["yoy_pct"], r["kind"], r["bound"]) for r in rows] == [
        (None, 25.0, "estimate", "exact"), (None, 11.7, "estimate", "exact"), (None, 19.2, "estimate", "exact"),
        (None, 40.0, "estimate", "lower")]


def test_bounds() -> None:
    rows = one("纪律党课、专题宣讲等各类学习教育活动50余次,力争全年新增高新技术企业认定35家以上。拆除房屋面积约18万平方米")
    assert [(r["value"], r["bound"], r["kind"]) for r in rows] == [(50.0, "lower", "actual"), (35.0, "lower", "target"), (18.0, "approx", "actual")]
    assert rows[2]["value_base"] == 180000.0


def test_plan_and_actual_in_one_sentence() -> None:
    rows = one("全年计划实施政府(国企)投资项目42个(续建20个、新建12个、前期10个),总投资308亿元,本年度计划完成投资57.2亿元,上半年完成有效投资32.65亿元、完成率57.1%。")
    kinds = {r["raw"]: r["kind"] for r in rows}
    assert kinds["42个"] == "target" and kinds["57.2亿元"] == "target" and kinds["32.65亿元"] == "actual"
    effective = next(r for r in rows if r["raw"] == "32.65亿元")
    assert effective["target_pct"] == 57.1
    assert next(r for r in rows if r["raw"] == "20个")["parent"] == next(r for r in rows if r["raw"] == "42个")["name"]


def test_masked_figures_are_never_guessed() -> None:
    rows = one("今年主要预期目标是:实现GDP增长**%(争取**%)以上,研发经费支出占比*.*%。", "工作思路")
    assert len(rows) == 3
    assert all(r["masked"] and r["value"] is None and r["yoy_pct"] is None for r in rows)
    assert rows[0]["name"] == "GDP" and rows[1]["name"] == "GDP" and rows[0]["bound"] == "lower"


def test_size_brackets_are_part_of_names() -> None:
    rows = one("1-12月新引进亿元以上项目11只,完成考核任务220%。累计招引企业1054家,其中注册资金1000万以上企业32家。")
    assert [(r["value"], r["unit"]) for r in rows] == [(11.0, "count"), (1054.0, "count"), (32.0, "count")]
    assert rows[0]["target_pct"] == 220.0


def test_noun_after_a_counted_figure_names_it() -> None:
    rows = one("高质量完成首批375座坟墓迁移安置;依托千亩方范围内1500亩高标准农田的有力建设;全年党纪立案审查16起处理16人次。")
    names = {(r["value"], r["unit"]): r["name"] for r in rows}
    assert names[(375.0, "count")].endswith("坟墓迁移安置")
    assert names[(1500.0, "mu")] == "高标准农田"
    cases, people = [r["name"] for r in rows if r["value"] == 16.0]
    assert "党纪立案审查" in cases and people == "处理"  # 处理 runs into the next figure: its verb, not this noun
    money = one("完成固定资产投资12.5亿元建设新厂房。")
    assert money[0]["name"] == "固定资产投资"  # money is not counted out: the words after it are not its name


def test_enumeration_and_chinese_numerals() -> None:
    rows = one("完成下升上11家,小升规28家,企改股7家,南三路等五条道路基本完工。")
    assert [(r["name"], r["value"]) for r in rows][:3] == [("下升上", 11.0), ("小升规", 28.0), ("企改股", 7.0)]
    assert rows[3]["value"] == 5.0


def test_not_indicators() -> None:
    assert one("2023年,桐乡经济开发区位列“2023中国省级开发区高质量发展百强”第18位,高于全市7.8个百分点,落实“十四五”规划。") == []


def test_period_follows_sections() -> None:
    doc = clean_text("一、2023年工作总结\n全年完成签约项目57个。\n二、2024年工作思路\n计划2024年度新建东风人才公寓共3.2万余平方米。")
    rows = [i.to_dict() for i in extract_indicators(doc)]
    assert [(r["period"], r["kind"]) for r in rows] == [("2023", "actual"), ("2024", "target")]


def test_normalise_flags_impossible_values() -> None:
    frame = indicators_frame(extract_indicators(clean_text("一、总结\n出口总额225.33亿元,同比增长1760%。")))
    assert frame["valid"].to_list() == [False]
    assert "yoy" in frame["issues"][0]
    assert indicators_frame(extract_indicators(clean_text("一、总结\n规模以上工业总产值1亿元。")))["canonical"][0] == "industrial_output_above_scale"


UNITS = [("亿元", "CNY", Decimal(10) ** 8), ("万元", "CNY", Decimal(10) ** 4), ("亩", "mu", Decimal(1)), ("万平方米", "m2", Decimal(10) ** 4),
         ("家", "count", Decimal(1)), ("吨", "t", Decimal(1)), ("亿美元", "USD", Decimal(10) ** 8), ("公里", "km", Decimal(1))]


@settings(max_examples=300, deadline=None)
@given(st.decimals(min_value=Decimal("0.01"), max_value=Decimal("99999"), places=2, allow_nan=False), st.sampled_from(UNITS),
       st.booleans())
def test_formatted_figures_parse_back(value: Decimal, unit: tuple[str, str, Decimal], fullwidth: bool) -> None:
    text = f"{value.normalize():f}{unit[0]}"
    if fullwidth:
        text = text.translate(str.maketrans("0123456789.", "０１２３４５６７８９．"))
    found = scan(reading_text("完成" + text + "。"))
    assert len(found) == 1
    q = found[0]
    assert q.value == value and q.unit == unit[1] and q.multiplier == unit[2]


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=300))
def test_extraction_never_raises(text: str) -> None:
    extract_indicators(clean_text(text))


@pytest.mark.parametrize("text,value", [("1 234.5亿元", Decimal("1234.5")), ("12\n3家", Decimal("123"))])
def test_spaces_inside_numbers(text: str, value: Decimal) -> None:
    assert scan(reading_text(text))[0].value == value


def test_milestone_then_exact_figure_keeps_only_the_exact_one() -> None:
    rows = one("数字经济核心产业增加值突破20亿元大关，达到23.47亿元，增速高于全市2.1个百分点。")
    assert [(r["name"], r["value"], r["bound"]) for r in rows] == [("数字经济核心产业增加值", 23.47, "exact")]


def test_respectively_with_a_verb() -> None:
    rows = one("工业投资、服务业投资分别完成59.04亿元、35.47亿元，分别同比增长15.9%、下降7.9%。")
    assert [(r["name"], r["value"], r["yoy_pct"]) for r in rows] == [("工业投资", 59.04, 15.9), ("服务业投资", 35.47, -7.9)]


def test_completion_of_a_plan_is_not_a_target_cue() -> None:
    rows = one("完成投资60.12亿元，完成年度计划的105.1%；其中有效投资58.4亿元，同比增长12.6%。")
    assert [(r["raw"], r["kind"], r["target_pct"]) for r in rows] == [("60.12亿元", "actual", 105.1), ("58.4亿元", "actual", None)]
