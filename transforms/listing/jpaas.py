"""Hanweb jpaas columns (the newer Zhejiang sites): the list is not in the page, the page declares where it is.

Two declarations, both read from the page's own parameters:
- a script tag (unitbuild.js) with `queryData="{'webId':…,'pageId':…,'tplSetId':…,'tagId':…}"` and `url=` the unit
  endpoint, or a `loadPageData({webId:…, pageId:…, …})` call: the browser GETs
  /api-gateway/jpaas-publish-server/front/page/build/unit?webId&pageId&tplSetId&tagId&parseType=bulidstatic
  &pageType=column&paramJson={"pageNo":N,"pageSize":S}, which answers {"data": {"html": "<ul>…</ul>"}};
  a top-level column's pageId is its column id;
- a page that embeds its first page of records as JSON (`listData = {articleList: [...]}`) and pages the rest
  with `loadPageData(params, unitId)` through a script the page does not name: the embedded records are read,
  and the note says how many of the stated total are left to JavaScript.
"""

from __future__ import annotations

import json
import re
from typing import Any
from urllib.parse import urlencode, urljoin, urlsplit

from bs4 import BeautifulSoup

from transforms.listing.jsobject import object_after, parse_literal
from transforms.listing.links import HostPolicy, anchors_in, entry_link, resolve, sort_links, soup
from transforms.listing.model import ListRequest, ReadResult

UNIT_PATH = "/api-gateway/jpaas-publish-server/front/page/build/unit"
DEFAULT_PAGE_SIZE = 15
_LOAD_PAGE_DATA = re.compile(r"\bloadPageData\s*\(", re.I)
_ARTICLE_LIST = re.compile(r"\barticleList\s*:\s*(?=\[)")
_SELF_CHANNEL = re.compile(r"\bchannelsTagSelf\s*=\s*(?=\{)")
_PARAM_VAR = re.compile(r"""\b(webId|pageId|tplSetId|tagId)\b['"]?\s*[:=]\s*['"]([^'"]+)['"]""")
_COLUMN_ID = re.compile(r"/col/col(\d+)/")
_TOTAL_TEXT = re.compile(r"共\s*(\d+)\s*条")
_UNIT_KEYS = ("webid", "pageid", "tplsetid")


def _declared_units(doc: BeautifulSoup, text: str) -> list[tuple[str | None, dict[str, Any]]]:
    """(endpoint, parameters) of every unit the page declares."""
    units: list[tuple[str | None, dict[str, Any]]] = []
    for tag in doc.find_all(lambda t: t.has_attr("querydata")):
        try:
            params, _ = parse_literal(str(tag.get("querydata")).strip())
        except ValueError:
            continue
        if isinstance(params, dict):
            endpoint = tag.get("url") or tag.get("data-url")
            units.append((str(endpoint) if endpoint else None, params))
    for params in object_after(text, _LOAD_PAGE_DATA):
        if {k.lower() for k in params} >= {"webid", "pageid"}:
            units.append((None, params))
    if not units and UNIT_PATH in text:  # parameters written as script variables
        found = {m.group(1): m.group(2) for m in _PARAM_VAR.finditer(text)}
        if {"webId", "tplSetId"} <= found.keys():
            units.append((None, found))
    return units


def _unit_request(column: str, endpoint: str, params: dict[str, Any], page: int, page_size: int) -> ListRequest:
    query = {k: ("" if v is None else str(v)) for k, v in params.items()}
    query["paramJson"] = json.dumps({**params.get("_paramJson", {}), "pageNo": page, "pageSize": page_size},
                                    separators=(",", ":"), ensure_ascii=False)
    query.pop("_paramJson", None)
    return ListRequest(url=f"{endpoint}?{urlencode(query)}", kind="jpaas-unit", column=column,
                       headers=(("X-Requested-With", "XMLHttpRequest"), ("Referer", column)),
                       context=(("endpoint", endpoint), ("params", tuple(params.items())), ("page", page),
                                ("page_size", page_size)))


def _normalise(params: dict[str, Any], page_url: str) -> tuple[dict[str, Any], int]:
    out: dict[str, Any] = {"parseType": "bulidstatic", "pageType": "column"}
    out.update({k: v for k, v in params.items() if not isinstance(v, dict | list)})
    inner = params.get("paramJson")
    if isinstance(inner, str):
        try:
            inner = json.loads(inner.replace("'", '"'))
        except ValueError:
            inner = None
    page_size = DEFAULT_PAGE_SIZE
    if isinstance(inner, dict):
        page_size = int(inner.get("pageSize") or page_size)
        out["_paramJson"] = {k: v for k, v in inner.items() if k not in ("pageNo", "pageSize")}
    out.pop("paramJson", None)
    if not out.get("pageId"):
        col = _COLUMN_ID.search(page_url)
        if col:
            out["pageId"] = col.group(1)  # a top-level column's unit is its column
    return out, page_size


def _embedded_list(text: str, base: str, portal: str, hosts: HostPolicy) -> ReadResult | None:
    m = _ARTICLE_LIST.search(text)
    if not m:
        return None
    try:
        items, _ = parse_literal(text, m.end())
    except ValueError:
        return None
    anchors = []
    for item in items if isinstance(items, list) else []:
        if not isinstance(item, dict):
            continue
        link = item.get("url") or item.get("link") or item.get("href")
        urls = item.get("urls")
        if isinstance(urls, str):
            try:
                urls = json.loads(urls)
            except ValueError:
                urls = None
        if isinstance(urls, dict):
            link = urls.get("pc") or link
        url = resolve(str(link), base) if link else None
        if url:
            title = item.get("title") or item.get("showTitle")
            anchors.append((url, str(title) if title else None, str(item.get("pubDate") or "")))
            for file in item.get("articleFiles") or []:  # the record's attached files
                path = file.get("filePath") or file.get("url") if isinstance(file, dict) else None
                attached = resolve(str(path), base) if path else None
                if attached:
                    anchors.append((attached, str(file.get("fileName") or title or ""), ""))
    links = sort_links(anchors, portal, hosts, pattern=re.compile(r"."))
    out = ReadResult(refs=links.articles, attachments=links.attachments, other_hosts=links.other_hosts,
                     structure="jpaas")
    channel = _SELF_CHANNEL.search(text)
    if channel:
        try:
            info, _ = parse_literal(text, channel.end())
        except ValueError:
            info = None
        if isinstance(info, dict) and str(info.get("articleCount", "")).isdigit():
            out.stated_total = int(info["articleCount"])
    if out.stated_total is not None and len(out.refs) < out.stated_total and _LOAD_PAGE_DATA.search(text):
        out.incomplete = (f"the page embeds {len(out.refs)} of {out.stated_total} records; the rest are loaded by "
                          "JavaScript (loadPageData) from an address the page does not name")
    return out


def read_column(text: str, base: str, request: ListRequest, portal: str, hosts: HostPolicy) -> ReadResult | None:
    """A jpaas column page; None when the page declares no jpaas list."""
    doc = soup(text)
    units = _declared_units(doc, text)
    embedded = _embedded_list(text, base, portal, hosts)
    if not units:
        if embedded is None and _LOAD_PAGE_DATA.search(text):
            return ReadResult(structure="jpaas", incomplete="the list is rendered by JavaScript (loadPageData) from "
                                                            "an address the page does not name; no article readable")
        return embedded
    out = embedded or ReadResult(structure="jpaas")
    origin = "{0.scheme}://{0.netloc}".format(urlsplit(base))
    for endpoint, raw in units:
        params, page_size = _normalise(raw, base)
        if not {k.lower() for k in params} >= set(_UNIT_KEYS):
            out.notes.append(f"a jpaas unit without webId/pageId/tplSetId ({', '.join(sorted(raw))}): not read")
            continue
        out.requests.append(_unit_request(request.column, urljoin(origin, endpoint or UNIT_PATH), params, 1, page_size))
    if not out.requests and not out.refs:
        out.incomplete = "the jpaas list declaration lacks the parameters its unit needs"
    return out


def _entries(markup: str, base: str) -> list[tuple[str, str | None, str]]:
    """Every list entry of a unit's HTML: each `li`/`tr`/`dd` counts once, by its own link."""
    doc = soup(markup)
    rows = [row for row in doc.find_all(("li", "tr", "dd")) if not row.find(("li", "tr", "dd"))]
    if not rows:
        return [a for a in anchors_in(doc, base) if entry_link([a])]
    return [link for row in rows if (link := entry_link(anchors_in(row, base)))]


def read_unit(text: str, request: ListRequest, portal: str, hosts: HostPolicy) -> ReadResult:
    """One unit answer: its entries, and the next page while the answer had any."""
    out = ReadResult(structure="jpaas")
    try:
        answer = json.loads(text)
    except ValueError:
        out.incomplete = f"{request.url}: the unit answered no JSON"
        return out
    data = answer.get("data") if isinstance(answer, dict) else None
    markup = data.get("html") if isinstance(data, dict) else data if isinstance(data, str) else None
    if not isinstance(markup, str):
        out.incomplete = f"{request.url}: the unit answer has no data.html"
        return out
    links = sort_links(_entries(markup, request.column), portal, hosts, pattern=re.compile(r"."))
    out.refs, out.attachments, out.other_hosts = links.articles, links.attachments, links.other_hosts
    for key in ("total", "totalCount", "count", "totalRecord"):
        value = str(data.get(key)) if isinstance(data, dict) else ""
        if value.isdigit():
            out.stated_total = int(value)
            break
    else:
        m = _TOTAL_TEXT.search(markup)
        out.stated_total = int(m.group(1)) if m else None
    page, size = int(request.get("page", 1)), int(request.get("page_size", DEFAULT_PAGE_SIZE))
    if out.refs and (out.stated_total is None or page * size < out.stated_total):
        out.requests.append(_unit_request(request.column, request.get("endpoint"), dict(request.get("params")),
                                          page + 1, size))
    return out

