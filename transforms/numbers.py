"""The number grammar: find quantities (value, magnitude, unit, bound, mask) in Chinese report prose.

Decimal arithmetic keeps 773.76亿 exact; masked digits (`**`, `*.*`, `xx.51`) never become values.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

MULTIPLIERS: dict[str, Decimal] = {
    "": Decimal(1), "千": Decimal(10) ** 3, "万": Decimal(10) ** 4, "百万": Decimal(10) ** 6,
    "千万": Decimal(10) ** 7, "亿": Decimal(10) ** 8, "万亿": Decimal(10) ** 12,
}
COUNT_CLASSIFIERS = (
    "人次", "家次", "家", "个", "项", "人", "名", "次", "起", "件", "只", "座", "扇", "条", "户", "台", "本",
    "批", "场", "所", "栋", "幢", "套", "处", "宗", "块", "间", "辆", "株", "艘", "架", "部",
)
UNIT_WORDS: dict[str, str] = {
    "美元": "USD", "元": "CNY", "吨标准煤": "tce", "吨标煤": "tce", "吨": "t", "千瓦时": "kWh",
    "平方公里": "km2", "平方千米": "km2", "平方米": "m2", "平米": "m2", "㎡": "m2", "立方米": "m3",
    "方": "m3", "公里": "km", "千米": "km", "米": "m", "亩": "mu", "%": "pct",
}
for _c in COUNT_CLASSIFIERS:
    UNIT_WORDS[_c] = "count"

_NUMCH = r"(?:[0-9*×]|(?<![A-Za-z])(?:XX|xx|X|x|__|_)(?![A-Za-z]))"
_NUM = rf"{_NUMCH}+(?:\.{_NUMCH}+)?"
_UNITS = "|".join(re.escape(u) for u in sorted(UNIT_WORDS, key=len, reverse=True))
QUANTITY = re.compile(
    rf"(?P<num>{_NUM})(?P<pct1>%)?"
    rf"(?:\s*[-—–~～至到]\s*(?P<num2>{_NUM}))?"
    r"(?P<post0>余|多)?"
    r"(?P<mag>万亿|亿|千万|百万|万|千(?![米瓦]))?"
    r"(?P<post1>余|多)?"
    rf"(?P<unit>{_UNITS})?"
    r"(?P<per>/[年日天月])?"
    r"(?P<post>以上|以下|以内|左右|余|多)?"
)
_MASK_CHARS = re.compile(r"[*×Xx_]")
_CN_DIGITS = {"两": 2, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9, "十": 10}
CHINESE_COUNT = re.compile(
    r"(?<![第前后每这那一二三四五六七八九十百千万两])(?P<cn>[两二三四五六七八九十])"
    r"(?P<unit>个|家|条|项|座|名|所|栋|幢|处)(?![一二三四五六七八九十百“\"「方面层次级])"
)
WORD_QUANTITY = re.compile(r"(?P<w>一半以上|半数以上|过半|两位数增长|两位数以上增长)")
_PRE_BOUND = re.compile(r"(不少于|不低于|不超过|不高于|超过|突破|约|近|超|逾|破)$")
_POST_BOUND = {"以上": "lower", "余": "lower", "多": "lower", "以下": "upper", "以内": "upper", "左右": "approx"}
_PRE_BOUND_MAP = {
    "不少于": "lower", "不低于": "lower", "超过": "lower", "突破": "lower", "超": "lower", "逾": "lower", "破": "lower",
    "不超过": "upper", "不高于": "upper", "约": "approx", "近": "approx",
}
_NOT_AFTER = re.compile(r"^(?:年|月|日|号|时|周年|周|届|期|级|版|代|倍|位|强|星|A|G|K|楼|路|号线|英寸|寸|\+|D)")
_NOT_BEFORE = re.compile(r"(?:第|前|后|近\d*|[A-Za-z+\-/.])$")


@dataclass
class Quantity:
    start: int
    end: int
    raw: str
    value: Decimal | None
    value_high: Decimal | None
    multiplier: Decimal
    unit: str | None  # canonical unit; "pct" for any percentage; None for a bare magnitude
    bound: str
    masked: bool
    word: str | None = None  # special word quantities: "half", "double_digit"

    @property
    def is_percent(self) -> bool:
        return self.unit == "pct"


def to_decimal(num: str) -> Decimal | None:
    if _MASK_CHARS.search(num):
        return None
    try:
        return Decimal(num)
    except InvalidOperation:
        return None


def _is_mask_only_junk(num: str) -> bool:
    """X or _ alone is a mask only next to a unit; a lone letter x in prose is not a number."""
    return not re.search(r"[0-9*×]", num) and len(num) > 4


def _bound_before(text: str, start: int) -> tuple[str, int]:
    m = _PRE_BOUND.search(text[max(0, start - 3) : start])
    if not m:
        return "exact", start
    word = m.group(1)
    return _PRE_BOUND_MAP[word], start - len(word)


def scan(text: str) -> list[Quantity]:
    """Every quantity in `text` (as transforms.reading gives it), in order. Dates, ordinals and codes are skipped."""
    found: list[Quantity] = []
    for m in QUANTITY.finditer(text):
        num, unit_word, mag = m.group("num"), m.group("unit"), m.group("mag") or ""
        if m.group("pct1"):
            unit_word = "%"
            if m.group("num2") and text[m.end() - 1 : m.end()] != "%" and m.group("unit") != "%":
                continue
        if _is_mask_only_junk(num):
            continue
        if not re.search(r"[0-9*×]", num) and not unit_word:
            continue  # a bare x or _ is prose, not a masked number
        before = text[max(0, m.start() - 3) : m.start()]
        if _NOT_BEFORE.search(before) and not (before.endswith(("近",)) and unit_word):
            continue
        after = text[m.end() : m.end() + 3]
        if unit_word is None and _NOT_AFTER.match(text[m.end() - len(m.group("post") or "") :]):
            continue
        if unit_word == "个" and after.startswith("百分点"):
            continue
        if unit_word is None and not mag:
            continue  # no unit, no magnitude: dates, codes, list counters, bare numbers
        value = to_decimal(num)
        masked = value is None
        high = to_decimal(m.group("num2")) if m.group("num2") else None
        masked = masked or bool(m.group("num2") and high is None)
        bound, start = _bound_before(text, m.start())
        post = m.group("post") or m.group("post1") or m.group("post0")
        if post:
            bound = _POST_BOUND[post]
        if m.group("num2"):
            bound = "range"
        unit = UNIT_WORDS.get(unit_word) if unit_word else None
        if unit_word == "方":
            unit = "m2" if re.search(r"(房屋|征迁|拆除|拆违|建筑)[^，,。；;]{0,6}$", text[: m.start()]) else "m3"
        end = m.end()
        raw = text[start:end]
        found.append(Quantity(start, end, raw, value, high, MULTIPLIERS[mag], unit, bound, masked))
    for m in CHINESE_COUNT.finditer(text):
        if _inside_quotes(text, m.start()):
            continue
        found.append(
            Quantity(m.start(), m.end(), m.group(0), Decimal(_CN_DIGITS[m.group("cn")]), None, Decimal(1),
                     "count", "exact", False)
        )
    for m in WORD_QUANTITY.finditer(text):
        w = m.group("w")
        if "两位数" in w:
            found.append(Quantity(m.start(), m.end(), w, None, None, Decimal(1), "pct", "lower", False, "double_digit"))
        else:
            found.append(Quantity(m.start(), m.end(), w, Decimal(50), None, Decimal(1), "pct", "lower", False, "half"))
    found.sort(key=lambda q: q.start)
    return found


def _inside_quotes(text: str, pos: int) -> bool:
    return text.count("“", 0, pos) > text.count("”", 0, pos)
