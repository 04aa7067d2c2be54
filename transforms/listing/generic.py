"""List pages of any other kind (TRS WCM, static lists): article links, and the list's further pages.

Paging is read from the page: TRS `createPageHTML(pages, current, "index", "html")` (pages index.html,
index_1.html … index_{pages-1}.html beside it), `下一页` links, `pageNum=` links. Without a configured
article_pattern, the articles are the links of article shape (transforms/listing/links.py) in the page's main
list: the list element holding most of them, and the lists beside it; sidebars of other columns are left out.
"""

from __future__ import annotations

import re
from collections import defaultdict
from urllib.parse import urljoin, urlsplit

from bs4 import BeautifulSoup, Tag

from transforms.listing.jsobject import parse_literal
from transforms.listing.links import (
    ATTACHMENT,
    HostPolicy,
    hidden,
    is_article,
    resolve,
    sort_links,
    text_of,
    title_of,
)
from transforms.listing.model import ListRequest, ReadResult

_CREATE_PAGE = re.compile(r"\bcreatePageHTML\s*\(([^)]*)\)")
_SCRIPT = re.compile(r"<script\b[^>]*>(.*?)</script\s*>", re.S | re.I)
_JS_COMMENT = re.compile(r"/\*.*?\*/|^\s*//[^\n]*", re.S | re.M)
_COUNT_PAGE = re.compile(r"\bcountPage\s*=\s*(\d+)")
_PAGE_NAME = re.compile(r"""["'](\w+)_["']|(\w+)["']\s*\+\s*["']_["']""")  # "index_" + i, "index"+"_" + i
_PAGE_EXT = re.compile(r"""_["']\s*\+[^;\n]{1,40}?\.["']?\s*\+?\s*["']?(s?html?)\b""")
_NEXT_LABELS = frozenset(("下一页", "下页", "后页", ">", "»", "next", "下一页>", "下一页 >", "下一页»"))
_PAGE_PARAM = re.compile(r"[?&](pageNum|pageNo|page|currpage|pageIndex)=\d+", re.I)
_SCRIPT_LIST = re.compile(r"\bloadPageData\s*\(|\.jpage\s*\(|\$\.(ajax|get|post)\s*\(", re.I)
_EXTENSIONS = ("html", "shtml", "htm")


def _variable(text: str, name: str) -> int | None:
    m = re.search(rf"\b{re.escape(name)}\s*=\s*(\d+)", text)
    return int(m.group(1)) if m else None


def trs_pages(text: str, url: str) -> list[str]:
    """The pages a TRS list links to, beside the page it is on: from its `createPageHTML(pages, current, name, ext)`
    call, or from the inline pager some templates write instead (`var countPage = 16` and links built as
    "index_" + i + ".htm")."""
    code = _JS_COMMENT.sub("", "\n".join(_SCRIPT.findall(text)))  # a commented-out call is no pager
    m = _CREATE_PAGE.search(code)
    if not m:
        count, name, ext = _COUNT_PAGE.search(code), _PAGE_NAME.search(code), _PAGE_EXT.search(code)
        if count and name and ext:
            stem = name.group(1) or name.group(2)
            return [urljoin(url, f"{stem}_{n}.{ext.group(1)}") for n in range(1, min(int(count.group(1)), 2000))]
        return []
    try:
        args, _ = parse_literal(f"[{m.group(1)}]")
    except ValueError:
        return []
    values = [(_variable(code, a) if isinstance(a, str) and a.isidentifier() and _variable(code, a) is not None
               else a) for a in args]
    numbers = [v for v in values if isinstance(v, int)]
    strings = [v for v in values if isinstance(v, str)]
    names = [(strings[i], strings[i + 1]) for i in range(len(strings) - 1) if strings[i + 1].lower() in _EXTENSIONS]
    if not numbers or not names:
        return []
    stem, extension = names[0]
    return [urljoin(url, f"{stem}_{n}.{extension}") for n in range(1, min(numbers[0], 2000))]


def _main_list(articles: list[Tag]) -> list[Tag]:
    """The links of the list element that holds most article links, and of the list elements beside it."""
    groups: dict[int, list[Tag]] = defaultdict(list)
    holders: dict[int, Tag] = {}
    for a in articles:
        row = a.find_parent(("li", "tr", "dd")) or a
        holder = row.parent if isinstance(row.parent, Tag) else row
        groups[id(holder)].append(a)
        holders[id(holder)] = holder
    if len(groups) <= 1:
        return articles
    biggest = max(groups, key=lambda k: len(groups[k]))
    parent = holders[biggest].parent
    keep = {k for k, links in groups.items()
            if k == biggest or holders[k].parent is parent or len(links) * 2 >= len(groups[biggest])}
    return [a for a in articles if id((a.find_parent(("li", "tr", "dd")) or a).parent) in keep]


def read_page(doc: BeautifulSoup, text: str, base: str, request: ListRequest, portal: str, hosts: HostPolicy,
              pattern: re.Pattern[str] | None) -> ReadResult:
    """Article links of a list page, its attachments, and its further pages."""
    tags = []
    nexts: list[str] = []
    for a in doc.find_all("a", href=True):
        url = resolve(str(a.get("href")), base)
        if url is None or hidden(a):
            continue
        path = urlsplit(url).path
        if ATTACHMENT.search(path) or is_article(url, pattern):
            tags.append((a, url))
        elif hosts.allows(url) and (text_of(a).replace(" ", "") in _NEXT_LABELS or _PAGE_PARAM.search(url)):
            nexts.append(url)
    article_tags = [a for a, url in tags if not ATTACHMENT.search(urlsplit(url).path)]
    chosen = set(map(id, article_tags if pattern is not None else _main_list(article_tags)))
    anchors = []
    for a, url in tags:
        if id(a) in chosen or ATTACHMENT.search(urlsplit(url).path):
            item = a.find_parent(("li", "tr", "dd", "p")) or a.parent
            anchors.append((url, title_of(a), text_of(item) if isinstance(item, Tag) else ""))
    links = sort_links(anchors, portal, hosts, pattern=re.compile(r"."))
    trs = trs_pages(text, base)
    out = ReadResult(refs=links.articles, attachments=links.attachments, other_hosts=links.other_hosts,
                     structure="trs" if trs else ("links" if links.articles else None))
    for url in dict.fromkeys([*trs, *nexts]):
        if hosts.allows(url) and url.split("#")[0] != base:
            out.requests.append(ListRequest(url=url, kind="page", column=request.column))
    if not links.articles and not links.attachments and _SCRIPT_LIST.search(text):
        out.structure = "script"
        out.incomplete = "the list is rendered by JavaScript from an address the page does not name; no article readable"
    return out


_URL_KEYS = ("url", "link", "href", "infourl", "docpuburl", "pcurl", "pageurl")
_TITLE_KEYS = ("title", "filename", "realtitle", "doctitle", "name", "showtitle")
_DATE_KEYS = ("pubdate", "publishdate", "docreltime", "date", "releasetime", "createdate")


def _records(value: object, depth: int = 0) -> list[dict[str, object]]:
    """The longest list of objects in a JSON answer, wherever it sits."""
    if depth > 6:
        return []
    if isinstance(value, list):
        best = [v for v in value if isinstance(v, dict)] if value and all(isinstance(v, dict) for v in value) else []
        for item in value[:50]:
            inner = _records(item, depth + 1)
            best = inner if len(inner) > len(best) else best
        return best
    if isinstance(value, dict):
        best = []
        for item in value.values():
            inner = _records(item, depth + 1)
            best = inner if len(inner) > len(best) else best
        return best
    return []


def _field(record: dict[str, object], keys: tuple[str, ...]) -> str | None:
    lowered = {str(k).lower(): v for k, v in record.items()}
    for key in keys:
        value = lowered.get(key)
        if isinstance(value, str) and value.strip():
            return value.strip()
    return None


def read_json(data: object, base: str, portal: str, hosts: HostPolicy) -> ReadResult:
    """A list answered as JSON (catalogues such as TRS's 政府信息公开 `*.json`): one entry per record, its
    attachments from any field that holds an attachment's address."""
    anchors = []
    for record in _records(data):
        link = _field(record, _URL_KEYS)
        url = resolve(link, base) if link else None
        if url is None:
            continue
        anchors.append((url, _field(record, _TITLE_KEYS), _field(record, _DATE_KEYS) or ""))
        for value in record.values():
            if isinstance(value, str) and ATTACHMENT.search(value.strip()):
                attachment = resolve(value, base)
                if attachment:
                    anchors.append((attachment, _field(record, _TITLE_KEYS), _field(record, _DATE_KEYS) or ""))
    links = sort_links(anchors, portal, hosts, pattern=re.compile(r"."))
    return ReadResult(refs=links.articles, attachments=links.attachments, other_hosts=links.other_hosts,
                      structure="json" if anchors else None)
