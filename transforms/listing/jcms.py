"""Hanweb JCMS columns: records embedded in the column page's `<datastore>`, more from `dataproxy.jsp`.

What the pages say, and where (ours and the portals' own markup):
- records: `<record><![CDATA[ <li><a href=… title=…>…</a><span>2024-07-30</span></li> ]]></record>`, in any markup a
  browser accepts (attributes across lines, unquoted or single-quoted, wrappers around the link, escaped HTML
  instead of CDATA); a record may hold more than one link, and a pinned record may not be counted in the total;
- the total: `<totalrecord>` in the datastore (older pages), or the jpage call's `totalRecord` parameter;
- paging: `proxyUrl` and `perPage`/`groupSize` in the jpage call, form fields in its `ajaxParam` (or the defaults
  col=1, appid=1, webid, path=/, columnid, sourceContentType=1, unitid, webname, permissiontype=0); the unit id is
  the id of the element that holds the datastore. Without a declared proxy, Zhejiang sites answer at
  /module/jpage/dataproxy.jsp and Jiangsu sites at /module/web/jpage/dataproxy.jsp.

Windows are asked for in the server's own numbering, from record 1, and de-duplicated by URL: the embedded count
is never an offset (a pinned record in it shifted every window by one and lost an article per column).
"""

from __future__ import annotations

import html
import re
from typing import Any
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit

from bs4 import BeautifulSoup, Tag

from transforms.listing.jsobject import object_after
from transforms.listing.links import (
    HostPolicy,
    anchors_in,
    entry_link,
    lxml_anchors_in,
    lxml_tree,
    resolve,
    sort_links,
    soup,
)
from transforms.listing.model import ListAnswer, ListRequest, ReadResult

DEFAULT_PERPAGE = 15
DEFAULT_GROUP = 3  # dataproxy answers this many pages of records per call
PROXY_PATHS = ("/module/jpage/dataproxy.jsp", "/module/web/jpage/dataproxy.jsp")

_DATASTORE = re.compile(r"<datastore\b[^>]*>(.*?)</datastore\s*>", re.S | re.I)
_RECORD = re.compile(r"<record\b[^>]*>(.*?)</record\s*>", re.S | re.I)
_RECORD_OPEN = re.compile(r"<record\b", re.I)
_CDATA = re.compile(r"<!\[CDATA\[(.*?)\]\]>", re.S)
_TOTAL_TAG = re.compile(r"<totalrecord>\s*(\d+)\s*</totalrecord>", re.I)
_NEXTGROUP = re.compile(r"<nextgroup\b[^>]*>(.*?)</nextgroup\s*>", re.S | re.I)
_JPAGE = re.compile(r"\bjpage\s*\(", re.I)
_TOTAL_VAR = re.compile(r"""\btotal_?record\s*[:=]\s*['"]?(\d+)""", re.I)
_PERPAGE_VAR = re.compile(r"""\bper_?page\s*[:=]\s*['"]?(\d+)""", re.I)
_PROXY_URL = re.compile(r"""proxy_?url\s*[:=]\s*['"]([^'"]+)['"]""", re.I)
_PROXY_REF = re.compile(r"""[^'"\s<>()]*dataproxy\.jsp(?:\?[^'"\s<>()]*)?""", re.I)
_UNIT_CALL = re.compile(r"""\$\(\s*['"]#(\w+)['"]\s*\)\s*\.\s*jpage""", re.I)
_FIELD = {name: re.compile(rf"""\b{name}\s*[=:]\s*['"]?(\w+)""", re.I) for name in ("webid", "unitid", "columnid")}
_COLUMN_ID = re.compile(r"/col/col(\d+)/")


def has_datastore(text: str) -> bool:
    return "<datastore" in text.lower()


def _record_fragments(inner: str) -> list[str]:
    fragments = []
    for body in _RECORD.findall(inner):
        m = _CDATA.search(body)
        fragment = m.group(1) if m else body
        if "<a" not in fragment.lower() and "&lt;" in fragment:
            fragment = html.unescape(fragment)  # records written as escaped HTML instead of CDATA
        fragments.append(fragment)
    return fragments


def records(inner: str, base: str, portal: str, hosts: HostPolicy) -> ReadResult:
    """The records of one datastore, one article (or attachment) each."""
    fragments = _record_fragments(inner)
    out = ReadResult(structure="jcms")
    if not fragments:
        return out
    markup = "".join(f'<div class="zwgk-record">{f}</div>' for f in fragments)
    picked = []
    tree = lxml_tree(markup)
    if tree is not None:
        holders = (d for d in tree.iter("div") if "zwgk-record" in (d.get("class") or "").split())
        picked = [c for holder in holders if (c := entry_link(lxml_anchors_in(holder, base))) is not None]
    else:
        for holder in soup(markup).find_all("div", class_="zwgk-record"):
            choice = entry_link(anchors_in(holder, base))
            if choice is not None:
                picked.append(choice)
    links = sort_links(picked, portal, hosts, pattern=re.compile(r"."))  # every picked link is an entry
    out.refs, out.attachments, out.other_hosts = links.articles, links.attachments, links.other_hosts
    if len(_RECORD_OPEN.findall(inner)) > len(fragments):
        out.notes.append(f"{len(_RECORD_OPEN.findall(inner)) - len(fragments)} datastore records are not closed "
                         "and were not read")
    return out


def _jpage_params(text: str) -> dict[str, Any]:
    merged: dict[str, Any] = {}
    for params in object_after(text, _JPAGE):
        merged.update(params)
    return merged


def _lookup(params: dict[str, Any], name: str) -> Any:
    for key, value in params.items():
        if key.lower() == name:
            return value
    return None


def _int(value: Any) -> int | None:
    try:
        return int(str(value).strip())
    except (TypeError, ValueError):
        return None


def _unit_of_datastore(doc: BeautifulSoup) -> str | None:
    for script in doc.find_all("script"):
        if "<datastore" in (script.string or "").lower():
            parent = script.find_parent(id=True)
            if isinstance(parent, Tag):
                return str(parent.get("id"))
    return None


def _form(text: str, params: dict[str, Any], declared: dict[str, str], doc: BeautifulSoup, url: str) -> dict[str, str]:
    ajax = _lookup(params, "ajaxparam") or _lookup(params, "param") or {}
    form: dict[str, str] = {"col": "1", "appid": "1", "webid": "", "path": "/", "columnid": "", "sourceContentType": "1",
                            "unitid": "", "webname": "", "permissiontype": "0"}
    if isinstance(ajax, dict):
        form.update({str(k): "" if v is None else str(v) for k, v in ajax.items()})
    for name in ("webid", "columnid", "unitid", "webname"):
        if declared.get(name):
            form[name] = declared[name]
    meta = doc.find("meta", attrs={"name": re.compile("^webid$", re.I)})
    if not form["webid"] and isinstance(meta, Tag) and meta.get("content"):
        form["webid"] = str(meta.get("content"))
    if not form["columnid"]:
        col = _COLUMN_ID.search(url)
        form["columnid"] = col.group(1) if col else ""
    if not form["unitid"]:
        call = _UNIT_CALL.search(text)
        form["unitid"] = call.group(1) if call else (_unit_of_datastore(doc) or "")
    for name in ("webid", "columnid", "unitid"):
        if not form[name]:
            m = _FIELD[name].search(text)
            form[name] = m.group(1) if m else ""
    return form


def _declared_proxy(text: str, params: dict[str, Any], base: str) -> tuple[str | None, dict[str, str]]:
    """The dataproxy URL the page names (jpage proxyUrl, the nextgroup link, a script) and its query parameters."""
    candidates = []
    proxy = _lookup(params, "proxyurl")
    if isinstance(proxy, str):
        candidates.append(proxy)
    m = _PROXY_URL.search(text)
    if m:
        candidates.append(m.group(1))
    for group in _NEXTGROUP.findall(text):
        candidates.extend(_PROXY_REF.findall(html.unescape(_CDATA.sub(r"\1", group))))
    candidates.extend(_PROXY_REF.findall(text))
    found: list[tuple[str, dict[str, str]]] = []
    for candidate in candidates:
        url = resolve(html.unescape(candidate), base)
        if url and "dataproxy.jsp" in url:
            parts = urlsplit(url)
            found.append((f"{parts.scheme}://{parts.netloc}{parts.path}", dict(parse_qsl(parts.query))))
    if not found:
        return None, {}
    proxy = found[0][0]  # the path the jpage call names; the parameters wherever the page writes them for it
    query = next((q for p, q in found if p == proxy and q), {})
    return proxy, query


def window_request(column: str, proxy: str, start: int, context: dict[str, Any]) -> ListRequest:
    size = context["perpage"] * DEFAULT_GROUP
    end = start + size - 1
    query = {**context["query"], "startrecord": str(start), "endrecord": str(end), "perpage": str(context["perpage"])}
    if "page" in context["query"]:  # a site that pages by page number (its own dataproxy link says so)
        query["page"] = str((start - 1) // context["perpage"] + 1)
    return ListRequest(
        url=f"{proxy}?{urlencode(query)}", kind="jcms-proxy", column=column, method="POST",
        form=tuple(sorted(context["form"].items())),
        headers=(("X-Requested-With", "XMLHttpRequest"), ("Referer", column)),
        context=tuple({**context, "proxy": proxy, "start": start}.items()),
    )


def read_column(text: str, base: str, request: ListRequest, portal: str, hosts: HostPolicy,
                proxy_hint: str | None) -> ReadResult | None:
    """A column page with a datastore; None when the page has none (another reader's page)."""
    if not has_datastore(text):
        return None
    m = _DATASTORE.search(text)
    if m is None:
        return ReadResult(structure="jcms", incomplete="the datastore element is not closed: malformed list XML")
    out = records(m.group(1), base, portal, hosts)
    doc = soup(text)
    params = _jpage_params(text)
    total_tag = _TOTAL_TAG.search(m.group(1))
    total = _int(total_tag.group(1)) if total_tag else _int(_lookup(params, "totalrecord"))
    if total is None:
        var = _TOTAL_VAR.search(text)
        total = _int(var.group(1)) if var else None
    out.stated_total = total
    perpage = _int(_lookup(params, "perpage"))
    if perpage is None:
        var = _PERPAGE_VAR.search(text)
        perpage = _int(var.group(1)) if var else None
    proxy, query = _declared_proxy(text, params, base)
    if total == 0 or (total is not None and perpage is not None and total <= perpage):
        return out  # the whole list is on the page
    if total is None and proxy is None:
        return out  # nothing says there is more
    origin = "{0.scheme}://{0.netloc}".format(urlsplit(base))
    proxies = list(dict.fromkeys([*([proxy] if proxy else []), *(origin + p for p in PROXY_PATHS)]))
    if proxy_hint and proxy_hint != proxy and proxy_hint in proxies:  # the path that answered for this host's other columns
        proxies.remove(proxy_hint)
        proxies.insert(0, proxy_hint)
    query = {k: v for k, v in query.items() if k.lower() not in ("startrecord", "endrecord", "perpage")}
    context = {"perpage": perpage or DEFAULT_PERPAGE, "query": query, "form": _form(text, params, query, doc, base),
               "proxies": tuple(proxies[1:]), "total": total, "page_url": urljoin(base, request.url)}
    out.requests.append(window_request(request.column, proxies[0], 1, context))
    return out


def read_window(text: str, request: ListRequest, portal: str, hosts: HostPolicy) -> ReadResult:
    """One dataproxy answer: its records, and the next window while the stated total is not reached."""
    m = _DATASTORE.search(text)
    if m is None:
        return ReadResult(structure="jcms", incomplete=f"{request.url}: the answer holds no datastore")
    out = records(m.group(1), request.get("page_url") or request.column, portal, hosts)
    total_tag = _TOTAL_TAG.search(m.group(1))
    total = _int(total_tag.group(1)) if total_tag else request.get("total")
    out.stated_total = total
    context = dict(request.context)
    start = int(context["start"]) + int(context["perpage"]) * DEFAULT_GROUP
    if out.refs and (total is None or start <= total):
        out.requests.append(window_request(request.column, context["proxy"], start, {**context, "total": total}))
    return out


def window_failed(request: ListRequest, answer: ListAnswer) -> ReadResult:
    """A proxy path that does not exist on this site is tried no further; then the column page's own paging."""
    context = dict(request.context)
    out = ReadResult(structure="jcms")
    first = int(context["start"]) == 1
    if first and answer.status in (404, 405) and context["proxies"]:
        following = context["proxies"][0]
        out.requests.append(window_request(request.column, following, 1, {**context, "proxies": context["proxies"][1:]}))
        return out
    total, perpage, unit = context.get("total"), int(context["perpage"]), context["form"].get("unitid")
    if first and answer.status in (404, 405) and total and unit:
        page = context["page_url"].split("?", 1)[0]
        pages = -(-int(total) // perpage)
        out.requests.extend(ListRequest(url=f"{page}?{urlencode({'uid': unit, 'pageNum': n})}", kind="page",
                                        column=request.column) for n in range(2, pages + 1))
        out.notes.append(f"dataproxy.jsp answered HTTP {answer.status}: paging the column page itself (pageNum)")
        return out
    out.incomplete = f"dataproxy paging failed at record {context['start']}: {answer.error or answer.status}"
    return out
