"""The period a figure covers, in the panel's small grammar: `2024`, `2024H1`/`H2`, `2024Q3`, `2024M01-09`
(months from-to), `2024M07` (one month).

The extractor writes a period per indicator from its sentence; the panel needs more: a figure in a 前三季度 report
covers January to September even when its own clause names no period, a target under 下半年工作思路 is for the
second half of the report's year, and 1-6月 and 上半年 are one period, so that the figures of two documents meet.
Read, nearest first:

1. the figure's own clause (the quote up to the figure: `上半年完成有效投资32.65亿元` → H1, `全年` → the year);
2. the section headings above it (`三、下半年工作思路` → H2), those of its kind only: a review heading frames
   results, a plan heading frames targets, so a target quoted in a 上半年 review is still the year's target;
3. the document title (`2024年1-9月经济运行情况` → M01-09; a plan title for targets outside review sections);
4. the year: the clause's own `2023年`, else a heading's, else the title's (its last year for a target, so
   `2024年工作总结和2025年工作思路` gives 2025 to targets; the plan of a one-year review, `明年工作打算`, is the next
   year; a 政府工作报告 of 2025 reviews 2024), else the extractor's year, else the publication date (a review
   published in January to March reports the year before, a plan published in October to December the next).

Comparisons (`比上半年`, `较一季度`) and references to a target (`完成全年目标的60%`) are no period cues.
Pure: text in, strings out.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass

from transforms.outline import build_outline, document_role, heading

PANEL_PERIOD = re.compile(r"^(\d{4})(?:H[12]|Q[1-4]|M(?:0[1-9]|1[0-2])(?:-(?:0[1-9]|1[0-2]))?)?$")

_CN_DIGIT = {"一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "首": 1, "1": 1, "2": 2, "3": 3, "4": 4}
_YEAR = re.compile(r"(20\d{2}|19\d{2})\s*年")
# A scope cue, longest forms first; a comparison word right before it (比上半年, 高于一季度) makes it no cue.
_CUE = re.compile(
    r"(?P<months>(?<!\d)(?P<m1>\d{1,2})\s*(?:月份?)?\s*[-—–~～至到]\s*(?P<m2>\d{1,2})\s*月(?:份)?)"
    r"|(?P<first_q>前(?P<fq>[一二两三])(?:个)?季度)"
    r"|(?P<half>[上下]半年)"
    r"|(?P<quarter>第?(?P<q>[一二三四1-4])季度|首季度?)"
    r"|(?P<month>(?<![\d-])(?P<m>\d{1,2})月份)"
    r"|(?P<year_scope>全年度?|本年度|年度内)(?!目标|任务|计划的|考核)"
)
_COMPARISON = re.compile(r"(?:比|较|于|与|同|超|低|高|对比|相比|环比)\s*$")
_PLAN_TITLE = re.compile(r"计划|思路|打算|要点|安排|规划|目标")
_WORK_REPORT = "政府工作报告"


@dataclass(frozen=True)
class Heading:
    """A section heading above a figure, and the role of its section (review, plan, problems, other)."""

    title: str
    role: str


@dataclass(frozen=True)
class Period:
    """A normalised period and the words it was read from (verbatim), both None when no year can be told."""

    period: str | None
    raw: str | None


@dataclass(frozen=True)
class _Scope:
    months: tuple[int, int]  # first and last month covered
    words: str
    year: int | None  # a year written right before the cue (2024年1-9月)


def _scope_of(m: re.Match[str]) -> tuple[int, int] | None:
    if m.group("months"):
        a, b = int(m.group("m1")), int(m.group("m2"))
        return (a, b) if 1 <= a < b <= 12 else None
    if m.group("first_q"):
        return 1, 3 * _CN_DIGIT[m.group("fq")]
    if m.group("half"):
        return (1, 6) if m.group("half") == "上半年" else (7, 12)
    if m.group("quarter"):
        q = _CN_DIGIT[m.group("q") or "首"]
        return 3 * q - 2, 3 * q
    if m.group("month"):
        n = int(m.group("m"))
        return (n, n) if 1 <= n <= 12 else None
    return 1, 12


def scope_cues(text: str) -> list[_Scope]:
    """Every period cue of a text, in order, with the year written right before it."""
    out: list[_Scope] = []
    for m in _CUE.finditer(text):
        if _COMPARISON.search(text[max(0, m.start() - 3) : m.start()]):
            continue
        months = _scope_of(m)
        if months is None:
            continue
        before = text[max(0, m.start() - 6) : m.start()]
        year = _YEAR.search(before)
        words = (year.group(0) if year and before.endswith(year.group(0)) else "") + m.group(0)
        own_year = int(year.group(1)) if year and before.endswith(year.group(0)) else None
        out.append(_Scope(months, words.strip(), own_year))
    return out


def format_period(year: int, months: tuple[int, int]) -> str:
    """The grammar: a whole year, a half, a quarter, a run of months or one month."""
    a, b = months
    if (a, b) == (1, 12):
        return str(year)
    if (a, b) in ((1, 6), (7, 12)):
        return f"{year}H{1 if a == 1 else 2}"
    if b - a == 2 and a % 3 == 1:
        return f"{year}Q{(a + 2) // 3}"
    return f"{year}M{a:02d}" if a == b else f"{year}M{a:02d}-{b:02d}"


def period_sort_key(period: str) -> tuple[int, int, int]:
    """Chronological order of panel periods: by year, then by the last month covered, longer spans first
    (2024M01-09 before 2024Q3, both before 2024)."""
    year, months = parse_period(period)
    return year, months[1], months[0]


def parse_period(period: str) -> tuple[int, tuple[int, int]]:
    """A panel period back to (year, (first month, last month))."""
    if not PANEL_PERIOD.match(period):
        raise ValueError(f"not a panel period: {period!r}")
    year, rest = int(period[:4]), period[4:]
    if not rest:
        return year, (1, 12)
    if rest[0] == "H":
        return year, (1, 6) if rest == "H1" else (7, 12)
    if rest[0] == "Q":
        q = int(rest[1])
        return year, (3 * q - 2, 3 * q)
    first, _, last = rest[1:].partition("-")
    return year, (int(first), int(last or first))


def _clause_head(quote: str, raw: str) -> str:
    """The quote up to the figure: where the figure's own period words are."""
    at = quote.find(raw) if raw else -1
    return quote[:at] if at >= 0 else quote


def _extracted(extracted: str | None) -> tuple[int | None, tuple[int, int] | None]:
    """The extractor's period (2023, 2024H1, 2018-01/2018-09): its year, and its month range when it wrote one."""
    if not extracted:
        return None, None
    m = re.match(r"^(\d{4})-(\d{2})/(\d{4})-(\d{2})$", extracted)
    if m and m.group(1) == m.group(3):
        return int(m.group(1)), (int(m.group(2)), int(m.group(4)))
    m = re.match(r"^(\d{4})", extracted)
    return (int(m.group(1)), None) if m else (None, None)


def _frames(kind: str, role: str) -> bool:
    """A plan heading frames targets, any other heading frames results."""
    return (role == "plan") == (kind == "target")


def resolve_period(*, kind: str, quote: str, raw: str, extracted: str | None, headings: tuple[Heading, ...] = (),
                   title: str | None = None, published: str | None = None) -> Period:
    """The figure's period (module docstring: clause, headings of its kind, title, then the year's sources).

    `headings` are the sections above the figure, nearest first; `published` is the publication (or writing)
    date, ISO (2025-01-10) or as printed (2025年1月10日)."""
    head = _clause_head(quote, raw)
    title = title or ""
    target = kind == "target"
    title_is_plan = bool(_PLAN_TITLE.search(title))
    scope: _Scope | None = None
    clause = scope_cues(head)
    if clause:
        scope = clause[-1]  # the nearest to the figure
    else:
        ext_year, ext_months = _extracted(extracted)
        if ext_months and ext_year:
            scope = _Scope(ext_months, str(extracted), ext_year)
    if scope is None:
        for h in headings:
            if _frames(kind, h.role):
                cues = scope_cues(h.title)
                if cues:
                    scope = cues[-1] if target else cues[0]
                    break
    # a plan title frames a target only outside review sections (上半年工作总结及下半年工作思路: a 力争 in the review)
    if scope is None and (not target or (title_is_plan and all(h.role == "plan" for h in headings))):
        cues = scope_cues(title)
        if cues:
            scope = cues[-1] if target else cues[0]
    year, year_words = _year(kind, head, headings, title, extracted, published, scope)
    if year is None:
        return Period(None, None)
    months = scope.months if scope else (1, 12)
    return Period(format_period(year, months), scope.words if scope else year_words)


def _year(kind: str, head: str, headings: tuple[Heading, ...], title: str, extracted: str | None,
          published: str | None, scope: _Scope | None) -> tuple[int | None, str | None]:
    target = kind == "target"
    written = list(_YEAR.finditer(head))
    if written:
        return int(written[-1].group(1)), written[-1].group(0)
    if scope and scope.year:
        return scope.year, scope.words
    for h in headings:
        if _frames(kind, h.role):
            found = _YEAR.findall(h.title)
            if found:
                return int(found[-1] if target else found[0]), h.title
    title_years = [int(y) for y in _YEAR.findall(title)]
    if title_years:
        if _WORK_REPORT in title and len(title_years) == 1:
            return (title_years[0] if target else title_years[0] - 1), title
        if not target:
            return title_years[0], title
        whole_year_review = len(title_years) == 1 and not scope_cues(title) and not _PLAN_TITLE.search(title)
        under_plan = any(h.role == "plan" for h in headings)
        annual = scope is None or scope.months == (1, 12)
        if whole_year_review and under_plan and annual:
            plan = next(h.title for h in headings if h.role == "plan")
            return title_years[0] + 1, plan  # 2024年工作总结 … 二、明年工作打算
        return title_years[-1], title
    ext_year, _ = _extracted(extracted)
    if ext_year:
        return ext_year, extracted
    date = re.match(r"^\s*(\d{4})\D{1,3}(\d{1,2})", published or "")
    if date:
        year, month = int(date.group(1)), int(date.group(2))
        if not target and month <= 3:
            year -= 1  # a review published early in the year reports the year before
        elif target and month >= 10:
            year += 1  # a plan published late in the year is for the next one
        return year, (published or "").strip()
    return None, None


def heading_chains(body: str, title: str | None) -> tuple[list[int], list[tuple[Heading, ...]]]:
    """For each line of the body: where it starts, and the headings above it, nearest first (the line's own
    heading included), with the roles the outline gives their sections."""
    starts: list[int] = []
    lines: list[str] = []
    pos = 0
    for line in body.split("\n"):
        if line.strip():
            starts.append(pos)
            lines.append(line)
        pos += len(line) + 1
    _, roles = build_outline(lines, document_role(title))
    chains: list[tuple[Heading, ...]] = []
    stack: list[tuple[int, Heading]] = []
    for line, role in zip(lines, roles, strict=True):
        found = heading(line)
        if found is not None:
            level, text = found
            while stack and stack[-1][0] >= level:
                stack.pop()
            stack.append((level, Heading(text, role)))
        chains.append(tuple(h for _, h in reversed(stack)))
    return starts, chains


def headings_above(body: str, quote: str, chains: tuple[list[int], list[tuple[Heading, ...]]]) -> tuple[Heading, ...]:
    """The headings above the place a quote was read from (none when the quote is not found in the body)."""
    at = body.find(quote) if quote else -1
    if at < 0 and len(quote) > 12:
        at = body.find(quote[:12])
    starts, lines = chains
    if at < 0 or not starts:
        return ()
    k = bisect_right(starts, at) - 1
    return lines[k] if k >= 0 else ()
