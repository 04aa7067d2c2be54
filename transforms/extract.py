"""Indicators from a cleaned document: quantities found by the number grammar, attached to names,
growth rates, target shares, kinds and periods by the clause structure of report prose."""

from __future__ import annotations

import re
from bisect import bisect_left
from dataclasses import dataclass, field
from decimal import Decimal
from functools import lru_cache

from transforms.lexicon import alternation, values
from transforms.models import Document, Indicator
from transforms.numbers import UNMEASURED, Quantity, scan
from transforms.outline import build_outline, document_role, heading_level
from transforms.reading import Passage, passages

SEPARATORS = ",，;；:：。!！?？\n"
_SEPARATOR = re.compile("[" + re.escape(SEPARATORS) + "]")
_SENTENCE = re.compile(r"[^。！？!?]+[。！？!?]?")
# the word lists below come from transforms/cue_words.csv (transforms.lexicon); the regexes only arrange them
_YOY_SIGN = values("yoy_verb")  # verb -> "+" or "-"
_NEGATIVE_VERBS = tuple(verb for verb, sign in _YOY_SIGN.items() if sign == "-")
_YOY_VERB = re.compile(
    rf"(?:{alternation('yoy_base')})?(?:分别|均)?(?:同比)?"
    rf"(?P<verb>{alternation('yoy_verb')})了?(?:分别|均)?(?:为|达到|达|在)?(?:{alternation('bound_before')})?$"
)
# a growth written after its figure: 保持20%以上的增速, 增速均保持在10%以上
_YOY_AFTER = re.compile(rf"^(?:以上|以下|左右)?的?(?:{alternation('yoy_noun')})")
_YOY_NOUN_BEFORE = re.compile(rf"(?:{alternation('yoy_noun')})(?:分别|均)?(?:保持在|保持|达到|达|为|在)$")
_TARGET_CTX = re.compile(
    rf"(?:{alternation('target_share')}|完成(?:了)?(?:{alternation('target_scope')})?(?:{alternation('target_of')})?的?)"
    r"(?:分别|均)?(?:为|达|达到)?$"
)
_TARGET_STRONG = re.compile(rf"(?:率|{alternation('target_of')})的?(?:分别|均)?(?:为|达|达到)?$")
_LEADING_NOISE = re.compile(
    rf"^(?:[、和及与并\s:：,，]|{alternation('name_leading')}|"
    r"\d{2,4}年度?|\d{1,2}[-—至]\d{1,2}月份?|\d{1,2}月份?|第[一二三四五六七八九十\d]+批)+"
)
_TRAILING_NOISE = re.compile(f"(?:{alternation('name_trailing')})+$")
_NOUN_AFTER = re.compile(r"^[^\d,，;；:：。、!！?？()（）]{1,16}")
_AFTER_STOP = re.compile(rf"^(?:{alternation('after_stop')}|,|，|、)")
_AFTER_CUT = re.compile(f"(?:(?!{alternation('after_keep')})(?:{alternation('after_cut')})).*$")
# units of things that are counted or measured out: the noun written right after such a figure is what it counts
_CLASSIFIED_UNITS = frozenset(("count", "mu", "m2", "km2", "km", "m", "pct"))
_KIND_OF_CUE = values("kind_cue")  # cue -> estimate | target | actual (a cue that says the figure happened)
_KIND_CUE = re.compile(alternation("kind_cue") + r"|1-\d{1,2}月")
_NOT_KIND_CUE = re.compile(alternation("not_kind_cue"))  # 人才计划项目, 争取资金: words that hold a cue but are none
_YEAR = re.compile(r"(20\d{2})年")
_QUOTE_MAX = 160
_RESPECTIVELY = re.compile(r"(分别|各)\s*(?:为|是|达到?|突破|实现|完成|增加|新增)?\s*$")
_MILESTONE_GAP = re.compile(r"^(?:大关|目标|关口|台阶)?\s*[,，]?\s*(?:达到|达|实现|为|完成)\s*$")
_BRACKETED_TARGET = re.compile(r"\s*[(（](争取|力争)")
_MAY_HOLD_FIGURE = re.compile(r"[0-9*×Xx_两二三四五六七八九十]|一半|半数")


@dataclass
class Context:
    """What the sentence is read against: the section's role and period."""

    role: str
    year: int | None
    half: bool = False


@dataclass
class _Group:
    """Indicators made from one value list (one figure, or a 分别 list): growth and shares attach to it."""

    items: list[Indicator]
    end: int
    yoy_done: bool = False
    target_done: bool = False


@dataclass
class _SentenceState:
    text: str
    ctx: Context
    passage: Passage
    offset: int  # where the sentence starts in its passage
    out: list[Indicator] = field(default_factory=list)
    groups: list[_Group] = field(default_factory=list)

    def verbatim(self, start: int, end: int) -> str:
        """The page's own text behind sentence[start:end]."""
        return self.passage.verbatim(self.offset + start, self.offset + end)


def _dec(x: Decimal | None) -> float | None:
    return None if x is None else float(x)


def clean_name(text: str) -> str:
    text = text.strip(" ,，、:：;；")
    for _ in range(3):
        before = text
        text = _LEADING_NOISE.sub("", text)
        text = _TRAILING_NOISE.sub("", text)
        text = text.strip(" ,，、:：;；“”\"")
        if text == before:
            break
    # brackets left open by the cut are noise
    if text.count("(") > text.count(")"):
        text = text[text.rfind("(") + 1 :]
    if text.count("（") > text.count("）"):
        text = text[text.rfind("（") + 1 :]
    return text.strip(" ,，、:：")


@lru_cache(maxsize=32)
def _separators(text: str) -> list[int]:
    """Positions of clause separators, once per sentence: clause starts are looked up many times."""
    return [m.start() for m in _SEPARATOR.finditer(text)]


def _clause_start(text: str, pos: int) -> int:
    seps = _separators(text)
    k = bisect_left(seps, pos)
    return seps[k - 1] + 1 if k else 0


def _clause_end(text: str, pos: int) -> int:
    ends = [text.find(sep, pos) for sep in SEPARATORS + "、"]
    ends = [e for e in ends if e >= 0]
    return min(ends) if ends else len(text)


def _sub_clause_bounds(text: str, q: Quantity) -> tuple[int, int]:
    start = max(text.rfind(";", 0, q.start), text.rfind("；", 0, q.start), text.rfind("。", 0, q.start)) + 1
    ends = [e for e in (text.find(";", q.end), text.find("；", q.end), text.find("。", q.end)) if e >= 0]
    end = min(ends) if ends else len(text)
    return start, end


def _quote(state: _SentenceState, q: Quantity) -> str:
    text = state.text
    start, end = _sub_clause_bounds(text, q)
    if end - start > _QUOTE_MAX:
        start, end = max(start, _clause_start(text, q.start) - 40), min(end, q.end + 60)
    while start < end and text[start] in " ,，":
        start += 1
    while end > start and text[end - 1] in " ,，":
        end -= 1
    return state.verbatim(start, end)


def _is_qualifier(text: str, q: Quantity, nxt: Quantity | None) -> bool:
    """Size brackets inside a name (亿元以上项目11只, 注册资金1000万以上企业32家) are not figures."""
    if q.is_percent or q.word:
        return False
    after = text[q.end : q.end + 1]
    bracket_then_noun = q.raw.endswith(("以上", "以下")) and bool(after) and bool(re.match(r"[\u4e00-\u9fff“]", after))
    if bracket_then_noun and (not re.match(r"[和及与、]", after) or (nxt is not None and nxt.unit == "count")):
        return True
    joined_bracket = re.match(r"[及或和]", after) and nxt is not None and nxt.raw.endswith(("以上", "以下"))
    if joined_bracket and nxt is not None and nxt.unit in ("CNY", "USD") and q.unit in ("CNY", "USD"):
        return True  # 总投资1亿美元及10亿元以上项目8个: both amounts bracket the project size
    if nxt is not None and nxt.unit == "count" and q.unit in ("CNY", "USD", None):
        between = text[q.end : nxt.start]
        if len(between) <= 20 and not re.search(r"[,，;；:：。、]", between) and between:
            return True
    return False


@lru_cache(maxsize=32)
def _cues(text: str) -> list[tuple[int, str]]:
    """Kind cues of a sentence by end position, found once per sentence."""
    masked = [(m.start(), m.end()) for m in _NOT_KIND_CUE.finditer(text)]
    cues = []
    for m in _KIND_CUE.finditer(text):
        if any(start <= m.start() < end for start, end in masked):
            continue
        cues.append((m.end(), _KIND_OF_CUE.get(m.group(), "actual")))
    return cues


def _kind(state: _SentenceState, pos: int) -> str:
    """The last cue before the figure wins (spec: a cue reaches to the end of its sentence)."""
    before = [cue for cue in _cues(state.text) if cue[0] <= pos]
    if before:
        return before[-1][1]
    return "target" if state.ctx.role == "plan" else "actual"


def _period(state: _SentenceState, pos: int) -> str | None:
    head = state.text[:pos]
    clause = head[_clause_start(state.text, pos) :]
    years = _YEAR.findall(head)
    year = int(years[-1]) if years else state.ctx.year
    if year is None:
        return None
    m = re.search(r"(\d{1,2})[-—至](\d{1,2})月", clause)
    if m and int(m.group(1)) == 1 and int(m.group(2)) < 12:
        return f"{year}-01/{year}-{int(m.group(2)):02d}"
    if "上半年" in clause:
        return f"{year}H1"
    if "全年" in clause or "本年度" in clause or years:
        return str(year)
    return f"{year}H1" if state.ctx.half else str(year)


def _split_names(text: str) -> list[str]:
    parts = [clean_name(p) for p in re.split(r"[、和及与]", text)]
    return [p for p in parts if p]


def _name_for(state: _SentenceState, q: Quantity, anchor: int, next_start: int) -> str:
    text = state.text
    before = clean_name(text[anchor : q.start])
    after_text = text[q.end : next_start]
    after = ""
    m = _NOUN_AFTER.match(after_text)
    if m and not _AFTER_STOP.match(after_text):
        after = _AFTER_CUT.sub("", m.group(0)).strip("“”\" ")
    if after and (before.endswith("等") or "、" in before):
        return clean_name(after)  # 亿田、巴贝等11只优质项目: the listed names are examples, the noun is the thing
    if after and (not before or len(before) <= 4):
        return clean_name(before + after) or after
    # 立案审查16起处理16人次: words that run straight into the next figure are its verb, not this figure's noun
    runs_into_next = (m is not None and not _AFTER_CUT.search(m.group(0))
                      and text[q.end + m.end() : q.end + m.end() + 1].isdigit())
    if len(after) >= 2 and q.unit in _CLASSIFIED_UNITS and not runs_into_next:
        return clean_name(after) or before  # 首批375座坟墓迁移安置: the noun after a counted figure is the thing
    return before or after


def _new_indicator(state: _SentenceState, q: Quantity, name: str) -> Indicator:
    unit = q.unit
    value = _dec(q.value)
    if unit is None:  # a bare 万/亿: money after money words, otherwise a count of the noun that follows
        around = state.text[max(0, q.start - 12) : q.end + 4]
        unit = "CNY" if re.search(r"资金|投资|收入|奖励|融资|产值|资产|营收|销售|税|金额|产业", around) else "count"
    elif unit == UNMEASURED:
        unit = None
    return Indicator(
        name=name,
        value=value,
        multiplier=float(q.multiplier),
        unit=unit,
        raw=state.verbatim(q.start, q.end),
        kind=_kind(state, q.start),
        bound=q.bound,
        value_high=_dec(q.value_high),
        masked=q.masked,
        period=_period(state, q.start),
        quote=_quote(state, q),
    )


def _attachable(state: _SentenceState, group: _Group, verb_start: int) -> bool:
    between = state.text[group.end : verb_start]
    between = re.sub(r"[\s,，、]|同比|比上年|较上年|比去年|比年初|分别|其中", "", between)
    return between == ""


def _percent_role(state: _SentenceState, q: Quantity, prev_end: int) -> tuple[str, int]:
    """('yoy'|'target'|'pct', where the cue starts) for a percentage."""
    text = state.text
    ctx_start = max(_clause_start(text, q.start), prev_end)
    ctx = text[ctx_start : q.start]
    m = _YOY_VERB.search(ctx)
    if m:
        return "yoy", ctx_start + m.start()
    m = _TARGET_CTX.search(ctx)
    if m:
        strong = bool(_TARGET_STRONG.search(ctx))
        has_level = bool(state.groups) and _attachable(state, state.groups[-1], ctx_start + m.start())
        if strong or has_level:
            return "target", ctx_start + m.start()
    return "pct", ctx_start


def _yoy_value(text: str, q: Quantity, verb_start: int) -> float | None:
    if q.value is None:
        return None
    verb = text[verb_start : q.start]
    sign = -1 if any(v in verb for v in _NEGATIVE_VERBS) else 1
    return sign * float(q.value)


def _parenthetical_bound(text: str, q: Quantity) -> tuple[str | None, int]:
    """`**%(争取**%)以上`: a bound after the bracket applies to the figure before it and inside it."""
    if text[q.end : q.end + 1] not in ("(", "（"):
        return None, -1
    close = min([i for i in (text.find(")", q.end), text.find("）", q.end)) if i >= 0], default=-1)
    if close < 0 or close - q.end > 30:
        return None, -1
    tail = text[close + 1 : close + 3]
    if tail == "以上":
        return "lower", close
    if tail in ("以下", "以内"):
        return "upper", close
    return None, close


def _read_sentence(text: str, ctx: Context, passage: Passage, offset: int) -> list[Indicator]:
    state = _SentenceState(text=text, ctx=ctx, passage=passage, offset=offset)
    quantities = scan(text)
    prev_end = 0  # end of the last figure that was read as one (qualifiers stay part of names)
    parent_name: str | None = None
    parent_from = -1
    bracket: tuple[int, int, str] | None = None  # (open, close, parent name) of a breakdown in brackets
    pending_bound: tuple[int, str] | None = None
    i = 0
    while i < len(quantities):
        q = quantities[i]
        nxt = quantities[i + 1] if i + 1 < len(quantities) else None
        if _is_qualifier(text, q, nxt):
            i += 1
            continue
        if "其中" in text[prev_end : q.start] and state.out:
            parent_name, parent_from = state.out[-1].name, text.find("其中", prev_end)
        if parent_name and re.search(r"[;；]", text[parent_from : q.start]):
            parent_name = None
        if pending_bound and q.end <= pending_bound[0] and q.bound == "exact":
            q.bound = pending_bound[1]
        # a list of figures joined by 、 (分别 lists, 28、19家): read together
        batch = [q]
        j = i + 1
        while j < len(quantities):
            nq = quantities[j]
            gap = text[batch[-1].end : nq.start]
            joined = gap in ("、", "和", "及") or (gap.startswith("、") and bool(_YOY_VERB.search(gap)))
            if joined and nq.is_percent == q.is_percent:
                batch.append(nq)
                j += 1
                continue
            break
        # bare numbers before a list's unit take it (研发中心28、19家)
        for b in batch:
            if b.unit is None and b.multiplier == 1 and batch[-1].unit:
                b.unit = batch[-1].unit
        anchor = max(_clause_start(text, q.start), prev_end)
        if state.out and _BRACKETED_TARGET.match(text[anchor : q.start]):
            _read_bracketed_target(state, batch, state.out[-1])
        elif q.is_percent and q.word != "half":
            _read_percents(state, batch, prev_end)
        else:
            _read_levels(state, batch, prev_end, quantities[j].start if j < len(quantities) else len(text))
            for ind in state.groups[-1].items if state.groups else []:
                if ind.parent is None:
                    if bracket and bracket[0] < q.start < bracket[1]:
                        ind.parent = bracket[2]
                    elif parent_name and parent_name != ind.name:
                        ind.parent = parent_name
        last = batch[-1]
        bound, close = _parenthetical_bound(text, last)
        if close > 0:
            if bound:
                if state.out and state.out[-1].bound == "exact":
                    state.out[-1].bound = bound
                pending_bound = (close, bound)
            if state.out and not last.is_percent:
                bracket = (last.end, close, state.out[-1].name)
        prev_end = last.end
        i = j
    return state.out


def _read_levels(state: _SentenceState, batch: list[Quantity], prev_end: int, next_start: int) -> None:
    text = state.text
    q = batch[0]
    anchor = max(_clause_start(text, q.start), prev_end)
    before_raw = text[anchor : q.start]
    names: list[str]
    if _RESPECTIVELY.search(before_raw):
        stem = _RESPECTIVELY.sub("", before_raw)
        parts = _split_names(stem)
        if len(batch) == 1 and len(parts) > 1 and "各" in before_raw[-3:]:
            names = parts
            batch = batch * len(parts)
        elif len(parts) == len(batch):
            names = parts
        else:
            names = [clean_name(stem)] * len(batch)
    else:
        names = []
        for k, b in enumerate(batch):
            end = batch[k + 1].start if k + 1 < len(batch) else next_start
            start = anchor if k == 0 else batch[k - 1].end
            names.append(_name_for(state, b, start, min(end, _clause_end(text, b.end))))
    if len(batch) == 1 and not names[0]:
        names[0] = _take_over_milestone(state, q)
    items = []
    for b, name in zip(batch, names, strict=True):
        if not name:
            continue
        ind = _new_indicator(state, b, name)
        items.append(ind)
    if items:
        state.out.extend(items)
        state.groups.append(_Group(items=items, end=batch[-1].end))


def _take_over_milestone(state: _SentenceState, q: Quantity) -> str:
    """`突破70亿元目标,达到74.23亿元`: the exact figure replaces the milestone and takes its name."""
    if not state.groups or len(state.groups[-1].items) != 1:
        return ""
    milestone = state.groups[-1].items[0]
    between = state.text[state.groups[-1].end : q.start]
    if not milestone.raw.startswith(("突破", "破")) or milestone.unit != q.unit or not _MILESTONE_GAP.match(between):
        return ""
    state.groups.pop()
    state.out.remove(milestone)
    return milestone.name


def _read_percents(state: _SentenceState, batch: list[Quantity], prev_end: int) -> None:
    text = state.text
    if batch[0].word == "double_digit":  # 两位数增长: the growth word is inside the quantity
        role, cue_start = "yoy", batch[0].start
    else:
        role, cue_start = _percent_role(state, batch[0], prev_end)
    group = state.groups[-1] if state.groups else None
    attach = group is not None and role in ("yoy", "target") and _attachable(state, group, cue_start)
    if attach and group is not None:
        done = group.yoy_done if role == "yoy" else group.target_done
        if not done and (len(batch) == len(group.items) or len(group.items) == 1):
            for k, b in enumerate(batch[: len(group.items)]):
                verb_start = cue_start if k == 0 else batch[k - 1].end
                ind = group.items[k if len(batch) > 1 else 0]
                if role == "yoy":
                    ind.yoy_pct = _yoy_value(text, b, verb_start)
                    ind.masked = ind.masked or b.masked
                    if b.bound == "range":
                        ind.bound = ind.bound if ind.value is not None else "range"
                else:
                    ind.target_pct = _dec(b.value)
            if role == "yoy":
                group.yoy_done = True
            else:
                group.target_done = True
            group.end = batch[-1].end
            return
    # a figure of its own: change-only growth, a completion share, or a percentage level
    anchor = max(_clause_start(text, batch[0].start), prev_end)
    before = text[anchor:cue_start] if role in ("yoy", "target") else text[anchor:batch[0].start]
    stem = re.sub(r"(分别|各|均)\s*$", "", re.sub(r"(同比|比上年|较上年)?\s*$", "", before.rstrip()))
    stem = re.sub(r"(预计|预估)?(分别)?(同比)?$", "", stem)
    parts = _split_names(stem) if len(batch) > 1 else [clean_name(stem)]
    if len(parts) != len(batch):
        parts = [clean_name(stem)] * len(batch)
    items: list[Indicator] = []
    for k, (b, name) in enumerate(zip(batch, parts, strict=True)):
        if role == "pct" and not name:
            m = _NOUN_AFTER.match(text[b.end :])
            name = _AFTER_CUT.sub("", m.group(0)) if m and not _AFTER_STOP.match(text[b.end :]) else ""
            name = clean_name(name)
        if not name:
            continue
        ind = _new_indicator(state, b, name)
        if role == "yoy":
            verb_start = cue_start if k == 0 else batch[k - 1].end
            ind.yoy_pct = _yoy_value(text, b, verb_start)
            if b.word == "double_digit":
                ind.yoy_pct, ind.bound = 10.0, "lower"
            ind.value, ind.unit, ind.multiplier, ind.value_high = None, None, 1.0, None
            if b.bound == "range":
                ind.value_high = _dec(b.value_high)
        elif role == "target":
            ind.target_pct = _dec(b.value)
        items.append(ind)
    if items:
        state.out.extend(items)
        state.groups.append(_Group(items=items, end=batch[-1].end, yoy_done=role == "yoy"))


def _read_bracketed_target(state: _SentenceState, batch: list[Quantity], main: Indicator) -> None:
    """`增长**%(争取**%)`: the bracketed figure is a target for the same thing, read the same way."""
    items = []
    for b in batch:
        ind = _new_indicator(state, b, main.name)
        ind.kind, ind.parent = "target", main.parent
        lead = 2 if state.text[max(0, b.start - 2) : b.start] in ("争取", "力争") else 0
        ind.raw = state.verbatim(b.start - lead, b.end)
        if main.value is None and main.unit is None:  # the main figure is a change: so is this one
            ind.yoy_pct = None if b.value is None else float(b.value)
            ind.value, ind.unit, ind.multiplier = None, None, 1.0
        items.append(ind)
    state.out.extend(items)
    state.groups.append(_Group(items=items, end=batch[-1].end, yoy_done=True))


def _doc_year(doc: Document) -> tuple[int | None, int | None]:
    meta = doc.metadata
    month: int | None = None
    year: int | None = None
    for key in ("published_at", "written_date"):
        value = meta.get(key)
        if value and re.match(r"\d{4}-\d{2}", value):
            month = int(value[5:7])
            year = int(value[:4])
            break
    else:
        year = meta.get("index_year")
    title_years = _YEAR.findall(meta.get("title") or "")
    if title_years:
        return int(title_years[0]), month
    return year, month


def _contexts(lines: list[str], doc: Document) -> list[Context]:
    """Role and period of every body line, from the headings above it."""
    doc_year, month = _doc_year(doc)
    default_role = document_role(doc.metadata.get("title"))
    _, roles = build_outline(lines, default_role)
    review_year: int | None = None
    plan_year: int | None = None
    out: list[Context] = []
    half = False
    heading_year: int | None = None
    for line, role in zip(lines, roles, strict=True):
        level = heading_level(line)
        if level == 1 or (level is not None and heading_year is None):
            years = _YEAR.findall(line[:30])
            heading_year = int(years[0]) if years else None
            half = "上半年" in line[:20]
            if heading_year and role == "review":
                review_year = heading_year
            if heading_year and role == "plan":
                plan_year = heading_year
        year = heading_year
        if year is None and doc_year is not None:
            if role == "plan":
                full_year_review = review_year is not None or (month is not None and month >= 10)
                if plan_year:
                    year = plan_year
                elif review_year:
                    year = review_year + 1
                elif full_year_review and default_role != "plan" and not half:
                    year = doc_year + 1
                else:
                    year = doc_year
            elif role == "review" and month is not None and month <= 3 and not _YEAR.search(doc.metadata.get("title") or ""):
                year = doc_year - 1
            else:
                year = doc_year
        out.append(Context(role=role, year=year, half=half and role == "review"))
    return out


def extract_indicators(doc: Document) -> list[Indicator]:
    lines = [line for line in doc.body.split("\n") if line.strip()]
    contexts = _contexts(lines, doc)
    out: list[Indicator] = []
    for passage in passages(lines):
        ctx = contexts[passage.first_line]
        for m in _SENTENCE.finditer(passage.text):
            sentence = m.group(0)
            if _MAY_HOLD_FIGURE.search(sentence):
                found = _read_sentence(sentence, ctx, passage, m.start())
                if passage.written:
                    for ind in found:
                        ind.name = passage.as_written(ind.name)
                        ind.parent = passage.as_written(ind.parent) if ind.parent else None
                out.extend(found)
    return [ind for ind in out if ind.name]
