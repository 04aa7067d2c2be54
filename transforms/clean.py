"""A report page (HTML, or text already pulled out of HTML) to metadata + body + outline.

Template knowledge first (Hanweb, TRS, UCAP markers), then a text-density fallback for layouts no template
names (prose against links and short lines, after the title, each text once), then a line-level chrome filter
for whatever is left. Metadata comes from what the page prints; <meta> tags fill only what it leaves out.
"""

from __future__ import annotations

import codecs
import re
from functools import lru_cache
from typing import Any

from lxml import etree

from transforms.decode import decode_bytes
from transforms.html_lines import (
    BLOCK_TAGS,
    CELL_TAGS,
    CONTENT_BEGIN,
    HIDDEN_TAG,
    SKIP_TAGS,
    hide_hidden,
    mark_content,
    normalise_space,
    page_lines,
    parse_html,
)
from transforms.metadata import (
    CHROME_MAX_LEN,
    METADATA_DEFAULTS,
    TAIL_HEADING_STARTS,
    breadcrumb_parts,
    column_fields,
    derive_index_fields,
    fill_fields,
    is_breadcrumb,
    is_chrome_line,
    is_tail_heading,
    label_line_values,
    lone_date,
    lone_label_field,
    normalise_date,
    row_values,
    settle_dates,
    strip_mask_residue,
)
from transforms.models import Document
from transforms.outline import build_outline, document_role, numbered_level

_CJK = re.compile(r"[\u4e00-\u9fff]")
_TITLE_NOISE = re.compile(r"[。；;]")
_DEDUP_MIN = 15
_LABEL_LINE_MAX = 300
_CHROME_MAX = max(CHROME_MAX_LEN, 80)  # longer lines inside the body are paragraphs, whatever they say
# XPath costs ~0.5 us per node and predicate in libxml2, so ids go through the parser's id index (id() is a
# hash lookup), and one pass over the class attributes finds the title and the content templates at once,
# asking only for the class names that are in the raw page.
_CONTENT_IDS = "id('zoom Zoom UCAP-CONTENT cmsArticleContent')"
_BY_ID = etree.XPath(_CONTENT_IDS)
_UCAP_TAGS = ("ucapcontent", "UCAPCONTENT")
_BY_ID_OR_UCAP_TAG = etree.XPath(f"{_CONTENT_IDS} | //ucapcontent")  # a union keeps document order
_TEMPLATE_CLASSES = ("TRS_Editor", "TRS_UEDITOR", "bt_content", "article-content", "article-body")
# Templates by rank, and whether their elements are found by id (or ucapcontent tag) or by class.
_TEMPLATES: tuple[tuple[str, bool], ...] = (
    ("hanweb-zoom", True), ("trs-editor", False), ("ucap", True), ("hanweb-bt-content", False),
    ("article-content", False),
)


@lru_cache(maxsize=64)
def _classed_query(class_names: tuple[str, ...], with_h1: bool) -> etree.XPath:
    terms = " or ".join(f"contains(., '{name}')" for name in class_names)
    # //*/@class: a walk over elements only, not text; each contains() copies the attribute's value
    return etree.XPath(f"{'//h1 | ' if with_h1 else ''}//*/@class[{terms}]/..")


def _classed_elements(root: etree._Element, text: str, title: bool, templates: bool) -> list[etree._Element]:
    """In document order: <h1>s and elements whose class names a title (when `title`), and elements whose class
    names a content template the page mentions (when `templates`). One walk, asking only for what is needed."""
    names = (("title",) if title else ()) + (tuple(n for n in _TEMPLATE_CLASSES if n in text) if templates else ())
    return _classed_query(names, title)(root) if names else []


# every title candidate: headings, and classes that name a title (Title: NewsTitle; tit: p.tit, xx-tit)
_TITLE_CANDIDATES = etree.XPath("//h1 | //h2 | //h3 | //*/@class[contains(., 'tit') or contains(., 'Tit')]/..")


def _title_like(line: str) -> bool:
    return (
        6 <= len(line) <= 90
        and bool(_CJK.search(line))
        and not _TITLE_NOISE.search(line)
        and numbered_level(line) is None
        and not line.endswith((":", "：", ",", "，"))
    )


def _new_meta() -> dict[str, Any]:
    return dict(METADATA_DEFAULTS, column_path=[])


# Headers, bylines, share bars and footers repeat on every page of a portal: each check runs once per distinct
# line (breadcrumbs and footers: once per distinct set of lines). lru_cache answers a repeat in C, where a dict
# lookup behind a Python helper cost several times more; distinct paragraphs only age out of it.
_SEEN_LINES_MAX = 16384
_FOOTERS_MAX = 256  # footers can be long (related-article lists): keep few
_breadcrumb = lru_cache(maxsize=_SEEN_LINES_MAX)(is_breadcrumb)
_chrome = lru_cache(maxsize=_SEEN_LINES_MAX)(is_chrome_line)
_title_like_line = lru_cache(maxsize=_SEEN_LINES_MAX)(_title_like)


@lru_cache(maxsize=_SEEN_LINES_MAX)
def _label_values(line: str) -> tuple[tuple[str, str], ...] | None:
    """The header values of a label line (None: not a label line)."""
    return label_line_values(line) if len(line) < _LABEL_LINE_MAX else None


@lru_cache(maxsize=_FOOTERS_MAX)
def _column_path(crumbs: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(breadcrumb_parts(crumbs))


def _read_lines(
    lines: list[str], meta: dict[str, Any], find_title: bool, header: bool = False, article: bool = False
) -> list[str]:
    """Fill meta from header/footer lines, return the body lines in order with chrome removed.

    `lines` are whitespace-normalised, not empty, and stripped of cell bars at their ends (page_lines' lines).
    With `article` they hold the article: a related-links or legal-notice heading after its text ends it.
    """
    crumbs: list[str] = []
    body: list[str] = []
    seen: set[str] = set()
    titled = not find_title  # content lines follow the title; other lines, once the title line is passed
    title: str | None = meta["title"]
    skip = 0
    for i, line in enumerate(lines):
        if skip:  # lines an earlier line took: a label's value, a header row's values, the rest of the title
            skip -= 1
            continue
        top = header or not body  # above the body: where titles, breadcrumbs and bylines stand
        if top or len(line) <= _CHROME_MAX:  # longer body lines are paragraphs
            if top and title:  # the title above the body: no other check needed
                if line.startswith(title):
                    if len(line) == len(title):
                        titled = True
                        continue
                    if (date := lone_date(line[len(title) :].strip())) is not None:  # 关于…的通知 ( 2024-05-11)
                        titled = True
                        meta.setdefault("byline_date", date)
                        continue
                elif not body and title.startswith(line) and (skip := _title_rest(lines, i, title)):
                    titled = True
                    skip -= 1
                    continue
            if top and _breadcrumb(line):
                crumbs.append(line)
                continue
            if not body or len(line) < 80:
                pairs = _label_values(line)
                if pairs is None and top and i + 1 < len(lines) and line.endswith((":", "：")) and (
                        lone_label_field(line) is not None):  # a header's 责任部门： with the value below
                    pairs = ()
                if pairs is not None:
                    if len(pairs) > 1 or (pairs and line.count("|") < 2) or i + 1 == len(lines):
                        fill_fields(meta, pairs)  # most label lines: their values are on the line
                    else:
                        skip = _value_lines(pairs, line, lines[i + 1], meta)
                    title = meta["title"]  # a 标题 label gives it too
                    continue
            if article and body and line[:1] in TAIL_HEADING_STARTS and is_tail_heading(line):
                break
            if _chrome(line):
                continue
            if top and titled and (date := lone_date(line)) is not None:
                if meta.get("byline_date") is None:
                    meta["byline_date"] = date
                continue
            if (not body and find_title and title is None
                    and _title_like_line(line)):
                nxt = lines[i + 1] if i + 1 < len(lines) else ""
                if (not nxt or _label_values(nxt) is not None
                        or _chrome(nxt) or _breadcrumb(nxt)):
                    meta["title"] = title = line
                    titled = True
                    continue
        if "*" in line:  # masked figures can leave a residue of *. around the text
            line = strip_mask_residue(line).strip()
            if not line or is_chrome_line(line):
                continue
        if len(line) >= _DEDUP_MIN:
            if line in seen:
                continue
            seen.add(line)
        body.append(line)
    if crumbs and not meta.get("column_path"):
        meta["column_path"] = list(_column_path(tuple(crumbs)))
    return body


_TITLE_LINES_MAX = 3
_ABOVE_TITLE_MAX = 4  # lines, each short: a column heading, a back link, an empty date
_ABOVE_TITLE_LEN = 20


def _from_title(content: list[str], title: str | None) -> list[str]:
    """The content from its title line on, when a container found by density (or a template's wrapper) holds the
    title with a few short lines above it: the column's heading (州市动态, 各地动态), share or font bars."""
    if title and content and len(content[0]) <= _ABOVE_TITLE_LEN and title in content[: _ABOVE_TITLE_MAX + 1]:
        above = content.index(title)
        if all(len(line) <= _ABOVE_TITLE_LEN for line in content[:above]):
            return content[above:]
    return content


def _title_rest(lines: list[str], i: int, title: str) -> int:
    """How many lines from lines[i], which begins the title, print the title over several lines (a <br>, a line
    per <font>), else 0."""
    line = lines[i]
    if len(line) < _TITLE_PREFIX_MIN:
        return 0
    printed = line
    for j in range(i + 1, min(i + _TITLE_LINES_MAX, len(lines))):
        printed += lines[j]
        if printed == title or printed.replace(" ", "") == title.replace(" ", ""):
            return j - i + 1
        if not title.replace(" ", "").startswith(printed.replace(" ", "")):
            return 0
    return 0


_VALUE_LINE_MAX = 60
_CUT = ("...", "…")


def _value_lines(pairs: tuple[tuple[str, str], ...], line: str, nxt: str, meta: dict[str, Any]) -> int:
    """Store the values of a label line with one value at most; 1 when they stand on the next line, which is then
    taken, else 0.

    A header row of labels gives its values in the row below, cell by cell (Shanghai's 索取号 | 发布时间 | ... table);
    a lone label (<dl><dd><label>索 引 号：</label><div>value</div>) gives its value on the next line, unless that line
    is another label, chrome, the title or prose."""
    fields = column_fields(line)
    if fields is not None and _label_values(nxt) is None:
        fill_fields(meta, row_values(fields, nxt))
        return 1
    if not pairs and (field := lone_label_field(line)) is not None and meta.get(field) is None and (
            len(nxt) <= _VALUE_LINE_MAX and nxt != meta.get("title") and _label_values(nxt) is None
            and lone_label_field(nxt) is None and not _chrome(nxt) and not _TITLE_NOISE.search(nxt)):
        fill_fields(meta, row_values((field,), nxt))
        return 1
    fill_fields(meta, pairs)
    return 0


def _finish(meta: dict[str, Any], body_lines: list[str], method: str, tagged: dict[str, str] | None = None) -> Document:
    """`tagged`: what the page's <meta> tags say, taken only where the page's own lines say nothing."""
    tagged = tagged or {}
    settle_dates(meta, tagged.get("published_at"))
    source, full = meta.get("source"), tagged.get("source")
    if source is None or (full and source.endswith(_CUT) and full.startswith(source.rstrip(".…"))):
        meta["source"] = full  # none on the page, or the page's cut short (综合自学习强国、川观新闻、成都体...)
    derive_index_fields(meta)
    outline, _ = build_outline(body_lines, document_role(meta.get("title")))
    return Document(metadata=meta, body="\n".join(body_lines), outline=outline, method=method)


def clean_text(text: str) -> Document:
    meta = _new_meta()
    lines = [line for raw in text.splitlines() if (line := normalise_space(raw).strip("| "))]
    body = _read_lines(lines, meta, find_title=True)
    return _finish(meta, body, "text")


def _has_hanweb_marks(root: etree._Element) -> bool:
    """Hanweb brackets the article with <!--ZJEG_RSS.content.begin--> ... <!--ZJEG_RSS.content.end-->."""
    return any(CONTENT_BEGIN in (comment.text or "") for comment in root.iter(etree.Comment))


def _template_method(el: etree._Element) -> str:
    """Which template a content candidate belongs to ("" when the cheap XPath filter over-matched)."""
    element_id = el.get("id")
    if element_id in ("zoom", "Zoom"):
        return "hanweb-zoom"
    classes = (el.get("class") or "").split()
    if "TRS_Editor" in classes or "TRS_UEDITOR" in classes:  # TRS WCM's editors, old and UEditor-based
        return "trs-editor"
    if el.tag == "ucapcontent" or element_id in ("UCAP-CONTENT", "cmsArticleContent"):
        return "ucap"
    if "bt_content" in classes:
        return "hanweb-bt-content"
    if "article-content" in classes or "article-body" in classes:
        return "article-content"
    return ""


_TEXT_NODES = etree.XPath("//body//text()[normalize-space()]")
_BLOCKS = BLOCK_TAGS | CELL_TAGS
_NOT_TEXT = SKIP_TAGS | {HIDDEN_TAG}
_SENTENCE = re.compile("[，。；！？、：,;]")
_PROSE_MIN = 20  # a block of this many characters is prose even without punctuation
_SHORT_WEIGHT = 0.5  # short blocks without punctuation: menu items, labels, counters
_DENSITY_MIN = 50
_TITLE_PREFIX = 16  # long enough to miss the site name most titles begin with
_TITLE_PREFIX_MIN = 4


def _weight(text: str) -> int:
    """Characters from U+0800 up (CJK and full-width punctuation): the text a Chinese page is made of.
    Counted from the UTF-8 length in C, where a regex over the text costs a Python-level scan."""
    return (len(text.encode("utf-8")) - len(text)) >> 1


def _density_container(root: etree._Element, title: str | None) -> etree._Element | None:
    """The element that holds the most prose, less the links and short lines around it: the article of an
    unknown layout, whatever carries its paragraphs (<p>, <br> runs, nested <section>s, table cells, spans).

    Text up to the title's first occurrence outside a link (menus of other articles) and hidden text do not
    count, and prose counts once: a second copy of the article (mobile view, text-to-speech source) adds nothing
    to its ancestor. When nothing after the title scores, all text counts.
    """
    texts = _TEXT_NODES(root)
    first = title.split()[0][:_TITLE_PREFIX] if title else ""
    if len(first) >= _TITLE_PREFIX_MIN:
        start = next((i + 1 for i, text in enumerate(texts) if first in text and not _in_link(text)), 0)
        if start:
            found = _densest(texts[start:])
            if found is not None:
                return found
    return _densest(texts)


def _in_link(text: Any) -> bool:
    """Whether a text node (an lxml smart string) is the text of a link."""
    el = text.getparent()
    if text.is_tail:
        el = el.getparent()
    return el is not None and (el.tag == "a" or next(el.iterancestors("a"), None) is not None)


def _densest(texts: list[Any]) -> etree._Element | None:
    """_density_container's choice among the blocks these text nodes (document order) belong to."""
    blocks: dict[etree._Element, list[Any]] = {}  # block -> [text pieces, link weight, has punctuation]
    for text in texts:
        el = text.getparent()
        in_link = False
        if text.is_tail:
            el = el.getparent()
        elif el.tag == "a":
            in_link = True
        while el is not None and el.tag not in _BLOCKS:
            if el.tag in _NOT_TEXT:
                break
            el = el.getparent()
            if el is not None and el.tag == "a":
                in_link = True
        if el is None or el.tag in _NOT_TEXT:
            continue
        entry = blocks.get(el)
        if entry is None:
            entry = blocks[el] = [[], 0, False]
        if in_link:
            entry[1] += _weight(text)
        else:
            entry[0].append(text)
            entry[2] = entry[2] or _SENTENCE.search(text) is not None
    scores: dict[etree._Element, float] = {}
    seen: set[str] = set()
    prose = 0  # prose weight so far: once there is an article, a related-links heading ends it
    ended = False
    for block, (pieces, link, punctuated) in blocks.items():
        own = " ".join("".join(pieces).split())
        weight = _weight(own)
        chrome = len(own) <= _CHROME_MAX and _chrome(own)
        if prose >= _DENSITY_MIN and not ended and is_tail_heading(own):
            ended = True
        if ended or chrome:
            score = -float(weight)
        elif punctuated or weight >= _PROSE_MIN:
            score = 0.0 if own in seen else weight
            seen.add(own)
            prose += weight
        else:
            score = -_SHORT_WEIGHT * weight
        score -= link
        if not score:
            continue
        chain = []
        el = block
        while el is not None and el.tag != "body":
            if el.tag in _NOT_TEXT:
                break
            chain.append(el)
            el = el.getparent()
        else:
            for el in chain:
                scores[el] = scores.get(el, 0.0) + score
    if not scores:
        return None
    best, score = max(scores.items(), key=lambda kv: kv[1])
    return best if score >= _DENSITY_MIN else None


def _mark_content(root: etree._Element, text: str, classed: list[etree._Element], title: str | None) -> str:
    """Find the article by template knowledge, then by density; mark it in the tree; return the path taken.

    `text` is the page source, `classed` its _classed_elements with templates, `title` the title found so far.
    """
    by_id = (_BY_ID_OR_UCAP_TAG if any(tag in text for tag in _UCAP_TAGS) else _BY_ID)(root)
    # the first element of each template, each candidate classified once
    firsts: dict[tuple[str, bool], etree._Element] = {}
    for found_by_id, candidates in ((True, by_id), (False, classed)):
        for el in candidates:
            if el.tag != HIDDEN_TAG:
                firsts.setdefault((_template_method(el), found_by_id), el)
    for template in _TEMPLATES:
        first = firsts.get(template)
        if first is not None:
            mark_content(first, first)
            return template[0]
    container = _density_container(root, title)
    if container is not None:
        mark_content(container, container)
        return "density"
    return "lines"


_META_FIELDS = {"articletitle": "title", "pubdate": "published_at", "contentsource": "source"}
_MARKUP = re.compile(r"<[^>]*>")


def _head_tags(root: etree._Element) -> tuple[dict[str, str], str]:
    """Title, date and source as the CMS tagged them (the first <meta> tag of each wins), and the text of the
    <title> element (markup an editor pasted into it read without the tags): one walk finds both."""
    tagged: dict[str, str] = {}
    head = None
    for el in root.iter("meta", "title"):
        if el.tag == "title":
            if head is None:
                head = el.text or ""
            continue
        name = el.get("name")
        field = _META_FIELDS.get(name.lower()) if name else None
        if field is None or field in tagged:
            continue
        content = normalise_space(el.get("content") or "")
        value = normalise_date(content, True) if field == "published_at" else content
        if value:
            tagged[field] = value
    if not head:
        return tagged, ""
    return tagged, normalise_space(_MARKUP.sub("", head) if "<" in head else head)


_TITLE_SPLIT = re.compile(r"\s*[_|\-—]\s*")


_HEADINGS = frozenset(("h1", "h2", "h3"))
_TITLE_MIN, _TITLE_MAX = 5, 120
_LIST_CLASS_MIN = 3  # a class that many title candidates share marks items of a list, not the page's title
_DATED_TITLE = re.compile(r"\s*[(（]\s*\d{4}-\d{1,2}-\d{1,2}\s*[)）]$")  # 关于…的通知 ( 2024-05-11)


def _names_title(el: etree._Element) -> bool:
    """A heading, or an element whose class names a title (title, Title, tit)."""
    return el.tag in _HEADINGS or "tit" in (cls := el.get("class") or "") or "Tit" in cls


def _title_text(el: etree._Element, text: str) -> str | None:
    """The text of a title candidate (`text`: its whitespace-normalised text) when it reads like a title (not a
    sentence, not chrome) and the element is neither hidden, in a link nor holding one."""
    if text.endswith((")", "）")):
        text = _DATED_TITLE.sub("", text)
    if not (_TITLE_MIN <= len(text) <= _TITLE_MAX) or "。" in text or not _CJK.search(text):
        return None
    if _chrome(text) or is_tail_heading(text) or _breadcrumb(text) or next(el.iter("a"), None) is not None:
        return None
    if el.tag == HIDDEN_TAG or next(el.iterancestors("a", HIDDEN_TAG), None) is not None:
        return None
    return text


def _markup_title(root: etree._Element, classed: list[etree._Element], head: str) -> str | None:
    """The page's title when no <meta> tag names it: the longest title candidate the <title> element contains
    (its other parts are the column and the site, whose logo is a heading too), else the first candidate that
    is not an item of a list, else the <title> element's first part.

    `classed` is the page's _classed_elements with titles: when one of them (<h1>, class title) makes most of
    the <title> element (whose text is `head`), it is the title and the wider query for candidates is not run."""
    for el in classed:
        if not _names_title(el):  # a content template's element
            continue
        text = normalise_space("".join(el.itertext()))
        if head and text == head:  # a heading that says what <title> says: the title
            return head
        found = _title_text(el, text)
        if found is not None and found in head and (head.startswith(found) or 2 * len(found) >= len(head)):
            return found
    candidates = [(el, found) for el in _TITLE_CANDIDATES(root)
                  if (found := _title_text(el, normalise_space("".join(el.itertext())))) is not None]
    contained = [found for _, found in candidates if found in head]
    if contained:
        return max(contained, key=len)
    classes: dict[str | None, int] = {}
    for el, _ in candidates:
        classes[el.get("class")] = classes.get(el.get("class"), 0) + 1
    for el, found in candidates:
        if el.get("class") is None or classes[el.get("class")] < _LIST_CLASS_MIN:
            return found
    first = _TITLE_SPLIT.split(head)[0] if head else ""
    return first if len(first) >= 4 else None


@lru_cache(maxsize=_FOOTERS_MAX)  # the same on every page of a portal
def _footer_values(footer: tuple[str, ...]) -> tuple[tuple[str, Any], ...]:
    """Metadata a footer carries (never body, title or column path)."""
    footer_meta = _new_meta()
    _read_lines(list(footer), footer_meta, find_title=False)
    return tuple((key, value) for key, value in footer_meta.items()
                 if key not in ("title", "column_path", "byline_date") and value is not None)


def clean_html(text: str, utf8: bytes | None = None) -> Document:
    """`utf8`, when given, is `text` encoded as UTF-8 (the page's own bytes)."""
    root = parse_html(text, utf8)
    meta = _new_meta()
    tagged, head = _head_tags(root)  # the title tag is taken at once; date and source only where the page is silent
    meta["title"] = tagged.get("title")
    find_title = meta["title"] is None
    hanweb = CONTENT_BEGIN in text and _has_hanweb_marks(root)
    classed = _classed_elements(root, text, title=find_title, templates=not hanweb)
    hide_hidden(root, text)  # before the title and the content are looked for: neither is ever hidden
    if find_title:
        meta["title"] = _markup_title(root, classed, head)
    method = "hanweb-markers" if hanweb else _mark_content(root, text, classed, meta["title"])
    header, content, footer = page_lines(root)
    if content is None or footer is None:
        body = _read_lines(header, meta, find_title=True)
        return _finish(meta, body, method, tagged)
    # header = page lines before the content, footer = after; both carry metadata, never body
    _read_lines(header, meta, find_title=True, header=True)
    for key, value in _footer_values(tuple(footer)):
        if meta.get(key) is None:
            meta[key] = value
    body = _read_lines(_from_title(content, meta["title"]), meta, find_title=False, article=True)
    return _finish(meta, body, method, tagged)


_HTML_START = re.compile(r"<(?:html|!doctype|body|div|p>)", re.IGNORECASE)  # "<" first: a fast literal scan


def looks_like_html(text: str) -> bool:
    return _HTML_START.search(text, 0, 2000) is not None


def clean_page(data: bytes | str, content_type: str | None = None) -> Document:
    """Clean a page whatever it is: bytes are decoded first, HTML and plain text both accepted."""
    utf8: bytes | None = None
    if isinstance(data, bytes):
        text, encoding = decode_bytes(data, content_type)
        if encoding == "utf-8" and not data.startswith(codecs.BOM_UTF8) and "\ufffd" not in text:
            utf8 = data  # decoded strictly: these bytes are text.encode("utf-8"), no need to encode again
    else:
        text = data
    if looks_like_html(text):
        return clean_html(text, utf8)
    return clean_text(text)
