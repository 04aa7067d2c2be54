"""Extraction on report texts nobody tuned it to: the development corpus scored against its gold, and one test per
class of real-text trouble on constructed sentences (what must be found and what must not)."""

from __future__ import annotations

from pathlib import Path

import opencc
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from transforms.clean import clean_page, clean_text
from transforms.extract import extract_indicators
from transforms.lexicon import words
from transforms.normalise import canonical_map
from transforms.outline import heading
from transforms.reading import passages
from zwgk.evaluate import corpus_text, score_corpus

from .conftest import FIXTURES

# The whole corpus: measured 0.962 (P 0.971 R 0.953; kind 0.966, every other attribute >= 0.993) with 264 texts /
# 3,823 gold rows, after held-out sets 3-22 (12, 12, 12, 8, then 12 each, then 8 each; scored 0.917, 0.868, 0.969,
# 0.942, 0.926, 0.833, ~0.92, ~0.84, ~0.83, 0.927, 0.951, ~0.89, 0.938/0.978, 0.989/0.968, 0.935/0.911, 0.944/0.974,
# 0.930/0.842, 0.917/0.884, 0.975/0.882 and 0.954/0.976 unseen) joined and their classes were mended. Later sets brought texts
# zwgk cannot read whole: copies that store a table one cell per line or lay it out with spaces (812, 814, 982),
# work-point tables flattened into lines whose target column reads as prose (961, 962, 964), news accounts of plans
# that state targets without a cue word (943). Kind is lowest for these, for a 民生实事 list published as a notice
# (512), and where annotators differ on how far a 预计 reaches.
CORPUS_F1_FLOOR = 0.95
CORPUS_ATTRIBUTE_FLOOR = 0.95
# The round-2 issue's bar (F1 >= 0.95, every attribute >= 0.96) on the corpus it was set on, texts 100-614 (108 texts,
# 1,465 rows; 1,463 since two capacity rows of 421 left the gold with the spec): measured 0.982, kind 0.965; it must keep holding as the corpus grows
FIRST_CORPUS_LAST_TEXT = 614
FIRST_CORPUS_F1_FLOOR = 0.97
FIRST_CORPUS_ATTRIBUTE_FLOOR = 0.96
REVIEW = "一、2023年工作总结"


def rows(text: str, section: str = REVIEW) -> list[dict]:
    return [i.to_dict() for i in extract_indicators(clean_text(f"{section}\n{text}"))]


def test_corpus_extraction_scores() -> None:
    scores = score_corpus(FIXTURES / "corpus")
    assert scores.f1 >= CORPUS_F1_FLOOR, (scores.precision, scores.recall, scores.f1)
    for attr, accuracy in scores.accuracy.items():
        assert accuracy is not None and accuracy >= CORPUS_ATTRIBUTE_FLOOR, (attr, accuracy)


def test_the_first_corpus_keeps_its_scores(tmp_path: Path) -> None:
    first = tmp_path / "first"
    for sub in ("texts", "gold"):
        (first / sub).mkdir(parents=True)
    for text in (FIXTURES / "corpus" / "texts").glob("*.txt"):
        if int(text.name.split("_", 1)[0]) <= FIRST_CORPUS_LAST_TEXT:
            (first / "texts" / text.name).symlink_to(text)
            gold = FIXTURES / "corpus" / "gold" / f"{text.stem}.jsonl"
            (first / "gold" / gold.name).symlink_to(gold)
    scores = score_corpus(first)
    assert scores.gold == 1463, scores.gold
    assert scores.f1 >= FIRST_CORPUS_F1_FLOOR, (scores.precision, scores.recall, scores.f1)
    for attr, accuracy in scores.accuracy.items():
        assert accuracy is not None and accuracy >= FIRST_CORPUS_ATTRIBUTE_FLOOR, (attr, accuracy)


def test_corpus_text_is_read_without_its_provenance_header() -> None:
    raw = "source: http://x\ntitle: [stored excerpt has no title line] 某镇2024年工作总结\nretrieved: today\n\n正文。"
    assert corpus_text(raw) == "某镇2024年工作总结\n正文。"
    assert corpus_text("source: a\ntitle: 标题\nretrieved: b\n\n标题\n正文。") == "标题\n正文。"


# --- one value, several subjects -----------------------------------------------------------------------------


@pytest.mark.parametrize("text,names,yoy,bound", [
    ("工业增加值和服务业增加值均增长7%以上。", ["工业增加值", "服务业增加值"], 7.0, "lower"),
    ("进出口、出口、进口均增长5%左右。", ["进出口", "出口", "进口"], 5.0, "approx"),
    ("一般公共预算收入、规下工业营业收入等指标保持20%以上的增速。", ["一般公共预算收入", "规下工业营业收入"], 20.0, "lower"),
    ("规上工业增加值、固定资产投资增速均保持在10%以上。", ["规上工业增加值", "固定资产投资"], 10.0, "lower"),
])
def test_one_growth_for_several_subjects(text: str, names: list[str], yoy: float, bound: str) -> None:
    found = rows(text)
    assert [r["name"] for r in found] == names
    assert all(r["yoy_pct"] == yoy and r["value"] is None and r["bound"] == bound for r in found)


def test_one_level_for_several_subjects() -> None:
    assert [(r["name"], r["value"]) for r in rows("劳资纠纷、信访积案均为0。")] == [("劳资纠纷", 0.0), ("信访积案", 0.0)]
    both = rows("金融机构存贷款余额双双突破2000亿元。")
    assert [(r["name"], r["value_base"], r["bound"]) for r in both] == [
        ("金融机构存款余额", 2e11, "lower"), ("金融机构贷款余额", 2e11, "lower")]
    milestone = rows("万里扬新材料、亿正电工、三星铜材产值突破10亿元。")
    assert [r["name"] for r in milestone] == ["万里扬新材料产值", "亿正电工产值", "三星铜材产值"]


def test_one_subject_stays_one() -> None:
    assert [r["name"] for r in rows("居民人均可支配收入增长8%。")] == ["居民人均可支配收入"]  # 均 of 人均
    share = rows("申报国家级、省级、市级人才项目数量均占全市半数以上。")
    assert len(share) == 1 and share[0]["value"] == 50.0  # levels of one subject


def test_compound_subject_spread_over_two_figures() -> None:
    found = rows("城乡居民人均可支配收入达到65203元、38739元,分别增长3.5%、5.3%。")
    assert [(r["name"], r["value"], r["yoy_pct"]) for r in found] == [
        ("城镇居民人均可支配收入", 65203.0, 3.5), ("农村居民人均可支配收入", 38739.0, 5.3)]


# --- kind without a cue word ---------------------------------------------------------------------------------


def test_plan_documents_and_sections_make_targets() -> None:
    assert rows("完成固定资产投资80亿元以上。", "二、2024年工作思路")[0]["kind"] == "target"
    doc = clean_text("某镇2024年度工作计划\n完成固定资产投资80亿元以上,新增规上企业5家。")
    assert [i.kind for i in extract_indicators(doc)] == ["target", "target"]
    assert rows("完成固定资产投资80亿元以上。")[0]["kind"] == "actual"


def test_estimate_opening_a_sentence_covers_it_across_semicolons() -> None:
    found = rows("预计全年实现地区生产总值44.8亿元,同比增长6.67%;完成实缴税金7.43亿元;财政总收入1.42亿元。完成营收5.6亿元。")
    assert [r["kind"] for r in found] == ["estimate", "estimate", "estimate", "actual"]


def test_plans_and_expectations_written_in_a_review() -> None:
    found = rows("下一步,我镇将新建项目5个,完成投资10亿元。全年有望完成产值50亿元。完成投资8亿元,为下一步项目入驻打下基础。")
    assert [(r["name"], r["kind"]) for r in found] == [
        ("新建项目", "target"), ("投资", "target"), ("产值", "estimate"), ("投资", "actual")]


def test_planned_count_and_the_part_done_are_two_kinds() -> None:
    found = rows("计划实施项目30个,已开工25个。")
    assert [(r["value"], r["kind"]) for r in found] == [(30.0, "target"), (25.0, "actual")]


def test_words_that_hold_a_cue_are_no_cue() -> None:
    assert rows("全年共申报通过国家级人才计划项目4个。")[0]["kind"] == "actual"
    assert rows("争取消费品以旧换新政策资金4096万元。")[0]["kind"] == "actual"
    assert rows("列入市重点项目12个,计划总投资30亿元。")[1]["kind"] == "actual"


# --- text that went through a PDF or a mirror ----------------------------------------------------------------

WRAPPED = [
    "今年以来,在区委、区政府和镇党委的坚强领导下,在镇人大的监",
    "督支持下,全镇上下坚持以习近平新时代中国特色社会主义思想为",
    "指导,全面贯彻党的大会和二十届二中全会精神,坚持稳中求进工",
    "作总基调,完整、准确、全面贯彻新发展理念,服务构建新发展格",
    "局,巩固和增强经济回升向好态势,持续推动全镇各项工作取得新",
    "突破、再上新台阶。上半年,全镇实现工业总产值 119 亿元,实现工",
    "侵权投诉",
    "业总产值 52.3 亿元,同比增长 11.1%,其中规上工业总产值 84.5 亿",
    "元,同比增长 10.31 %。",
    "一、聚焦提质增效,经济发展向新而行",
    "一是项目建设蹄疾步稳。",
]


def test_lines_broken_by_a_pdf_are_joined_and_its_furniture_left_out() -> None:
    found = [i.to_dict() for i in extract_indicators(clean_text("\n".join([REVIEW, *WRAPPED])))]
    by_value = {r["value_base"]: r for r in found}
    assert by_value[5.23e9]["name"] == "工业总产值" and by_value[5.23e9]["yoy_pct"] == 11.1
    assert by_value[8.45e9]["raw"] == "84.5 亿\n元" and by_value[8.45e9]["yoy_pct"] == 10.31
    assert "侵权投诉" not in by_value[5.23e9]["quote"]  # the sharing site's line is no report text
    assert "实现工\n业总产值 52.3 亿元" in by_value[5.23e9]["quote"]  # verbatim: the break kept
    paragraphs = [p.text for p in passages(WRAPPED)]
    assert paragraphs[-2:] == ["一、聚焦提质增效,经济发展向新而行", "一是项目建设蹄疾步稳。"]  # headings stand alone


def test_numbers_broken_across_lines_are_joined_but_sentences_are_not() -> None:
    found = rows("城镇居民人均可支配收入达到2\n4518元,实际利用外资1.8\n亿美元。\n新增企业5家。\n12月份完成验收。")
    assert [(r["name"], r["value_base"]) for r in found[:2]] == [("城镇居民人均可支配收入", 24518.0), ("实际利用外资", 1.8e8)]
    assert [p.text for p in passages(["新增企业5家。", "12月份完成验收。"])] == ["新增企业5家。", "12月份完成验收。"]


def test_watermark_glued_to_lines_is_cut() -> None:
    mark = "EiW乡村百科--为乡村振兴助力"
    lines = [f"一、2021年工作总结{mark}", f"(一)逆势奋战交出优异答卷{mark}", f"1.管理来长人员5666人。{mark}"]
    assert [p.text for p in passages(lines)][2] == "1.管理来长人员5666人。"


def test_page_markers_of_a_shared_document_are_dropped() -> None:
    first = "1、" + "经开区紧紧围绕工业创新发展三年倍增宏伟目标,深入推进工业强攻战,通过引进大项目,做强龙头企业," * 3 + "已"
    second = "2、" + "完成2栋厂房主体工程建设,剩余厂房正在进行主体结构施工和钢结构安装,铝基一路已基本完成道路铺设," * 3 + "营业收入*"
    joined = passages([first, second, "3、亿元,应交增值税*亿元。"])
    assert len(joined) == 1 and "已完成2栋厂房" in joined[0].text and "*亿元,应交增值税" in joined[0].text


def test_traditional_text_is_read_and_given_back_as_written() -> None:
    found = rows("預(yù)計全年實現(xiàn)地區(qū)生產(chǎn)總值2870億元、增長4%,規(guī)上工業(yè)總產(chǎn)值完成4732億元。")
    assert [(r["name"], r["value_base"], r["yoy_pct"], r["kind"]) for r in found] == [
        ("地區生產總值", 2.87e11, 4.0, "estimate"), ("規上工業總產值", 4.732e11, None, "estimate")]
    assert found[0]["raw"] == "2870億元" and found[0]["quote"].startswith("預(yù)計全年實現(xiàn)")


@pytest.mark.parametrize("text,raw", [("完成营业收入xx.36亿元,增长xx2.4%。", "xx.36亿元"), ("完成小麦一喷三防x.x万亩。", "x.x万亩"),
                                      ("全区共有重点项目xxx个。", "xxx个"), ("完成社会固定资产投资xxxxx万元。", "xxxxx万元")])
def test_partial_masks_are_masked_never_guessed(text: str, raw: str) -> None:
    found = rows(text)
    assert len(found) == 1 and found[0]["masked"] and found[0]["value"] is None and found[0]["raw"] == raw


def test_a_placeholder_where_a_number_stands_is_a_mask() -> None:
    # a judgement call (the spec's masks are * × X x _): 〔…〕 before a unit hides digits, as the corpus gold reads it
    found = rows("投资〔…〕万元实施〔…〕种植补助项目,成立合作社〔…〕个。")
    assert [(r["raw"], r["masked"], r["value"], r["unit"]) for r in found] == [
        ("〔…〕万元", True, None, "CNY"), ("〔…〕个", True, None, "count")]  # 〔…〕种植: a hidden name, no count
    assert rows("依据〔2024〕5号文件,〔…〕村建成示范基地。") == []  # a document number, a hidden name


# --- names built from number-first clauses --------------------------------------------------------------------


def test_names_from_number_first_clauses() -> None:
    youth = rows("为60位返乡青年提供创业贷款。")
    assert len(youth) == 1 and youth[0]["value"] == 60.0 and "返乡青年" in youth[0]["name"]
    signed = rows("总投资12.5亿元的8个项目集中签约。")
    assert sorted((r["unit"], r["value"]) for r in signed) == [("CNY", 12.5), ("count", 8.0)]
    money = next(r for r in signed if r["unit"] == "CNY")
    assert money["name"].startswith("项目") and money["name"].endswith("总投资")
    lithium = rows("引进落地总投资21.18亿元的宁德时代新型锂盐研发生产项目。")
    assert lithium[0]["name"] == "宁德时代新型锂盐研发生产项目总投资"


def test_a_share_after_examples_is_named_by_their_kind() -> None:
    found = rows("助推甲村、乙村等新开区块实现“100%货币化安置”。")
    assert [(r["name"], r["value"]) for r in found] == [("新开区块货币化安置", 100.0)]


def test_a_bare_number_before_a_lists_figure_takes_its_unit() -> None:
    found = rows("分别认定县级、市级研发中心28、19家。")
    assert [(r["value"], r["unit"]) for r in found] == [(28.0, "count"), (19.0, "count")]
    assert [r["value"] for r in rows("2023、2024年新增企业8家。")] == [8.0]  # years are no list of figures


def test_milestone_then_exact_figure_keeps_only_the_exact_one() -> None:
    assert [(r["name"], r["value"]) for r in rows("销售收入突破50亿元目标，达到53.8亿元。")] == [("销售收入", 53.8)]
    only = rows("服务业营收突破2.7亿元,同比增长23.7%。")
    assert [(r["value"], r["bound"], r["yoy_pct"]) for r in only] == [(2.7, "lower", 23.7)]


def test_from_to_chain_names_both_ends() -> None:
    found = rows("地区生产总值从773亿元提升到1196亿元,贷款不良率由最高5.81%降至1.6%。")
    assert [(r["name"], r["value"]) for r in found] == [("地区生产总值", 773.0), ("地区生产总值", 1196.0), ("贷款不良率", 1.6)]


# --- noise that is not an indicator ---------------------------------------------------------------------------


@pytest.mark.parametrize("text", [
    "综合实力位列第七,居全省第15位。",
    "在全省96个开发区中位列第3位。",
    "9项主要经济指标中,有7项位列全市中游以上。",
    "增速高于全市7.8个百分点,超时序进度3.5个百分点。",
    "新增就业超额完成8人。",
    "连续11个季度获得全省投资激励,主要在6个方面取得了新成绩。",
    "聚焦打造三个高地,践行四项使命任务。",
    "固定资产投资增长2023%左右。",
])
def test_not_indicators(text: str) -> None:
    assert rows(text) == []


def test_absolute_change_is_no_figure_and_growth_goes_past_it() -> None:
    found = rows("新落户企业839户,注册资本35.46亿元,比去年同期增加563户,同比增长204%。")
    assert [(r["name"], r["value"], r["yoy_pct"]) for r in found] == [
        ("新落户企业", 839.0, 204.0), ("注册资本", 35.46, None)]


def test_growth_reaches_its_figure_across_a_bridge() -> None:
    found = rows("全区实现生产总值1101.04亿元,按可比价格计算,比上年增长9.5%;完成技改投资48998万元,技改投资同比增幅96.16%。")
    assert [r["yoy_pct"] for r in found] == [9.5, 96.16]
    spread = rows("完成财政总收入240.78亿元,其中地方财政收入148.8亿元,分别增长20.3%、18%。")
    assert [(r["name"], r["yoy_pct"]) for r in spread] == [("财政总收入", 20.3), ("地方财政收入", 18.0)]


# --- sections and cue words (round 2) ------------------------------------------------------------------------


def test_a_breadcrumb_is_no_heading() -> None:
    doc = clean_text("某镇2024年工作总结和2025年工作思路\n>> 政府信息公开 >> 工作信息 >> 计划总结\n全年获市级荣誉表扬5次。")
    assert [i.kind for i in extract_indicators(doc)] == ["actual"]
    assert heading(">> 政府信息公开 >> 工作信息 >> 计划总结") is None


def test_a_plan_execution_heading_is_a_review() -> None:
    assert rows("工业增加值120亿元。", "一、2023年国民经济和社会发展计划执行情况")[0]["kind"] == "actual"
    assert rows("工业增加值130亿元。", "二、2024年国民经济和社会发展计划")[0]["kind"] == "target"


def test_a_comparison_with_expectations_is_no_cue() -> None:
    found = rows("工业产值80亿元(主要是订单未达预期),下降2%;服务业增加值60亿元,增长5%。")
    assert [(r["kind"], r["yoy_pct"]) for r in found] == [("actual", -2.0), ("actual", 5.0)]


def test_how_the_plan_went_is_a_review() -> None:
    assert rows("完成投资80亿元。", "一、2023年目标任务完成情况")[0]["kind"] == "actual"
    assert rows("完成投资80亿元。", "二、2024年工作计划及2023年完成情况")[0]["kind"] == "target"  # two topics joined


def test_a_section_of_a_later_year_without_a_cue_is_the_plan() -> None:
    doc = clean_text("某县2024年政府工作报告\n一、2023年工作回顾\n完成固定资产投资80亿元。\n二、2024年主要工作\n"
                     "完成固定资产投资90亿元。\n三、2023年主要工作\n完成投资5亿元。")
    assert [(i.value, i.kind) for i in extract_indicators(doc)] == [(80.0, "actual"), (90.0, "target"), (5.0, "actual")]


# --- attachment (round 2) -------------------------------------------------------------------------------------


def test_a_plan_written_as_a_figure_is_a_target_and_the_share_is_the_results() -> None:
    found = rows("地区生产总值520亿元,完成年计划560亿元的92.9%(主要是工业投资未达到预期目标,服务业回落),增长4.1%。"
                 "其中,工业增加值200亿元,完成年计划210亿元的95.2%,增长3%;服务业增加值250亿元,增长5%。")
    assert [(r["name"], r["value"], r["yoy_pct"], r["target_pct"], r["kind"]) for r in found] == [
        ("地区生产总值", 520.0, 4.1, 92.9, "actual"), ("地区生产总值年计划", 560.0, None, None, "target"),
        ("工业增加值", 200.0, 3.0, 95.2, "actual"), ("工业增加值年计划", 210.0, None, None, "target"),
        ("服务业增加值", 250.0, 5.0, None, "actual")]  # 完成年计划 is no 计划 cue for the figures after it
    assert found[2]["parent"] == "地区生产总值"  # 其中 opening a sentence breaks down the figure before it


def test_a_ratio_of_shares_is_one_percentage_per_part() -> None:
    found = rows("三次产业结构调整为5.1:45.2:49.7。")
    assert [(r["name"], r["value"], r["unit"]) for r in found] == [
        ("三次产业结构第一产业", 5.1, "pct"), ("三次产业结构第二产业", 45.2, "pct"), ("三次产业结构第三产业", 49.7, "pct")]
    assert rows("师生比例为1:3,会议于14:30召开。") == []  # parts that make no whole, a time


def test_the_exact_figure_after_a_milestone_takes_its_name_and_a_nameless_growth() -> None:
    found = rows("全年工业产值突破80亿元达到82.6亿元跃居全市前列,增长7.5%。")
    assert [(r["name"], r["value"], r["bound"], r["yoy_pct"]) for r in found] == [("工业产值", 82.6, "exact", 7.5)]
    apart = rows("完成投资10亿元;增长7.5%。")  # a growth does not reach past a semicolon
    assert apart[0]["yoy_pct"] is None


def test_from_to_with_a_plain_verb_of_reaching() -> None:
    found = rows("村集体收入由120万元达到360万元。")
    assert [(r["name"], r["value"]) for r in found] == [("村集体收入", 120.0), ("村集体收入", 360.0)]


def test_a_growth_in_words_after_the_same_growth_in_digits_is_said_once() -> None:
    assert [(r["name"], r["yoy_pct"]) for r in rows("出口增长12%,实现两位数增长。")] == [("出口", 12.0)]
    alone = rows("确保研发投入实现两位数增长。")
    assert [(r["name"], r["yoy_pct"], r["bound"]) for r in alone] == [("研发投入", 10.0, "lower")]


def test_a_count_whose_noun_runs_into_a_completion_share_names_it() -> None:
    found = rows("15个省重点项目、40个市重点项目年度投资完成率分别达到120%、98%。")
    shares = [r for r in found if r["unit"] == "pct"]
    assert [(r["value"], r["target_pct"]) for r in shares] == [(120.0, 120.0), (98.0, 98.0)]
    assert all("完成率" in r["name"] for r in shares)


def test_a_share_of_the_target_however_the_target_is_named() -> None:
    found = rows("固定资产投资XX亿元,占全年任务数的77.8 %;财政收入217万元,同比增长26.2%,占年目标的25.3%;"
                 "到位资金60.07亿元,占市下达全年考核目标任务的92.42﹪;重点项目完成投资9亿元,占年度投资计划50%。")
    assert [(r["name"], r["target_pct"]) for r in found] == [
        ("固定资产投资", 77.8), ("财政收入", 25.3), ("到位资金", 92.42), ("重点项目完成投资", 50.0)]
    plan = rows("完成州外到位资金120.44亿元,同比增长29%,完成州政府下达任务数132.63亿元的90.8%。")
    assert [(r["value"], r["yoy_pct"], r["target_pct"], r["kind"]) for r in plan] == [
        (120.44, 29.0, 90.8, "actual"), (132.63, None, None, "target")]


def test_a_share_of_the_figure_before_is_named_after_it() -> None:
    found = rows("地方税金162万元,占财政收入的74.7%。")
    assert [(r["name"], r["unit"]) for r in found] == [("地方税金", "CNY"), ("地方税金占财政收入比重", "pct")]


def test_kinds_from_the_figure_and_its_period() -> None:
    assert rows("预计1-6月份,完成地区生产总值10.3亿元。")[0]["kind"] == "estimate"  # the period of an estimate
    assert rows("1—10月,完成地区生产总值10.3亿元。", "二、下半年工作打算")[0]["kind"] == "actual"  # a period gone by
    named = rows("聚焦地区生产总值年度增长6%目标任务,完成投资5亿元。")  # a figure that names a target
    assert [(r["name"], r["yoy_pct"], r["kind"]) for r in named] == [("地区生产总值", 6.0, "target"), ("投资", None, "actual")]


def test_sectors_written_as_one_word_are_spread() -> None:
    found = rows("其中一二三产业分别增长4.1%、8.2%和6%,一、二、三产业增加值分别达到10亿元、20亿元、30亿元。")
    assert [r["name"] for r in found] == ["第一产业", "第二产业", "第三产业", "第一产业增加值", "第二产业增加值", "第三产业增加值"]
    assert [r["name"] for r in rows("三次产业比调整为11.8︰48.3︰39.9。")] == [
        "三次产业比第一产业", "三次产业比第二产业", "三次产业比第三产业"]


def test_figures_after_an_acronym_and_inside_codes() -> None:
    assert [(r["name"], r["value_base"]) for r in rows("实现GDP 20亿元,增长11%。")] == [("GDP", 2e9)]
    assert [(r["name"], r["yoy_pct"]) for r in rows("PM2.5平均浓度下降10%。")] == [("PM2.5平均浓度", -10.0)]  # 2.5 is the code


def test_plain_words_before_names_are_left_out() -> None:
    found = rows("全县共引进到位资金60亿元,一季度力争完成新培育规上企业5家,城镇居民人均可支配收入实际增长8%,"
                 "居民消费价格涨幅控制在3%左右,城镇登记失业率控制在4.3%以内。")
    assert [r["name"] for r in found] == ["引进到位资金", "新培育规上企业", "城镇居民人均可支配收入", "居民消费价格",
                                         "城镇登记失业率"]
    assert [r["yoy_pct"] for r in found[2:4]] == [8.0, 3.0]


def test_a_growth_after_measured_things_joined_by_and_is_each_ones() -> None:
    found = rows("其中工业投资和民间投资增长**%(争取**%)以上、交通投资和生态投资增长8%。", "二、2024年工作思路")
    assert [(r["name"], r["raw"], r["bound"]) for r in found] == [
        ("工业投资", "**%", "lower"), ("民间投资", "**%", "lower"), ("工业投资", "争取**%", "lower"),
        ("民间投资", "争取**%", "lower"), ("交通投资", "8%", "exact"), ("生态投资", "8%", "exact")]
    assert [r["name"] for r in rows("科技和人才工作增长8%。")] == ["科技和人才工作"]  # no measured things: one subject
    shares = rows("净增高企和科创项目占全市比重超1/4。")  # a share of the whole: each thing before 占 has it
    assert [(r["name"], r["value"], r["bound"]) for r in shares] == [
        ("净增高企占全市比重", 25.0, "lower"), ("科创项目占全市比重", 25.0, "lower")]


def test_a_milestone_passed_by_the_figure_before_is_said_once() -> None:
    found = rows("3月份单月产值达75.9亿元,系首次突破75亿元,创历史新高。全年产值首次突破80亿元。")
    assert [(r["name"], r["value"], r["bound"]) for r in found] == [("单月产值", 75.9, "exact"), ("产值", 80.0, "lower")]


def test_under_a_streak_a_growth_is_a_condition_a_level_a_figure() -> None:
    assert rows("固定资产投资增长16.1%,连续9个月保持15%以上增速。")[1:] == []
    found = rows("连续2年保持村集体经营性收入均达300万以上。")
    assert [(r["value_base"], r["bound"]) for r in found] == [(3e6, "lower")]


def test_periods_gone_by_and_estimates() -> None:
    plan = "二、下半年工作打算"
    found = rows("预计全年完成投资12亿元,截至9月底完成10亿元。力争全年新增企业12家,截至目前已新增10家。", plan)
    assert [(r["name"], r["value"], r["kind"]) for r in found] == [
        ("投资", 12.0, "estimate"), ("投资", 10.0, "actual"), ("新增企业", 12.0, "target"), ("新增企业", 10.0, "actual")]
    assert rows("预计前三季度完成投资10亿元。", plan)[0]["kind"] == "estimate"  # the period of the estimate


def test_five_year_reviews() -> None:
    found = rows("五年来,全部财政收入从24.3亿元增至49.2亿元,年均增长15.1%;国内生产总值增加到121万亿元,五年年均增长5.2%;"
                 "“十一五”期间共完成固定资产投资178亿元,城镇新增就业年均1270多万人。")
    assert [(r["name"], r["value"], r["yoy_pct"]) for r in found] == [
        ("财政收入", 24.3, None), ("财政收入", 49.2, 15.1), ("国内生产总值", 121.0, 5.2), ("固定资产投资", 178.0, None),
        ("城镇新增就业", 1270.0, None)]


def test_differences_averages_and_electricity() -> None:
    found = rows("规上工业增加值同比增长23.5%,两年平均增长14.8%。税收500万元以上企业6家,较上年增长3家;"
                 "规上工业用电量6.42亿度,同比增长39.2%,最高气温35度。")
    assert [(r["name"], r["value_base"], r["unit"], r["yoy_pct"]) for r in found] == [
        ("规上工业增加值", None, None, 23.5), ("税收500万元以上企业", 6.0, "count", None),  # 较上年增长3家: a difference
        ("规上工业用电量", 6.42e8, "kWh", 39.2)]  # the growth after a difference stays in its sub-clause; 35度 is heat


def test_a_deadline_to_come_is_no_period_gone_by() -> None:
    found = rows("确保截至年底完成投资10亿元。", "二、2024年工作思路")
    assert [(r["name"], r["kind"]) for r in found] == [("投资", "target")]


def test_names_that_hold_the_shapes_of_the_new_rules_stay_whole() -> None:
    """Found on the real pages of tests/fixtures: words that look like a list, a duration, examples or a compound."""
    found = rows("高等教育毛入学率58.25%;九年义务教育巩固率96.92%;十二年一贯制学校8所;"
                 "锂电新能源、生物医药和节能环保等八大重点产业工业增加值增长9.6%;总承包和专业承包建筑业总产值增长12.9%。")
    assert [r["name"] for r in found] == [
        "高等教育毛入学率", "九年义务教育巩固率", "十二年一贯制学校", "锂电新能源、生物医药和节能环保等八大重点产业工业增加值",
        "总承包和专业承包建筑业总产值"]
    sectors = rows("其中第一产业同比下降49.1%,第二、三产业分别同比增长15.2%、6.2%。")
    assert [r["name"] for r in sectors] == ["第一产业", "第二产业", "第三产业"]
    shares = rows("广州持证化妆品生产企业1800家,占全国总量的34%、占全省的60%。")
    assert [r["name"] for r in shares][1:] == ["广州持证化妆品生产企业占全国总量比重", "广州持证化妆品生产企业占全省比重"]


def test_a_list_of_growths_keeps_each_verbs_sign() -> None:
    found = rows("四大重点产业工业增加值中,甲产业、乙产业、丙产业、丁产业增加值分别增长159.2%、0.7%和下降46.8%、60.8%。")
    assert [r["yoy_pct"] for r in found] == [159.2, 0.7, -46.8, -60.8]


def test_a_growth_verb_alone_before_a_level_is_a_difference() -> None:
    found = rows("其中,总承包企业23家,增加3家;专业承包企业1家;增加就业岗位200个。")
    assert [(r["name"], r["value"]) for r in found] == [("总承包企业", 23.0), ("专业承包企业", 1.0), ("增加就业岗位", 200.0)]


# --- noise (round 2) ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("text", [
    "在全省考核排名中再进3位,位次前移5位。",  # places in a ranking
    "8项主要指标增速高于全市平均水平。",  # a count of indicators
    "落实“20条”惠企政策。",  # a policy named by its number
    "突出“稳工业、强农业、兴三产”三个重点。",  # the quoted items counted again
    "两翼:东区、西区两个产业园。",  # a slogan's part explained under its label
    "实现时间过半、任务过半。",  # the half-year slogan
    "综合考评比去年前进3位。",  # a move in a ranking, the ranking not named
])
def test_not_indicators_either(text: str) -> None:
    assert rows(text) == []


def test_counts_near_the_noise_are_still_counts() -> None:
    assert [r["value"] for r in rows("为60位返乡青年提供创业贷款,引进5位专家。")] == [60.0, 5.0]  # 位 of people
    assert [r["value"] for r in rows("建成东区、西区两个产业园。")] == [2.0]  # a list counted, no slogan label
    assert [r["value"] for r in rows("半数以上村集体收入增长。")] == [50.0]


def test_durations_in_words_and_more_classifiers() -> None:
    found = rows("三个月内完成搬迁200户,植树800棵,迁移坟墓150穴。")
    assert [(r["name"], r["value"], r["unit"]) for r in found] == [
        ("搬迁", 200.0, "count"), ("植树", 800.0, "count"), ("迁移坟墓", 150.0, "count")]
    more = rows("发放贷款500笔,打井5眼,养殖蛋鸡10万羽,开展活动20场次,走访企业300户次。")
    assert [(r["value_base"], r["unit"]) for r in more] == [
        (500.0, "count"), (5.0, "count"), (1e5, "count"), (20.0, "count"), (300.0, "count")]


def test_nouns_after_a_count() -> None:
    assert "1+N服务体系" in rows("建成两个1+N服务体系。")[0]["name"]  # a programme's code opens the noun
    assert [r["name"] for r in rows("甲公司、乙公司2家企业分别入选省级名单。")] == ["企业"]  # 分别 starts the predicate
    assert [r["name"] for r in rows("力争****年产值突破***亿元。")] == ["产值"]  # a masked year is a date


# --- lexicons and canonical keys as data ----------------------------------------------------------------------


def test_word_lists_are_data() -> None:
    assert "预计" in words("kind_cue") and "家" in words("classifier") and "工作思路" not in words("section_plan")
    assert "思路" in words("section_plan") and "完成" in words("name_leading")
    keys = set(canonical_map().values())
    assert len(keys) >= 100 and all(key.isascii() and key == key.lower() and " " not in key for key in keys)


# --- properties ------------------------------------------------------------------------------------------------

_SENTENCE = "完成规上工业总产值773.76亿元,同比下降4.2%,完成目标任务的81.9%。"


@settings(max_examples=200, deadline=None)
@given(st.sets(st.integers(min_value=1, max_value=len(_SENTENCE) - 2), max_size=6), st.sampled_from([" ", "\u3000", "\u00a0"]))
def test_spaces_inside_words_and_numbers_change_nothing_but_the_verbatim_text(cuts: set[int], space: str) -> None:
    doc = clean_text(REVIEW + "\n" + "".join(space + ch if k in cuts else ch for k, ch in enumerate(_SENTENCE)))
    found = [i.to_dict() for i in extract_indicators(doc)]
    assert [(r["name"], r["value_base"], r["yoy_pct"], r["target_pct"]) for r in found] == [
        ("规上工业总产值", 77376000000.0, -4.2, 81.9)]
    assert found[0]["quote"] in doc.body and found[0]["raw"] in doc.body


_T2S = opencc.OpenCC("s2t.json")


@settings(max_examples=60, deadline=None)
@given(st.sampled_from(["实现地区生产总值622.31亿元,增长4.3%。", "新增高新技术企业18家,完成社会消费品零售总额50.1亿元。",
                        "一般公共预算收入24.7亿元,同比增长7.8%。", "拆除违法建筑面积约18万平方米。"]))
def test_traditional_text_reads_like_its_simplified_original(sentence: str) -> None:
    simplified = rows(sentence)
    traditional_text = _T2S.convert(sentence)
    traditional = rows(traditional_text)
    assert [(r["value_base"], r["yoy_pct"], r["unit"]) for r in traditional] == [
        (r["value_base"], r["yoy_pct"], r["unit"]) for r in simplified]
    assert all(r["name"] in traditional_text and r["quote"] in traditional_text for r in traditional)


def test_a_growth_at_current_prices_is_the_figures_growth() -> None:
    found = rows("规上工业总产值1818亿元,现价增长24.2%。")
    assert [(r["name"], r["value"], r["yoy_pct"]) for r in found] == [("规上工业总产值", 1818.0, 24.2)]


def test_examples_listed_before_a_kind_of_thing_make_one_figure() -> None:
    found = rows("电机电器(含按摩器)、船舶修造、食品加工、冶金铸造等传统产业规上产值突破200亿元,增长30.7%。")
    assert [(r["name"], r["value"], r["bound"], r["yoy_pct"]) for r in found] == [
        ("传统产业规上产值", 200.0, "lower", 30.7)]
    # without 等 the listed things are each a subject of the milestone
    assert [r["name"] for r in rows("电机电器、船舶修造产值均突破10亿元。")] == ["电机电器产值", "船舶修造产值"]


def test_a_bracketed_figure_of_an_earlier_period_is_the_same_thing_then() -> None:
    found = rows("今年共引进亿元以上项目19个(去年全年12个),其中10亿元以上3个【综保区地块、大唐电厂】,"
                 "3亿元以上5个【圣钢、畅的科技】。", section="一、2025年1-10月工作总结")
    assert [(r["name"], r["value"], r["period"], r["parent"]) for r in found] == [
        ("引进亿元以上项目", 19.0, "2025", None), ("引进亿元以上项目", 12.0, "2024", None),
        ("10亿元以上", 3.0, "2025", "引进亿元以上项目"), ("3亿元以上", 5.0, "2025", "引进亿元以上项目")]
    same_months = rows("1-6月完成固定资产投资12.3亿元(上年同期10.2亿元),同比增长20.6%。", section="一、2024年上半年工作总结")
    assert [(r["value"], r["period"], r["yoy_pct"]) for r in same_months] == [
        (12.3, "2024-01/2024-06", 20.6), (10.2, "2023-01/2023-06", None)]
    assert [(r["name"], r["period"]) for r in rows("招引亿元以上投资项目31个(2021年全年30个)。", section="一、2022年工作总结")] == [
        ("招引亿元以上投资项目", "2022"), ("招引亿元以上投资项目", "2021")]


def test_names_leave_out_the_examples_and_places_listed_before_the_thing() -> None:
    found = rows("完成浙西南公铁物流中心、义龙庆高速公路、衢丽铁路等重点项目共计8批次930亩土地政策处理工作;"
                 "仅用2周时间完成花田坌村、庐东村、斋坛村大临用地112户136亩租赁工作。")
    assert [(r["name"], r["value"]) for r in found if r["unit"] == "count"] == [("重点项目", 8.0), ("大临用地", 112.0)]


@pytest.mark.parametrize(("text", "value", "bound"), [
    ("认定人才91人,占全市总量近五分之一。", 20.0, "approx"),
    ("新增企业占全省的三分之一以上。", 33.33, "lower"),
])
def test_a_share_written_as_a_fraction_in_words(text: str, value: float, bound: str) -> None:
    shares = [r for r in rows(text) if r["unit"] == "pct"]
    assert [(r["value"], r["bound"]) for r in shares] == [(value, bound)]


def test_plan_words_inside_names_and_funds_secured_are_no_cue() -> None:
    found = rows("申报“海外博士后计划”12人;实现国家高层次人才特殊支持计划历史破零;入选精英项目39个;"
                 "争取500余万元专项资金,改造提升农村公路5.2公里。")
    assert {r["kind"] for r in found} == {"actual"} and len(found) == 4


def test_a_semicolon_at_the_end_of_a_full_pdf_line_goes_on_with_the_sentence() -> None:
    wrapped = ["2019 年,全区预计实现地区生产总值 369 亿元,增长",
               "7.6%;规模以上工业增加值增长 5%;固定资产投资 316 亿",
               "元,增长 11.8%;社会消费品零售总额 226.2 亿元,增长 11.4%;",
               "直接利用外资 5425 万美元,增长 12.48%;进出口总额 15.4",
               "亿元;地方一般公共预算收入 12.21 亿元,增长 2.1%;城镇、",
               "农村常住居民人均可支配收入分别达到 39159 元和 20598 元,",
               "分别增长 8%和 8.5%。在 2018 年度全省县域经济考核中,跃",
               "居一类县市区第四名。"]
    found = [i.to_dict() for i in extract_indicators(clean_text("\n".join(["2019 年成绩", *wrapped])))]
    assert len(found) == 9 and {r["kind"] for r in found} == {"estimate"}  # 预计 reaches the sentence's end
    # a semicolon that ends a short line still ends its paragraph
    assert [p.text for p in passages(["新增企业5家;", "12月份完成验收。"])] == ["新增企业5家;", "12月份完成验收。"]


def test_growths_each_after_its_own_subject_are_not_one_list() -> None:
    found = rows("固定资产投资增长10%,其中交通投资增长10%、高新技术产业投资增长12%、制造业投资增长15%以上;"
                 "出口、进口分别增长15.2%、0.7%和下降4.8%。", section="一、2023年主要预期目标")
    assert [(r["name"], r["yoy_pct"]) for r in found][:4] == [
        ("固定资产投资", 10.0), ("交通投资", 10.0), ("高新技术产业投资", 12.0), ("制造业投资", 15.0)]
    assert len(found) == 7  # the 分别 list is still one list of three


def test_a_doubling_in_words_is_a_change_of_a_hundred_percent() -> None:
    found = rows("力争实现地区生产总值、社会消费品零售总额、农产品加工业产值翻一番;财政收入翻两番以上。",
                 section="一、2023年工作目标")
    assert [(r["name"], r["yoy_pct"], r["bound"], r["value"]) for r in found] == [
        ("地区生产总值", 100.0, "exact", None), ("社会消费品零售总额", 100.0, "exact", None),
        ("农产品加工业产值", 100.0, "exact", None), ("财政收入", 300.0, "lower", None)]
    assert [r["yoy_pct"] for r in rows("工业总产值翻了一番。")] == [100.0]
    # a doubling followed by the level it reached: the level is the figure
    assert [(r["name"], r["value"]) for r in rows("上市公司总数翻番、达19家。")] == [("上市公司总数", 19.0)]


def test_a_round_count_in_words_is_a_lower_bound() -> None:
    assert [(r["name"], r["value"], r["bound"]) for r in rows("协调解决问题百余个。走访企业千余家。")] == [
        ("协调解决问题", 100.0, "lower"), ("走访企业", 1000.0, "lower")]
    assert all(r["value"] != 100.0 for r in rows("三百余家企业参与。"))  # 三百余 is no 百余


def test_a_pdf_that_sets_every_number_on_its_own_line_is_read_whole() -> None:
    lines = ["1.农业产业发展。", "开展农业“双强”行动,创建高品质绿色科技展示基地", "2", "个。推广应用新品种", "13",
             "个。完成耕地抛荒整治", "20.67", "亩,播种蔬菜", "2700", "亩、粮食", "800", "亩。", "3", "二、下一步工作"]
    found = [i.to_dict() for i in extract_indicators(clean_text("\n".join([REVIEW, *lines])))]
    assert [(r["name"], r["value"]) for r in found] == [
        ("创建高品质绿色科技展示基地", 2.0), ("推广应用新品种", 13.0), ("耕地抛荒整治", 20.67), ("播种蔬菜", 2700.0),
        ("粮食", 800.0)]
    assert "基地\n2\n个" in found[0]["quote"]  # verbatim: the breaks kept
    assert [p.text for p in passages(["新增企业5家。", "3", "二、下一步工作"])][0] == "新增企业5家。"  # a page number


def test_a_completion_rate_of_the_years_task_is_the_figures_share_and_a_nameless_growth_too() -> None:
    # the growth after a rank, past semicolons but not past a full stop, is still the figure's
    found = rows("全年全县规上工业企业研发费用16.02亿元,年度任务完成率107%;全市排名第2;累计增速25%。")
    assert [(r["name"], r["value"], r["target_pct"], r["yoy_pct"]) for r in found] == [
        ("规上工业企业研发费用", 16.02, 107.0, 25.0)]


@pytest.mark.parametrize(("text", "value", "bound"), [
    ("货物出口总额占全国份额上升至万分之73.26。", 0.7326, "exact"),
    ("外贸出口占全省千分之5以上。", 0.5, "lower"),
])
def test_a_share_per_ten_thousand_or_per_mille_is_a_percentage(text: str, value: float, bound: str) -> None:
    assert [(r["value"], r["unit"], r["bound"]) for r in rows(text)] == [(value, "pct", bound)]


def test_a_bare_wan_after_value_added_or_costs_is_money() -> None:
    assert [(r["unit"], r["value_base"]) for r in rows("完成增加值7275万,同比增长8%。")] == [("CNY", 72750000.0)]
    assert [(r["unit"], r["value_base"]) for r in rows("规上工业研发费0.19亿,累计增速12.5%。")] == [("CNY", 19000000.0)]


def test_a_negative_growth_written_with_a_minus_sign() -> None:
    found = rows("1-10月,500万以上固定投资增速为-2.5%,全市排名第8;工业产值2.3亿元,同比增长-3.1%。")
    assert [(r["name"], r["yoy_pct"]) for r in found] == [("500万以上固定投资", -2.5), ("工业产值", -3.1)]
    assert [r["raw"] for r in rows("1-9月工业投资增长3-5%。")] == ["3-5%"]  # a range keeps its hyphen


def test_a_growth_on_a_comparable_basis_and_a_completion_ratio_belong_to_the_figure() -> None:
    found = rows("一般公共预算收入完成29.53亿元,同口径增长1.1%;外贸出口38.25亿元,完成比98.91%,全市排名第7。")
    assert [(r["name"], r["yoy_pct"], r["target_pct"]) for r in found] == [
        ("一般公共预算收入", 1.1, None), ("外贸出口", None, 98.91)]


def test_how_many_indicators_hold_a_rank_is_no_figure_but_a_ranked_count_is() -> None:
    assert rows("在全市统计的23项主要经济指标中,有11项增幅居全市第一位,有17项增幅居全市前三位。") == []
    assert [(r["name"], r["value"]) for r in rows("新增规上企业12家居全市第一。")] == [("新增规上企业", 12.0)]


def test_kinds_from_held_out_set_5() -> None:
    # a 重点工作汇报 section reports how the key work went; 同比增 is a growth verb
    found = rows("全年实现税收收入5.05亿元,同比增15.3%。", section="一、2022年重点工作汇报")
    assert [(r["kind"], r["yoy_pct"]) for r in found] == [("actual", 15.3)]
    # a year's list of livelihood projects is a plan; a report on their progress is not
    assert {r["kind"] for r in rows("新增托位100个,新增学位780个。", section="2020年县政府民生实事项目")} == {"target"}
    assert {r["kind"] for r in rows("新增托位100个。", section="2020年民生实事项目进展")} == {"actual"}
    # a programme named 计划 and funds secured (争取到位) are no target cue
    found = rows("入选南太湖精英计划创业人才项目1个;争取到位园区配套基础设施建设专债资金10亿元,实施基础设施建设项目27个。")
    assert {r["kind"] for r in found} == {"actual"} and len(found) == 3


def test_what_money_is_spent_on_does_not_name_it() -> None:
    found = rows("投资1800万元推进8686亩高标准农田改造提升项目。")
    assert [(r["name"], r["unit"]) for r in found][:1] == [("投资", "CNY")]


def test_a_size_bracket_after_a_list_comma_starts_the_next_figures_name() -> None:
    found = rows("全年实现新签约项目38个,其中亿元以上制造业项目28个,扬州市级项目17个、20亿元以上项目2个。")
    assert [(r["name"], r["value"]) for r in found][-2:] == [("扬州市级项目", 17.0), ("20亿元以上项目", 2.0)]
    assert [r["name"] for r in rows("高效完成张店区块101户77.89亩拆迁工作。")][:1] == ["张店区块"]


# --- held-out set 7: indicator tables, ratios, and words around a figure ---------------------------------------

# a 计划执行情况 report's table as the stored page writes it (cells end in ` | `), from held-out text 712
EXECUTION_TABLE = """2024年国民经济和社会发展计划执行情况
表1 2024年全区经济社会发展主要指标完成情况
序号 | 指标名称 | 2024年建议目标 | 2024年实际完成情况 | |
1 | GDP | 6% | 5.0% | |
2 | 固定资产投资 | 区内 | 力争300亿元 | 337.1亿元 |
全区 | 350亿元以上 | 414.8亿元 | ||
3 | 一般公共预算收入 | 与经济增长同步 | 8.2% | |
4 | 新引进人才数 | 4.2万人 | 42859人 | |"""


def _base(row: dict) -> float | None:
    return None if row["value_base"] is None else round(row["value_base"], 3)


def test_an_indicator_table_is_read_cell_by_cell_against_its_header() -> None:
    found = [(r["name"], _base(r), r["yoy_pct"], r["kind"], r["bound"], r["period"])
             for r in (i.to_dict() for i in extract_indicators(clean_text(EXECUTION_TABLE)))]
    assert found == [
        ("GDP", None, 6.0, "target", "exact", "2024"), ("GDP", None, 5.0, "actual", "exact", "2024"),
        ("固定资产投资(区内)", 3e10, None, "target", "exact", "2024"),
        ("固定资产投资(区内)", 3.371e10, None, "actual", "exact", "2024"),
        ("固定资产投资(全区)", 3.5e10, None, "target", "lower", "2024"),  # the row under it shares its first cells
        ("固定资产投资(全区)", 4.148e10, None, "actual", "exact", "2024"),
        ("一般公共预算收入", None, 8.2, "actual", "exact", "2024"),  # 与经济增长同步 states no figure
        ("新引进人才数", 42000.0, None, "target", "exact", "2024"), ("新引进人才数", 42859.0, None, "actual", "exact", "2024"),
    ]


def test_a_table_with_unit_growth_and_completion_columns() -> None:
    table = "\n".join([
        "2024年主要指标完成情况",
        "序号 | 指标名称 | 单位 | 2024年目标 | 2024年完成 | 比上年增长(%) | 完成率 |",
        "1 | 地区生产总值 | 亿元 | 3000 | 2887.8 | 5.0 | 96.3% |",
        "2 | 城镇化率 | % | 70 | 71.2 | | |",  # a rate's % is its level; empty cells at the end of a row dropped
        "3 | 规上工业增加值(亿元) | | | 913.2 | 6.0 | |",
        "其中:高新技术产业增加值 | 亿元 | | 520.5 | 8.1 | |",
    ])
    found = [(r["name"], _base(r), r["unit"], r["yoy_pct"], r["target_pct"], r["kind"], r["parent"])
             for r in (i.to_dict() for i in extract_indicators(clean_text(table)))]
    assert found == [
        ("地区生产总值", 3e11, "CNY", None, None, "target", None),
        ("地区生产总值", 2.8878e11, "CNY", 5.0, 96.3, "actual", None),
        ("城镇化率", 70.0, "pct", None, None, "target", None), ("城镇化率", 71.2, "pct", None, None, "actual", None),
        ("规上工业增加值", 9.132e10, "CNY", 6.0, None, "actual", None),
        ("高新技术产业增加值", 5.205e10, "CNY", 8.1, None, "actual", "规上工业增加值"),
    ]


def test_a_table_in_a_page_goes_through_the_cleaner_to_the_table_reader() -> None:
    page = ("<html><head><title>2024年计划执行情况</title></head><body><div class='content'><p>主要指标完成情况如下。</p>"
            "<table><tr><td>序号</td><td>指标名称</td><td>2024年目标</td><td>2024年完成</td></tr>"
            "<tr><td>1</td><td>固定资产投资</td><td>力争300亿元</td><td>337.1亿元</td></tr></table>"
            "<p>全年实现财政总收入521.56亿元,增长12.8%。</p></div></body></html>")
    found = [(i.name, i.value, i.kind) for i in extract_indicators(clean_page(page.encode("utf-8")))]
    assert found == [("固定资产投资", 300.0, "target"), ("固定资产投资", 337.1, "actual"), ("财政总收入", 521.56, "actual")]


def test_a_table_of_metadata_is_no_indicator_table() -> None:
    text = "索引号 | 001008006002071/2020-144703 | 主题分类 | 综合政务\n发布机构 | 店口镇 | 成文日期 | 2020-11-04\n全年完成投资12亿元。"
    assert [(r["name"], r["value"]) for r in rows(text)] == [("投资", 12.0)]


def test_a_ratio_written_as_a_bare_number() -> None:
    found = rows("城乡居民收入倍差缩小到1.71,城乡居民收入比为2.026。")
    assert [(r["name"], r["value"], r["unit"]) for r in found] == [("城乡居民收入倍差", 1.71, None),
                                                                   ("城乡居民收入比", 2.026, None)]
    assert [(r["name"], r["yoy_pct"]) for r in rows("农民收入比上年增长1.5%。")] == [("农民收入", 1.5)]


def test_a_word_that_opens_with_a_unit_is_no_unit() -> None:
    assert rows("过去一年,我们主要做了以下5方面工作。") == []
    assert [(r["value_base"], r["unit"]) for r in rows("完成土方20万方。")] == [(200000.0, "m3")]


def test_a_growth_at_comparable_prices_belongs_to_the_figure() -> None:
    found = rows("累计完成工业增加值22.3亿元,可比增长7.01%。")
    assert [(r["name"], r["yoy_pct"]) for r in found] == [("工业增加值", 7.01)]


def test_a_milestone_after_the_exact_figure_is_no_figure() -> None:
    found = rows("全年规上工业产值40.7亿,突破40亿元大关,同比增长4.6%。")
    assert [(r["name"], r["value"], r["yoy_pct"]) for r in found] == [("规上工业产值", 40.7, 4.6)]


def test_two_rates_in_one_word() -> None:
    assert [(r["name"], r["value"]) for r in rows("开竣工率均达100%。")] == [("开工率", 100.0), ("竣工率", 100.0)]


def test_a_count_after_words_that_say_to_whom() -> None:
    found = rows("对街道首批21家“名特优新”个体工商户发放奖励4.7万元。")
    assert [(r["name"], r["value_base"]) for r in found] == [("名特优新”个体工商户", 21.0), ("奖励", 47000.0)]


def test_a_second_header_line_splits_the_year_columns() -> None:
    table = "\n".join([
        "2024年计划执行情况",
        "序号 | 指标名称 | 单位 | 2024年 | 2025年 |",
        "目标 | 完成 | 目标 |",  # 2024年 spans 目标 and 完成; 目标 again starts 2025年
        "1 | 地区生产总值增长 | % | 6 | 5.5 | 6 |",
        "2 | 固定资产投资 | 亿元 | 300 | 337.1 | 350 |",
    ])
    found = [(r["name"], _base(r), r["yoy_pct"], r["kind"], r["period"])
             for r in (i.to_dict() for i in extract_indicators(clean_text(table)))]
    assert found == [
        ("地区生产总值", None, 6.0, "target", "2024"), ("地区生产总值", None, 5.5, "actual", "2024"),
        ("地区生产总值", None, 6.0, "target", "2025"),
        ("固定资产投资", 3e10, None, "target", "2024"), ("固定资产投资", 3.371e10, None, "actual", "2024"),
        ("固定资产投资", 3.5e10, None, "target", "2025"),
    ]


# --- held-out set 8: plan-execution and budget reports, department plans ----------------------------------------

# 温州 2024 half-year plan-execution table (held-out text 811): a group cell spanning rows, a second header line under
# the last column, `#` parts, cells of words, and a report title with a note in brackets
HALF_YEAR_TABLE = """温州市2024年上半年国民经济和社会发展计划执行情况的报告(温州市发展和改革委员会,2024年8月26日向市人大常委会报告)
表 上半年温州市国民经济和社会发展计划主要指标完成情况
序号 | 指标名称 | 单位 | 目标 | 上半年实绩 | |||||
绝对值 | 增速(%) | ||||||||
经济发展 | 1 | 地区生产总值(GDP) | 亿元 | 增长6%以上 | 4297.8 | 6.2 | |||
2 | #农林牧渔业增加值 | 亿元 | 增长4% | 77.7 | 4.2 | ||||
5 | 全员劳动生产率 | 万元/人年 | 稳步增长 | 年度指标 | |||||
8 | 固定资产投资 | 亿元 | 增长7% | — | 0.7 | ||||
9 | #制造业投资 | 亿元 | 增长17% | — | 9.9"""


def test_a_half_year_table_with_a_spanning_header_and_parts() -> None:
    found = [(i.name, i.value, i.yoy_pct, i.kind, i.bound, i.period, i.parent)
             for i in extract_indicators(clean_text(HALF_YEAR_TABLE))]
    assert found == [
        ("地区生产总值(GDP)", None, 6.0, "target", "lower", "2024", None),
        ("地区生产总值(GDP)", 4297.8, 6.2, "actual", "exact", "2024H1", None),
        ("农林牧渔业增加值", None, 4.0, "target", "exact", "2024", "地区生产总值(GDP)"),
        ("农林牧渔业增加值", 77.7, 4.2, "actual", "exact", "2024H1", "地区生产总值(GDP)"),
        ("固定资产投资", None, 7.0, "target", "exact", "2024", None),
        ("固定资产投资", None, 0.7, "actual", "exact", "2024H1", None),  # no level (—): its growth alone
        ("制造业投资", None, 17.0, "target", "exact", "2024", "固定资产投资"),
        ("制造业投资", None, 9.9, "actual", "exact", "2024H1", "固定资产投资"),
    ]


def test_a_plans_section_on_the_year_before_is_a_review() -> None:
    doc = clean_text("2024年平阳县交通运输局工作计划\n一、2023年亮点工作\n新改建四好农村路102.3公里。\n"
                     "二、2024年工作思路\n新改建四好农村路100公里。")
    assert [(i.value, i.kind, i.period) for i in extract_indicators(doc)] == [
        (102.3, "actual", "2023"), (100.0, "target", "2024")]


def test_budget_report_wording() -> None:
    found = rows("——全县一般公共预算收入完成26.06亿元,增长17.6%。加上上级补助收入45.93亿元,以及调入资金5.46亿元、"
                 "上年结转6亿元后,收入总计96.17亿元。地方一般公共预算收入179.1亿元,完成调整预算的102.1%。")
    assert [(r["name"], r["value"], r["target_pct"]) for r in found] == [
        ("一般公共预算收入", 26.06, None), ("上级补助收入", 45.93, None), ("调入资金", 5.46, None),
        ("上年结转", 6.0, None), ("收入", 96.17, None), ("地方一般公共预算收入", 179.1, 102.1)]
    assert [r["name"] for r in rows("培育常胜精密4家后备企业。")] == ["后备企业"]  # 后 inside a word is no stop


def test_growth_words_list_counters_and_from_to_years() -> None:
    assert [(r["name"], r["yoy_pct"]) for r in rows("限上批发业销售额达14.7亿元,同比增长高达72.6%。")] == [
        ("限上批发业销售额", 72.6)]
    assert [r["name"] for r in rows("(1)重点新建项目15个。")] == ["重点新建项目"]
    found = rows("年销售额从6.7亿元跃升至13亿元。")
    assert [(r["name"], r["value"]) for r in found] == [("年销售额", 6.7), ("年销售额", 13.0)]
    assert [r["name"] for r in rows("年销售额从2024年的6.7亿元增长。")] == ["年销售额"]


def test_a_real_table_whose_cells_hold_paragraphs_is_read_row_by_row() -> None:
    # 万载县 2015 statistics bulletin (real_pages_dev, Kaipu UCAP): every <td> holds a <p>, which broke each cell onto
    # a line of its own, so the table was never seen as one
    page = (FIXTURES / "real_pages_dev" / "ucap_www.wanzai.gov.cn_tjgb_2015_table.html").read_bytes()
    doc = clean_page(page)
    assert "产品名称 | 计量单位 | 产量 | 较上年±%\n饮料酒 | 千升 | 15767 | 18.64\n" in doc.body
    found = [(i.name, i.value_base, i.unit, i.yoy_pct) for i in extract_indicators(doc) if "|" in i.quote]
    assert found[:2] == [("饮料酒产量", 15767.0, None, 18.64), ("塑料制品产量", 183946.0, "t", 26.63)]
    assert ("供电量", 506160000.0, "kWh", 8.83) in found and len(found) == 7


def test_a_layout_table_keeps_its_paragraphs_apart() -> None:
    body = "".join(f"<p>第{n}段,全年完成固定资产投资{n}0亿元,同比增长{n}%,各项工作稳步推进,取得明显成效。</p>" for n in range(1, 4))
    page = f"<html><body><table><tr><td><p>导航</p></td><td>{body}</td></tr></table></body></html>"
    lines = clean_page(page.encode("utf-8")).body.split("\n")
    assert sum(1 for line in lines if line.startswith("第")) == 3


# --- held-out set 9: district reports, plans of targets, half-year summaries ---------------------------------------


def test_a_policy_named_by_its_articles_is_no_count() -> None:
    found = rows("及时出台我市稳链纾困35条、稳经济促发展10条等系列政策,兑付惠企政策资金10.7亿元。")
    assert [(r["name"], r["value"]) for r in found] == [("兑付惠企政策资金", 10.7)]
    assert rows("第一时间出台“龙10条”“龙28条”等系列惠企助企政策。") == []
    assert [(r["name"], r["value"]) for r in rows("完成整改问题35条。")] == [("整改问题", 35.0)]


def test_round_milestones_and_tenths_in_words() -> None:
    found = rows("全年地区生产总值有望突破千亿大关。新能源产业产值首破百亿、增长30%。")
    assert [(r["name"], r["value_base"], r["unit"], r["bound"], r["kind"], r["yoy_pct"]) for r in found] == [
        ("地区生产总值", 1e11, "CNY", "lower", "estimate", None), ("新能源产业产值", 1e10, "CNY", "lower", "actual", 30.0)]
    found = rows("留抵退税减税缓税占全年税收收入超四成。")
    assert [(r["value"], r["unit"], r["bound"], r["raw"]) for r in found] == [(40.0, "pct", "lower", "超四成")]
    assert rows("八成以上的村完成改造。") == [] and rows("一成不变。") == []


def test_a_respectively_list_written_with_commas_and_nouns_with_brackets() -> None:
    found = rows("全区60岁以上第一剂次、80岁以上第一剂次、加强针接种覆盖率分别提升至82.89%,48.34%和73.93%。")
    assert [(r["name"], r["value"]) for r in found] == [
        ("60岁以上第一剂次覆盖率", 82.89), ("80岁以上第一剂次覆盖率", 48.34), ("加强针接种覆盖率", 73.93)]
    found = rows("新增400个公共(含专用)充电桩、10个共享充电桩示范小区。")
    assert [(r["name"], r["value"]) for r in found] == [("新增公共(含专用)充电桩", 400.0), ("共享充电桩示范小区", 10.0)]


def test_a_list_of_projects_for_the_people_is_a_plan() -> None:
    doc = clean_text("2024年长宁区政府为民办实事项目公布\n新增100张困难重残养护床位,完成300户居家环境适老化改造。")
    assert [(i.value, i.kind) for i in extract_indicators(doc)] == [(100.0, "target"), (300.0, "target")]


def test_two_things_joined_each_keep_their_figure() -> None:
    found = rows("组建20亿元母基金和4支子基金。")
    assert [(r["value_base"], r["unit"]) for r in found] == [(2e9, "CNY"), (4.0, "count")]
    assert [r["value"] for r in rows("谋划招引3-5亿元项目5只。")] == [5.0]  # a size bracket inside a name is none


# --- held-out set 10: statistical bulletins, targets of news-style plans, streets ----------------------------------


def test_a_count_with_a_bound_before_its_noun_is_the_count() -> None:
    assert [(r["name"], r["value"], r["bound"]) for r in rows("举办4场以上演唱会。")] == [("举办演唱会", 4.0, "lower")]
    assert [(r["name"], r["value"]) for r in rows("新增5家以上企业和3个项目。")] == [("新增企业", 5.0), ("项目", 3.0)]
    assert [(r["name"], r["value"]) for r in rows("新增100人以上企业5家。")] == [("新增100人以上企业", 5.0)]


def test_a_title_that_names_a_target_makes_a_plan() -> None:
    doc = clean_text("某镇:锚定“百亿氾水”目标 全面掀起招商攻势\n年内建成省级宜居宜业和美乡村2个。")
    assert [i.kind for i in extract_indicators(doc)] == ["target"]
    doc = clean_text("某镇超额完成全年目标任务\n全年新增规上企业12家。")
    assert [i.kind for i in extract_indicators(doc)] == ["actual"]


def test_a_statistics_bulletin_table_of_levels_growths_and_shares() -> None:
    # 无为市 2022 bulletin (held-out text 934): 绝对数 and 比重 columns, 其中 rows, a number never a label
    table = "\n".join([
        "无为市2022年国民经济和社会发展统计公报",
        "指 标 | 绝对数(亿元) | 比上年增长(%) |",
        "地区生产总值 | 609.91 | 5.2 |",
        "其中:第一产业 | 63.44 | 4.5 |",
        "指 标 | 绝对数(万人) | 比重(%) |",
        "年末户籍人口 | 117.95 | 100.0 |",
        "其中:城镇 | 44.37 | 37.6 |",
    ])
    found = [(i.name, i.value, i.unit, i.yoy_pct, i.parent) for i in extract_indicators(clean_text(table))]
    assert found == [
        ("地区生产总值", 609.91, "CNY", 5.2, None), ("第一产业", 63.44, "CNY", 4.5, "地区生产总值"),
        ("年末户籍人口", 117.95, "count", None, None), ("年末户籍人口比重", 100.0, "pct", None, None),
        ("城镇", 44.37, "count", None, "年末户籍人口"), ("城镇比重", 37.6, "pct", None, "年末户籍人口"),
    ]


def test_subjects_in_the_clause_before_a_list_of_growths() -> None:
    found = rows("禽蛋产量、水果和蔬菜增长较快,增速分别达9.1%、7.5%、5.5%。")
    assert [(r["name"], r["yoy_pct"]) for r in found] == [("禽蛋产量", 9.1), ("水果", 7.5), ("蔬菜", 5.5)]


def test_a_heading_that_ends_with_a_review_word_is_a_review() -> None:
    doc = clean_text("采荷街道2024年工作总结\n一、2024年重点工作总结\n街道财政总收入突破15亿元。\n二、2025年重点工作\n新增企业10家。")
    assert [i.kind for i in extract_indicators(doc)] == ["actual", "target"]


def test_a_line_of_two_clauses_is_no_heading() -> None:
    doc = clean_text("某局2024年工作回顾\n回首2024,是乘风破浪\n展望2025,是百舸争流\n全年粮食播种面积124万亩。")
    assert [i.kind for i in extract_indicators(doc)] == ["actual"]


# --- held-out set 11: department plans, towns of other provinces, reports with tables -----------------------------


def test_kilograms_stand_as_written() -> None:
    found = rows("产茧1241.51万公斤。")
    assert [(r["name"], r["value_base"], r["unit"], r["raw"]) for r in found] == [("产茧", 12415100.0, None, "1241.51万公斤")]


def test_a_verb_after_a_figure_starts_another_clause() -> None:
    found = rows("生态园现已初具雏形,盘活土地面积7.5亩引进鄂州市君安公司。")
    assert [(r["name"], r["value"]) for r in found] == [("盘活土地面积", 7.5)]


def test_a_ranking_table_of_places_named_by_its_column() -> None:
    # 长治 2021 GDP ranking (held-out text 984): a rank column, the places' column unnamed, one indicator per column
    table = "长治市2021年各区县GDP排行\nGDP排行 | 區域 | 2021年GDP(億元) | 增速(%) |\n1 | 潞州區 | 565.7 | 8 |\n2 | 襄垣縣 | 320.7 | 9.9 |"
    found = [(i.name, i.value, i.unit, i.yoy_pct, i.period) for i in extract_indicators(clean_text(table))]
    assert found == [("潞州區GDP", 565.7, "CNY", 8.0, "2021"), ("襄垣縣GDP", 320.7, "CNY", 9.9, "2021")]


def test_a_bulletin_table_with_bars_before_its_cells_and_toneless_pinyin() -> None:
    table = "\n".join([
        "蚌埠市2024年國民經濟和社會發展統計公報",
        "| 指標 | 絕對數(億元) | 比上年增長% |",
        "| 地區(qū)生產(chǎn)總值 | 2313.0 | 5.2 |",
        "| 其中:第一產(chǎn)業(yè) | 287.0 | 2.2 |",
    ])
    found = [(i.name, i.value, i.yoy_pct, i.parent) for i in extract_indicators(clean_text(table))]
    assert found == [("地區生產總值", 2313.0, 5.2, None), ("第一產業", 287.0, 2.2, "地區生產總值")]
    assert [r["name"] for r in rows("2023年(nian)張家界市(shi)實(shi)現地區(qu)生產(chan)總(zong)值613.9億(yi)元(yuan)。")] == [
        "張家界市實現地區生產總值"]


# --- held-out set 12: towns, county govreports of four provinces, zone year reviews -------------------------------


def test_a_level_right_after_its_subjects_growth_is_its_level() -> None:
    found = rows("2023年,西安高新区GDP同比增长8.1%,达3332.55亿元。")
    assert [(r["name"], r["value"], r["yoy_pct"]) for r in found] == [("西安高新区GDP", 3332.55, 8.1)]
    found = rows("GDP增长6%,财政收入10亿元。")  # a level with a name of its own stays its own
    assert [(r["name"], r["value"], r["yoy_pct"]) for r in found] == [("GDP", None, 6.0), ("财政收入", 10.0, None)]


def test_nouns_that_open_with_a_stop_word_and_remarks_after_a_figure() -> None:
    assert [(r["name"], r["value"]) for r in rows("新增一诺威、亚华电子2家上市公司。")] == [("上市公司", 2.0)]
    assert [r["name"] for r in rows("总点击量突破650万创新高。")] == ["总点击量"]


def test_a_structure_changed_from_a_base_is_read_as_the_new_one() -> None:
    found = rows("三次产业结构由上年的13.2:32.3:54.5调整为12.4:30.9:56.7。")
    assert [(r["name"], r["value"]) for r in found] == [
        ("三次产业结构第一产业", 12.4), ("三次产业结构第二产业", 30.9), ("三次产业结构第三产业", 56.7)]


def test_a_share_of_the_years_target_written_as_its_progress() -> None:
    found = rows("工业税收3.2亿元,完成年度目标进度85.5%。")
    assert [(r["name"], r["value"], r["target_pct"]) for r in found] == [("工业税收", 3.2, 85.5)]
    assert [(r["name"], r["target_pct"]) for r in rows("完成形象进度至72%。")] == [("形象进度", None)]


# --- held-out set 13: county economic reports, plans of targets, half-year reports --------------------------------


def test_gaps_in_points_lend_no_unit_and_growth_written_as_its_speed() -> None:
    found = rows("城镇居民人均可支配收入增长5.5%,分别高于全国、全省、金华全市2.0、1.5、0.8个百分点。")
    assert [(r["name"], r["yoy_pct"]) for r in found] == [("城镇居民人均可支配收入", 5.5)]
    found = rows("6月末我县存贷款余额加权平均增长速度6.4%。")
    assert [(r["name"], r["value"], r["yoy_pct"]) for r in found] == [("存贷款余额加权平均", None, 6.4)]


# --- held-out set 14: ZJ reports of 2021-23, summaries with next year's plan ----------------------------------------


def test_a_noun_that_opens_with_a_joining_word_and_indicators_shared_by_a_list() -> None:
    assert [(r["name"], r["value"]) for r in rows("完成2023年度6个和美乡村省级中心村建设。")] == [
        ("和美乡村省级中心村建设", 6.0)]
    found = rows("规上工业总产值、制造业投资、进出口总额等主要经济指标实现两位数增长。")
    assert [(r["name"], r["yoy_pct"], r["bound"]) for r in found] == [
        ("规上工业总产值", 10.0, "lower"), ("制造业投资", 10.0, "lower"), ("进出口总额", 10.0, "lower")]


# --- held-out set 15: ZJ towns, a development zone and counties, 2020-24 --------------------------------------------


def test_a_count_after_named_examples_keeps_what_the_clause_says_of_them() -> None:
    found = rows("垠雨等8个项目加快施工,3个项目竣工。")
    assert [(r["name"], r["value"]) for r in found] == [("项目加快施工", 8.0), ("项目竣工", 3.0)]
    assert [r["name"] for r in rows("新增杭州、宁波等5家企业入选省级名单。")] == ["企业入选省级名单"]
    # a predicate shared out over a list (分别 …、…) names nothing: the noun alone
    found = rows("中南建设、绿地香港二家开发商分别在城南区块、浦口核心区块签订项目投资协议。")
    assert [r["name"] for r in found] == ["开发商"]
    # nor one that holds a figure, masked or not: that figure is named on its own
    assert [r["name"] for r in rows("恒达等5家企业完成营业收入*亿元。")] == ["企业", "营业收入"]


def test_a_document_of_key_tasks_is_a_plan_whenever_it_is_published() -> None:
    # 新昌县 published its 2023 key tasks on 2024-01-03: every figure is a target, none a result
    doc = clean_text("2023年度政府工作报告重点任务\n发布时间:2024-01-03 12:08\n"
                     "1.深化县域创新体系建设。完成投资15亿元,实现技术交易额12亿元以上。")
    assert [(i.raw, i.kind) for i in extract_indicators(doc)] == [("15亿元", "target"), ("12亿元以上", "target")]


# --- held-out set 16: ZJ town plans, a development zone, streets and a new area, 2023-26 ----------------------------


def test_a_round_count_of_tens_in_words_is_a_lower_bound() -> None:
    # 丁兰街道: 建立完善制度十余项; the tens may carry their digit (二十余家), and the 十 of 二十 opens no count
    assert [(r["name"], r["value"], r["unit"], r["bound"]) for r in rows("建立完善制度十余项。")] == [
        ("建立完善制度", 10.0, "count", "lower")]
    assert [(r["value"], r["bound"]) for r in rows("引进企业二十余家。")] == [(20.0, "lower")]


def test_a_growth_written_as_tongbu_belongs_to_the_figure_before_it() -> None:
    # 飞云街道: 同步增长 for 同比增长, after the level it describes: no change-only row named 同步
    found = rows("限上批发业销售额累计完成7.77亿元,同步增长26.02%,早稻获得全市第一名。")
    assert [(r["name"], r["value"], r["yoy_pct"]) for r in found] == [("限上批发业销售额", 7.77, 26.02)]


# --- held-out set 17: ZJ county departments; towns in Jiangsu, Anhui, Fujian and Jiangxi, 2023-25 ------------------


def test_set_phrases_that_open_with_a_count_are_no_counts() -> None:
    assert rows("增强四个意识、坚定四个自信、做到两个维护。") == []
    assert [(r["name"], r["value"]) for r in rows("违反中央八项规定精神问题3起。")] == [("违反中央八项规定精神问题", 3.0)]
    assert [(r["name"], r["value"]) for r in rows("新建两个项目。")] == [("新建项目", 2.0)]


def test_a_capacity_written_in_a_project_name_is_part_of_the_name() -> None:
    # 田南镇: the investment is the figure; 年产30万吨 and 5.8兆瓦 say which project
    found = rows("成功引进投资1亿元高安超峰新能源有限公司5.8兆瓦分布式光伏发电项目、投资1亿元高安漓源饲料有限公司"
                 "年产30万吨饲料扩建项目。")
    assert [r["raw"] for r in found] == ["1亿元", "1亿元"]
    # a labelled capacity is the projects' own figure
    assert [r["raw"] for r in rows("实施总装机26.9万千瓦光伏项目9个。")] == ["26.9万千瓦", "9个"]


def test_a_slogans_target_in_the_title_makes_no_plan() -> None:
    # 四都镇's year in review, titled 锚定目标促发展: its figures happened
    doc = clean_text("【奋勇争先这一年】四都镇:锚定目标促发展 提质增效谱新篇\n今年以来,新签约项目2个,投资额1.3亿元。")
    assert [i.kind for i in extract_indicators(doc)] == ["actual", "actual"]


def test_what_was_already_done_ahead_of_plan_happened() -> None:
    found = rows("计划全年新签约亿元以上项目8个以上,一季度已超前完成500万美元外资到账任务。", section="一、2025年工作计划")
    assert [(r["raw"], r["kind"]) for r in found] == [("8个以上", "target"), ("500万美元", "actual")]


def test_a_name_after_a_count_stops_at_the_next_list_counter() -> None:
    # 椒江: no stop between 项目建设 and 三是
    found = rows("完成“生猪屠宰场防疫标准化提升改造项目”两个项目建设三是推进农业生态可持续发展。")
    assert [r["name"] for r in found] == ["项目建设"]


def test_the_subject_of_a_news_account_is_no_part_of_a_name() -> None:
    found = rows("该镇投入240多万元,对全镇6个行政村8个自然村启动新农村建设。")
    assert [r["name"] for r in found] == ["投入", "行政村", "自然村启动新农村建设"]


def test_ponds_and_class_hours_are_counted() -> None:
    assert [(r["name"], r["value"], r["unit"]) for r in rows("改造池塘6口,开展各类线下培训近300课时。")] == [
        ("改造池塘", 6.0, "count"), ("开展各类线下培训", 300.0, "count")]


# --- held-out set 18: ZJ county government work reports; half-year reports of towns and zones, 2023-25 --------------


def test_a_count_before_a_quoted_name_is_that_names_label() -> None:
    # 宁波高新区: 三个”一号工程” (the quote mark typed the wrong way round) names the three programmes
    assert rows("推进创新深化改革攻坚开放提升三个”一号工程”,完善工作运行机制。") == []


# --- held-out set 19: county government work reports of Anhui, Henan, Sichuan, Jiangxi; ZJ towns and streets ------


def test_a_growth_of_n_times_is_n_hundred_percent() -> None:
    assert [(r["name"], r["yoy_pct"]) for r in rows("外贸进出口总额同比增长74倍。")] == [("外贸进出口总额", 7400.0)]


def test_a_level_after_its_growth_keeps_it_past_a_milestone_or_with_a_bound_word() -> None:
    found = rows("GDP增长6.0%,首次突破百亿元大关,达到100.6亿元。")
    assert [(r["name"], r["value"], r["yoy_pct"]) for r in found] == [("GDP", 100.6, 6.0)]
    found = rows("地区生产总值同比增长7%左右,逼近300亿元大关。")
    assert [(r["name"], r["value"], r["yoy_pct"], r["bound"]) for r in found] == [("地区生产总值", 300.0, 7.0, "approx")]


def test_words_that_open_with_a_count_but_are_none() -> None:
    assert rows("两项目共线采用双层桥梁跨越城东湖。") == []
    assert rows("2024年是实现两个先行的奋进之年。") == []


def test_the_effort_to_win_funds_is_no_plan_and_approval_happened() -> None:
    found = rows("加大特别国债项目谋划与争取力度,沿淮洼地治理等4个特别国债项目已获批,争取资金10.1亿元。")
    assert [(r["raw"], r["kind"]) for r in found] == [("4个", "actual"), ("10.1亿元", "actual")]


def test_a_double_digit_growth_the_passage_then_gives_in_figures_is_no_row() -> None:
    found = rows("规上工业产值、规上软件业营收均实现两位数增长,增幅居全区前列。其中,规上工业产值77.7亿,同比增长14%;"
                 "规上软件业营收1.2亿,同比增长15%。")
    assert [(r["name"], r["yoy_pct"]) for r in found] == [("规上工业产值", 14.0), ("规上软件业营收", 15.0)]
    # alone, it is the growth the spec reads: 10, a lower bound
    assert [(r["yoy_pct"], r["bound"]) for r in rows("规上工业产值实现两位数增长。")] == [(10.0, "lower")]


# --- held-out set 20: ZJ development zones; Jiangsu and Shanghai towns and streets, 2023-25 -------------------------


def test_a_rank_and_its_move_are_no_counts() -> None:
    assert [(r["name"], r["value"]) for r in rows("重回全国百强,位列94名,较上一年提升了41名。新增41名干部。")] == [
        ("新增干部", 41.0)]


def test_a_completion_degree_is_the_share_of_the_target_reached() -> None:
    found = rows("固定资产投资完成8.1亿元,完成度38.6%。")
    assert [(r["name"], r["value"], r["target_pct"]) for r in found] == [("固定资产投资", 8.1, 38.6)]


def test_a_bare_yi_after_a_turnover_is_money() -> None:
    assert [(r["unit"], r["value_base"]) for r in rows("限上批零住餐累计营业额13.48亿,增幅2.7%。")] == [
        ("CNY", 1348000000.0)]


def test_a_level_after_its_growth_keeps_it_past_a_cue() -> None:
    found = rows("地区生产总值增5%左右,力争达到190亿元;财政总收入可比增3%,预计完成45.0亿元。", section="一、2025年工作要点")
    assert [(r["name"], r["value"], r["yoy_pct"], r["kind"]) for r in found] == [
        ("地区生产总值", 190.0, 5.0, "target"), ("财政总收入", 45.0, 3.0, "estimate")]


# --- held-out set 21: ZJ 2025/26 towns, streets and a district; departments and a zone in Hunan, Fujian, Hubei, Jiangsu


def test_a_heading_on_how_far_key_work_lags_is_a_review() -> None:
    found = rows("1.党建引领基层治理工作指挥部:项目7项,均达序时进度。", section="一、十大重点工作指挥部滞后情况")
    assert [(r["raw"], r["kind"]) for r in found] == [("7项", "actual")]


def test_the_share_of_the_annual_plan_invested_is_the_investments_target_share() -> None:
    found = rows("8项省重点项目累计完成投资12.88亿元,完成年度计划投资比例52.99%,超序时进度2.99个百分点。")
    assert [(r["raw"], r["target_pct"]) for r in found] == [("8项", None), ("12.88亿元", 52.99)]


def test_a_breakdown_in_brackets_is_named_without_its_qizhong() -> None:
    found = rows("全县粮食播种面积133万亩(其中大豆3万亩)。")
    assert [(r["name"], r["parent"]) for r in found] == [("粮食播种面积", None), ("大豆", "粮食播种面积")]


# --- held-out set 22: ZJ county economic reports; plans of towns and a zone in Jiangsu, Shandong, Guangdong, Hunan --


def test_what_the_past_year_brought_happened_in_a_plan_too() -> None:
    # 凤岗镇: a news account of the 2025 targets opens with what 过去一年 brought
    found = rows("过去一年,凤岗镇全镇实现地区生产总值411.1亿元,同比增长3.6%。今年力争地区生产总值增长5.5%左右。",
                 section="一、2025年主要预期目标")
    assert [(r["raw"], r["kind"]) for r in found] == [("411.1亿元", "actual"), ("5.5%左右", "target")]


def test_a_figure_in_dollars_at_the_exchange_rate_is_the_same_figure() -> None:
    found = rows("人均生产总值102345元,按年平均汇率折14464美元。")
    assert [(r["name"], r["unit"]) for r in found] == [("人均生产总值", "CNY"), ("人均生产总值", "USD")]


def test_a_difference_from_last_year_end_is_no_figure() -> None:
    assert [r["raw"] for r in rows("年末户籍总人口88.5万人,比上年末增加0.64万人。")] == ["88.5万人"]
