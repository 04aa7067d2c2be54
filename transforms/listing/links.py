"""Links on list pages: parsed as a browser would (BeautifulSoup on lxml), resolved, sorted into articles,
attachments, other hosts and the rest.

List markup is the least disciplined HTML of a portal (record fragments pasted into CDATA, unquoted or
single-quoted attributes, attributes across lines, `<base href>`), and list pages are few next to articles, so
tolerance wins over speed here.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

from bs4 import BeautifulSoup, Tag
from lxml import etree

from transforms.models import ArticleRef

# Article addresses of the CMSs the portals run (JCMS, jpaas, TRS, UCAP, NFCMS, Dahe …): a link of one of these
# shapes on a list page is an article, whatever container it sits in.
ARTICLE_SHAPES = re.compile(
    r"/art/\d{4}/(\d{1,2}/\d{1,2}/)?art_[\w-]+\.s?html?"
    r"|/art_\d+_\d+\.s?html?"
    r"|/t\d{8}_\d+\.s?html?"
    r"|/content/(post_)?\d+\.s?html?"
    r"|/content_\d+\.s?html?"
    r"|/\d{4}-?\d{2}/\d{2}/(content|c|t)_?\d+\.s?html?"
    r"|/info/\d+/\d+\.s?html?"
    r"|/\d{6,8}/[0-9a-f]{16,}\.s?html?"
    r"|/(19|20)\d{2}-?\d{2}(-?\d{2})?/\d{4,}\.s?html?"
    r"|/(detail|view|show|article|content)\w*\.(jsp|do|aspx?|php|html?)\?[\w&=%-]*\b(id|articleid|infoid|docid)=",
    re.I,
)
ATTACHMENT = re.compile(r"\.(pdf|docx?|wps|xlsx?|et|ofd|zip|rar)(\?|#|$)", re.I)
_NOT_ARTICLE = re.compile(r"(^|/)(index|list|default)(_\d+)?\.s?html?$|/col/col\d+/?(index\.s?html?)?$", re.I)
_DATE = re.compile(r"((?:19|20)\d{2})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})")
_ART_DATE = re.compile(r"/art/(\d{4})/(\d{1,2})/(\d{1,2})/")
_SPACE = re.compile(r"\s+")
_SKIP_SCHEMES = ("javascript:", "#", "mailto:", "tel:", "data:")


def soup(markup: str) -> BeautifulSoup:
    return BeautifulSoup(markup, "lxml")


def text_of(node: Tag) -> str:
    return _SPACE.sub(" ", node.get_text(" ")).strip()


def page_base(doc: BeautifulSoup, url: str) -> str:
    """The URL relative links resolve against: the page's own, or its `<base href>`."""
    base = doc.find("base", href=True)
    href = base.get("href") if isinstance(base, Tag) else None
    return urljoin(url, str(href).strip()) if href else url


def date_of(text: str, url: str = "") -> str | None:
    m = _DATE.search(text) or _ART_DATE.search(url)
    if not m:
        return None
    y, mo, d = (int(g) for g in m.groups())
    if not (1 <= mo <= 12 and 1 <= d <= 31):
        return None
    return f"{y:04d}-{mo:02d}-{d:02d}"


def resolve(href: str | None, base: str) -> str | None:
    href = (href or "").strip()
    if not href or href.lower().startswith(_SKIP_SCHEMES):
        return None
    url = urljoin(base, href)
    if not url.startswith(("http://", "https://")):
        return None
    return url.split("#", 1)[0]


def is_article(url: str, pattern: re.Pattern[str] | None = None) -> bool:
    if pattern is not None:
        return bool(pattern.search(url))
    path = urlsplit(url).path
    return bool(ARTICLE_SHAPES.search(url)) and not _NOT_ARTICLE.search(path)


def title_of(a: Tag) -> str | None:
    """The `title` attribute when it says at least as much as the link text (which is often cut short with `…`
    or split into highlight spans); else the link text."""
    label = _SPACE.sub(" ", a.get_text("")).strip()
    title = _SPACE.sub(" ", str(a.get("title") or "")).strip()
    if title and (not label or label.endswith(("...", "…")) or len(title) >= len(label.replace(" ", ""))):
        return title
    return label or title or None


@dataclass
class Links:
    """Links sorted the way a list reader needs them."""

    articles: list[ArticleRef]
    attachments: list[ArticleRef]
    other_hosts: int


class HostPolicy:
    """Which hosts a portal's lists may point to: its start URLs' hosts, plus the ones the config allows."""

    def __init__(self, hosts: Iterable[str]) -> None:
        self.hosts = frozenset(h.lower() for h in hosts)

    def allows(self, url: str) -> bool:
        parts = urlsplit(url)
        return parts.netloc.lower() in self.hosts or (parts.hostname or "").lower() in self.hosts


def sort_links(anchors: Iterable[tuple[str, str | None, str]], portal: str, hosts: HostPolicy,
               pattern: re.Pattern[str] | None = None) -> Links:
    """(url, title, context text) triples to article refs, attachments and a count of foreign article links."""
    articles: dict[str, ArticleRef] = {}
    attachments: dict[str, ArticleRef] = {}
    other = 0
    for url, title, context in anchors:
        attachment = bool(ATTACHMENT.search(urlsplit(url).path))
        if not attachment and not is_article(url, pattern):
            continue
        if not hosts.allows(url):
            other += 1
            continue
        ref = ArticleRef(url=url, title=title, listed_date=date_of(context, url), portal=portal)
        (attachments if attachment else articles).setdefault(url, ref)
    return Links(list(articles.values()), list(attachments.values()), other)


_HIDDEN_STYLE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.I)


def hidden(tag: Tag) -> bool:
    """Inside an element the browser does not show (a hidden 'similar articles' box is not the list)."""
    node: Tag | None = tag
    while isinstance(node, Tag):
        if node.has_attr("hidden") or _HIDDEN_STYLE.search(str(node.get("style") or "")):
            return True
        node = node.parent
    return False


_ITEM_TAGS = frozenset(("li", "tr", "dd", "p"))


def anchors_in(node: Tag | BeautifulSoup, base: str) -> list[tuple[str, str | None, str]]:
    """Every visible link under `node`, with the text of the list item around it (where a date usually stands).

    The tree is walked by hand: find_all / find_parent build a matcher per call, which was half the cost of
    reading a JCMS window (2,000 records: 0.20 of 0.71 s under cProfile)."""
    out = []
    for a in node.descendants:
        if not isinstance(a, Tag) or a.name != "a" or a.get("href") is None or hidden(a):
            continue
        url = resolve(str(a.get("href")), base)
        if url is None:
            continue
        item = next((p for p in a.parents if p.name in _ITEM_TAGS), None) or a.parent
        out.append((url, title_of(a), text_of(item) if isinstance(item, Tag) else text_of(a)))
    return out


# The same reading on lxml's own tree, for markup read in bulk (JCMS records: 2,000 of them cost 0.09 s to build
# as a BeautifulSoup tree and 0.015 s as lxml's, measured). bs4 builds its tree from this very parser (lxml's HTML
# parser, recovering), so the elements, attributes and strings are the same; get_text's rules are kept below.
_NOT_TEXT = frozenset(("script", "style", "template", "rt", "rp"))  # bs4 types their strings apart; get_text skips them


def lxml_tree(markup: str) -> etree._Element | None:
    """`markup` parsed as `soup(markup)` parses it, as lxml elements; None when the parser gives up."""
    parser = etree.HTMLParser(recover=True)
    try:
        parser.feed(markup)
        return parser.close()
    except etree.Error:
        return None


def _strings(node: etree._Element, out: list[str]) -> None:
    if node.text and isinstance(node.tag, str) and node.tag not in _NOT_TEXT:
        out.append(node.text)
    if isinstance(node.tag, str) and node.tag not in _NOT_TEXT:
        for child in node:
            _strings(child, out)
            if child.tail:
                out.append(child.tail)


def lxml_text(node: etree._Element, separator: str) -> str:
    """bs4's `get_text(separator)` on the same element: text of comments, scripts, styles and templates left out."""
    if any(isinstance(a.tag, str) and a.tag in _NOT_TEXT for a in node.iterancestors()):
        return ""
    out: list[str] = []
    _strings(node, out)
    return separator.join(out)


def _lxml_hidden(node: etree._Element) -> bool:
    el: etree._Element | None = node
    while el is not None:
        if "hidden" in el.attrib or _HIDDEN_STYLE.search(el.get("style") or ""):
            return True
        el = el.getparent()
    return False


def lxml_anchors_in(node: etree._Element, base: str) -> list[tuple[str, str | None, str]]:
    """`anchors_in` on lxml's tree."""
    out = []
    for a in node.iter("a"):
        href = a.get("href")
        if href is None or _lxml_hidden(a):
            continue
        url = resolve(href, base)
        if url is None:
            continue
        item = next((p for p in a.iterancestors() if p.tag in _ITEM_TAGS), None)
        if item is None:
            item = a.getparent()
        label = _SPACE.sub(" ", lxml_text(a, "")).strip()
        title = _SPACE.sub(" ", a.get("title") or "").strip()
        chosen = title if title and (not label or label.endswith(("...", "…")) or
                                     len(title) >= len(label.replace(" ", ""))) else label or title or None
        out.append((url, chosen, _SPACE.sub(" ", lxml_text(item if item is not None else a, " ")).strip()))
    return out


def entry_link(anchors: list[tuple[str, str | None, str]]) -> tuple[str, str | None, str] | None:
    """The link of one list entry (a JCMS record, a unit's `li`): an article-shaped one, else an attachment, else
    the first that is not a column or index page. An entry is one article, so a link of an unusual shape is still
    its article."""
    tests = (is_article, lambda u: bool(ATTACHMENT.search(urlsplit(u).path)),
             lambda u: not _NOT_ARTICLE.search(urlsplit(u).path))
    for test in tests:
        for anchor in anchors:
            if test(anchor[0]):
                return anchor
    return None
