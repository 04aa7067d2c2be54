"""Indicator tables: `序号 | 指标名称 | 2024年目标 | 2024年完成` and the rows below it, as the cleaner writes a page's
<table> (cells end in ` | `) and as copied report texts keep it.

Prose reading gets such a row wrong (`1 | GDP | 6% | 5.0%` is neither a sentence nor one figure): the header says
what each column is (a target, what was achieved, a growth rate, a completion share, the unit), so a row is read
cell by cell against it. A row with a sub-label cell of its own (`2 | 固定资产投资 | 区内 | 力争300亿元 | 337.1亿元`)
has one cell more than the header; the row under it that shares its first cells by rowspan (`全区 | 350亿元以上 |
414.8亿元`) has fewer and takes the label it lacks from the row above. Only tables whose header reads as an
indicator table are read here; any other table stays prose.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from decimal import Decimal

from transforms.models import Indicator
from transforms.numbers import UNMEASURED, Quantity, scan
from transforms.reading import reading_text, written_chars

# a header cell's role, first match wins: a completion share is no level, a growth column no target
_ROLES = (
    ("target_pct", re.compile(r"完成率|完成比例|完成进度|目标完成|占.*目标")),
    ("yoy", re.compile(r"增长|增速|增幅|增减|同比|比上年|较上年|[±]")),
    ("estimate", re.compile(r"预计")),
    ("target", re.compile(r"目标|计划|预期|任务")),
    ("actual", re.compile(r"完成|实际|执行|实绩|实现")),
    ("unit", re.compile(r"^(?:计量)?单位$")),
    ("ordinal", re.compile(r"^(?:序号|编号|序)$|排行|排名|位次")),  # a rank column is no figure either
    ("label", re.compile(r"指标|项目|名称|内容|类别")),
    # a figure's own column: under a spanning cell it takes that cell's role, alone it is what was achieved
    ("level", re.compile(r"^(?:绝对值|绝对数|绝对额|总量|数值|数量|金额|总额|规模|产量|产值)$")),
    ("share", re.compile(r"^(?:比重|占比|构成|比例)$")),  # the row's share of the whole: a level named so
)
_YEAR_ONLY = re.compile(r"^(20\d{2})年?(?:度)?$")  # a column of one year's figures: what that year achieved
_YEAR = re.compile(r"(20\d{2})年")
_HEADER_DIGITS = re.compile(r"\d")
_ORDINAL = re.compile(r"^(?:\d{1,3}|[一二三四五六七八九十]{1,3})[.、]?$")
_UNIT_WORD = r"%|[万亿千百]*(?:元|美元|亩|人|人次|家|个|项|件|吨|平方米|平方公里|公里|千瓦时|吨标准煤|吨标煤)"
_UNIT_IN_BRACKETS = re.compile(rf"\s*[(（]\s*({_UNIT_WORD})\s*[)）]\s*$")
_UNIT_CELL = re.compile(rf"(?:{_UNIT_WORD})")
# a short label beside the indicator's name (区内, 全区, 城镇): words that state a figure (与经济增长同步) are none
_SUB_LABEL = re.compile(r"[^\d%]{1,8}")
_STATES_FIGURE = re.compile(r"增长|同步|持平|保持|高于|低于|不低于|以上|以内|下降|完成|达到")
_BREAKDOWN = re.compile(r"^其中[:：,，]?")
# a % in a level column is the figure's growth unless the name is itself a rate or a share
_RATE_NAME = re.compile(r"率|比重|占比|比例|份额|指数|系数|倍差|收入比|%")
_VALUE_ROLES = frozenset(("actual", "estimate", "target"))
_FIGURE_ROLES = _VALUE_ROLES | {"yoy", "target_pct"}  # columns whose cells hold a row's figures
_PART_MARKS = ("#", "＃")
_BARE_NUMBER = re.compile(r"[-+]?\d+(?:\.\d+)?")
_MEASURES = frozenset(("产量", "产值", "比重", "占比", "构成", "比例"))
_GROWTH_WORD = re.compile(r"(?:增长|增速|增幅)率?$")


@dataclass(frozen=True)
class _Column:
    role: str  # one of _ROLES' names, or "other"
    period: str | None
    unit: str  # a unit the header gives bare numbers ("%" for 增长(%)), or ""
    year_only: bool = False  # the cell is a year and nothing else: a second header line may split it
    half: bool = False  # 上半年实绩: the first half of the line's year
    measure: str = ""  # 产品名称 | 计量单位 | 产量: what the row's thing is measured by, part of its name


@dataclass
class TableRead:
    indicators: list[Indicator]
    lines: set[int]  # the lines the tables took: prose reading skips them


def _cells(line: str) -> list[str]:
    cells = [c.strip() for c in line.split("|")]
    while cells and not cells[-1]:
        cells.pop()
    while cells and not cells[0]:  # | 地区生产总值 | 2313.0 |: a row written with a bar before its first cell
        cells.pop(0)
    return cells


def _column(cell: str) -> _Column:
    text = reading_text(cell)
    unit = ""
    m = _UNIT_IN_BRACKETS.search(text)
    if m:
        unit, text = m.group(1), text[: m.start()]
    year = _YEAR.search(text)
    period = year.group(1) if year else None
    only = _YEAR_ONLY.match(text)
    if only:
        return _Column("actual", only.group(1), unit, year_only=True)
    half = "上半年" in text
    for role, pattern in _ROLES:
        if pattern.search(text):
            return _Column(role, period, unit, half=half, measure=text if text in _MEASURES else "")
    if unit and (measure := _YEAR.sub("", text)):  # 2023年GDP(亿元): a column of one indicator, named by it
        return _Column("actual", period, unit, half=half, measure=measure)
    return _Column("other", period, unit, half=half)


def _header(line: str) -> list[_Column] | None:
    """The columns of an indicator table's header line, or None if the line is not one."""
    cells = _cells(line)
    if len(cells) < 3 or any(_HEADER_DIGITS.search(_YEAR.sub("", c)) for c in cells):
        return None
    columns = [replace(c, role="actual") if c.role in ("level", "share") else c for c in (_column(c) for c in cells)]
    first = 1 if columns[0].role == "ordinal" else 0
    if not any(c.role == "label" for c in columns) and columns[first].role == "other":
        columns[first] = replace(columns[first], role="label")  # 排行 | 各区县 | 2023年GDP(亿元): the names' column
    roles = {c.role for c in columns}
    if "label" not in roles or not roles & (_VALUE_ROLES | {"yoy"}):
        return None
    return columns


def _sub_header(line: str, columns: list[_Column]) -> list[_Column] | None:
    """A second header line, under cells that span it: under years (`指标 | 单位 | 2024年 | 2025年` over `目标 |
    完成 | 目标`) its cells are the years' own in order, a role met again starting the next year; else under the
    last value column (`… | 目标 | 上半年实绩` over `绝对值 | 增速(%)`). None if the line is no such line."""
    cells = _cells(line)
    if any(_HEADER_DIGITS.search(_YEAR.sub("", c)) for c in cells):
        return None
    subs = [_column(c) for c in cells]
    if not all(c.role in _FIGURE_ROLES | {"level", "share"} for c in subs):
        return None
    years = [c for c in columns if c.year_only]
    if years:
        spread: list[_Column] = []
        year, seen = 0, set[str]()
        for sub in subs:
            if sub.role in seen and year + 1 < len(years):
                year, seen = year + 1, set()
            seen.add(sub.role)
            parent = years[year]
            role = parent.role if sub.role == "level" else sub.role
            spread.append(_Column(role, sub.period or parent.period, sub.unit or parent.unit, half=sub.half))
        first = columns.index(years[0])
        return columns[:first] + spread
    spanned = max((i for i, c in enumerate(columns) if c.role in _VALUE_ROLES), default=None)
    if spanned is None:
        return None
    parent = columns[spanned]
    spread = [_Column(parent.role if sub.role == "level" else sub.role, sub.period or parent.period,
                      sub.unit or parent.unit, half=sub.half or parent.half) for sub in subs]
    return columns[:spanned] + spread + columns[spanned + 1 :]


def _quantity(cell: str, unit: str, name: str) -> Quantity | None:
    """The one figure of a cell; a bare number takes the unit its column, name or row gives, read after the row's
    name (供电量 | 万度 | 50616: 度 is electricity after 电), or stands as written when no unit is known (千升)."""
    text = reading_text(cell)
    found = scan(text)
    if not found and unit and _BARE_NUMBER.fullmatch(text):
        found = [q for q in scan(name + text + unit) if q.start >= len(name)]
        if not found:
            return Quantity(0, len(text), text, Decimal(text), None, Decimal(1), UNMEASURED, "exact", False)
    if len(found) != 1:
        return None  # an empty cell, words (与经济增长同步), or more than one figure: nothing a column can say
    return found[0]


def _name(labels: list[str]) -> tuple[str, str | None, str]:
    """The row's name and parent from its label cells (a 其中 label is a part of the first), and a unit the name
    gives in brackets (地区生产总值(亿元))."""
    unit = ""
    cleaned = []
    for label in labels:
        text = reading_text(label)
        m = _UNIT_IN_BRACKETS.search(text)
        if m:
            unit, text = m.group(1), text[: m.start()]
        if text:
            cleaned.append(text)
    if not cleaned:
        return "", None, unit
    if len(cleaned) >= 2 and _BREAKDOWN.match(cleaned[-1]):
        return _BREAKDOWN.sub("", cleaned[-1]), cleaned[0], unit
    return _BREAKDOWN.sub("", cleaned[0]) + "".join(f"({c})" for c in cleaned[1:]), None, unit


def _indicator(name: str, parent: str | None, q: Quantity, column: _Column, cell: str, year: int | None,
               quote: str) -> Indicator:
    unit = q.unit
    if unit is None:
        unit = "count"
    elif unit == UNMEASURED:
        unit = None
    period = column.period or (str(year) if year is not None else None)
    if column.half and period:
        period += "H1"
    kind = "estimate" if column.role == "estimate" else "target" if column.role == "target" else "actual"
    return Indicator(name=name, value=None if q.value is None else float(q.value), multiplier=float(q.multiplier),
                     unit=unit, raw=cell.strip(), kind=kind, bound=q.bound,
                     value_high=None if q.value_high is None else float(q.value_high), masked=q.masked,
                     parent=parent, period=period, quote=quote)


def _as_growth(ind: Indicator) -> Indicator:
    """A % in a level column of a level indicator (GDP | 6% | 5.0%): its growth, no level."""
    ind.yoy_pct = ind.value
    ind.value, ind.multiplier, ind.unit, ind.value_high = None, 1.0, None, None
    ind.name = _GROWTH_WORD.sub("", ind.name) or ind.name  # 地区生产总值增长 | % | 6: the growth of 地区生产总值
    return ind


@dataclass
class _Row:
    """Where a data row's cells sit under the header (header column c is cell c + shift), and its labels."""

    shift: int
    labels: list[str]  # the row's own label cells, then those it shares with the row above by rowspan
    last_label: int  # the cell of its last label (-1: none)
    unit_at: int | None  # the cell of its unit, when the header has a unit column


def _layout(cells: list[str], columns: list[_Column], above: _Row | None) -> _Row:
    """A row with an ordinal is left-aligned, cells beyond the header's being sub-labels (`2 | 固定资产投资 | 区内 |
    …`); a row without one, in a table that numbers its rows, lacks the cells the row above spans for it: its
    sub-label and figures take the places of the row above's (`全区 | 350亿元以上 | 414.8亿元`), or, when the row
    above had no sub-label, it lacks the ordinal only."""
    numbered = columns[0].role == "ordinal"
    first_value = next((i for i, c in enumerate(columns) if c.role in _FIGURE_ROLES), len(columns))
    inherited: list[str] = []
    if numbered and above is not None and not _ORDINAL.match(cells[0]):
        if len(above.labels) >= 2:
            shift, inherited = above.shift - above.last_label, above.labels[:-1]
        else:
            shift = -1
    elif len(cells) >= len(columns):
        shift = len(cells) - len(columns)
    else:  # empty cells at the row's end were dropped: count its label cells instead
        start = 1 if numbered else 0
        expected = sum(1 for c in columns[start:first_value] if c.role != "unit")
        leading = 0
        for cell in cells[start:]:
            if not _SUB_LABEL.fullmatch(cell) or _UNIT_CELL.fullmatch(cell) or _STATES_FIGURE.search(cell):
                break
            leading += 1
        shift = max(0, leading - expected)
    unit_at = next((i + shift for i, c in enumerate(columns) if c.role == "unit"), None)
    own = [i for i in range(max(0, first_value + shift))
           if i < len(cells) and i != unit_at and not (i == 0 and _ORDINAL.match(cells[0]))
           and not _BARE_NUMBER.fullmatch(cells[i])]  # a number is never a label, whatever the alignment
    labels = [cells[i] for i in own]
    if not inherited and above is not None and labels and _BREAKDOWN.match(labels[0]):
        inherited = above.labels[:1]  # 其中:工业投资 under 固定资产投资
    return _Row(shift, inherited + labels, own[-1] if own else -1, unit_at)


def _read_row(cells: list[str], columns: list[_Column], layout: _Row, year: int | None, quote: str,
              main: str | None) -> tuple[list[Indicator], str]:
    """A data row's indicators and its name; `main` is the row a `#` row (a part, as statistics tables mark it)
    belongs to."""
    unit_at = layout.unit_at
    row_unit = reading_text(cells[unit_at]) if unit_at is not None and 0 <= unit_at < len(cells) else ""
    name, parent, name_unit = _name(layout.labels)
    if name[:1] in _PART_MARKS:
        name, parent = name.lstrip("".join(_PART_MARKS) + " "), parent or main
    if not name:
        return [], name
    out: list[Indicator] = []
    level: Indicator | None = None
    for index, column in enumerate(columns):
        at = index + layout.shift
        if column.role not in _FIGURE_ROLES or not 0 <= at < len(cells):
            continue
        share = "%" if column.role in ("yoy", "target_pct") else ""  # 较上年±% | 18.64: a growth column's numbers
        q = _quantity(cells[at], column.unit or share or name_unit or row_unit, name)
        if q is None:
            continue
        if column.role == "yoy" and q.is_percent:
            if level is not None and level.yoy_pct is None and level.value is not None:
                level.yoy_pct = None if q.value is None else float(q.value)
            else:
                out.append(_as_growth(_indicator(name, parent, q, column, cells[at], year, quote)))
            continue
        if column.role == "target_pct":
            if level is not None and level.target_pct is None and q.is_percent:
                level.target_pct = None if q.value is None else float(q.value)
            continue
        if column.role not in _VALUE_ROLES:
            continue
        named = name if not column.measure or name[-1] in "量值额" else name + column.measure  # 供电量 stays
        ind = _indicator(named, parent, q, column, cells[at], year, quote)
        if q.is_percent and not _RATE_NAME.search(named):
            out.append(_as_growth(ind))
            level = None
            continue
        out.append(ind)
        level = ind
    return out, name


def read_tables(lines: list[str], years: list[int | None]) -> TableRead:
    """Every indicator table in the body's lines (`years`: the year each line's section speaks of)."""
    found = TableRead([], set())
    index = 0
    while index < len(lines):
        columns = _header(lines[index]) if "|" in lines[index] else None
        if columns is None:
            index += 1
            continue
        found.lines.add(index)
        above: _Row | None = None
        index += 1
        if index < len(lines) and (spread := _sub_header(lines[index], columns)) is not None:
            columns = spread
            found.lines.add(index)
            index += 1
        main: str | None = None
        written: dict[int, str] = {}
        while index < len(lines) and len(cells := _cells(lines[index])) >= 2 and _header(lines[index]) is None:
            if columns[0].role == "ordinal" and len(cells) > 2 and _ORDINAL.match(cells[1]) \
                    and not _ORDINAL.match(cells[0]):
                cells = cells[1:]  # 经济发展 | 1 | 地区生产总值 …: a group cell spanning rows, not the row's label
            layout = _layout(cells, columns, above)
            row, name = _read_row(cells, columns, layout, years[index], lines[index].strip(), main)
            written.update(written_chars(lines[index]))  # 地區生產總值 is read as 地区生产总值, named as written
            for ind in row if written else ():
                ind.name = ind.name.translate(written)
                ind.parent = ind.parent.translate(written) if ind.parent else None
            found.indicators.extend(row)
            if name and not any(i.parent for i in row):
                main = name
            found.lines.add(index)
            if _ORDINAL.match(cells[0]) or columns[0].role != "ordinal":
                above = layout  # the row later rows may share cells with by rowspan
            index += 1
    return found
