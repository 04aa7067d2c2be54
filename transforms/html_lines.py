"""HTML to lines of text, in page order, with table rows as `cell | cell |` (the seeds' layout)."""

from __future__ import annotations

import re

from lxml import etree, html

BLOCK_TAGS = frozenset((
    "address", "article", "aside", "blockquote", "body", "br", "center", "dd", "div", "dl", "dt", "fieldset",
    "figcaption", "figure", "footer", "form", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hr", "li", "main",
    "nav", "ol", "p", "pre", "section", "table", "tbody", "thead", "tfoot", "tr", "ul", "title", "caption",
))
SKIP_TAGS = frozenset((
    "script", "style", "noscript", "template", "iframe", "object", "embed", "svg", "canvas", "select", "option",
    "button", "head",
))
CELL_TAGS = frozenset(("td", "th"))
_HIDDEN_STYLE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.I)
_SPACES = re.compile(r"[ \t\r\f\v\u00a0\u3000\u2002\u2003\u2009\u200b\u200c\u200d\ufeff]+")
_NEWLINES = re.compile(r"\s*\n\s*")

MAX_HTML_CHARS = 20_000_000


class HtmlError(ValueError):
    """The input cannot be read as an HTML document."""


def parse_html(text: str) -> html.HtmlElement:
    """Parse once with lxml; recover from broken markup, never touch the network."""
    if len(text) > MAX_HTML_CHARS:
        raise HtmlError(f"page too large to clean: {len(text)} characters (limit {MAX_HTML_CHARS})")
    text = text.replace("\x00", "")
    if not text.strip():
        raise HtmlError("empty page")
    parser = html.HTMLParser(encoding="utf-8", recover=True, no_network=True, remove_comments=False, remove_pis=True, huge_tree=False)
    try:
        root = html.document_fromstring(text.encode("utf-8"), parser=parser)
    except (etree.ParserError, ValueError) as exc:
        raise HtmlError(f"unparseable HTML: {exc}") from exc
    if root is None:
        raise HtmlError("unparseable HTML: no document element")
    return root


def normalise_space(text: str) -> str:
    return _SPACES.sub(" ", text).strip()


def is_hidden(el: etree._Element) -> bool:
    style = el.get("style")
    return bool(style and _HIDDEN_STYLE.search(style)) or el.get("hidden") is not None


def page_lines(page: etree._Element, content: list[etree._Element]) -> tuple[list[str], int, int]:
    """All lines of the page in one walk, and where the content nodes' lines (tails included) start and end."""
    return _walk(page, content)


def _walk(page: etree._Element, content: list[etree._Element]) -> tuple[list[str], int, int]:
    """lxml's iterwalk does the traversal in C (iterative: hostile nesting cannot exhaust the stack)."""
    out: list[str] = []
    buf: list[str] = []

    def flush() -> None:
        if buf:
            line = _NEWLINES.sub(" ", normalise_space("".join(buf)))
            buf.clear()
            if line and line.strip("| "):
                out.append(line)

    inside = {id(e) for e in content}
    skipped: set[int] = set()
    start = end = -1
    walker = etree.iterwalk(page, events=("start", "end"))
    for event, el in walker:
        tag = el.tag.lower() if isinstance(el.tag, str) else None
        key = id(el)
        if event == "start":
            if key in inside:
                flush()
                if start < 0:
                    start = len(out)
            if tag is None or tag in SKIP_TAGS or is_hidden(el):  # comments, scripts...: only the tail is text
                walker.skip_subtree()
                skipped.add(key)
                continue
            if tag in BLOCK_TAGS:
                flush()
            if el.text:
                buf.append(el.text)
            continue
        if key in skipped:
            skipped.discard(key)
        elif tag in CELL_TAGS:
            buf.append(" | ")
        elif tag in BLOCK_TAGS:
            flush()
        if el.tail and el is not page:
            buf.append(el.tail)
        if key in inside:
            flush()
            end = len(out)
    flush()
    if start < 0:
        start = end = len(out)
    return out, start, max(start, end)
