"""The number grammar: find quantities (value, magnitude, unit, bound, mask) in Chinese report prose.

Decimal arithmetic keeps 773.76亿 exact; masked digits (`**`, `*.*`, `xx.51`) never become values.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from transforms.lexicon import alternation, values, words

MULTIPLIERS: dict[str, Decimal] = {
    "": Decimal(1), "千": Decimal(10) ** 3, "万": Decimal(10) ** 4, "百万": Decimal(10) ** 6,
    "千万": Decimal(10) ** 7, "亿": Decimal(10) ** 8, "万亿": Decimal(10) ** 12,
}
UNMEASURED = ""  # a unit word the spec has no canonical unit for (兆瓦, 斤, ‰): the value stands as written
COUNT_CLASSIFIERS = words("classifier")
# unit word -> (canonical unit, factor): `公顷` is written as 1e4 m2, so 7公顷 has multiplier 1e4
UNIT_WORDS: dict[str, tuple[str, Decimal]] = {}
for _word, _meaning in values("unit").items():
    _unit, _, _factor = _meaning.partition(" ")
    UNIT_WORDS[_word] = (_unit, Decimal(_factor or 1))
for _c in COUNT_CLASSIFIERS:
    UNIT_WORDS[_c] = ("count", Decimal(1))

# digits, or a mask in their place: * ×, runs of x/X or _ (xx.xx亿元, x.6亿元, xx2.4%)
# 〔…〕: a page's placeholder for what it hides, read as a mask where a number stands (〔…〕万元), never 〔2024〕
_DIGITS = r"(?:[0-9*×]|[xX]{1,8}|_{1,4}|〔…〕)+"
# never from inside a code or another number (PM2.5, A1), but GDP20亿元 is GDP's figure (spaces are read away)
_ACRONYMS = "|".join(map(re.escape, words("acronym_before_number")))
# (checked on each match in scan, with _NOT_BEFORE: a lookbehind here would start a match inside a number, GDP2|0亿元;
# the lookahead lets the engine skip to a character that can start a number)
_NUM = rf"(?=[0-9*×xX_〔]){_DIGITS}(?:\.{_DIGITS})?(?![A-Za-z])"
_ACRONYM_BEFORE = re.compile(f"(?:{_ACRONYMS})$")
_UNITS = "|".join(re.escape(u) for u in sorted(UNIT_WORDS, key=len, reverse=True))
_LIST_UNIT = re.compile(rf"、\d+(?:\.\d+)?(?:{'|'.join(map(re.escape, sorted(COUNT_CLASSIFIERS, key=len, reverse=True)))})")
QUANTITY = re.compile(
    rf"(?P<num>{_NUM})(?P<pct1>%)?"
    rf"(?:\s*[-—–~～至到]\s*(?P<num2>{_NUM}))?"
    r"(?P<post0>余|多)?"
    r"(?P<mag>万亿|亿|千万|百万|万|千(?![米瓦升克]))?"
    r"(?P<post1>余|多)?"
    rf"(?P<unit>{_UNITS})?"
    r"(?P<per>/[年日天月])?"
    r"(?P<post>以上|以下|以内|左右|余|多)?"
)
# a share written as a fraction (占全市1/8): a percentage of its own
FRACTION = re.compile(r"(?<![\d/.])(?P<a>\d{1,2})/(?P<b>\d{1,3})(?![\d/.%])")
_SHARE_CONTEXT = re.compile(r"占|比重|份额")
# the same in words (占全市总量近五分之一, 三分之二以上)
CN_FRACTION = re.compile(r"(?P<b>[二三四五六七八九十]|\d{1,2})分之(?P<a>[一二三四五六七八九]|\d{1,2})(?P<post>以上|以下|以内|左右)?")
_CN_FRACTION_DIGITS = {"一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9, "十": 10}
# 占全国份额万分之73.26, 千分之5: a share per ten thousand (per mille), as a percentage
PER_MYRIAD = re.compile(r"(?P<base>万|千)分之(?P<n>\d+(?:\.\d+)?)(?P<post>以上|以下|以内|左右)?")
_PER_MYRIAD_DIVISOR = {"万": Decimal(100), "千": Decimal(10)}
# a structure written as a ratio of shares (三次产业结构调整为2.8:50.9:46.3): one percentage per part when the parts
# make a whole (sum to 100) and the words before say it is a structure or a proportion
RATIO_MARKS = ":：︰∶"
RATIO = re.compile(rf"(?<![\d.{RATIO_MARKS}])\d{{1,2}}(?:\.\d+)?(?:[{RATIO_MARKS}]\d{{1,2}}(?:\.\d+)?){{1,3}}(?![\d.{RATIO_MARKS}%])")
_RATIO_PART = re.compile(r"\d+(?:\.\d+)?")
_RATIO_CONTEXT = re.compile(f"(?:{alternation('ratio_context')})")
_RATIO_CONTEXT_REACH = 12
_RATIO_CHANGE = re.compile(r"[,，]?\s*(?:调整为|调整到|调整至|优化为|优化调整为|变为|转变为|提升为)")
_RATIO_HINT = re.compile(rf"\d[{RATIO_MARKS}]\d")
# 劳资纠纷、信访积案均为0: a count of none, written without a classifier
ZERO = re.compile(r"(?<=为)(?:0|零)(?=[,，;；。、]|$)")
# 突破千亿, 首破百亿: a round milestone in words (its unit is money when the words before say so, in extract)
ROUND_MAGNITUDE = re.compile(r"(?<=破|超|过)(?P<n>[两二三四五六七八九]?)(?P<r>[百千])(?P<mag>亿|万)(?P<unit>元)?(?!余|多|[\d一二三四五六七八九])")
# 超四成, 近三成: tenths of the whole, after a word that makes the figure a share
TENTHS = re.compile(r"(?<=超|近|约|逾|达|占|为)(?P<n>[一二两三四五六七八九])成(?P<post>以上|左右)?(?![\u4e00-\u9fff]{0,1}(?:本|品|果|效|员|立|为|功|就|长|熟|绩|型|交|都))")
# 出台稳链纾困35条、“龙10条”: a policy package named by its number of articles is no count
_POLICY_ISSUED = re.compile(r"(?:出台|制定|印发|推出|发布|实施)[^,，;；。]{0,20}$")
MASK_CHARS = re.compile(r"[*×Xx_〔]")  # what a masked figure is written with
_YEAR_AS_PERCENT = re.compile(r"(?:19|20)\d\d(?:\.\d+)?")  # 增长2023%: the year pasted over the digits
_CN_DIGITS = {"两": 2, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9, "十": 10}
CHINESE_COUNT = re.compile(  # the numeral first, then what may not stand before it: the engine skips to numerals
    r"(?P<cn>[两二三四五六七八九十])(?<![第前后每这那一二三四五六七八九十百千万两].)"
    rf"(?P<unit>{alternation('chinese_count_classifier')})(?![一二三四五六七八九十百“”\"「方面层次级目])"
)
# 协调解决问题百余个, 千余人次, 建立完善制度十余项, 二十余家: a round count in words, at least that many
ROUND_COUNT = re.compile(rf"(?<![一二三四五六七八九十几数])(?P<n>[两二三四五六七八九])?(?P<cn>十|百|千)余"
                         rf"(?P<unit>{alternation('chinese_count_classifier')})")
_ROUND_COUNTS = {"十": 10, "百": 100, "千": 1000}
_SLOGAN_COUNT = re.compile(alternation("slogan_count"))  # 四个意识, 两个维护, 八项规定: set phrases, no counts
_SLOGAN_VERB = re.compile(f"(?:{alternation('slogan_verb')})$")  # 打造三个高地, 践行四项使命: a slogan's count
# 过半 alone is left out: in these reports it is the slogan 时间过半、任务过半 (the spec names 一半以上, 半数以上)
WORD_QUANTITY = re.compile(r"(?P<w>一半以上|半数以上|过半数|两位数增长|两位数以上增长|翻了?一番|翻了?两番|翻番)(?P<post>以上)?")
_DOUBLINGS = {"翻一番": 100, "翻番": 100, "翻两番": 300}  # the change a doubling (quadrupling) is, in percent
# 外贸进出口总额同比增长74倍: a growth of N times is one of N x 100 percent
TIMES_GROWTH = re.compile(r"(?:增长|提高|增加|上升)了?(?P<n>\d+(?:\.\d+)?)倍")
_LEVEL_AFTER = re.compile(r"[、,，]?\s*(?:达到|达|至|为)\s*\d")
_BOUND_BEFORE_WORDS = values("bound_before")
_PRE_BOUND = re.compile(f"({alternation('bound_before')})$")
_BOUND_LAST_CHARS = frozenset(word[-1] for word in _BOUND_BEFORE_WORDS)  # most figures have none of them before
_ONE = Decimal(1)
_ELECTRICITY = re.compile("电")
_POST_BOUND = values("bound_after")
_NOT_BOUND = frozenset(words("not_bound"))  # 签约5个: the 约 of 签约 is no bound
# matched at a position (pattern.match(text, pos)): no ^, which would only hold at the start of the text
_NOT_AFTER = re.compile(f"(?:{alternation('not_after_number')})")
_NOT_AFTER_COUNT = re.compile(f"(?:{alternation('not_after_count')})")  # 11个季度, 6个方面, 7.8个百分点
_NOT_UNIT_WORD = re.compile(f"(?:{alternation('not_unit_word')})")  # 以下5方面: 方 opens 方面, no cubic metre
# a ratio written as a bare number after its name (收入倍差缩小到1.71, 由1.75缩小至1.71): no unit to find it by
_RATIO_NOUN = re.compile(rf"(?:{alternation('ratio_noun')})(?!上年|去年|同期|上|去)")
_RATIO_FIGURE = re.compile(r"(?<![\d.])\d{1,2}\.\d{1,3}(?![\d.%万亿千元倍])")
_CLAUSE_END = re.compile(r"[,，;；。]")
_MINUS = ("-", "−")
_NOT_BEFORE = re.compile(rf"(?:{alternation('not_before_number')}|近\d*|[A-Za-z+\-/.])$")


@dataclass
class Quantity:
    start: int
    end: int
    raw: str
    value: Decimal | None
    value_high: Decimal | None
    multiplier: Decimal
    unit: str | None  # canonical unit; "pct" for any percentage; None for a bare magnitude; UNMEASURED
    bound: str
    masked: bool
    word: str | None = None  # special word quantities: "half", "double_digit", "doubling"; "ratio": a part of a ratio

    @property
    def is_percent(self) -> bool:
        return self.unit == "pct"


def to_decimal(num: str) -> Decimal | None:
    if MASK_CHARS.search(num):
        return None
    try:
        return Decimal(num)
    except InvalidOperation:
        return None


def _bound_before(text: str, start: int) -> tuple[str, int]:
    m = _PRE_BOUND.search(text[max(0, start - 3) : start])
    if not m:
        return "exact", start
    word = m.group(1)
    if text[max(0, start - len(word) - 1) : start] in _NOT_BOUND:
        return "exact", start
    return _BOUND_BEFORE_WORDS[word], start - len(word)


def _unit_of(text: str, m: re.Match[str], unit_word: str) -> tuple[str, Decimal]:
    unit, factor = UNIT_WORDS[unit_word]
    if unit_word == "方":  # 方 is floor area after 房屋/征迁/拆除, volume otherwise
        unit = "m2" if re.search(r"(房屋|征迁|拆除|拆违|建筑)[^，,。；;]{0,6}$", text[: m.start()]) else "m3"
    return unit, factor


def _fraction(numerator: int, denominator: int) -> Decimal | None:
    """numerator/denominator as a percentage, for a proper fraction only (占1/4, 三分之一)."""
    if not 0 < numerator < denominator:
        return None
    return (Decimal(numerator) * 100 / Decimal(denominator)).quantize(Decimal("0.01"))


def _share(text: str, m: re.Match[str], share: Decimal) -> Quantity:
    """A share as a percentage, bounded by a word before it (近, 超) or by 以上/以下/以内/左右 after it."""
    bound, start = _bound_before(text, m.start())
    post = m.groupdict().get("post")
    return Quantity(start, m.end(), text[start : m.end()], share, None, Decimal(1), "pct",
                    _POST_BOUND[post] if post else bound, False)


def scan(text: str) -> list[Quantity]:
    """Every quantity in `text` (as transforms.reading gives it), in order. Dates, ordinals, durations, codes and
    numbers of slogans are skipped."""
    found: list[Quantity] = []
    for m in QUANTITY.finditer(text):
        num, pct1, num2, post0, mag, post1, unit_word, _, post = m.groups()
        if pct1:
            if num2 and text[m.end() - 1] != "%" and unit_word != "%":
                continue
            unit_word = "%"
        elif unit_word is None and mag is None and not _lends_a_unit(text, m.end()):
            continue  # no unit, no magnitude: dates, codes, list counters, bare numbers, a bare x or _ of prose
            # (研发中心28、19家: a bare number before a list's figure with a classifier takes it, in extract)
        at = m.start()
        # 增速为-2.5%: a minus sign after words (1-10月, A-1 and 3-5% are ranges and codes)
        before = text[max(0, at - 2) : at - 1]
        negative = unit_word == "%" and text[at - 1 : at] in _MINUS and not (before.isascii() and before.isalnum())
        if _NOT_BEFORE.search(text, max(0, at - 3), at) and not (text[at - 1] == "近" and unit_word) \
                and not _ACRONYM_BEFORE.search(text, 0, at) and not negative:
            continue
        if unit_word is None and _NOT_AFTER.match(text, m.end() - len(post or "")):
            continue
        if unit_word in COUNT_CLASSIFIERS and _NOT_AFTER_COUNT.match(text, m.end()):
            continue
        if unit_word and _NOT_UNIT_WORD.match(text, m.start("unit")):
            continue
        if unit_word == "%" and _YEAR_AS_PERCENT.fullmatch(num):
            continue
        if _fills_quotes(text, at, m.end()) or (unit_word == "条" and _names_a_policy(text, at, m.end())):
            continue
        if unit_word == "度" and not _ELECTRICITY.search(text, max(0, at - 12), at):
            continue  # 度 is electricity (6.42亿度 after 用电量); 30度 of heat or of an angle is no figure here
        value = to_decimal(num)
        if negative:  # the sign is part of the figure, a masked one's too (增长-x%)
            value, at = (-value if value is not None else None), at - 1
        high = to_decimal(num2) if num2 else None
        masked = value is None or bool(num2 and high is None)
        bound, start = _bound_before(text, at) if at and text[at - 1] in _BOUND_LAST_CHARS else ("exact", at)
        post = post or post1 or post0
        if post:
            bound = _POST_BOUND[post]
        if num2:
            bound = "range"
        unit, factor = _unit_of(text, m, unit_word) if unit_word else (None, _ONE)
        found.append(Quantity(start, m.end(), text[start : m.end()], value, high, MULTIPLIERS[mag or ""] * factor, unit,
                              bound, masked))
    # the rarer shapes are looked for only in sentences that have what they need (a regex scan per shape costs)
    for m in FRACTION.finditer(text) if "/" in text else ():
        share = _fraction(int(m.group("a")), int(m.group("b")))
        if share is not None and _SHARE_CONTEXT.search(text[max(0, m.start() - 12) : m.start()]):
            found.append(_share(text, m, share))
    for m in PER_MYRIAD.finditer(text) if "分之" in text else ():
        found.append(_share(text, m, Decimal(m.group("n")) / _PER_MYRIAD_DIVISOR[m.group("base")]))
    for m in CN_FRACTION.finditer(text) if "分之" in text else ():
        share = _fraction(*(int(g) if g.isdigit() else _CN_FRACTION_DIGITS[g] for g in m.group("a", "b")))
        if share is not None and _SHARE_CONTEXT.search(text[max(0, m.start() - 12) : m.start()]):
            found.append(_share(text, m, share))
    ratios = list(RATIO.finditer(text)) if _RATIO_HINT.search(text) else []
    for k, m in enumerate(ratios):
        later = ratios[k + 1] if k + 1 < len(ratios) else None
        if later is not None and _RATIO_CHANGE.fullmatch(text, m.end(), later.start()):
            continue  # 由上年的13.2:32.3:54.5调整为12.4:30.9:56.7: the structure it changed from is the base, not a figure
        earlier = ratios[k - 1] if k else None
        changed_to = earlier is not None and _RATIO_CHANGE.fullmatch(text, earlier.end(), m.start())
        if not changed_to and not _RATIO_CONTEXT.search(text, max(0, m.start() - _RATIO_CONTEXT_REACH), m.start()):
            continue
        parts = list(_RATIO_PART.finditer(text, m.start(), m.end()))
        if abs(sum((Decimal(p.group()) for p in parts), Decimal(0)) - 100) > 1:
            continue
        for p in parts:
            found.append(Quantity(p.start(), p.end(), p.group(), Decimal(p.group()), None, Decimal(1), "pct", "exact",
                                  False, "ratio"))
    for noun in _RATIO_NOUN.finditer(text) if "比" in text or "倍差" in text else ():
        end = _CLAUSE_END.search(text, noun.end())
        for m in _RATIO_FIGURE.finditer(text, noun.end(), end.start() if end else len(text)):
            found.append(Quantity(m.start(), m.end(), m.group(), Decimal(m.group()), None, Decimal(1), UNMEASURED,
                                  "exact", False))
    for m in ROUND_MAGNITUDE.finditer(text) if "破" in text or "超" in text or "过" in text else ():
        value = Decimal(_ROUND_COUNTS[m.group("r")] * (_CN_DIGITS[m.group("n")] if m.group("n") else 1))
        _, start = _bound_before(text, m.start())
        found.append(Quantity(start, m.end(), text[start : m.end()], value, None, MULTIPLIERS[m.group("mag")],
                              "CNY" if m.group("unit") else None, "lower", False))
    for m in TENTHS.finditer(text) if "成" in text else ():
        bound, start = _bound_before(text, m.start())
        if m.group("post"):
            bound = _POST_BOUND[m.group("post")]
        found.append(Quantity(start, m.end(), text[start : m.end()], Decimal(10 * (_CN_DIGITS.get(m.group("n")) or 1)),
                              None, Decimal(1), "pct", bound, False))
    for m in ZERO.finditer(text) if "为0" in text or "为零" in text else ():
        found.append(Quantity(m.start(), m.end(), m.group(), Decimal(0), None, Decimal(1), "count", "exact", False))
    for m in ROUND_COUNT.finditer(text) if "余" in text else ():
        value = Decimal(_ROUND_COUNTS[m.group("cn")] * (_CN_DIGITS[m.group("n")] if m.group("n") else 1))
        found.append(Quantity(m.start(), m.end(), m.group(0), value, None, Decimal(1),
                              "count", "lower", False))
    for m in CHINESE_COUNT.finditer(text):
        if _inside_quotes(text, m.start()) or _SLOGAN_VERB.search(text[max(0, m.start() - 4) : m.start()]) \
                or _SLOGAN_COUNT.match(text, m.start()):
            continue
        if _NOT_AFTER_COUNT.match(text, m.end()) or _restates_a_list(text, m.start(), _CN_DIGITS[m.group("cn")]):
            continue  # 四个月之内: a duration; “兴工强镇、…、作风转变”六个重点: the quoted items counted
        found.append(
            Quantity(m.start(), m.end(), m.group(0), Decimal(_CN_DIGITS[m.group("cn")]), None, Decimal(1),
                     "count", "exact", False)
        )
    for m in WORD_QUANTITY.finditer(text) if "半" in text or "两位数" in text or "翻" in text else ():
        w = m.group("w")
        if w.replace("了", "") in _DOUBLINGS and _LEVEL_AFTER.match(text, m.end()):
            continue  # 上市公司总数翻番、达19家: the level that follows says it, and is the figure
        if w.replace("了", "") in _DOUBLINGS:  # 地区生产总值翻一番: a change of +100%, in words
            found.append(Quantity(m.start(), m.end(), m.group(0), Decimal(_DOUBLINGS[w.replace("了", "")]), None, Decimal(1), "pct",
                                  "lower" if m.group("post") else "exact", False, "doubling"))
        elif "两位数" in w:
            found.append(Quantity(m.start(), m.end(), w, None, None, Decimal(1), "pct", "lower", False, "double_digit"))
        else:
            found.append(Quantity(m.start(), m.end(), w, Decimal(50), None, Decimal(1), "pct", "lower", False, "half"))
    for m in TIMES_GROWTH.finditer(text) if "倍" in text else ():
        found.append(Quantity(m.start("n"), m.end(), text[m.start("n") : m.end()], Decimal(m.group("n")) * 100, None,
                              Decimal(1), "pct", "exact", False))
    found.sort(key=lambda q: q.start)
    return found


_OPENING_QUOTES = "“\"「‘"
_CLOSING_QUOTES = "”\"」’"
_CLAUSE_OPENERS = re.compile(r"[,，;；(（。]")
# the label a slogan's part is explained under: 两核:中坝、尚书坝两个…核心区 (of 一带两核四片)
_SLOGAN_LABEL = re.compile(r"(?P<cn>[一二三四五六七八九十两])[\u4e00-\u9fff]{1,2}[:：]")


def _restates_a_list(text: str, pos: int, count: int) -> bool:
    """A count in words that only restates what is written before it: the items of a quoted list just closed
    (突出“A、B、C”三个重点), or a slogan's label that opens its clause with the same numeral (两核:A、B两个…)."""
    if pos and text[pos - 1] in _CLOSING_QUOTES:
        opening = max(text.rfind(q, 0, pos - 1) for q in _OPENING_QUOTES)
        if opening >= 0 and text.count("、", opening, pos) + 1 == count:
            return True
    clauses = list(_CLAUSE_OPENERS.finditer(text, max(0, pos - 40), pos))
    start = clauses[-1].end() if clauses else max(0, pos - 40)
    label = _SLOGAN_LABEL.match(text, start)
    return label is not None and label.end() <= pos and _CN_DIGITS.get(label.group("cn")) == count


def _fills_quotes(text: str, start: int, end: int) -> bool:
    """`“18条”政策`: a figure that is all a quotation holds is the name of a policy or a programme."""
    return start > 0 and end < len(text) and text[start - 1] in _OPENING_QUOTES and text[end] in _CLOSING_QUOTES


def _lends_a_unit(text: str, end: int) -> bool:
    """A bare number before a list's counted figure (研发中心28、19家), unless that figure is no count itself
    (高于全省2.0、1.5、0.8个百分点: percentage-point gaps)."""
    if not text.startswith("、", end):
        return False
    listed = _LIST_UNIT.match(text, end)
    return listed is not None and not _NOT_AFTER_COUNT.match(text, listed.end())


def _names_a_policy(text: str, start: int, end: int) -> bool:
    """`出台稳链纾困35条`, `“龙10条”`: articles counted in a policy's name, no noun of their own after them."""
    if end < len(text) and text[end] not in _CLOSING_QUOTES and text[end] not in "、,，;；。等和及与政":
        return False
    return (start > 0 and _inside_quotes(text, start) and end < len(text) and text[end] in _CLOSING_QUOTES) \
        or bool(_POLICY_ISSUED.search(text, 0, start))


def _inside_quotes(text: str, pos: int) -> bool:
    return text.count("“", 0, pos) > text.count("”", 0, pos)
