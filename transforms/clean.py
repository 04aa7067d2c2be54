"""A report page (HTML, or text already pulled out of HTML) to metadata + body + outline.

Template knowledge first (Hanweb, TRS, UCAP markers), then a paragraph-density fallback, then a
line-level chrome filter for whatever is left.
"""

from __future__ import annotations

import codecs
import re
from functools import lru_cache
from typing import Any

from lxml import etree

from transforms.decode import decode_bytes
from transforms.html_lines import CONTENT_BEGIN, mark_content, normalise_space, page_lines, parse_html
from transforms.metadata import (
    CHROME_MAX_LEN,
    METADATA_DEFAULTS,
    breadcrumb_parts,
    column_fields,
    derive_index_fields,
    fill_fields,
    is_breadcrumb,
    is_chrome_line,
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
_TEMPLATE_CLASSES = ("TRS_Editor", "bt_content", "article-content", "article-body")
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


def _read_lines(lines: list[str], meta: dict[str, Any], find_title: bool, header: bool = False) -> list[str]:
    """Fill meta from header/footer lines, return the body lines in order with chrome removed.

    `lines` are whitespace-normalised, not empty, and stripped of cell bars at their ends (page_lines' lines).
    """
    crumbs: list[str] = []
    body: list[str] = []
    seen: set[str] = set()
    titled = not find_title  # content lines follow the title; other lines, once the title line is passed
    skip = False
    for i, line in enumerate(lines):
        if skip:  # a value the previous line's label or header row took
            skip = False
            continue
        if not (body and not header and len(line) > _CHROME_MAX):  # longer body lines are paragraphs
            if line == meta["title"] and (header or not body):  # the title above the body: no other check needed
                titled = True
                continue
            if (header or not body) and _breadcrumb(line):
                crumbs.append(line)
                continue
            if not body or len(line) < 80:
                pairs = _label_values(line)
                if pairs is not None:
                    skip = _value_lines(pairs, line, lines[i + 1] if i + 1 < len(lines) else None, meta)
                    continue
            if _chrome(line):
                continue
            if titled and (header or not body) and (date := lone_date(line)) is not None:
                if meta.get("byline_date") is None:
                    meta["byline_date"] = date
                continue
            if (not body and find_title and meta.get("title") is None
                    and _title_like_line(line)):
                nxt = lines[i + 1] if i + 1 < len(lines) else ""
                if (not nxt or _label_values(nxt) is not None
                        or _chrome(nxt) or _breadcrumb(nxt)):
                    meta["title"] = line
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


_VALUE_LINE_MAX = 60
_CUT = ("...", "…")


def _value_lines(pairs: tuple[tuple[str, str], ...], line: str, nxt: str | None, meta: dict[str, Any]) -> bool:
    """Store a label line's values; True when they stand on the next line, which is then taken.

    A header row of labels gives its values in the row below, cell by cell (Shanghai's 索取号 | 发布时间 | ... table);
    a lone label (<dl><dd><label>索 引 号：</label><div>value</div>) gives its value on the next line, unless that line
    is another label, chrome, the title or prose."""
    if len(pairs) <= 1 and nxt is not None:
        fields = column_fields(line)
        if fields is not None and _label_values(nxt) is None:
            fill_fields(meta, row_values(fields, nxt))
            return True
        if not pairs and (field := lone_label_field(line)) is not None and meta.get(field) is None and (
                len(nxt) <= _VALUE_LINE_MAX and nxt != meta.get("title") and _label_values(nxt) is None
                and not _chrome(nxt) and not _TITLE_NOISE.search(nxt)):
            fill_fields(meta, row_values((field,), nxt))
            return True
    fill_fields(meta, pairs)
    return False


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
    if "TRS_Editor" in classes:
        return "trs-editor"
    if el.tag == "ucapcontent" or element_id in ("UCAP-CONTENT", "cmsArticleContent"):
        return "ucap"
    if "bt_content" in classes:
        return "hanweb-bt-content"
    if "article-content" in classes or "article-body" in classes:
        return "article-content"
    return ""


def _density_container(root: etree._Element) -> etree._Element | None:
    """The element whose <p> children carry the most CJK text: the article in an unknown layout."""
    scores: dict[etree._Element, int] = {}
    for p in root.iter("p"):
        parent = p.getparent()
        if parent is None:
            continue
        text = "".join(p.itertext())
        scores[parent] = scores.get(parent, 0) + len(_CJK.findall(text))
    if not scores:
        return None
    best, score = max(scores.items(), key=lambda kv: kv[1])
    return best if score >= 50 else None


def _mark_content(root: etree._Element, text: str, classed: list[etree._Element]) -> str:
    """Find the article by template knowledge, then by density; mark it in the tree; return the path taken.

    `text` is the page source, `classed` its _classed_elements with templates.
    """
    by_id = (_BY_ID_OR_UCAP_TAG if any(tag in text for tag in _UCAP_TAGS) else _BY_ID)(root)
    # the first element of each template, each candidate classified once
    firsts: dict[tuple[str, bool], etree._Element] = {}
    for found_by_id, candidates in ((True, by_id), (False, classed)):
        for el in candidates:
            firsts.setdefault((_template_method(el), found_by_id), el)
    for template in _TEMPLATES:
        first = firsts.get(template)
        if first is not None:
            mark_content(first, first)
            return template[0]
    container = _density_container(root)
    if container is not None:
        mark_content(container, container)
        return "density"
    return "lines"


_META_FIELDS = {"articletitle": "title", "pubdate": "published_at", "contentsource": "source"}


def _meta_tags(root: etree._Element) -> dict[str, str]:
    """Title, date and source as the CMS tagged them; the first tag of each wins."""
    tagged: dict[str, str] = {}
    for el in root.iter("meta"):
        name = el.get("name")
        field = _META_FIELDS.get(name.lower()) if name else None
        if field is None or field in tagged:
            continue
        content = normalise_space(el.get("content") or "")
        value = normalise_date(content, True) if field == "published_at" else content
        if value:
            tagged[field] = value
    return tagged


_TITLE_SPLIT = re.compile(r"\s*[_|\-—]\s*")


def _is_title_element(el: etree._Element) -> bool:
    if el.tag == "h1":
        return True
    cls = el.get("class") or ""
    return "title" in cls.split() or "article-title" in cls  # detail-article-title too


def _markup_title(root: etree._Element, classed: list[etree._Element]) -> str | None:
    """The heading the template marks as the title; the <title> element as a last resort.

    `classed` is the page's _classed_elements with titles."""
    for el in classed:
        if _is_title_element(el):
            text = normalise_space("".join(el.itertext()))
            if 4 <= len(text) <= 120 and _CJK.search(text):
                return text
    title = root.find(".//title")
    if title is not None and title.text:
        first = _TITLE_SPLIT.split(normalise_space(title.text))[0]
        if len(first) >= 4:
            return first
    return None


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
    tagged = _meta_tags(root)  # the title tag is taken at once; the date and source only where the page is silent
    meta["title"] = tagged.get("title")
    find_title = meta["title"] is None
    hanweb = CONTENT_BEGIN in text and _has_hanweb_marks(root)
    classed = _classed_elements(root, text, title=find_title, templates=not hanweb)
    if find_title:
        meta["title"] = _markup_title(root, classed)
    method = "hanweb-markers" if hanweb else _mark_content(root, text, classed)
    header, content, footer = page_lines(root, text)
    if content is None or footer is None:
        body = _read_lines(header, meta, find_title=True)
        return _finish(meta, body, method, tagged)
    # header = page lines before the content, footer = after; both carry metadata, never body
    _read_lines(header, meta, find_title=True, header=True)
    for key, value in _footer_values(tuple(footer)):
        if meta.get(key) is None:
            meta[key] = value
    body = _read_lines(content, meta, find_title=False)
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
