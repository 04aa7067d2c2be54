"""Header labels (索引号, 发布机构, ...) to metadata fields, and the line-level chrome filter."""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import lru_cache
from typing import Any

# field -> labels as printed on portals; spaces between characters are tolerated (索 引 号)
FIELD_LABELS: dict[str, tuple[str, ...]] = {
    "index_no": ("索引号", "索取号", "信息索引号"),
    "publisher": ("发布机构", "发文机关", "发布单位", "信息发布机构"),
    "disclosure": ("公开方式", "公开形式"),
    "scope": ("公开范围",),
    "topic": ("主题分类", "主题词分类", "信息分类"),
    "category": ("组配分类", "体裁分类"),
    "doc_no": ("发文字号", "文件编号", "文号"),
    "written_date": ("成文日期",),
    "issued_date": ("发文日期", "生成日期"),  # see settle_dates
    "published_at": ("发布日期", "发布时间", "公开日期", "公开时间", "时间", "日期"),
    "source": ("信息来源", "来源", "稿源"),
    "title": ("文件名称", "标题", "名称"),
}
# labels that only delimit: their values are chrome
JUNK_LABELS: tuple[str, ...] = (
    "浏览次数", "访问次数", "点击数", "点击量", "阅读次数", "浏览量", "字体", "字号", "分享到", "分享",
    "打印", "有效性", "关键词", "责任编辑", "作者", "编辑", "阅读", "点击", "访问量", "文章类型", "责编", "审核", "校对",
    "审校", "初审", "复审", "终审", "监制", "生效时间", "废止时间", "失效时间", "生效日期", "废止日期", "失效日期",
)

_label_to_field: dict[str, str | None] = {}
for _field, _labels in FIELD_LABELS.items():
    for _label in _labels:
        _label_to_field[_label] = _field
for _label in JUNK_LABELS:
    _label_to_field[_label] = None


_LABEL_MAX = max(map(len, _label_to_field))
_LABEL_SIZES = sorted({len(label) for label in _label_to_field}, reverse=True)
_LABEL_LAST_CHARS = frozenset(label[-1] for label in _label_to_field)
_LABEL_SPACES = " \u3000"  # printed between a label's characters (索 引 号) and before its colon
_LABEL_OPENERS = "|【["  # a label starts a line or a cell, or follows a space or one of these
_COLONS = re.compile("[:：]")
_LONGEST_LABEL = 2 * _LABEL_MAX + 4  # spaced out (索 引 号), colon and padding
_WS = re.compile(r"[\s\u3000\u00a0]+")

_DATE_TEXT = r"\d{4}\s*[-/.年]\s*\d{1,2}\s*[-/.月]\s*\d{1,2}\s*日?(?:\s*\d{1,2}\s*[:：时]\s*\d{1,2}(?:\s*[:：分]\s*\d{1,2})?[分秒]?)?"
_BARE_DATE = re.compile(_DATE_TEXT)
# a date printed after a name in a byline without a label of its own
_TRAILING_DATE = re.compile(f"\\s+({_DATE_TEXT})$")
_NAME_FIELDS = frozenset(("source", "publisher"))
_INDEX_NO = re.compile(r"^([0-9A-Za-z\-]+)/(\d{4})[-—‐_]?(\d+)$")
_DATE = re.compile(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?(?:\s*(\d{1,2})\s*[:：时]\s*(\d{1,2})(?:\s*[:：分]\s*(\d{1,2}))?)?")


def canonical_label(text: str) -> str:
    return _WS.sub("", text).rstrip(":：")


def label_field(text: str) -> tuple[bool, str | None]:
    """(is a known label, field it fills or None for chrome labels)."""
    key = text.rstrip(":：")
    if key in _label_to_field:
        return True, _label_to_field[key]
    if len(text) > _LONGEST_LABEL:
        return False, None
    key = canonical_label(text)
    if key in _label_to_field:
        return True, _label_to_field[key]
    return False, None


def _is_bare_label(cell: str) -> bool:
    """A cell that is only a label (spaced out or not), with at most one colon."""
    if cell.endswith((":", "：")):
        cell = cell[:-1]
    if cell in _label_to_field:
        return True
    if len(cell) > _LONGEST_LABEL or (" " not in cell and "\u3000" not in cell):
        return False
    return cell.rstrip(_LABEL_SPACES).replace(" ", "").replace("\u3000", "") in _label_to_field


def _on_label_boundary(line: str, start: int) -> bool:
    return start == 0 or line[start - 1].isspace() or line[start - 1] in _LABEL_OPENERS


def _label_before(line: str, colon: int, glued: bool = False) -> tuple[int, str] | None:
    """(start, label) of the longest known label that ends right before the colon at `colon`.

    The label must start the line or follow whitespace or an opener, or with `glued` (a label came before it on
    the line) be one of four characters or more (来源：市统计局发布日期：): spaces may stand between its characters
    and before the colon. A few slices per colon instead of a regex alternation of every label at every position.
    """
    end = colon
    while end > 0 and line[end - 1] in _LABEL_SPACES:
        end -= 1
    if end == 0 or line[end - 1] not in _LABEL_LAST_CHARS:
        return None
    window = line[max(0, end - 2 * _LABEL_MAX) : end]
    if " " not in window and "\u3000" not in window:
        for size in _LABEL_SIZES:  # longest first: the regex-like leftmost match
            start = end - size
            if start >= 0 and line[start:end] in _label_to_field and (
                    (glued and size >= _GLUED_MIN) or _on_label_boundary(line, start)):
                return start, line[start:end]
        return None
    chars: list[str] = []  # spaced-out label: read backwards over its characters
    found: tuple[int, str] | None = None
    pos = end
    while pos > 0 and len(chars) < _LABEL_MAX:
        pos -= 1
        if line[pos] in _LABEL_SPACES:
            continue
        chars.append(line[pos])
        label = "".join(reversed(chars))
        if label in _label_to_field and ((glued and len(label) >= _GLUED_MIN) or _on_label_boundary(line, pos)):
            found = (pos, label)
    return found


_GLUED_MIN = 4
_LEAD_MAX = 30  # 青岛政务网 发布日期：…, 河南省人民政府门户网站 www.henan.gov.cn 时间：…
_SENTENCE_MARKS = re.compile("[，。；！？,;]")
_Spans = tuple[tuple[int, int], ...]  # where a value's pieces stand in the line
_PairSpans = tuple[tuple[str | None, _Spans], ...]
_VALUE_EDGES = " |【】[]"


def _inline_spans(line: str, offset: int, stop: int) -> list[tuple[str | None, _Spans]] | None:
    """`label: value label: value` in line[offset:stop] to (field, value span) pairs, or None when that text
    does not start with a label."""
    text = line[offset:stop]
    matches: list[tuple[int, int, str]] = []  # (label start, after the colon, label)
    for colon in _COLONS.finditer(text):
        hit = _label_before(text, colon.start(), bool(matches))
        if hit is not None and (not matches or hit[0] >= matches[-1][1]):
            matches.append((hit[0], colon.end(), hit[1]))
    if not matches:
        return None
    pairs: list[tuple[str | None, _Spans]] = []
    lead = text[: matches[0][0]]
    if lead.strip(_VALUE_EDGES):  # before the first label: a byline's unlabelled date, or its site name
        date = _BARE_DATE.search(lead)
        if date is not None and not (lead[: date.start()] + lead[date.end() :]).strip(_VALUE_EDGES):
            pairs.append(("byline_date", ((offset + date.start(), offset + date.end()),)))
        elif len(matches) < 2 or len(lead) > _LEAD_MAX or _SENTENCE_MARKS.search(lead):
            return None
    for i, (_, value_start, label) in enumerate(matches):
        value_end = matches[i + 1][0] if i + 1 < len(matches) else len(text)
        value = text[value_start:value_end]
        kept = value.lstrip(_VALUE_EDGES)
        start = offset + value_start + len(value) - len(kept)
        end = start + len(kept.rstrip(_VALUE_EDGES))
        field = _label_to_field[label]
        date = _TRAILING_DATE.search(line, start, end) if field in _NAME_FIELDS else None
        if date is not None and date.start() > start:  # 来源：云南日报 2016-08-11 08:13:00
            pairs.append((field, ((start, date.start()),)))
            pairs.append(("byline_date", ((date.start(1), end),)))
        else:
            pairs.append((field, ((start, end),)))
    return pairs


def _close(pairs: list[tuple[str | None, _Spans]], field: str | None | bool, values: list[tuple[int, int]]) -> None:
    pairs.append((field if isinstance(field, str) else None, tuple(values)))


@lru_cache(maxsize=8192)
def _label_spans(shape: str) -> _PairSpans | None:
    """parse_label_line's answer for every line of this shape, as spans."""
    if "|" not in shape:
        inline = _inline_spans(shape, 0, len(shape))
        return tuple(inline) if inline is not None else None
    pairs: list[tuple[str | None, _Spans]] = []
    current: str | None | bool = False  # False: no label seen yet
    values: list[tuple[int, int]] = []
    found = False
    stop = -1
    for raw in shape.split("|"):
        start, stop = stop + 1, stop + 1 + len(raw)
        cell = raw.strip()
        if not cell:
            continue
        start += len(raw) - len(raw.lstrip())
        if _is_bare_label(cell):
            if current is not False:
                _close(pairs, current, values)
            current, values, found = label_field(cell)[1], [], True
            continue
        inline = _inline_spans(shape, start, start + len(cell)) if ":" in cell or "：" in cell else None
        if inline:
            if current is not False:
                _close(pairs, current, values)
                current, values = False, []
            pairs.extend(inline)
            found = True
            continue
        if current is False:
            return None  # text before any label: not a header row
        values.append((start, start + len(cell)))
    if current is not False:
        _close(pairs, current, values)
    return tuple(pairs) if found else None


# The parse never asks which digit a character is, so lines that differ only in their digits (dates, index
# numbers: every page's header) share one parse. Masked as UTF-8 bytes: str.translate over CJK text is 6x slower,
# and ASCII digits stay one character each, so spans in the shape are spans in the line.
_DIGITS_AS_ZERO = bytes.maketrans(b"123456789", b"000000000")


def _digit_shape(line: str) -> str | None:
    """The line with its ASCII digits masked, or None when it cannot be a label line."""
    if "|" not in line and ":" not in line and "：" not in line:
        return None
    return line.encode("utf-8", "surrogatepass").translate(_DIGITS_AS_ZERO).decode("utf-8", "surrogatepass")


def parse_label_line(line: str) -> list[tuple[str | None, str]] | None:
    """Split a header line into (field, value) pairs, or None when it is not a label line.

    Handles `label: value label: value`, pipe tables `label: | value |` and `label | value |`.
    """
    shape = _digit_shape(line)
    spans = _label_spans(shape) if shape is not None else None
    if spans is None:
        return None
    return [(field, " ".join([line[start:end] for start, end in pieces])) for field, pieces in spans]


@lru_cache(maxsize=4096)  # a page's dates repeat in its header (written, published) and across a portal's pages
def normalise_date(text: str | None, with_time: bool) -> str | None:
    if not text:
        return None
    m = _DATE.search(text)
    if not m:
        return None
    y, mo, d, hh, mi, ss = m.groups()
    if (y + mo + d).isascii():  # zfill is int formatting for ASCII digits, at a fraction of the cost
        out = f"{y}-{mo.zfill(2)}-{d.zfill(2)}"
    else:
        out = f"{int(y):04d}-{int(mo):02d}-{int(d):02d}"
    if with_time and hh is not None:
        out += f" {int(hh):02d}:{int(mi):02d}"
        if ss is not None:
            out += f":{int(ss):02d}"
    return out


_TRAILING_CHROME = re.compile(r"(?:\s+(?:打印|打印本页|分享|关闭|字体|【?大\s*中\s*小】?))+$")
_TRAILING_CHROME_ENDS = ("打印", "打印本页", "分享", "关闭", "字体", "小", "小】")


# field -> with time. issued_date (发文日期, 生成日期) and byline_date (a byline's unlabelled date) are the page's own
# words for dates the header states without a publication label: settle_dates turns them into fields
_DATE_FIELDS = {"written_date": False, "published_at": True, "issued_date": True, "byline_date": True}


def _without_trailing_chrome(value: str) -> str:
    return _TRAILING_CHROME.sub("", value) if value.endswith(_TRAILING_CHROME_ENDS) else value


def _stored_value(field: str, value: str) -> str:
    """A header value as stored: spaces, trailing print/share/font links and dates normalised."""
    value = _without_trailing_chrome(" ".join(value.split()))
    if field in _DATE_FIELDS:
        value = normalise_date(value, with_time=_DATE_FIELDS[field]) or ""
    return value


@lru_cache(maxsize=8192)
def _values_plan(shape: str) -> tuple[tuple[str, _Spans, int | None, bool | None], ...] | None:
    """The stored values of every line of this digit shape: (field, value pieces, characters kept after the
    trailing-chrome cut or None when the value's spacing needs normalising line by line, and for dates whether
    with the time). The cut, an empty value and a value without a date read alike in every line of the shape."""
    spans = _label_spans(shape)
    if spans is None:
        return None
    plan: list[tuple[str, _Spans, int | None, bool | None]] = []
    for field, pieces in spans:
        if field is None:
            continue
        joined = " ".join([shape[start:end] for start, end in pieces])
        if " ".join(joined.split()) != joined:
            plan.append((field, pieces, None, None))
            continue
        kept = _without_trailing_chrome(joined)
        if kept and (field not in _DATE_FIELDS or _DATE.search(kept)):
            plan.append((field, pieces, len(kept), _DATE_FIELDS.get(field)))
    return tuple(plan)


def label_line_values(line: str) -> tuple[tuple[str, str], ...] | None:
    """The (field, value) pairs a header line stores: parse_label_line's pairs without chrome labels and empty
    values, each value through _stored_value. Planned once per digit shape: every page's header lines differ
    from the last page's only in dates and index numbers."""
    shape = _digit_shape(line)
    plan = _values_plan(shape) if shape is not None else None
    if plan is None:
        return None
    values: list[tuple[str, str]] = []
    for field, pieces, kept, with_time in plan:
        if kept is None:
            value = _stored_value(field, " ".join([line[start:end] for start, end in pieces]))
        else:
            if len(pieces) == 1:  # most values: one cell
                value = line[pieces[0][0] : pieces[0][0] + kept]
            else:
                value = " ".join([line[start:end] for start, end in pieces])[:kept]
            if with_time is not None:
                value = normalise_date(value, with_time) or ""
        if value:
            values.append((field, value))
    return tuple(values)


def fill_fields(meta: dict[str, Any], values: Sequence[tuple[str, str]]) -> None:
    """First value wins: the wide header table comes before any repeated copy."""
    for field, value in values:
        if meta.get(field) is None:
            meta[field] = value


def settle_dates(meta: dict[str, Any], tagged: str | None) -> None:
    """published_at from what the page shows: a labelled publication date, else a byline's unlabelled date, else
    an issue or generation date (发文日期, 生成日期: the only date some 政府信息公开 headers print), else the date a
    <meta> tag gives (`tagged`: often a later re-publication, not the date on the page). A drafting date (成文日期)
    is never taken for a publication date. The issue date is the written date when none is labelled."""
    issued = meta.pop("issued_date", None)
    byline = meta.pop("byline_date", None)
    if meta.get("written_date") is None and issued:
        meta["written_date"] = issued[:10]
    if meta.get("published_at") is None:
        meta["published_at"] = byline or issued or tagged


_LONE_DATE = re.compile(f"[(（\\[【]?\\s*({_DATE_TEXT})\\s*[)）\\]】]?")
_LONE_DATE_MAX = 32


def lone_date(line: str) -> str | None:
    """The date of a line that is only a date (a byline's date on a line of its own), with its time."""
    if len(line) > _LONE_DATE_MAX or not (line[:1].isdigit() or line[:1] in "(（[【"):
        return None
    m = _LONE_DATE.fullmatch(line)
    return normalise_date(m.group(1), True) if m else None


# Labels read only when they stand alone on a line above the body (a <dl> header's 责任部门： then its value):
# in a work plan's text 责任部门：县财政局 follows every task
LONE_LABELS: dict[str, str] = {"责任部门": "publisher"}


def lone_label_field(line: str) -> str | None:
    """The field of a line that is one label and its colon (索 引 号：): a <dl> header puts the value on the next line."""
    if not line.endswith((":", "：")) or len(line) > _LONGEST_LABEL:
        return None
    return label_field(line)[1] or LONE_LABELS.get(canonical_label(line))


def column_fields(line: str) -> tuple[str | None, ...] | None:
    """The fields of a header row of labels (索取号 | 发布时间 | 发布机构 | 文件编号 | 备注), whose values stand cell by cell
    in the next row; None for any other line. One cell may be a column the header does not know (备注)."""
    if line.count("|") < 2:
        return None
    cells = [cell.strip() for cell in line.split("|")]
    if "" in cells:
        return None
    fields = [label_field(cell)[1] if _is_bare_label(cell) else False for cell in cells]
    if fields.count(False) > 1 or len(fields) - fields.count(False) < 3:
        return None
    return tuple(field if isinstance(field, str) else None for field in fields)


def row_values(fields: Sequence[str | None], line: str) -> list[tuple[str, str]]:
    """The stored values of a row under a header row of labels (column_fields)."""
    pairs = []
    for field, cell in zip(fields, line.split("|"), strict=False):
        if field is not None and (value := _stored_value(field, cell.strip())):
            pairs.append((field, value))
    return pairs


def derive_index_fields(meta: dict[str, Any]) -> None:
    index_no = meta.get("index_no")
    meta.setdefault("index_org", None)
    meta.setdefault("index_year", None)
    meta.setdefault("index_seq", None)
    meta.setdefault("region", None)
    if not index_no:
        return
    index_no = index_no.replace(" ", "")
    meta["index_no"] = index_no
    m = _INDEX_NO.match(index_no)
    if not m:
        return
    org, year, seq = m.groups()
    meta["index_org"], meta["index_year"], meta["index_seq"] = org, int(year), seq
    if org.startswith("11") and len(org) == 18 and org[2:8].isdigit():
        meta["region"] = org[2:8]


# ---- chrome -------------------------------------------------------------------------------------

_BREADCRUMB = re.compile(r"^(当前位置|您的位置|您现在的位置|所在位置|位置)\s*[:：]|^首页\s*[>»›|]|^[>»›]\s*\S")
_CHROME_LINE = re.compile(
    r"^(分享到?[:：]?|分享[到至].{0,16}|打印|打印本页|【?打印本页】?|关闭|关闭窗口|关闭本页|【关闭窗口】|【关闭本页】|扫一扫.*|"
    r"相关附件.*|相关链接.*|上一篇.*|下一篇.*|返回顶部|\[?\s*关闭\s*\]?|字体[:：].*|字号[:：].*|【字体[:：].*】|"
    r"责任编辑[:：].*|网站地图.*|联系我们.*|主办单位[:：].*|承办单位[:：].*|运行维护单位[:：].*|技术支持[:：].*|"
    r"微信公众号|政务微博|头条号|手机版.*|电脑版.*|无障碍.*|跳转到主要内容.*|x|X|×|[*.·\s]+|"
    # QR codes, accounts and apps the site promotes; headings of related-article and link lists
    r"(?=.{0,12}扫一扫)(?=.*(?:分享|打开|关注|下载|查看|当前页|此页|本页|小程序|公众号|在手机|手机上|手机扫一扫|微信扫一扫))"
    r".{0,12}扫一扫.{0,30}|"
    r"微信分享.*|关注(?:我们|本站|本网)?的?(?:官方)?(?:微信公众号|公众号|微信|微博|抖音|头条号)[^，。；！？]{0,20}|"
    r".{0,8}下载.{0,10}(?:APP|App|app|客户端)|(?:本站|网站)支持IPv6|(?:本站|网站)支持IPV6|"
    r"(?:相关(?:阅读|新闻|文章|稿件|文档|信息|报道|推荐)|关联(?:稿件|文章)|附件下载|友情链接|推荐阅读|延伸阅读)[:：>» ]*|"
    # an editor's credit in brackets after the text: （责任编辑：张三）
    r"[（(【\[]\s*(?:责任编辑|编辑|责编|审核|校对|审校|初审|复审|终审|监制)[:：][^）)】\]]{0,30}[）)】\]])$"
)
_CHROME_ANYWHERE = re.compile(
    r"版权所有|ICP备|ICP证|公网安备|网站标识码|浏览次数|查看隐藏内容|需先登录|【打印本页】|【关闭本页】|【关闭窗口】|打印本页\s*关闭窗口|"
    r"阅读次数|Copyright|All Rights Reserved|©|您访问的链接即将离开"
)
# Bars of page controls and footer link rows, one short line of nothing but these (返回顶部 打印本页,
# 网站大事记| 网站地图| 使用说明| 隐私保护| 联系我们, 打印 微博)
_CHROME_TOKENS = frozenset((
    "打印", "打印本页", "打印此页", "打印页面", "关闭", "关闭窗口", "关闭本页", "关闭页面", "关闭当前页面", "返回顶部",
    "返回首页", "返回", "收藏", "加入收藏", "设为首页", "分享", "分享到", "微信", "微博", "新浪微博", "腾讯微博", "QQ",
    "QQ空间", "更多", "大", "中", "小", "默认", "放大", "缩小", "正常", "大中小", "字体", "字号", "内容纠错", "纠错", "保存",
    "听全文", "网站地图", "网站导航", "站点地图", "联系我们", "关于我们", "网站声明", "隐私声明", "隐私保护", "法律声明",
    "免责声明", "版权声明", "版权保护", "网站帮助", "使用帮助", "使用说明", "常见问题", "建议意见", "意见建议", "网站纠错",
    "网站大事记", "主编信箱", "友情链接", "手机版", "电脑版", "移动版", "无障碍", "长者模式", "繁體", "简体", "登录",
    "注册", "退出", "手机客户端", "官方微博", "官方微信", "微信公众号", "政务微博", "新媒体矩阵", "微信矩阵", "我要纠错",
))
_TOKEN_SPLIT = re.compile(r"[\s|｜/【】\[\]:：]+")
_TOKENS_MAX = 60
_TOKEN_FIRSTS = frozenset(token[0] for token in _CHROME_TOKENS) | frozenset("【[|")
# Lines that open what follows an article: its related articles, link lists, the site's legal notices
_TAIL_HEADING = re.compile(
    r"(?:相关(?:链接|阅读|新闻|文章|稿件|文档|信息|报道|推荐)|关联(?:稿件|文章)|延伸阅读|推荐阅读|热点推荐|猜你喜欢|友情链接|"
    r"版权与免责声明|免责声明|版权声明|上一篇|下一篇)(?:$|[\s:：>»(（])"
)
_MASK_RESIDUE_START = re.compile(r"^(?=[*.]*\*)(?=[*.]*\.)[*.]{6,}")
_MASK_RESIDUE_END = re.compile(r"(?<=[。!?！？”])(?=[*.]*\*)(?=[*.]*\.)[*.]{6,}$")


def is_breadcrumb(line: str) -> bool:
    return bool(_BREADCRUMB.match(line)) and len(line) < 200 and "。" not in line


def breadcrumb_parts(lines: Sequence[str]) -> list[str]:
    parts: list[str] = []
    for line in lines:
        line = re.sub(r"^(当前位置|您的位置|您现在的位置|所在位置|位置)\s*[:：]", "", line)
        for part in re.split(r"[>»›|]", line):
            part = part.strip()
            if part and part not in ("首页", "网站首页", "主页"):
                parts.append(part)
    return parts


CHROME_MAX_LEN = 120


def is_chrome_line(line: str) -> bool:
    """Lines that are page furniture wherever they stand (short ones only: body text is never dropped)."""
    if len(line) > CHROME_MAX_LEN:
        return False
    if _CHROME_LINE.match(line) or _CHROME_ANYWHERE.search(line):
        return True
    if len(line) > _TOKENS_MAX or line[:1] not in _TOKEN_FIRSTS:
        return False
    tokens = [token for token in _TOKEN_SPLIT.split(line) if token]
    return bool(tokens) and all(token in _CHROME_TOKENS for token in tokens)


def is_tail_heading(line: str) -> bool:
    """A heading that ends an article's text on the page: related articles, link lists, legal notices follow."""
    return len(line) <= _TAIL_HEADING_MAX and _TAIL_HEADING.match(line) is not None


_TAIL_HEADING_MAX = 40
TAIL_HEADING_STARTS = frozenset("相关延推热猜友版免上下")  # first characters of _TAIL_HEADING: a set lookup rules most lines out


def strip_mask_residue(line: str) -> str:
    line = _MASK_RESIDUE_START.sub("", line)
    return _MASK_RESIDUE_END.sub("", line)


METADATA_DEFAULTS: dict[str, Any] = {
    "index_no": None, "index_org": None, "index_year": None, "index_seq": None, "publisher": None,
    "disclosure": None, "scope": None, "topic": None, "category": None, "doc_no": None,
    "written_date": None, "published_at": None, "source": None, "title": None, "region": None,
}
