"""Indicators from a cleaned document: quantities found by the number grammar, attached to names,
growth rates, target shares, kinds and periods by the clause structure of report prose."""

from __future__ import annotations

import re
from bisect import bisect_left
from dataclasses import dataclass, field
from decimal import Decimal
from functools import lru_cache

from transforms.lexicon import alternation, values, words
from transforms.models import Document, Indicator
from transforms.numbers import MASK_CHARS, RATIO_MARKS, UNMEASURED, Quantity, scan
from transforms.outline import build_outline, cue_role, document_role, heading
from transforms.reading import Passage, passages
from transforms.tables import read_tables

SEPARATORS = ",，;；:：。!！?？\n"
_SEPARATOR = re.compile("[" + re.escape(SEPARATORS) + "]")
_PIECE_END = re.compile("[" + re.escape(SEPARATORS + "、") + "]")
_SENTENCE = re.compile(r"[^。！？!?]+[。！？!?]?")
_SUB_CLAUSE_MARK = re.compile("[;；。]")
# the word lists below come from transforms/cue_words.csv (transforms.lexicon); the regexes only arrange them
_YOY_SIGN = values("yoy_verb")  # verb -> "+" or "-"
_YOY_VERB_WORD = re.compile(alternation("yoy_verb"))
_YOY_VERB = re.compile(
    rf"(?:{alternation('yoy_base')})?(?:分别|均)?(?:同比)?"
    rf"(?P<verb>{alternation('yoy_verb')})了?(?:分别|均)?(?:为|达到|高达|达|在)?(?:{alternation('bound_before')})?$"
)
# a growth written after its figure: 保持20%以上的增速, 增速均保持在10%以上
_YOY_AFTER = re.compile(rf"(?:以上|以下|左右)?的?(?:{alternation('yoy_noun')})")
_YOY_NOUN_BEFORE = re.compile(rf"(?:{alternation('yoy_noun')})(?:分别|均)?(?:保持在|保持|控制在|达到|达|为|在)?$")
_TARGET_CTX = re.compile(
    rf"(?:{alternation('target_share')}|完成(?:了)?(?:{alternation('target_scope')})?(?:{alternation('target_of')})?(?:进度)?的?"
    # 占全年任务数的77.8%, 完成州政府下达任务数的90.8%, 占市下达全年考核目标任务的92.42%: a share of the target
    rf"|(?:完成|占|为|达到|达|实现)了?[^,，;；。、\d的]{{0,10}}?(?:{alternation('target_of')})数?的?)"
    r"(?:分别|均)?(?:为|达|达到)?$"
)
_TARGET_LEAD = re.compile(rf"(?:{alternation('target_scope')})?(?:{alternation('target_of')})$")
# the plan a completion share is taken of, written as a figure: 完成年计划710亿元的89.4% (the plan is a target row
# of its own, the share belongs to the figure before it)
_PLAN_OF = re.compile(rf"(?:完成|为|占|达到|达)了?(?P<label>[^,，;；。、\d的]{{0,10}}?(?:{alternation('target_of')})数?)$")
_TARGET_STRONG = re.compile(rf"(?:率|进度|(?:{alternation('target_of')})数?)的?(?:分别|均)?(?:为|达|达到)?$")
# 均 ends a name's shared word (A、B均) but is part of 平均/人均 (加权平均增长速度)
_SHARED_JUN = "(?<![平人日月年])均"
_SHARED_OUT = rf"分别|各|{_SHARED_JUN}"  # one word for several subjects
_NAME_TRAILING = "|".join(_SHARED_JUN if w == "均" else re.escape(w)
                          for w in sorted(words("name_trailing"), key=len, reverse=True))
# 共 opens a total (共12个) but is part of 共享/共建/共同 (共享充电桩示范小区)
_NAME_LEADING = "|".join("共(?![享建同])" if w == "共" else re.escape(w)
                         for w in sorted(words("name_leading"), key=len, reverse=True))
_LEADING_NOISE = re.compile(
    rf"^(?:[、及与并\s:：,，]|和(?!美)|[(（]\d{{1,2}}[)）]|{_NAME_LEADING}|"
    r"\d{2,4}年度?|[*×Xx]{2,4}年度?|\d{1,2}[-—至]\d{1,2}月份?|(?:截[至止]|到)?\d{1,2}月(?:份|底|末)?|(?:截[至止]|到)(?:年底|年末)|第[一二三四五六七八九十\d]+批|"
    r"[一二三四五六七八九十两\d]+个?(?:月|年|周|天|季度)(?:之内|以内|内|以来|来)|"  # 三个月内, 五年来: a duration
    r"“?十[一二三四五六七]五”?(?:期间|时期|期末|末|以来|来)?"  # “十一五”期间: a plan period
    r")+"
)
# 国内生产总值增加到121万亿元: a verb of a from-to chain ends no name, and starts no noun after a figure
_BARE_DURATION = re.compile(r"[一二三四五六七八九十两\d]+个?(?:月|年|周|天|季度)")
_LIST_JOINT = re.compile(r"[、和及与]")
# 年销售额从2024年的6.7亿元: the year a from-to chain starts in is no part of the name
_TRAILING_NOISE = re.compile(f"(?:{_NAME_TRAILING}|{alternation('from_to')}|[从由]20\\d{{2}}年)+$")
# the characters a noise word can start or end with: most names have none there and skip the regexes
_LEADING_FIRST = frozenset("、和及与并:：,，(（第*×Xx一二三四五六七八九十两“截到0123456789 \t\n\r\f\v\u3000\xa0") | {
    word[0] for word in words("name_leading")}
_TRAILING_LAST = frozenset(word[-1] for word in words("name_trailing") + words("from_to"))
# the noun after a figure; a programme's code may open it (两个3+N创新动力体系: 3+N is a name, not a figure)
_NOUN_AFTER = re.compile(r"(?:\d+(?:\+[\dA-Za-z]+)+)?(?:[^\d,，;；:：。、!！?？()（）]|[(（][^\d()（）,，;；。]{1,8}[)）]){1,16}")
# 上年结转6亿元后,: a 后 that ends the clause says when, it names nothing (后备企业 does)
_AFTER_STOP = re.compile(
    rf"(?!{alternation('after_keep')})(?:{alternation('after_stop')}|{alternation('from_to')}|,|，|、|后(?=[,，;；。]|$))")
_AFTER_CUT = re.compile(f"(?:(?!{alternation('after_keep')})(?:{alternation('after_cut')})).*$")
# units of things that are counted or measured out: the noun written right after such a figure is what it counts
_CLASSIFIED_UNITS = frozenset(("count", "mu", "m2", "km2", "km", "m", "pct"))
# a figure that is the target it is written before: 聚焦地区生产总值年度增长6%目标任务, 完成10亿元的目标
_NAMED_TARGET = re.compile(rf"(?:以上|左右)?的?(?:{alternation('named_target')})")
_KIND_OF_CUE = values("kind_cue")  # cue -> estimate | target | actual (a cue that says the figure happened)
_KIND_CUE = re.compile(alternation("kind_cue") + r"|1[-—–至~]\d{1,2}月")
_NOT_KIND_CUE = re.compile(alternation("not_kind_cue"))  # 人才计划项目, 争取资金: words that hold a cue but are none
# a cue inside a quoted name (“海外博士后计划”12人, 《三年行动计划》) and funds secured (争取500余万元专项资金) are none
_NO_CUE_SPAN = re.compile(r"“[^”]{1,30}”|《[^》]{1,40}》|「[^」]{1,30}」|争取(?=[^,，;；。:：]{0,12}?资金)")
_YEAR = re.compile(r"(20\d{2})年")
# one value for several subjects: 均/双双/等指标 (A、B均增长7%, 存贷款余额双双突破2000亿元)
_SHARED = re.compile(alternation("shared_value"))
_MODIFIER_END = re.compile(f"(?:{alternation('modifier_end')})$")
_NOT_SHARED = re.compile(alternation("not_shared_value"))  # 人均, 平均, 首都: words that hold 均 or 都
_SUBJECT_LIST_END = re.compile(rf"(?:{alternation('subject_list_end')})$")
_COMPOUNDS = {word: parts.split("|") for word, parts in values("compound_subject").items()}
_COMPOUND = re.compile(alternation("compound_subject"))
# the parts a ratio's structure is made of (三次产业 -> 第一产业, 第二产业, 第三产业)
_RATIO_PARTS = {word: parts.split("|") for word, parts in values("ratio_parts").items()}
_RATIO_WHOLE = re.compile(alternation("ratio_parts"))
_MEASURE_END = re.compile(f"(?:{alternation('measure_word')})$")
_BRIDGE = re.compile(rf"[\s,，、]|{alternation('yoy_bridge')}|[(（][^()（）]{{0,60}}[)）]|【[^【】]{{0,60}}】")
# 比去年同期增加563户, 较上年增长3家: a level after a growth verb with its base is a difference, no figure
_ABSOLUTE_CHANGE = re.compile(
    rf"(?:{alternation('absolute_change')}|(?:{alternation('yoy_base')})(?:{alternation('yoy_verb')}))了?$")
_RANK = re.compile(alternation("rank_word"))
_RANK_MOVE = re.compile(rf"(?:{alternation('rank_move')})了?$")
_RANK_HELD = re.compile(rf"(?:{alternation('rank_word')}|居)$")  # 位列94名: a place held, written without 第
_COUNTED_METRIC = re.compile(rf"[^\d,，;；:：。、]{{0,8}}?(?:{alternation('counted_metric')})")
_PEER_GROUP_END = re.compile(r"中(?:[,，、]|有|位列|排名|$)")
_FROM_TO = re.compile(rf"^(?:{alternation('from_to')})$")
_PEAK = re.compile(rf"(?:{alternation('peak_word')})$")
# 由3750万元达到13649万元: a plain verb of reaching makes a from-to chain when 由/从 opens it
_REACH = re.compile(alternation("reach_verb"))
_FROM_MARK = re.compile(rf"[由从](?:{alternation('peak_word')})?$")
_ATTRIBUTE_LABEL = re.compile(rf"(?:{alternation('attribute_label')})$")
_QUALIFIED_NOUN = re.compile(alternation("qualified_noun"))
# 年产30万吨饲料扩建项目, 5.8兆瓦分布式光伏发电项目: a capacity written in a project's name is part of that name
# (总装机26.9万千瓦光伏项目9个, 装机容量15兆瓦的…项目: a labelled capacity is the projects' own figure)
_CAPACITY_BEFORE = re.compile(r"(?<![\d〇零一二三四五六七八九十])年(?:产|处理|加工)?$")
_POWER_CAPACITY = re.compile(r"(?:兆瓦|千瓦|MW|kW)$")
_PROJECT_AHEAD = re.compile(r"[^\d,，;；。、!！?？()（）的]{1,20}?项目")
_CAPACITY_LABEL = re.compile(r"(?:装机|容量|规模|产能)[为达]?$")
_CIRCUMSTANCE = re.compile(alternation("circumstance"))  # 减免非税收入1.27亿元的背景下: 的 does not name a thing
_STREAK = re.compile(r"连续(?:\d+|[一二三四五六七八九十两]+)个?(?:月|季度|年|周)")
_COUNT_AHEAD = re.compile(r"(?:\d+(?:\.\d+)?|[两二三四五六七八九十])(?:余|多)?[个家项座所条栋处只宗]")
_QUOTE_MAX = 160
_TITLE_NOTE = re.compile(r"\s*[(（][^()（）]{2,60}[)）]\s*$")
_TITLE_MAX = 60
_SENTENCE_END = re.compile(r"[。；;！!？?]")
_OBJECT_OPEN = re.compile(r"(?:对|向|给)(?!外|象|标|接|比|口)")  # a preposition opening the words before a count
_VERB_AHEAD = re.compile(r"(?:推进|实施|用于|建设|开展|打造|改造|新建|启动|引进|招引|签约|落户|带动)")
# a rank (全市排名第2, 居全市第一, 增幅居全市前三位): the verbs from the lexicon, the scope and the place arranged here
_RANK_VERB = rf"(?:{alternation('rank_word')}|居|列)"
_RANK_SCOPE = r"(?:全市|全省|全区|全县|全国)"
_RANK_AHEAD = re.compile(rf"{_RANK_VERB}(?:{_RANK_SCOPE}|同类|第|前)")
_RANKED_AFTER = re.compile(rf"(?:指标)?(?:增幅|增速|总量)均?{_RANK_VERB}{_RANK_SCOPE}[第前][一二三四五六七八九十\d]+")
_RANK_CLAUSE = re.compile(rf"[;；,，]\s*{_RANK_SCOPE}?{_RANK_VERB}{_RANK_SCOPE}?第[一二三四五六七八九十\d]+[位名]?")
_RESPECTIVELY = re.compile(r"(分别|各)\s*(?:为|是|达到?|突破|实现|完成|增加|新增)?\s*$")
_RATIO_CLAUSE = re.compile(r"[^,，;；。]*$")
_RATIO_BASE = re.compile(r"[由从](?:上年|去年|前年|20\d{2}年)?的?[\d.:：︰∶]+$")
# 按年平均汇率折14464美元: words that say a figure is the one before it, converted
_CONVERSION = re.compile(r"(?:按|以)?(?:年平均|当年平均|平均)?(?:汇率|匯率)(?:折算|折合|折)(?:为|為|成)?|(?:折合|折算为|折算為)")
# GDP增长6.0%,首次突破百亿元大关,达到100.6亿元: a milestone passed on the way may stand between the two
_LEVEL_AFTER_GROWTH = re.compile(
    r"[,，]\s*(?:(?:首次|历史性)?(?:突破|跨越|迈上|站上)[^,，;；。]{1,14}[,，]\s*)?(?:力争|预计|确保|争取)?(?:总量|规模)?"
    r"(?:达到|达|为|至|实现|完成)")
_BARE_GAP = re.compile(r"[,，]\s*")  # 同比增长7%左右,逼近300亿元大关: a level with its bound word needs no verb
_MILESTONE_GAP = re.compile(r"^(?:大关|目标|关口|台阶)?\s*[,，]?\s*(?:达到|达|实现|为|完成)\s*$")
_YOY_NOUN_ONLY = re.compile(rf"(?:{alternation('yoy_noun')})")
_GROWTH_REMARK = re.compile(r"(?:增长|增速|增幅|增势)(?:较快|明显|迅猛|强劲|良好|显著|平稳|稳定)$")
_YOY_BASE = re.compile(f"{alternation('yoy_base')}|分别|其中")
_YOY_NOUN_END = re.compile(rf"(?:{alternation('yoy_noun')})$")
_YOY_NOUN_TAIL = re.compile(rf"^(?:{alternation('yoy_noun')})?(?:保持在|保持|控制在|达到|达|为|在)?")
_EXAMPLE_VERB = re.compile(r"(?:实现|达到|达|完成|为)$")
_SHARE_END = re.compile(r"比重|比例|份额|占比")
_LIST_GAP = re.compile(r"[,，、有]*")
_RATE_TAIL = re.compile(r"(?:分别|均)?(?:为|达到|达|是)?$")
_CJK_OR_QUOTE = re.compile(r"[\u4e00-\u9fff“]")
_MONTHS = re.compile(r"(\d{1,2})[-—至](\d{1,2})月")
# a bare 万/亿 is money after a money word (资金 投资 收入 奖励 …), otherwise a count of the noun that follows
_MONEY_WORD = re.compile(alternation("money_word"))
_STEM_TAIL_0 = re.compile(r"(同比|比上年|较上年)?\s*$")
_STEM_TAIL_1 = re.compile(rf"({_SHARED_OUT})\s*$")
_STEM_TAIL_2 = re.compile(r"(预计|预估)?(分别)?(同比)?$")
_MILESTONE_WORDS = ("突破", "破", "超过", "超")
_EMPHASIS = re.compile(f"(?:{alternation('emphasis_word')})+")
_BRACKET_CLOSE = re.compile(r"[^()（）]{0,4}[)）](?:以上|以下|以内)?")
_BRACKETED_TARGET = re.compile(r"\s*[(（](争取|力争)")
# 招引亿元以上项目31个(2021年全年30个), 全年任务为x亿元(去年x亿元): the same thing in an earlier period
_BRACKETED_EARLIER = re.compile(r"\s*[(（](?:(?P<back>去年|上年|前年)|(?P<year>20\d{2})年)(?P<span>全年|同期)?(?:为|是|共|达|完成)?\s*$")
_YEARS_BACK = {"去年": 1, "上年": 1, "前年": 2}
_OPENING_BRACKETS = frozenset("【(（[〔")
_NAMED_EXAMPLES = re.compile(r"[\u4e00-\u9fff]{2}等\s*$")  # 垠雨等8个项目: named examples, not a mask (〔…〕等)
_SHARED_PREDICATE = re.compile(rf"{_SHARED_OUT}|都")
MAX_PREDICATE = 16  # characters of a predicate kept in a count's name (longer ones say more than which)
# names that open with examples or places the figure is not about: 浙西南公铁物流中心、衢丽铁路等重点项目 -> 重点项目,
# 完成花田坌村、庐东村、斋坛村大临用地 -> 大临用地
_LISTED_EXAMPLES = re.compile(r"^.*、[^、]*?等(?=[\u4e00-\u9fff]{2})")
_LISTED_PLACES = re.compile(r"^.*?(?:[\u4e00-\u9fff]{2,6}(?:村|社区|街道|镇|乡)、)+[\u4e00-\u9fff]{2,6}(?:村|社区|街道|镇|乡)"
                            r"(?=[\u4e00-\u9fff]{2})")
_MAY_HOLD_FIGURE = re.compile(r"[0-9*×Xx_两二三四五六七八九十]|一半|半数|为零|翻了?一?番|[百千]余|[百千][亿万]|一成|〔…〕")


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
    start: int = 0  # where its first figure starts in the sentence
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
    consumed: int = 0  # end of the noun the last figure took from the words after it
    changed: _Group | None = None  # the figure an absolute change (比去年同期增加563户) spoke of
    changed_end: int = 0  # where that change was written: its sub-clause is where a growth after it can be its

    def verbatim(self, start: int, end: int) -> str:
        """The page's own text behind sentence[start:end]."""
        return self.passage.verbatim(self.offset + start, self.offset + end)


def _dec(x: Decimal | None) -> float | None:
    return None if x is None else float(x)


@lru_cache(maxsize=8192)  # names repeat across sentences and pages
def clean_name(text: str) -> str:
    text = _after_open_bracket(text.strip(" ,，、:：;；"))  # (其中大豆3万亩): what the bracket opens with is noise too
    for _ in range(3):
        before = text
        if text[:1] in _LEADING_FIRST:
            text = _LEADING_NOISE.sub("", text)
        if text[-1:] in _TRAILING_LAST:
            text = _TRAILING_NOISE.sub("", text)
        text = text.strip(" ,，、:：;；“”\"【】")
        if text == before:
            break
    if _BARE_DURATION.fullmatch(text):
        return ""  # 五年年均增长5.2%: a duration names nothing (九年义务教育 keeps its 九年)
    return _after_open_bracket(text).strip(" ,，、:：")


def _after_open_bracket(text: str) -> str:
    """Brackets left open by the cut are noise: the words after the last one."""
    if text.count("(") > text.count(")"):
        text = text[text.rfind("(") + 1 :]
    if text.count("（") > text.count("）"):
        text = text[text.rfind("（") + 1 :]
    return text


@lru_cache(maxsize=32)
def _separators(text: str) -> list[int]:
    """Positions of clause separators, once per sentence: clause starts are looked up many times."""
    return [m.start() for m in _SEPARATOR.finditer(text)]


def _clause_start(text: str, pos: int) -> int:
    seps = _separators(text)
    k = bisect_left(seps, pos)
    return seps[k - 1] + 1 if k else 0


@lru_cache(maxsize=32)
def _piece_ends(text: str) -> list[int]:
    """Positions of clause separators and 、, once per sentence: where the piece of a list ends."""
    return [m.start() for m in _PIECE_END.finditer(text)]


def _clause_end(text: str, pos: int) -> int:
    ends = _piece_ends(text)
    k = bisect_left(ends, pos)
    return ends[k] if k < len(ends) else len(text)


@lru_cache(maxsize=32)
def _sub_clause_marks(text: str) -> list[int]:
    """Positions of ; ； 。 in a sentence, found once: the sub-clause a quote is cut from."""
    return [m.start() for m in _SUB_CLAUSE_MARK.finditer(text)]


def _sub_clause_bounds(text: str, q: Quantity) -> tuple[int, int]:
    marks = _sub_clause_marks(text)
    k = bisect_left(marks, q.start)
    start = marks[k - 1] + 1 if k else 0
    k = bisect_left(marks, q.end, k)
    return start, marks[k] if k < len(marks) else len(text)


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
    bracket_then_noun = q.raw.endswith(("以上", "以下")) and bool(after) and bool(_CJK_OR_QUOTE.match(after))
    if bracket_then_noun and q.unit == "count" and not _counts_next(text, q, nxt):
        return False  # 举办4场以上演唱会: the concerts counted; 100人以上企业5家 brackets the firms
    if bracket_then_noun and (after not in "和及与、" or (nxt is not None and nxt.unit == "count")):
        return True
    if q.raw.endswith(("以上", "以下")) and nxt is not None and nxt.unit == "count" and nxt.start == q.end:
        return True  # 其中10亿元以上3个: a size tier, named by its bracket
    joined_bracket = after in ("及", "或", "和") and nxt is not None and nxt.raw.endswith(("以上", "以下"))
    if joined_bracket and nxt is not None and nxt.unit in ("CNY", "USD") and q.unit in ("CNY", "USD"):
        return True  # 总投资1亿美元及10亿元以上项目8个: both amounts bracket the project size
    if q.unit in ("CNY", "USD", None) and _QUALIFIED_NOUN.match(text, q.end):
        return True  # 新增20亿元企业、10亿元企业: the size names a class of firms
    if (_CAPACITY_BEFORE.search(text, max(0, q.start - 3), q.start) or _POWER_CAPACITY.search(q.raw)) \
            and _PROJECT_AHEAD.match(text, q.end) and not _CAPACITY_LABEL.search(text, max(0, q.start - 4), q.start):
        return True
    if nxt is not None and nxt.unit == "count" and q.unit in ("CNY", "USD", None):
        if text.startswith("的", q.end) and _ATTRIBUTE_LABEL.search(text, 0, q.start):
            return False  # 总投资12.5亿元的8个项目: the projects' own figure
        between = text[q.end : nxt.start]
        # 组建20亿元母基金和4支子基金: two things joined, each with its own figure
        if len(between) <= 20 and not _PIECE_END.search(between) and between and not _LIST_JOINT.search(between):
            return True
    return False


def _counts_next(text: str, q: Quantity, nxt: Quantity | None) -> bool:
    """A count follows in the same piece of the clause (100人以上企业5家)."""
    return nxt is not None and nxt.unit == "count" and not _PIECE_END.search(text, q.end, nxt.start) \
        and not _LIST_JOINT.search(text, q.end, nxt.start)


@lru_cache(maxsize=32)
def _cues(text: str) -> list[tuple[int, str]]:
    """Kind cues of a sentence by end position, found once per sentence."""
    masked = [(m.start(), m.end()) for m in _NOT_KIND_CUE.finditer(text)]
    masked += [(m.start(), m.end()) for m in _NO_CUE_SPAN.finditer(text)]
    cues = []
    for m in _KIND_CUE.finditer(text):
        if any(start <= m.start() < end for start, end in masked):
            continue
        cues.append((m.end(), _KIND_OF_CUE.get(m.group(), "period")))
    return cues


def _kind(state: _SentenceState, pos: int) -> str:
    """The last cue before the figure wins (spec: a cue reaches to the end of its sentence)."""
    before = [cue for cue in _cues(state.text) if cue[0] <= pos]
    if before:
        kind = before[-1][1]
        if kind == "period":  # 1-10月: a period gone by says the figure happened, unless it is estimated (预计1-6月份)
            period_end = before[-1][0]
            estimates = [cue[0] for cue in before if cue[1] == "estimate"]
            if estimates and not _SEPARATOR.search(state.text, estimates[-1], period_end):
                return "estimate"
            return "actual"
        return kind
    return "target" if state.ctx.role == "plan" else "actual"


def _period(state: _SentenceState, pos: int) -> str | None:
    head = state.text[:pos]
    clause = head[_clause_start(state.text, pos) :]
    years = _YEAR.findall(head)
    year = int(years[-1]) if years else state.ctx.year
    if year is None:
        return None
    m = _MONTHS.search(clause)
    if m and int(m.group(1)) == 1 and int(m.group(2)) < 12:
        return f"{year}-01/{year}-{int(m.group(2)):02d}"
    if "上半年" in clause:
        return f"{year}H1"
    if "全年" in clause or "本年度" in clause or years:
        return str(year)
    return f"{year}H1" if state.ctx.half else str(year)


def _split_names(text: str, wanted: int = 0) -> list[str]:
    """The subjects of a list (A、B和C), the last one's measure word lent to those that lack one (农林牧渔业、
    服务业增加值); a compound subject (城乡, 存贷款) is spread when `wanted` subjects are needed and one is written."""
    text = _SUBJECT_LIST_END.sub("", text)
    if wanted > 1:  # 城乡居民, 一、二、三产业增加值: one word for several subjects
        m = _COMPOUND.search(text)
        if m and len(_COMPOUNDS[m.group()]) == wanted and ("、" in m.group() or not re.search("[、和及与]", text)):
            whole = clean_name(text)
            at = whole.find(m.group())
            if at >= 0:
                return [whole[:at] + part + whole[at + len(m.group()) :] for part in _COMPOUNDS[m.group()]]
    parts = [p for p in (clean_name(p) for p in re.split(r"[、和及与]", text)) if p]
    if len(parts) > 1:
        measure = _MEASURE_END.search(parts[-1])
        if measure:
            parts = [p if _MEASURE_END.search(p) else p + measure.group() for p in parts[:-1]] + parts[-1:]
    return parts


def _noun_after(text: str, pos: int, end: int) -> tuple[str, int, bool]:
    """The noun written from `pos` (up to a cut word or `end`), where it stops, and whether a word cut it."""
    m = _NOUN_AFTER.match(text, pos, end)
    if not m or _AFTER_STOP.match(text, pos, end):
        return "", pos, False
    noun = m.group(0)
    cut = _AFTER_CUT.search(noun, 1)  # the first character is never a cut: 工作得到表扬 names 工作
    while cut and noun[cut.start()] in "和及与" and not re.search(r"\d", text[pos + cut.start() : _clause_end(text, pos)]):
        cut = _AFTER_CUT.search(noun, cut.start() + 1)  # 开放性市场和安置区: one noun when no figure follows
    if cut:
        noun = noun[: cut.start()]
    return noun.strip("“”\" "), pos + len(noun), cut is not None


def _thing_of(text: str, pos: int, end: int) -> str:
    """`总投资25.9亿元的20个新建续建重点项目`: the thing a figure belongs to, written after 的 (past a count)."""
    m = _COUNT_AHEAD.match(text, pos)
    noun, _, _ = _noun_after(text, m.end() if m else pos, max(end, m.end() if m else end))
    return clean_name(noun)


def _name_for(state: _SentenceState, q: Quantity, anchor: int, next_start: int) -> str:
    text = state.text
    before = clean_name(text[anchor : q.start])
    if text.startswith("的", q.end):  # 总投资21.18亿元的宁德时代…项目: the thing after 的, with the label before
        thing = _thing_of(text, q.end + 1, _clause_end(text, q.end + 1))
        if thing and not _CIRCUMSTANCE.match(thing):
            label = _ATTRIBUTE_LABEL.search(before)
            return thing + (label.group() if label else "")
    after, after_end, cut = _noun_after(text, q.end, next_start)
    if text[q.end : q.end + 1] in _OPENING_BRACKETS or _RANK_AHEAD.match(after):
        after = ""  # 10亿元以上3个【综保区2023地块、创为真空】, 12家居全市第一: examples or a rank name nothing
    if after and (_NAMED_EXAMPLES.search(text, anchor, q.start) or "、" in before):
        state.consumed = after_end
        # 亿田、巴贝等11只优质项目: the listed names are examples, the noun is the thing, with what a word cut off
        # when it says which of them are counted (垠雨等8个项目加快施工: the projects that sped up)
        return clean_name(after + (_predicate(text, after_end) if cut and q.unit == "count" else ""))
    if after and before and _VERB_AHEAD.match(after):
        after = ""  # 投资1800万元推进8686亩高标准农田改造: the words after are what the money does, not what it is
    if after and (not before or len(before) <= 4):
        state.consumed = after_end
        return clean_name(before + after) or after
    if len(after) >= 2 and q.unit in _CLASSIFIED_UNITS and _OBJECT_OPEN.match(before):
        state.consumed = after_end
        return clean_name(after)  # 对街道首批21家“名特优新”个体工商户发放奖励: the words before say to whom, not what
    # 立案审查16起处理16人次: words that run straight into the next figure are its verb, not this figure's noun
    runs_into_next = not cut and (next_start < _clause_end(text, q.end) or text[after_end : after_end + 1].isdigit())
    if len(after) >= 2 and q.unit in _CLASSIFIED_UNITS and not runs_into_next:
        state.consumed = after_end
        return clean_name(after) or before  # 首批375座坟墓迁移安置: the noun after a counted figure is the thing
    return _without_listed(before) or after


def _predicate(text: str, pos: int) -> str:
    """What the clause says of a counted noun, from `pos` to its end: short and holding no figure of its own."""
    end = _clause_end(text, pos)
    rest = text[pos:end].strip()
    if text[end : end + 1] == "、" or _SHARED_PREDICATE.match(rest):
        return ""  # 二家开发商分别在城南区块、浦口核心区块签订…: a predicate shared out over a list says no "which"
    return rest if len(rest) <= MAX_PREDICATE and not re.search(r"\d", rest) and not MASK_CHARS.search(rest) else ""


def _without_listed(name: str) -> str:
    """A name without the examples or places listed before the thing it counts."""
    return _LISTED_PLACES.sub("", _LISTED_EXAMPLES.sub("", name)) if "、" in name else name


def _new_indicator(state: _SentenceState, q: Quantity, name: str) -> Indicator:
    unit = q.unit
    value = _dec(q.value)
    if unit is None:  # a bare 万/亿: money after money words, otherwise a count of the noun that follows
        around = state.text[max(0, q.start - 12) : q.end + 4]
        unit = "CNY" if _MONEY_WORD.search(around) else "count"
    elif unit == UNMEASURED:
        unit = None
    return Indicator(
        name=name,
        value=value,
        multiplier=float(q.multiplier),
        unit=unit,
        raw=state.verbatim(q.start, q.end),
        kind="target" if _NAMED_TARGET.match(state.text, q.end) else _kind(state, q.start),
        bound=q.bound,
        value_high=_dec(q.value_high),
        masked=q.masked,
        period=_period(state, q.start),
        quote=_quote(state, q),
    )


def _attachable(state: _SentenceState, group: _Group, verb_start: int) -> bool:
    """Nothing but separators, a bracket, 按可比价格计算 or the figure's own name again between it and the verb."""
    written = state.text[group.end : verb_start]
    between = _YOY_BASE.sub("", _BRIDGE.sub("", written))
    repeated = written[:1] in (",", "，") and any(between == ind.name for ind in group.items)
    return between == "" or repeated


def _percent_role(state: _SentenceState, q: Quantity, prev_end: int) -> tuple[str, int]:
    """('yoy'|'target'|'pct', where the cue starts) for a percentage."""
    text = state.text
    ctx_start = max(_clause_start(text, q.start), prev_end)
    ctx = text[ctx_start : q.start]
    m = _YOY_VERB.search(ctx)
    if m:
        return "yoy", ctx_start + m.start()
    m = _YOY_NOUN_BEFORE.search(ctx)
    if m or _YOY_AFTER.match(text, q.end):
        return "yoy", ctx_start + m.start() if m else q.start
    m = _TARGET_CTX.search(ctx)
    if m:
        # 研发费用16.02亿元,年度任务完成率107%: the target named before 完成率 is part of the cue
        lead = _TARGET_LEAD.search(ctx, 0, m.start())
        cue_start = ctx_start + (lead.start() if lead else m.start())
        strong = bool(_TARGET_STRONG.search(ctx))
        has_level = bool(state.groups) and _attachable(state, state.groups[-1], cue_start)
        if strong or has_level:
            return "target", cue_start
    return "pct", ctx_start


def _yoy_value(text: str, q: Quantity, verb_start: int) -> float | None:
    """The growth signed by its verb; a figure of a list without a verb of its own (分别增长159.2%、0.7%和下降46.8%、
    60.8%) takes the sign of the last verb before it in its sub-clause."""
    if q.value is None:
        return None
    verbs = list(_YOY_VERB_WORD.finditer(text, verb_start, q.start))
    if not verbs:
        marks = _sub_clause_marks(text)
        k = bisect_left(marks, verb_start)
        verbs = list(_YOY_VERB_WORD.finditer(text, marks[k - 1] + 1 if k else 0, verb_start))[-1:]
    sign = -1 if any(_YOY_SIGN[v.group()] == "-" for v in verbs) else 1
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


def _read_sentence(text: str, ctx: Context, passage: Passage, offset: int, previous: str | None = None
                   ) -> tuple[list[Indicator], str | None]:
    """The sentence's indicators, and the name of the figure it read last (a 其中 opening the next sentence breaks
    that one down); `previous` is that name from the sentence before."""
    quantities = scan(text)
    if not quantities:
        return [], None
    state = _SentenceState(text=text, ctx=ctx, passage=passage, offset=offset)
    prev_end = 0  # end of the last figure that was read as one (qualifiers stay part of names)
    parent_name: str | None = None
    parent_from = -1
    bracket: tuple[int, int, str] | None = None  # (open, close, parent name) of a breakdown in brackets
    pending_bound: tuple[int, str] | None = None
    i = 0
    while i < len(quantities):
        q = quantities[i]
        nxt = quantities[i + 1] if i + 1 < len(quantities) else None
        clause_start = _clause_start(text, q.start)
        if _is_qualifier(text, q, nxt) or _is_peer_group(text, q) or _is_rank_move(text, q, clause_start) \
                or _is_rank_count(text, q) \
                or (q.is_percent and _STREAK.search(text, clause_start, q.start)):
            i += 1
            continue
        if not q.is_percent and (_ABSOLUTE_CHANGE.search(text, max(prev_end, clause_start), q.start)
                                 or _bare_change(text, q, max(prev_end, clause_start))):
            # 比去年同期增加563户 or 超额完成8人: a difference, not a figure; growth after it is the earlier figure's
            state.changed = next((g for g in reversed(state.groups) if g.items[0].unit == q.unit), None)
            state.changed_end = q.end
            prev_end = q.end
            i += 1
            continue
        if nxt is not None and nxt.is_percent and _read_plan_of(state, q, nxt, max(prev_end, clause_start)):
            prev_end = nxt.end
            i += 2
            continue
        if "其中" in text[prev_end : q.start] and (state.groups or previous):
            # the figure read last (a plan of it is no parent), in this sentence or the one before
            parent_name = state.groups[-1].items[-1].name if state.groups else previous
            parent_from = text.find("其中", prev_end)
        if parent_name and (text.find(";", parent_from, q.start) >= 0 or text.find("；", parent_from, q.start) >= 0):
            parent_name = None
        if pending_bound and q.end <= pending_bound[0] and q.bound == "exact":
            q.bound = pending_bound[1]
        # a list of figures joined by 、 (分别 lists, 28、19家): read together
        batch = [q]
        j = i + 1
        respectively = "分别" in text[_clause_start(text, q.start) : q.start]
        while j < len(quantities):
            nq = quantities[j]
            gap = text[batch[-1].end : nq.start]
            verb = _YOY_VERB.search(gap) if gap[:1] in ("、", "和", "及") else None
            # 分别增长159.2%、0.7%和下降46.8%: one list; 交通投资增长10%、民间投资增长10%: each figure its own subject
            joined = gap in ("、", "和", "及") or (verb is not None and not clean_name(gap[1 : verb.start()]))
            joined = joined or (gap == "" and q.is_percent)  # 分别增长55.5%24.6%: a separator lost in the copy
            joined = joined or (q.word == "ratio" and nq.word == "ratio" and gap in RATIO_MARKS)
            joined = joined or (respectively and gap in (",", "，") and nq.unit == q.unit)  # 分别提升至82.89%,48.34%和…
            after_nq = quantities[j + 1] if j + 1 < len(quantities) else None
            if joined and nq.is_percent == q.is_percent and not _is_qualifier(text, nq, after_nq):
                batch.append(nq)  # (市级项目17个、20亿元以上项目2个: a size bracket starts the next figure's name)
                j += 1
                continue
            break
        # bare numbers before a list's unit take it (研发中心28、19家)
        for b in batch:
            if b.unit is None and b.multiplier == 1 and batch[-1].unit:
                b.unit = batch[-1].unit
        anchor = max(_clause_start(text, q.start), prev_end)
        if _read_bracketed_earlier(state, batch, anchor):
            pass  # the figure is read, as the one before it in an earlier period
        elif state.groups and _BRACKETED_TARGET.match(text, anchor, q.start):
            for main in state.groups[-1].items if len(batch) == 1 else state.out[-1:]:
                _read_bracketed_target(state, batch, main)  # one target for each subject of the figure before
            closed = _BRACKET_CLOSE.match(text, batch[-1].end)
            if closed:  # (争取**%)以上: the next figure's words start after the bracket and its bound
                state.consumed = max(state.consumed, closed.end())
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
                for ind in state.groups[-1].items if state.groups else ():
                    ind.bound = bound if ind.bound == "exact" else ind.bound
                pending_bound = (close, bound)
            if state.out and not last.is_percent:
                bracket = (last.end, close, state.out[-1].name)
        prev_end = max(last.end, state.consumed)
        i = j
    return state.out, state.groups[-1].items[-1].name if state.groups else None


def _bare_change(text: str, q: Quantity, start: int) -> bool:
    """`总承包企业23家,增加3家;`: a growth verb alone before a level that ends its clause is a difference too."""
    return text[start:q.start] in _YOY_SIGN and _clause_end(text, q.end) == q.end


def _read_plan_of(state: _SentenceState, q: Quantity, nxt: Quantity, start: int) -> bool:
    """`635亿元,完成年计划710亿元的89.4%`: the plan is a target of the same thing (named 地区生产总值年计划) and the
    share is the earlier figure's completion of it; a growth after them goes to the earlier figure."""
    text = state.text
    if q.is_percent or not state.groups or state.groups[-1].target_done:
        return False
    if text[q.end : nxt.start] not in ("的", ""):
        return False
    m = _PLAN_OF.search(text, start, q.start)
    if m is None or m.end() != q.start:
        return False
    group = state.groups[-1]
    if len(group.items) != 1 or not _attachable(state, group, m.start()):
        return False
    main = group.items[0]
    label = m.group("label")
    plan = _new_indicator(state, q, main.name + label)
    plan.kind = "target"
    plan.parent = main.parent + label if main.parent else None
    main.target_pct = _dec(nxt.value)
    group.target_done = True
    group.end = nxt.end
    state.out.append(plan)
    return True


def _is_peer_group(text: str, q: Quantity) -> bool:
    """`全省126家开发区综合考评中位列第3位`, `9项主要经济指标中`: a count that names the group a rank is taken in;
    `5项结构性指标连续11个月高于全省`: a count of indicators says how they did, it measures nothing itself."""
    if q.unit != "count":
        return False
    clause = text[q.end : _clause_end(text, q.end)]
    return bool(_RANK.search(clause) or _PEER_GROUP_END.search(clause) or _COUNTED_METRIC.match(clause))


def _is_rank_count(text: str, q: Quantity) -> bool:
    """`23项指标中有11项增幅居全市第一位`: how many indicators hold a rank is a rank, not a figure (spec: ranks)."""
    return q.raw.endswith("项") and bool(_RANKED_AFTER.match(text, q.end))  # 12家居全市第一 is 12 firms


def _is_rank_move(text: str, q: Quantity, clause_start: int) -> bool:
    """`排名上再进2位`, `位次前移3位`, `较上一年提升了41名`, `位列94名`: places gained or lost in a ranking, or the
    place held, are a rank, not a count of people."""
    return q.unit == "count" and q.raw.endswith(("位", "名")) and bool(
        _RANK_MOVE.search(text, clause_start, q.start) or _RANK_HELD.search(text, clause_start, q.start))


def _read_levels(state: _SentenceState, batch: list[Quantity], prev_end: int, next_start: int) -> None:
    text = state.text
    q = batch[0]
    anchor = max(_clause_start(text, q.start), prev_end)
    before_raw = text[anchor : q.start]
    names: list[str]
    shared = _shared_subjects(before_raw, milestone=q.raw.startswith(("突破", "破"))) if len(batch) == 1 else None
    if shared:
        names, batch = shared, batch * len(shared)
    elif _RESPECTIVELY.search(before_raw):
        stem = _RESPECTIVELY.sub("", before_raw)
        parts = _split_names(stem, len(batch))
        if len(batch) == 1 and len(parts) > 1 and "各" in before_raw[-3:]:
            names = parts
            batch = batch * len(parts)
        elif len(parts) == len(batch):
            names = parts
        else:
            names = [clean_name(stem)] * len(batch)
        if q.bound != "exact" and q.bound != "range":  # 分别不少于1家、1家和7家: the bound reaches every figure
            for b in batch[1:]:
                b.bound = q.bound if b.bound == "exact" else b.bound
    elif len(batch) == 1 and not clean_name(before_raw) and (taken := _take_over_milestone(state, q)):
        names = [taken]  # 突破300亿元达到301.5亿元迈进…: the milestone's name, never the words after the figure
    else:
        names = []
        for k, b in enumerate(batch):
            end = batch[k + 1].start if k + 1 < len(batch) else next_start
            start = anchor if k == 0 else batch[k - 1].end
            names.append(_name_for(state, b, start, min(end, _clause_end(text, b.end))))
        if len(batch) > 1 and names[0] and not any(names[1:]):  # 城乡居民人均可支配收入达到65203元、38739元
            parts = _split_names(names[0], len(batch))
            names = parts if len(parts) == len(batch) else [names[0]] * len(batch)
    if len(batch) == 1 and not names[0]:
        names[0] = _take_over_milestone(state, q)
    if len(batch) == 1 and q.unit == "USD" and _CONVERSION.fullmatch(names[0]) and state.out:
        names[0] = state.out[-1].name  # 人均生产总值…元,按年平均汇率折14464美元: the same figure in dollars
    growth = _growth_before_level(state, q) if len(batch) == 1 and not names[0] else None
    if growth is not None:
        names[0] = growth.name
    if len(batch) == 1:
        if _restated_milestone(state, q, names[0]):
            return  # 单月产值达75.9亿元,系首次突破75亿元: the milestone the figure before has passed, said again
        names[0] = _from_to_name(state, q, names[0]) or names[0]
    items = []
    for b, name in zip(batch, names, strict=True):
        if not name:
            continue
        ind = _new_indicator(state, b, name)
        if growth is not None:
            ind.yoy_pct = growth.yoy_pct
        items.append(ind)
    if items:
        state.out.extend(items)
        state.groups.append(_Group(items=items, end=batch[-1].end, start=batch[0].start))


def _shared_subjects(before: str, milestone: bool = False, keep_tail: bool = True) -> list[str] | None:
    """`A、B均增长7%`, `A、B等指标保持20%以上的增速`, `存贷款余额双双突破`, `A、B、C产值突破10亿元`: one value,
    one indicator per subject, each named with what follows the shared word (均完成形象进度 -> 形象进度)."""
    if not milestone and not _SHARED.search(before):
        return None  # most figures: no shared word before them
    masked = [(n.start(), n.end()) for n in _NOT_SHARED.finditer(before)]
    m = next((c for c in _SHARED.finditer(before) if not any(a <= c.start() < b for a, b in masked)), None)
    if m is None and (not milestone or "等" in before):
        return None  # 电机电器、船舶修造等传统产业规上产值突破200亿元: examples of one thing, named after 等
    head, tail = (before[: m.start()], before[m.end() :]) if m else (before, "")
    wanted = 2 if m and m.group().startswith("双双") else 0
    compound = _COMPOUND.search(head) if m and not wanted and not _LIST_JOINT.search(head) else None
    if compound:  # 开竣工率均达100%, 城乡居民收入均增长8%: one word for the subjects the shared value speaks of
        wanted = len(_COMPOUNDS[compound.group()])
    subjects = _split_names(_YOY_NOUN_END.sub("", head), wanted)
    if len(subjects) < 2 or all(_MODIFIER_END.search(subject) for subject in subjects[:-1]):
        return None  # 国家级、省级、市级人才项目数量均占…: levels of one subject, not several subjects
    tail = clean_name(_YOY_NOUN_TAIL.sub("", tail)) if keep_tail else ""
    return [subject + tail for subject in subjects]


def _from_to_name(state: _SentenceState, q: Quantity, name: str) -> str:
    """`地区生产总值从773亿元提升到1196亿元`: the later figure is the same thing; a peak it fell from
    (`由最高5.81%降至1.6%`) is no figure of its own."""
    if not state.groups or len(state.groups[-1].items) != 1:
        return ""
    group = state.groups[-1]
    earlier = group.items[0]
    gap = state.text[group.end : q.start]
    from_to = bool(_FROM_TO.match(gap)) or bool(_REACH.fullmatch(gap) and _FROM_MARK.search(state.text, 0, group.start))
    same_unit = earlier.unit == (q.unit if q.unit != UNMEASURED else None)
    if not same_unit or not from_to:
        between = state.text[max(group.end, state.consumed) : q.start]
        if not name and _LIST_GAP.fullmatch(between) and _clause_end(state.text, q.end) == q.end:
            return earlier.name  # 库存应急物资有46种,17.05万份: the same stock counted another way
        if same_unit and _SEPARATOR.search(between) and not _SENTENCE_END.search(between) and (
                not name and not clean_name(between)
                or name and name == clean_name(between) and name != earlier.name and earlier.name.startswith(name)):
            # 全年完成投资12亿元,截至9月底完成10亿元; 新增企业12家,截至目前已新增10家: the same thing, another period
            return earlier.name
        return ""
    if _PEAK.search(state.text, 0, group.start):
        state.groups.pop()
        state.out.remove(earlier)
    return earlier.name


def _restated_milestone(state: _SentenceState, q: Quantity, name: str) -> bool:
    """A milestone (突破X, 超过X) named by nothing but words of emphasis, after a figure of the same unit in its
    sub-clause that is at least X."""
    if not q.raw.startswith(_MILESTONE_WORDS) or _EMPHASIS.sub("", name) or not state.groups:
        return False
    before = state.groups[-1].items[-1]
    return (before.unit == q.unit and before.value is not None and q.value is not None
            and before.value * before.multiplier >= float(q.value * q.multiplier)
            and not _SENTENCE_END.search(state.text, state.groups[-1].end, q.start))


def _growth_before_level(state: _SentenceState, q: Quantity) -> Indicator | None:
    """`GDP同比增长8.1%,达3332.55亿元`: a level named by nothing, right after its subject's growth, is that
    subject's level; the change-only row it follows becomes its growth (taken out here)."""
    if not state.groups or len(state.groups[-1].items) != 1:
        return None
    before = state.groups[-1].items[0]
    gap_start = state.groups[-1].end
    if before.value is not None or before.yoy_pct is None or not (
            _LEVEL_AFTER_GROWTH.fullmatch(state.text, gap_start, q.start)
            or (q.bound != "exact" and _BARE_GAP.fullmatch(state.text, gap_start, q.start))):
        return None
    state.groups.pop()
    state.out.remove(before)
    return before


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
    if batch[0].word in ("double_digit", "doubling"):  # 两位数增长, 翻一番: the growth word is inside the quantity
        role, cue_start = "yoy", batch[0].start
    else:
        role, cue_start = _percent_role(state, batch[0], prev_end)
    group = state.groups[-1] if state.groups else None
    if batch[0].word == "double_digit" and group is not None and _restated_growth(state, group, batch[0]):
        return  # 外贸进出口增长10%,三年来首次实现两位数增长: the growth before, said again in words
    if role == "yoy" and state.changed is not None and not state.changed.yoy_done \
            and not _SENTENCE_END.search(text, state.changed_end, cue_start):
        group, state.changed = state.changed, None  # 新落户企业839户,…,比去年同期增加563户,同比增长204%
        attach = True
    else:
        attach = group is not None and role in ("yoy", "target") and _attachable(state, group, cue_start)
    if not attach and role == "yoy" and group is not None and not group.yoy_done:
        # 达到301.5亿元迈进山区26县十强,增长5.2%: a growth that names nothing is the nearest figure's, past clauses
        # without a figure, within its sub-clause
        anchor = max(_clause_start(text, batch[0].start), prev_end)
        # past semicolons only when a rank stands between (研发费用16.02亿元…;全市排名第2;累计增速25%)
        ranked = _RANK_CLAUSE.search(text, group.end, anchor) is not None
        gap = _RANK_CLAUSE.sub("", text[group.end : anchor]).strip(";； ") if ranked else text[group.end : cue_start]
        attach = not clean_name(_growth_stem(text[anchor:cue_start])) and not _SENTENCE_END.search(gap)
    if (attach and group is not None and len(batch) > 1 and len(group.items) == 1 and len(state.groups) >= len(batch)
            and role == "yoy" and not group.yoy_done):
        # 财政总收入240.78亿元,其中地方财政收入148.8亿元,分别增长20.3%、18%: one growth for each figure before
        singles = state.groups[-len(batch) :]
        if all(len(g.items) == 1 and not g.yoy_done for g in singles):
            for k, (g, b) in enumerate(zip(singles, batch, strict=True)):
                g.items[0].yoy_pct = _yoy_value(text, b, cue_start if k == 0 else batch[k - 1].end)
                g.yoy_done = True
            return
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
    stem = _growth_stem(before)
    shared = _shared_subjects(text[anchor : batch[0].start], keep_tail=role == "pct") if len(batch) == 1 else None
    if not shared and len(batch) == 1 and role == "yoy":
        # 高新技术产业投资和民间投资增长**%: a rate after several measured things joined by 和/、 is each one's
        written = [p for p in (clean_name(p) for p in _LIST_JOINT.split(stem)) if p]  # as written: nothing lent
        measured = len(written) > 1 and "等" not in stem and all(_MEASURE_END.search(p) for p in written)
        shared = _split_names(stem) if measured else None
    if not shared and len(batch) == 1 and role == "pct" and "占" in stem[1:]:
        # 净增高企和科创项目占全市比重超1/4: a share of the whole for each thing joined by 和/、 before 占
        at = stem.index("占", 1)
        subjects = _split_names(stem[:at])
        if len(subjects) > 1 and all(len(p) >= 2 and not _MODIFIER_END.search(p) for p in subjects):
            shared = [p + clean_name(stem[at:]) for p in subjects]
    if shared:
        parts, batch = shared, batch * len(shared)
    else:
        parts = _split_names(stem, len(batch)) if len(batch) > 1 else [clean_name(stem)]
    if batch[0].word == "ratio":  # 三次产业结构由上年的13.2:32.3:54.5调整为: the base it changed from names nothing
        head = _RATIO_CLAUSE.search(text, 0, batch[0].start)  # the colons of a base ratio before it end no clause
        stem_name = clean_name(_RATIO_BASE.sub("", clean_name(head.group() if head else stem)))
        parts = _ratio_names(stem_name, len(batch))
    if role == "yoy" and len(batch) > 1 and len(parts) != len(batch) \
            and _YOY_NOUN_ONLY.fullmatch(_RESPECTIVELY.sub("", stem) or "增速"):
        # 禽蛋产量、水果和蔬菜增长较快,增速分别达9.1%、7.5%、5.5%: the subjects are the clause before
        before_clause = text[_clause_start(text, max(0, anchor - 1)) : max(0, anchor - 1)]
        earlier = _split_names(_GROWTH_REMARK.sub("", before_clause), len(batch))
        parts = earlier if len(earlier) == len(batch) else parts
    if len(parts) != len(batch):
        parts = [clean_name(stem)] * len(batch)
    if len(batch) == 1 and role == "pct":
        parts[0] = _from_to_name(state, batch[0], parts[0]) or parts[0]
        if parts[0].startswith("占") and state.groups and not text[state.groups[-1].end : anchor].strip(",，、 "):
            # 工商税入地方税金162万元,占财政收入的74.7%: the share is the figure before's (…占财政收入比重); after
            # another share (…占全国总量34%、占全省60%) the subject is the one that share was of
            subject = state.groups[-1].items[-1].name
            subject = subject[: subject.find("占")] if subject.find("占") > 0 else subject
            parts[0] = subject + parts[0] + ("" if _SHARE_END.search(parts[0]) else "比重")
    if role == "target" and not any(parts) and state.groups and state.groups[-1].end <= anchor \
            and _clause_start(text, cue_start) <= state.groups[-1].end:
        # 51个市重点项目年度投资完成率分别达到…: the words a count took as its noun also name the share after it
        group = state.groups[-1]
        rate = _RATE_TAIL.sub("", text[cue_start : batch[0].start])
        parts = [clean_name(text[group.end : cue_start]) + rate if rate else ""] * len(batch)
    items: list[Indicator] = []
    for k, (b, name) in enumerate(zip(batch, parts, strict=True)):
        examples = role == "pct" and len(batch) == 1 and "、" in name[: max(name.rfind("等"), 0)]
        if role == "pct" and (not name or examples):
            # 下底贺家、高潮2号等新开区块实现“100%货币化房票安置”: the listed names are examples; the share is the
            # kind of thing after 等 with what is written after the figure
            m = _NOUN_AFTER.match(text[b.end :])
            after = _AFTER_CUT.sub("", m.group(0)) if m and not _AFTER_STOP.match(text[b.end :]) else ""
            thing = clean_name(_EXAMPLE_VERB.sub("", name[name.rfind("等") + 1 :])) if examples else ""
            name = clean_name(thing + after) if thing or not examples else name
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
            ind.target_pct = _dec(b.value)  # a completion share without a level: value and share alike
        items.append(ind)
    if items:
        state.out.extend(items)
        state.groups.append(_Group(items=items, end=batch[-1].end, start=batch[0].start, yoy_done=role == "yoy"))


def _restated_growth(state: _SentenceState, group: _Group, q: Quantity) -> bool:
    """A growth in words (两位数增长) after a figure of its sub-clause whose growth, given in digits, already says it."""
    yoy = group.items[-1].yoy_pct
    return group.yoy_done and yoy is not None and abs(yoy) >= 10 and not _SENTENCE_END.search(state.text, group.end, q.start)


def _growth_stem(before: str) -> str:
    """The words before a growth or a share that may name it (同比, 分别, 预计 written before the verb left out)."""
    return _STEM_TAIL_2.sub("", _STEM_TAIL_1.sub("", _STEM_TAIL_0.sub("", before.rstrip())))


def _ratio_names(stem: str, wanted: int) -> list[str]:
    """`三次产业结构调整为2.8:50.9:46.3`: each share is named by the structure and its part (三次产业结构第一产业)."""
    m = _RATIO_WHOLE.search(stem)
    if m and len(_RATIO_PARTS[m.group()]) == wanted:
        return [stem + part for part in _RATIO_PARTS[m.group()]]
    return [stem] * wanted


def _read_bracketed_earlier(state: _SentenceState, batch: list[Quantity], anchor: int) -> bool:
    """`项目31个(2021年全年30个)`: a bracketed figure is the figure before's thing in an earlier period, when it is
    measured the same way. It is no group of its own: a 其中 or a growth after it belongs to the figure it follows."""
    q = batch[0]
    m = _BRACKETED_EARLIER.match(state.text[: q.start], anchor) if state.groups and len(batch) == 1 else None
    if m is None or len(state.groups[-1].items) != 1:
        return False
    main = state.groups[-1].items[0]
    ind = _new_indicator(state, q, main.name)
    if ind.unit != main.unit:
        return False
    ind.kind, ind.parent = main.kind, main.parent
    year = int(m.group("year")) if m.group("year") else None
    if year is None and main.period:
        year = int(main.period[:4]) - _YEARS_BACK[m.group("back")]
    if year is not None:
        same_months = m.group("span") == "同期" and main.period is not None
        ind.period = main.period.replace(main.period[:4], str(year)) if same_months and main.period else str(year)
    state.out.append(ind)
    return True


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
    state.groups.append(_Group(items=items, end=batch[-1].end, start=batch[0].start, yoy_done=True))


def _title(doc: Document, lines: list[str]) -> str | None:
    """The document's title; a plain-text page whose title the cleaner could not tell from its first line
    (nothing after it looks like a header) still opens with it, and it says whether the page is a plan."""
    title = doc.metadata.get("title")
    if title:
        return str(title)
    first = lines[0] if lines else ""
    bare = _TITLE_NOTE.sub("", first)  # 关于…的报告(2024年8月26日向市人大常委会报告): the note is no part of its length
    return first if 6 <= len(bare) <= _TITLE_MAX and not _SENTENCE_END.search(bare) else None


def _doc_year(doc: Document, title: str | None) -> tuple[int | None, int | None]:
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
    title_years = _YEAR.findall(title or "")
    if title_years:
        return int(title_years[0]), month
    return year, month


def _contexts(lines: list[str], doc: Document) -> list[Context]:
    """Role and period of every body line, from the headings above it."""
    title = _title(doc, lines)
    doc_year, month = _doc_year(doc, title)
    default_role = document_role(title)
    _, roles = build_outline(lines, default_role)
    review_year: int | None = None
    plan_year: int | None = None
    out: list[Context] = []
    half = False
    heading_year: int | None = None
    later = False  # in a section whose heading names a year after the one reviewed, with no cue of its own
    earlier = False  # in a plan's section whose heading names a year before the plan's, with no cue of its own
    plan_title_year = int(_YEAR.findall(title)[0]) if title and default_role == "plan" and _YEAR.search(title) else None
    for line, role in zip(lines, roles, strict=True):
        found = heading(line)
        level = found[0] if found else None
        if found and cue_role(found[1], found[0]) == "review":
            later = False
        if level == 1 or (level is not None and heading_year is None):
            years = _YEAR.findall(line[:30])
            heading_year = int(years[0]) if years else None
            half = "上半年" in line[:20]
            if level == 1:
                # 一、2023年工作回顾 … 二、2024年主要工作: the later year's section is the plan
                later = bool(found and heading_year and review_year and heading_year > review_year
                             and cue_role(found[1], 1) == "other")
                # 2024年…工作计划 opening with 一、2023年亮点工作: the earlier year's section is a review
                earlier = bool(found and heading_year and plan_title_year and heading_year < plan_title_year
                               and cue_role(found[1], 1) == "other")
            if earlier and role == "plan":
                role = "review"
            if heading_year and role == "review" and not later:
                review_year = heading_year
            if heading_year and role == "plan":
                plan_year = heading_year
        if earlier and role == "plan":
            role = "review"
        if later:
            role = "plan"
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
            elif role == "review" and month is not None and month <= 3 and not _YEAR.search(title or ""):
                year = doc_year - 1
            else:
                year = doc_year
        out.append(Context(role=role, year=year, half=half and role == "review"))
    return out


def extract_indicators(doc: Document) -> list[Indicator]:
    lines = [line for line in doc.body.split("\n") if line.strip()]
    contexts = _contexts(lines, doc)
    tables = read_tables(lines, [c.year for c in contexts]) if "|" in doc.body else None
    if tables and tables.lines:  # a table's lines are read cell by cell, never as prose
        lines = ["" if i in tables.lines else line for i, line in enumerate(lines)]
    out: list[Indicator] = list(tables.indicators) if tables else []
    for passage in passages(lines):
        ctx = contexts[passage.first_line]
        previous: str | None = None
        read: list[Indicator] = []
        for m in _SENTENCE.finditer(passage.text):
            sentence = m.group(0)
            if _MAY_HOLD_FIGURE.search(sentence):
                found, previous = _read_sentence(sentence, ctx, passage, m.start(), previous)
                if passage.written:
                    for ind in found:
                        ind.name = passage.as_written(ind.name)
                        ind.parent = passage.as_written(ind.parent) if ind.parent else None
                read.extend(found)
        out.extend(_without_summed_up_growths(read))
    return [ind for ind in out if ind.name]


def _without_summed_up_growths(found: list[Indicator]) -> list[Indicator]:
    """`A、B、C均实现两位数增长。其中,A 77.7亿,同比增长14%…`: a growth in words that the passage then gives in
    figures sums them up; the figures are the indicators."""
    if not any("两位数" in ind.raw for ind in found):
        return found
    kept = []
    for k, ind in enumerate(found):
        if "两位数" in ind.raw and any(
                later.yoy_pct is not None and later.yoy_pct >= 10 and _names_overlap(ind.name, later.name)
                for later in found[k + 1 :]):
            continue
        kept.append(ind)
    return kept


def _names_overlap(a: str, b: str) -> bool:
    """The scorer's test of one thing named twice: most of the shorter name's characters are in the longer."""
    short, long = sorted((a, b), key=len)
    return bool(short) and sum(ch in long for ch in short) >= 0.6 * len(short)
