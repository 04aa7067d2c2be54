"""HTML to lines of text, in page order, with table rows as `cell | cell |` (the seeds' layout).

The page is linearised by one XSLT pass (libxslt walks the tree in C): block elements become line breaks,
table cells end in ` | `, scripts and hidden elements vanish, and the content block is bracketed by marks.
Python then only splits one string; a per-element walk in Python cost more than the rest of cleaning.
"""

from __future__ import annotations

import re

from lxml import etree

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
_CELL_BLOCK_TAGS = BLOCK_TAGS - {"table", "tbody", "thead", "tfoot", "tr"}  # inside a cell: the cell's own lines
HIDDEN_TAG = "zwgk-hidden"  # hidden elements are renamed to this, which the linearisation drops
CONTENT_BEGIN = "ZJEG_RSS.content.begin"  # Hanweb's own marks (comments); mark_content brackets other templates' content
CONTENT_END = "ZJEG_RSS.content.end"
# noncharacters: never text, so they can carry structure through the XSLT output
_BREAK, _BEGIN, _END, _CELL_BREAK = "\ufdd0", "\ufdd1", "\ufdd2", "\ufdd3"
_MARKS = (_BREAK, _BEGIN, _END, _CELL_BREAK)
# a cell's own paragraphs (<td><p>饮料酒</p></td>): one row of short cells stays one line, a layout table's cell of
# paragraphs keeps its lines
_CELL_LINE_MAX = 60
_NOT_PAGE_TEXT = ("\x00", *_MARKS)  # NULs, and the linearisation's own marks

_HIDDEN_STYLE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.I)
# XPath costs ~0.5 us per node in libxml2: it runs only when the source has a needle, over the attribute axis
# Needles for display / hidden in lower or upper case (Display and DISPLAY too): longer needles than `one`, whose
# letters fill every page, so a page without hidden elements is ruled out in fewer instructions
_HIDDEN_NEEDLES = ("idden", "isplay", "IDDEN", "ISPLAY")
_HIDDEN_CANDIDATES = etree.XPath(  # contains() without translate(): a third cheaper; the regex decides
    "//*/@hidden/.. | //*/@style[" + " or ".join(f"contains(., '{needle}')" for needle in _HIDDEN_NEEDLES) + "]/.."
)
# Classes that mean display:none in the frameworks portals use (AngularJS ng-hide, Bootstrap hidden/hide); never
# the responsive ones (hidden-xs, am-hide-sm-only): those show on a desktop
_HIDDEN_CLASSES = frozenset(("ng-hide", "hidden", "hide"))
_HIDDEN_CLASS_CANDIDATES = etree.XPath("//*/@class[contains(., 'hid')]/..")
_ZERO_WIDTH = ("\u200b", "\u200c", "\u200d", "\ufeff")  # not whitespace to str.split, spaces on a page

# Marks for content found by template: processing instructions match by name, where comments go through a
# contains() predicate (the parser drops the page's own instructions, so these are only ever ours)
_BEGIN_PI, _END_PI = "zwgk-content-begin", "zwgk-content-end"
_LINEARISE = etree.XSLT(etree.XML(
    '<xsl:stylesheet version="1.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform">'
    '<xsl:output method="text" encoding="utf-8"/>'
    f'<xsl:template match="{"|".join(sorted(SKIP_TAGS | {HIDDEN_TAG}))}"/>'
    f'<xsl:template match="{"|".join(sorted(BLOCK_TAGS))}">{_BREAK}<xsl:apply-templates/>{_BREAK}</xsl:template>'
    f'<xsl:template match="{"|".join(sorted(CELL_TAGS))}"><xsl:apply-templates mode="cell"/> | </xsl:template>'
    f'<xsl:template match="{"|".join(sorted(SKIP_TAGS | {HIDDEN_TAG}))}" mode="cell"/>'
    f'<xsl:template match="{"|".join(sorted(_CELL_BLOCK_TAGS))}" mode="cell">{_CELL_BREAK}<xsl:apply-templates mode="cell"/>'
    f'{_CELL_BREAK}</xsl:template>'
    f'<xsl:template match="{"|".join(sorted(BLOCK_TAGS - _CELL_BLOCK_TAGS))}" mode="cell">{_BREAK}<xsl:apply-templates/>'
    f'{_BREAK}</xsl:template>'  # a table inside a cell is a table of its own
    f"<xsl:template match=\"comment()[contains(., '{CONTENT_BEGIN}')]\" mode=\"cell\">{_BEGIN}</xsl:template>"
    f"<xsl:template match=\"comment()[contains(., '{CONTENT_END}')]\" mode=\"cell\">{_END}</xsl:template>"
    f"<xsl:template match=\"processing-instruction('{_BEGIN_PI}')\" mode=\"cell\">{_BEGIN}</xsl:template>"
    f"<xsl:template match=\"processing-instruction('{_END_PI}')\" mode=\"cell\">{_END}</xsl:template>"
    f"<xsl:template match=\"comment()[contains(., '{CONTENT_BEGIN}')]\">{_BEGIN}</xsl:template>"
    f"<xsl:template match=\"comment()[contains(., '{CONTENT_END}')]\">{_END}</xsl:template>"
    f"<xsl:template match=\"processing-instruction('{_BEGIN_PI}')\">{_BEGIN}</xsl:template>"
    f"<xsl:template match=\"processing-instruction('{_END_PI}')\">{_END}</xsl:template>"
    "</xsl:stylesheet>"
), regexp=False)  # lxml registers the EXSLT regexp functions on every call unless told not to: a sixth of its overhead

MAX_HTML_CHARS = 20_000_000


class HtmlError(ValueError):
    """The input cannot be read as an HTML document."""


_PARSER = etree.HTMLParser(
    encoding="utf-8", recover=True, no_network=True, remove_comments=False, remove_pis=True, huge_tree=False,
    collect_ids=True, default_doctype=False,  # the id index makes XPath id() a hash lookup
)


def parse_html(text: str, utf8: bytes | None = None) -> etree._Element:
    """Parse once with lxml; recover from broken markup, never touch the network.

    `utf8`, when given, must be `text` encoded as UTF-8: the parser reads it instead of a new encoding.
    """
    if len(text) > MAX_HTML_CHARS:
        raise HtmlError(f"page too large to clean: {len(text)} characters (limit {MAX_HTML_CHARS})")
    # NUL: a bytes scan (memchr); a str scan for it cannot skip. The marks: str scans (in bytes, they stall on the
    # lead byte of every full-width punctuation mark)
    unwanted = _MARKS if utf8 is not None and b"\x00" not in utf8 else _NOT_PAGE_TEXT
    for char in unwanted:
        if char in text:
            text = text.replace(char, "")
            utf8 = None
    if not text or text.isspace():
        raise HtmlError("empty page")
    try:
        root = etree.fromstring(utf8 if utf8 is not None else text.encode("utf-8"), parser=_PARSER)
    except (etree.ParserError, etree.XMLSyntaxError, ValueError) as exc:
        raise HtmlError(f"unparseable HTML: {exc}") from exc
    if root is None:
        raise HtmlError("unparseable HTML: no document element")
    return root


def normalise_space(text: str) -> str:
    """Runs of whitespace (line breaks, full-width, no-break and zero-width spaces too) to one space.

    str.split() is whitespace-aware in C; a regex character class over CJK text is ten times slower.
    """
    for char in _ZERO_WIDTH:
        if char in text:
            text = text.replace(char, " ")
    return " ".join(text.split())


def mark_content(first: etree._Element, last: etree._Element) -> None:
    """Bracket the content nodes (tails included) with the instructions the linearisation turns into marks."""
    first.addprevious(etree.ProcessingInstruction(_BEGIN_PI))
    last.addnext(etree.ProcessingInstruction(_END_PI))


def hide_hidden(root: etree._Element, source: str) -> None:
    """Rename the elements a browser would not show (hidden attribute, display:none or visibility:hidden styles,
    the classes frameworks hide with) to HIDDEN_TAG, which the linearisation drops. `source` is the page the tree
    was parsed from: a needle filter, so most pages skip the queries."""
    for needle in _HIDDEN_NEEDLES:
        if needle in source:
            break
    else:
        return  # hiding classes too are looked for only behind these needles (real pages say display somewhere)
    for el in _HIDDEN_CANDIDATES(root):
        style = el.get("style")
        if el.get("hidden") is not None or (style and _HIDDEN_STYLE.search(style)):
            el.tag = HIDDEN_TAG
    if "hid" in source:
        for el in _HIDDEN_CLASS_CANDIDATES(root):
            if not _HIDDEN_CLASSES.isdisjoint((el.get("class") or "").split()):
                el.tag = HIDDEN_TAG


def _split(text: str) -> list[str]:
    """Lines of whitespace-normalised text: spaces left beside a break go with the bars."""
    for mark in (_BEGIN, _END):  # a second or stray mark is only a line break
        if mark in text:
            text = text.replace(mark, _BREAK)
    parts = text.split(_BREAK)
    if _CELL_BREAK in text:
        parts = [piece for part in parts for piece in _cell_lines(part)]
    return [line for part in parts if (line := part.strip("| "))]


def _cell_lines(row: str) -> list[str]:
    """A table row whose cells hold paragraphs: one line when it has several cells, all short (a data table's
    row); else the cells' own lines (a layout table's cell of paragraphs)."""
    if _CELL_BREAK not in row:
        return [row]
    cells = row.split(" | ")
    if len(cells) >= 2 and all(len(c.replace(_CELL_BREAK, "")) <= _CELL_LINE_MAX for c in cells):
        return [" ".join(" | ".join(c.replace(_CELL_BREAK, " ").strip() for c in cells).split())]
    return row.split(_CELL_BREAK)


def page_lines(root: etree._Element) -> tuple[list[str], list[str], list[str]] | tuple[list[str], None, None]:
    """(header, content, footer) lines when the content is marked, else (all lines, None, None).

    Lines are whitespace-normalised, never empty, and table cell bars (`|`) at their ends are stripped.

    Content runs from the first begin mark to the first end mark after it (or the end of the page); elements
    hide_hidden renamed are left out.
    """
    # the marks are not whitespace, so one pass normalises every line
    text = normalise_space(bytes(_LINEARISE(root)).decode("utf-8"))  # str() of a result is slower
    head, begin, rest = text.partition(_BEGIN)
    if not begin:
        return _split(text), None, None
    content, _, foot = rest.partition(_END)
    return _split(head), _split(content), _split(foot)
