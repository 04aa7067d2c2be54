"""Hanweb 政府信息公开 catalogues (`/module/xxgk/`): where many towns' and departments' 计划总结 columns live.

The column page holds no records: it names the catalogue's search (`/module/xxgk/search.jsp`, or its tree
`tree.jsp?area=…`) with its own parameters (infotypeId, jdid, area, divid, sortfield …) in a link, a form or a
script, and the browser POSTs them with `currpage=N`. The answer is an HTML table of entries and a paging bar
("共N页", "共N条"). A search without an infotypeId spans the area's whole catalogue: it is narrowed to the
column's own articles (`art_<columnid>_`) when those are among the results.
"""

from __future__ import annotations

import html
import re
from urllib.parse import parse_qsl, urljoin, urlsplit

from bs4 import Tag

from transforms.listing.links import HostPolicy, anchors_in, entry_link, sort_links, soup
from transforms.listing.model import ListRequest, ReadResult

SEARCH_PATH = "/module/xxgk/search.jsp"
FIELDS = ("infotypeId", "jdid", "area", "divid", "vc_title", "vc_number", "sortfield", "currpage", "vc_filenumber",
          "vc_all", "texttype", "fbtime", "standardXxgk")
_MODULE_REF = re.compile(r"""[^'"\s<>()]*/module/xxgk/(search|tree)\.jsp\?[^'"\s<>()]*""", re.I)
_FIELD_VALUE = re.compile(r"""\b(infotypeId|jdid|area|divid|sortfield|standardXxgk)\b['"]?\s*[:=]\s*['"]([^'"]*)['"]""")
_XXGK_AREA = re.compile(r"""vc_xxgkarea\s*=\s*['"]([^'"]+)['"]""", re.I)
_COLUMN_ID = re.compile(r"/col/col(\d+)/")
_PAGES = re.compile(r"共\s*(\d+)\s*页")
_RECORDS = re.compile(r"共\s*(\d+)\s*条")


def declares_catalogue(text: str) -> bool:
    return "/module/xxgk/" in text


def _params(text: str) -> dict[str, str]:
    doc = soup(text)
    found: dict[str, str] = {}
    for m in _MODULE_REF.finditer(text):
        found.update({k: v for k, v in parse_qsl(html.unescape(m.group(0)).split("?", 1)[1], keep_blank_values=True)
                      if k in FIELDS and v})
    for form in doc.find_all("form", action=re.compile(r"/module/xxgk/search\.jsp", re.I)):
        for field in form.find_all("input", attrs={"name": True}) if isinstance(form, Tag) else []:
            name, value = str(field.get("name")), str(field.get("value") or "")
            if name in FIELDS and value:
                found[name] = value
    for m in _FIELD_VALUE.finditer(text):
        found.setdefault(m.group(1), m.group(2))
    area = _XXGK_AREA.search(text)
    if area:
        found.setdefault("area", area.group(1))
    return found


def _search_request(column: str, endpoint: str, form: dict[str, str], page: int, only: str | None,
                    pages: int | None = None) -> ListRequest:
    fields = {**form, "currpage": str(page)}
    return ListRequest(url=endpoint, kind="xxgk-search", column=column, method="POST",
                       form=tuple(sorted(fields.items())),
                       headers=(("X-Requested-With", "XMLHttpRequest"), ("Referer", column)),
                       context=(("endpoint", endpoint), ("form", tuple(form.items())), ("page", page), ("only", only),
                                ("pages", pages)))


def read_column(text: str, base: str, request: ListRequest) -> ReadResult | None:
    """A column page that names its catalogue search; None when it names none."""
    if not declares_catalogue(text):
        return None
    params = _params(text)
    if not params.get("area") and not params.get("infotypeId") and not params.get("divid"):
        return ReadResult(structure="xxgk", incomplete="the page uses the xxgk catalogue but names none of its "
                                                       "parameters (area, infotypeId, divid)")
    column = _COLUMN_ID.search(base)
    if column and not params.get("divid"):
        params["divid"] = f"div{column.group(1)}"
    form = {name: params.get(name, "") for name in FIELDS if name != "currpage"}
    only = f"art_{column.group(1)}_" if column and not params.get("infotypeId") else None
    endpoint = urljoin("{0.scheme}://{0.netloc}".format(urlsplit(base)), SEARCH_PATH)
    return ReadResult(structure="xxgk", requests=[_search_request(request.column, endpoint, form, 1, only)])


def read_search(text: str, request: ListRequest, portal: str, hosts: HostPolicy) -> ReadResult:
    """One page of catalogue results, and the next while the paging bar says there are more."""
    doc = soup(text)
    rows = [row for row in doc.find_all(("tr", "li")) if not row.find(("tr", "li"))]
    base = request.column
    anchors = [link for row in rows if (link := entry_link(anchors_in(row, base)))] if rows else anchors_in(doc, base)
    only = request.get("only")
    if only and any(only in a[0] for a in anchors):
        anchors = [a for a in anchors if only in a[0]]
    links = sort_links(anchors, portal, hosts)
    out = ReadResult(refs=links.articles, attachments=links.attachments, other_hosts=links.other_hosts,
                     structure="xxgk")
    plain = doc.get_text(" ")
    pages, records = _PAGES.search(plain), _RECORDS.search(plain)
    out.stated_total = int(records.group(1)) if records and not only else None
    page = int(request.get("page"))
    known = int(pages.group(1)) if pages else request.get("pages")  # the paging bar, or what the first page said
    if links.articles and (known is None or page < known):
        out.requests.append(_search_request(request.column, request.get("endpoint"), dict(request.get("form")),
                                            page + 1, only, known))
    return out
