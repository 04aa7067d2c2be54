"""The panel's period grammar (transforms/period.py): what each place a period is written in says, nearest first."""

from __future__ import annotations

import pytest

from transforms.period import (
    Heading,
    format_period,
    heading_chains,
    headings_above,
    parse_period,
    period_sort_key,
    resolve_period,
)

REVIEW = Heading("一、主要经济指标", "review")


def period(**kw: object) -> tuple[str | None, str | None]:
    found = resolve_period(**kw)  # type: ignore[arg-type]
    return found.period, found.raw


@pytest.mark.parametrize(("text", "expected"), [
    ("1-9月", "2024M01-09"), ("1至6月", "2024H1"), ("1-3月", "2024Q1"), ("7-9月", "2024Q3"), ("1-12月", "2024"),
    ("前三季度", "2024M01-09"), ("上半年", "2024H1"), ("下半年", "2024H2"), ("三季度", "2024Q3"),
    ("第四季度", "2024Q4"), ("一季度", "2024Q1"), ("全年", "2024"), ("本年度", "2024"), ("10月份", "2024M10"),
])
def test_the_clause_names_the_period(text: str, expected: str) -> None:
    assert period(kind="actual", quote=f"{text}完成规上工业总产值50亿元", raw="50亿元", extracted="2024",
                  title="样例镇经济运行情况")[0] == expected


def test_the_spec_hard_case_plan_and_actual_in_one_sentence() -> None:
    quote = "本年度计划完成投资57.2亿元,上半年完成有效投资32.65亿元、完成率57.1%"
    title = "2024年上半年工作总结"
    assert period(kind="target", quote=quote, raw="57.2亿元", extracted="2024", title=title) == ("2024", "本年度")
    assert period(kind="actual", quote=quote, raw="32.65亿元", extracted="2024H1", title=title) == ("2024H1", "上半年")
    assert period(kind="actual", quote=quote, raw="57.1%", extracted="2024H1", title=title)[0] == "2024H1"


def test_a_sub_year_title_frames_results_that_name_no_period() -> None:
    """The extractor says 2024 for these (the title's 上半年/前三季度 is no heading); the panel must not mix them
    with the annual figure."""
    for title, expected in (("样例镇2024年上半年工作总结", "2024H1"), ("2024年前三季度工作总结", "2024M01-09"),
                            ("关于2024年1-9月经济运行情况的报告", "2024M01-09"), ("2024年第二季度经济运行", "2024Q2")):
        assert period(kind="actual", quote="完成规上工业总产值50亿元", raw="50亿元", extracted="2024",
                      headings=(REVIEW,), title=title)[0] == expected


def test_a_target_in_a_half_year_review_is_for_the_year_and_one_under_the_plan_heading_for_the_second_half() -> None:
    title = "临江开发区2023年上半年工作总结及下半年工作思路"
    assert period(kind="target", quote="力争完成固定资产投资60亿元", raw="60亿元", extracted="2023H1", title=title,
                  headings=(Heading("一、2023年上半年工作总结", "review"),))[0] == "2023"
    # the extractor took the plan for the next year (2024); 下半年 of the report's own year is meant
    assert period(kind="target", quote="力争完成征迁177户以上", raw="177户以上", extracted="2024", title=title,
                  headings=(Heading("三、下半年工作思路", "plan"),)) == ("2023H2", "下半年")
    assert period(kind="target", quote="全年力争完成投资120亿元", raw="120亿元", extracted="2024", title=title,
                  headings=(Heading("三、下半年工作思路", "plan"),))[0] == "2023"


def test_years_from_the_title_and_the_plan_heading() -> None:
    both = "样例镇2024年工作总结和2025年工作思路"
    assert period(kind="actual", quote="完成投资50亿元", raw="50亿元", extracted="2024", title=both)[0] == "2024"
    assert period(kind="target", quote="力争完成投资60亿元", raw="60亿元", extracted="2025", title=both,
                  headings=(Heading("二、工作思路", "plan"),))[0] == "2025"
    assert period(kind="target", quote="力争完成投资60亿元", raw="60亿元", extracted=None,
                  title="样例镇2025年工作思路") == ("2025", "样例镇2025年工作思路")
    # the plan of a one-year review is for the next year
    assert period(kind="target", quote="力争完成投资60亿元", raw="60亿元", extracted="2024", title="样例镇2024年工作总结",
                  headings=(Heading("二、明年工作打算", "plan"),)) == ("2025", "二、明年工作打算")
    # a heading's year wins over the title's; the clause's own year over both
    assert period(kind="actual", quote="完成投资50亿元", raw="50亿元", extracted="2023", title=both,
                  headings=(Heading("一、2023年工作回顾", "review"),))[0] == "2023"
    assert period(kind="actual", quote="2022年完成投资50亿元", raw="50亿元", extracted="2022", title=both)[0] == "2022"


def test_a_government_work_report_reviews_the_year_before() -> None:
    title = "2025年政府工作报告"
    assert period(kind="actual", quote="地区生产总值增长5.2%", raw="5.2%", extracted="2025", title=title)[0] == "2024"
    assert period(kind="target", quote="地区生产总值增长5%左右", raw="5%左右", extracted="2025", title=title,
                  headings=(Heading("二、2025年工作安排", "plan"),))[0] == "2025"


def test_the_publication_date_when_nothing_else_names_a_year() -> None:
    assert period(kind="actual", quote="完成投资50亿元", raw="50亿元", extracted=None, title="工作总结",
                  published="2025-01-10") == ("2024", "2025-01-10")
    assert period(kind="actual", quote="完成投资50亿元", raw="50亿元", extracted=None, title="工作总结",
                  published="2024年7月10日")[0] == "2024"
    assert period(kind="target", quote="力争完成投资60亿元", raw="60亿元", extracted=None, title="工作思路",
                  published="2024-11-20")[0] == "2025"
    assert period(kind="actual", quote="完成投资50亿元", raw="50亿元", extracted=None) == (None, None)


def test_comparisons_and_target_references_are_no_period() -> None:
    assert period(kind="actual", quote="比一季度提高2.1%", raw="2.1%", extracted="2024",
                  title="2024年第二季度经济运行")[0] == "2024Q2"
    assert period(kind="actual", quote="完成全年目标的60%", raw="60%", extracted="2024H1",
                  title="2024年上半年工作总结")[0] == "2024H1"
    assert period(kind="actual", quote="较上半年回落1.2%", raw="1.2%", extracted="2024", title="2024年工作总结")[0] == "2024"


def test_the_extractors_month_range_stands_when_the_quote_has_none() -> None:
    assert period(kind="actual", quote="完成投资50亿元", raw="50亿元", extracted="2018-01/2018-09",
                  title="x")[0] == "2018M01-09"


def test_grammar_round_trip_and_order() -> None:
    for text in ("2024", "2024H1", "2024H2", "2024Q3", "2024M01-09", "2024M07", "2024M02-04"):
        year, months = parse_period(text)
        assert format_period(year, months) == text
    assert format_period(2024, (1, 6)) == "2024H1" and format_period(2024, (4, 6)) == "2024Q2"
    with pytest.raises(ValueError):
        parse_period("2024-01/2024-09")
    assert sorted(["2024", "2024H1", "2024Q3", "2024M01-09", "2023", "2024Q1"], key=period_sort_key) == \
        ["2023", "2024Q1", "2024H1", "2024M01-09", "2024Q3", "2024"]


def test_headings_above_a_quote_are_its_ancestors_nearest_first() -> None:
    body = ("一、2023年上半年工作总结\n（一）工业稳步推进。完成规上工业总产值50亿元。\n二、存在的问题\n要素保障不足。\n"
            "三、下半年工作思路\n力争完成征迁177户以上。")
    chains = heading_chains(body, "临江开发区2023年上半年工作总结及下半年工作思路")
    assert headings_above(body, "完成规上工业总产值50亿元", chains) == (
        Heading("（一）工业稳步推进", "review"), Heading("一、2023年上半年工作总结", "review"))
    assert headings_above(body, "力争完成征迁177户以上", chains) == (Heading("三、下半年工作思路", "plan"),)
    assert headings_above(body, "no such words anywhere in it", chains) == ()
