"""Headings of a report body: levels 一、 / (一) / 1. / (1), and the role of each section."""

from __future__ import annotations

import re
from functools import lru_cache

from transforms.lexicon import words
from transforms.models import Section

# one pattern for the four numbering styles; the group that matched is the level
_NUMBERED = re.compile(
    r"(?P<l1>[一二三四五六七八九十]{1,3}[、.．])|(?P<l2>[(（][一二三四五六七八九十]{1,3}[)）])"
    r"|(?P<l3>\d{1,2}(?:[、．]|\.(?!\d)))|(?P<l4>[(（]\d{1,2}[)）])"
)
_LEVEL_OF_GROUP = {"l1": 1, "l2": 2, "l3": 3, "l4": 4}
_SENTENCE_END = re.compile(r"[。；;！!？?]")
_UNNUMBERED_MAX = 25
_CLAUSE_MARK = re.compile("[,，]")

# heading words that say what a section is (transforms/cue_words.csv): plan sections make their figures targets
REVIEW_CUES = words("section_review")
PLAN_CUES = words("section_plan")
PROBLEM_CUES = words("section_problem")
# deeper headings are phrases like 聚焦目标 that say nothing about the section; only strong cues count
STRONG_REVIEW = words("section_review_strong")
STRONG_PLAN = words("section_plan_strong")
# a site's path to the page (>> 政府信息公开 >> 计划总结): its column names are no heading of the report
NAVIGATION_MARKS = re.compile("|".join(map(re.escape, words("navigation_mark"))))


_NUMBER_STARTS = frozenset("一二三四五六七八九十(（")  # and decimal digits (the \d of _NUMBERED)


def numbered_level(line: str) -> int | None:
    first = line[:1]
    if first not in _NUMBER_STARTS and not first.isdecimal():  # most lines: no regex call
        return None
    m = _NUMBERED.match(line)
    return _LEVEL_OF_GROUP[m.lastgroup] if m and m.lastgroup else None


_NUMBERED_TITLE = re.compile(f"(?:{_NUMBERED.pattern})[^。；;！!？?]*")  # a numbered heading's title: up to a sentence end


def heading(line: str) -> tuple[int, str] | None:
    """(level, title) of a heading line, else None. Numbered headings, or short unnumbered ones such as
    2019年工作思路; a heading that is a whole sentence keeps only its first clause as its title."""
    first = line[:1]
    if first in _NUMBER_STARTS or first.isdecimal():
        numbered = _NUMBERED_TITLE.match(line)
        if numbered is not None and numbered.lastgroup:
            return _LEVEL_OF_GROUP[numbered.lastgroup], numbered.group().strip()
    if len(line) > _UNNUMBERED_MAX or _SENTENCE_END.search(line) or _CLAUSE_MARK.search(line) \
            or cue_role(line, 1) not in ("review", "plan"):
        return None  # 展望2025,是百舸争流: two clauses are a line of prose, never an unnumbered heading
    if NAVIGATION_MARKS.search(line):
        return None
    return 1, line.strip()


def heading_level(line: str) -> int | None:
    found = heading(line)
    return found[0] if found else None


def _any_of(cues: tuple[str, ...]) -> re.Pattern[str]:
    """Search finds the leftmost cue: where the first cue of the group starts."""
    return re.compile("|".join(map(re.escape, cues)))


_CUES = {1: (_any_of(REVIEW_CUES), _any_of(PLAN_CUES)), 2: (_any_of(STRONG_REVIEW), _any_of(STRONG_PLAN))}
_PROBLEM_CUES = _any_of(PROBLEM_CUES)
_STATUS = _any_of(words("section_status"))
_JOINED = re.compile("[和及与暨、]|以及")
_ENDS_WITH_REVIEW = {level: re.compile(f"(?:{'|'.join(map(re.escape, cues))})$")
                     for level, cues in ((1, REVIEW_CUES), (2, STRONG_REVIEW))}
_TRAILING_MARKS = " :：。.　"
_DEEP_PROBLEM_CUES = _any_of(("问题", "不足"))


@lru_cache(maxsize=4096)  # headings repeat from report to report (一、2023年工作总结)
def cue_role(title: str, level: int) -> str:
    """Role from the heading's own words; plan cues win in a mixed heading only when they come first (a review cue
    that starts where a plan cue does holds it: 计划执行情况 reports how the plan went)."""
    if level == 1 and _PROBLEM_CUES.search(title):
        return "problems"
    review, plan = _CUES[1 if level == 1 else 2]
    first_review = review.search(title)
    first_plan = plan.search(title)
    if first_review and (not first_plan or first_review.start() <= first_plan.start()):
        return "review"
    if first_plan:
        # 目标任务完成情况, 重点工作推进情况: how the plan went is a review, unless a second topic is joined on
        status = _STATUS.search(title, first_plan.end())
        if status and not _JOINED.search(title, first_plan.end(), status.start()):
            return "review"
        # 2024年重点工作总结: a review word that ends the heading is what it is, the plan words say of what
        if first_review and _ENDS_WITH_REVIEW[1 if level == 1 else 2].search(title.rstrip(_TRAILING_MARKS)) \
                and not _JOINED.search(title, first_plan.end(), first_review.start()):
            return "review"
        return "plan"
    if level > 1 and _DEEP_PROBLEM_CUES.search(title):
        return "problems"
    return "other"


def build_outline(lines: list[str], default_role: str = "other") -> tuple[list[Section], list[str]]:
    """Sections, plus the role of every body line (for the extractor)."""
    outline: list[Section] = []
    stack: list[Section] = []
    roles: list[str] = []
    current = default_role  # the role of the innermost open section
    for line in lines:
        found = heading(line)
        if found is not None:
            level, title = found
            while stack and stack[-1].level >= level:
                stack.pop()
            role = cue_role(title, level)
            if role == "other":
                role = stack[-1].role if stack else default_role
            section = Section(level, title, role)  # positional: keywords cost a third more
            outline.append(section)
            stack.append(section)
            current = role
        roles.append(current)
    return outline, roles


_TITLE_REVIEW = _any_of(words("title_review"))
_TITLE_PLAN = _any_of(words("title_plan"))
_TITLE_SLOGAN = _any_of(words("title_slogan"))  # 锚定目标促发展: a slogan's 目标 makes no plan


def document_role(title: str | None) -> str:
    """Role of text before the first heading, from the document title."""
    if not title:
        return "other"
    title = _TITLE_SLOGAN.sub("", title)
    has_review = _TITLE_REVIEW.search(title) is not None
    has_plan = _TITLE_PLAN.search(title) is not None
    if has_review and not has_plan:
        return "review"
    if has_plan and not has_review:
        return "plan"
    return "other"
