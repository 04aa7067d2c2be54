"""A report page (HTML, or text already pulled out of HTML) to metadata + body + outline.

Template knowledge first (Hanweb, TRS, UCAP markers), then a paragraph-density fallback, then a
line-level chrome filter for whatever is left.
"""

from __future__ import annotations

import re
from typing import Any

from lxml import etree

from transforms.decode import decode_bytes
from transforms.html_lines import normalise_space, page_lines, parse_html
from transforms.metadata import (
    METADATA_DEFAULTS,
    breadcrumb_parts,
    derive_index_fields,
    fill_fields,
    is_breadcrumb,
    is_chrome_line,
    normalise_date,
    parse_label_line,
    strip_mask_residue,
)
from transforms.models import Document
from transforms.outline import build_outline, document_role, numbered_level

_CJK = re.compile(r"[\u4e00-\u9fff]")
_TITLE_NOISE = re.compile(r"[。；;]")
_DEDUP_MIN = 15
_TEMPLATE_XPATHS: tuple[tuple[str, str], ...] = (
    ("hanweb-zoom", "//*[@id='zoom' or @id='Zoom']"),
    ("trs-editor", "//*[contains(concat(' ', normalize-space(@class), ' '), ' TRS_Editor ')]"),
    ("ucap", "//ucapcontent | //*[@id='UCAP-CONTENT'] | //*[@id='cmsArticleContent']"),
    ("hanweb-bt-content", "//*[contains(concat(' ', normalize-space(@class), ' '), ' bt_content ')]"),
    ("article-content", "//*[contains(concat(' ', normalize-space(@class), ' '), ' article-content ')"
     " or contains(concat(' ', normalize-space(@class), ' '), ' article-body ')]"),
)


def _is_label_line(line: str) -> bool:
    return len(line) < 300 and parse_label_line(line) is not None


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


def _read_lines(lines: list[str], meta: dict[str, Any], find_title: bool, header: bool = False) -> list[str]:
    """Fill meta from header/footer lines, return the body lines in order with chrome removed."""
    cleaned = [normalise_space(line).strip("| ").strip() for line in lines]
    cleaned = [c for c in cleaned if c]
    crumbs: list[str] = []
    body: list[str] = []
    seen: set[str] = set()
    for i, line in enumerate(cleaned):
        if (header or not body) and is_breadcrumb(line):
            crumbs.append(line)
            continue
        if (not body or len(line) < 80) and _is_label_line(line):
            pairs = parse_label_line(line) or []
            fill_fields(meta, pairs)
            continue
        if is_chrome_line(line):
            continue
        if not body and find_title and meta.get("title") is None and _title_like(line):
            nxt = cleaned[i + 1] if i + 1 < len(cleaned) else ""
            if not nxt or _is_label_line(nxt) or is_chrome_line(nxt) or is_breadcrumb(nxt):
                meta["title"] = line
                continue
        if meta.get("title") and line == meta["title"] and not body:
            continue
        line = strip_mask_residue(line).strip()
        if not line or is_chrome_line(line):
            continue
        if len(line) >= _DEDUP_MIN:
            if line in seen:
                continue
            seen.add(line)
        body.append(line)
    if crumbs and not meta.get("column_path"):
        meta["column_path"] = breadcrumb_parts(crumbs)
    return body


def _finish(meta: dict[str, Any], body_lines: list[str], method: str) -> Document:
    derive_index_fields(meta)
    outline, _ = build_outline(body_lines, document_role(meta.get("title")))
    return Document(metadata=meta, body="\n".join(body_lines), outline=outline, method=method)


def clean_text(text: str) -> Document:
    meta = _new_meta()
    body = _read_lines(text.splitlines(), meta, find_title=True)
    return _finish(meta, body, "text")


def _marker_nodes(root: etree._Element) -> list[etree._Element] | None:
    """Nodes between Hanweb's <!--ZJEG_RSS.content.begin--> and <!--ZJEG_RSS.content.end--> comments."""
    for comment in root.iter(etree.Comment):
        if "ZJEG_RSS.content.begin" in (comment.text or ""):
            nodes: list[etree._Element] = [comment]
            sib = comment.getnext()
            while sib is not None:
                if not isinstance(sib.tag, str) and "ZJEG_RSS.content.end" in (sib.text or ""):
                    break
                nodes.append(sib)
                sib = sib.getnext()
            return nodes
    return None


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


def _content(root: etree._Element) -> tuple[list[etree._Element] | None, str]:
    nodes = _marker_nodes(root)
    if nodes:
        return nodes, "hanweb-markers"
    for method, xpath in _TEMPLATE_XPATHS:
        found = root.xpath(xpath)
        if found:
            return [found[0]], method
    container = _density_container(root)
    if container is not None:
        return [container], "density"
    return None, "lines"


def _meta_tags(root: etree._Element, meta: dict[str, Any]) -> None:
    wanted = {"articletitle": "title", "pubdate": "published_at", "contentsource": "source"}
    for el in root.iter("meta"):
        name = (el.get("name") or "").lower()
        content = normalise_space(el.get("content") or "")
        if name in wanted and content and meta.get(wanted[name]) is None:
            field = wanted[name]
            meta[field] = normalise_date(content, True) if field == "published_at" else content


_TITLE_XPATH = (
    "//h1 | //*[contains(concat(' ', normalize-space(@class), ' '), ' title ')]"
    " | //*[contains(@class, 'article-title') or contains(@class, 'detail-article-title')]"
)
_TITLE_SPLIT = re.compile(r"\s*[_|\-—]\s*")


def _markup_title(root: etree._Element) -> str | None:
    """The heading the template marks as the title; the <title> element as a last resort."""
    for el in root.xpath(_TITLE_XPATH):
        text = normalise_space("".join(el.itertext()))
        if 4 <= len(text) <= 120 and _CJK.search(text):
            return text
    title = root.find(".//title")
    if title is not None and title.text:
        first = _TITLE_SPLIT.split(normalise_space(title.text))[0]
        if len(first) >= 4:
            return first
    return None


def clean_html(text: str) -> Document:
    root = parse_html(text)
    body_el = root.find("body")
    page = body_el if body_el is not None else root
    nodes, method = _content(root)
    lines, cut, after = page_lines(page, nodes or [])
    meta = _new_meta()
    _meta_tags(root, meta)
    if meta.get("title") is None:
        meta["title"] = _markup_title(root)
    if nodes is None:
        body = _read_lines(lines, meta, find_title=True)
        return _finish(meta, body, method)
    content_lines = lines[cut:after]
    # header = page lines before the content, footer = after; both carry metadata, never body
    _read_lines(lines[:cut], meta, find_title=True, header=True)
    footer_meta = _new_meta()
    _read_lines(lines[after:], footer_meta, find_title=False)
    for key, value in footer_meta.items():
        if key not in ("title", "column_path") and meta.get(key) is None and value is not None:
            meta[key] = value
    body = _read_lines(content_lines, meta, find_title=False)
    return _finish(meta, body, method)


def looks_like_html(text: str) -> bool:
    head = text[:2000].lower()
    return "<html" in head or "<!doctype" in head or "<body" in head or "<div" in head or "<p>" in head


def clean_page(data: bytes | str, content_type: str | None = None) -> Document:
    """Clean a page whatever it is: bytes are decoded first, HTML and plain text both accepted."""
    text = decode_bytes(data, content_type)[0] if isinstance(data, bytes) else data
    if looks_like_html(text):
        return clean_html(text)
    return clean_text(text)
