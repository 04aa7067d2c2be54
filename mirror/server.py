"""HTTP servers on 127.0.0.1 that behave like Hanweb JCMS portals and a third-party mirror site.

Any number of hosts, each with any number of JCMS columns (`<datastore>` + `dataproxy.jsp` paging)
and a generic list page; pages are rendered on request, so a portal of 10,000 synthetic reports
costs no memory. Faults can be injected per path (status codes, delays, Retry-After, redirects,
cut connections, raw bodies) and every request is logged with its arrival time.
"""

from __future__ import annotations

import hashlib
import json
import sys
import threading
import time
from collections.abc import Iterable
from dataclasses import dataclass, replace
from email.utils import formatdate
from functools import cache
from html import escape
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from importlib import resources
from typing import Any
from urllib.parse import parse_qs, urlsplit

from mirror import lists
from mirror.render import render
from mirror.synthetic import report
from transforms.clean import clean_text
from transforms.models import Document

JCMS_COLUMN = "1229000001"
DEMO_PORTS = (18731, 18732, 18733, 18734, 18735, 18736, 18737)
GENERIC_LIST = "/list/index.html"
# The list kinds of mirror/lists.py beside our own JCMS: host -> (kind, the host's lists, articles per list)
VARIANTS: dict[str, tuple[str, tuple[str, ...], tuple[int, ...]]] = {
    "pinned": ("jcms-pinned", ("1229100101",), (34,)),  # one pinned + 33 counted
    "jpaas": ("jpaas", ("1229187636", "1229187637"), (23, 12)),
    "xxgk": ("xxgk", ("1229106886",), (25,)),
    "trs": ("trs", ("jhzj",), (25,)),
    "challenge": ("challenge", ("1229200001",), (3,)),
}


@dataclass(frozen=True)
class Article:
    seed: str  # a seed file name, or "synthetic:SEED:INDEX" for a generated report
    host: str
    path: str
    date: str
    layout: str
    title: str | None = None  # list title where the seed text has none
    body: str | None = None  # replaces the seed body (tests edit pages this way)
    column: str | None = JCMS_COLUMN  # JCMS column listing it; None: listed on the host's generic list page
    overrides: tuple[tuple[str, str], ...] = ()  # metadata fields replaced on the rendered page
    pinned: bool = False  # a jcms-pinned column shows it first and does not count it in its total


SEED_ARTICLES: tuple[Article, ...] = (
    Article("000_1bd96e9ad22cf9b6.txt", "jcms", f"/art/2024/7/30/art_{JCMS_COLUMN}_5000001.html", "2024-07-30", "hanweb-xxgk"),
    Article("002_8aea4feb83059470.txt", "jcms", f"/art/2019/2/21/art_{JCMS_COLUMN}_3000002.html", "2019-02-21", "label-cells",
            title="开发区(浦口街道)2018年工作总结和2019年工作思路"),
    Article("003_48ee3beea556918c.txt", "jcms", f"/art/2024/2/26/art_{JCMS_COLUMN}_4000003.html", "2024-02-26", "trs"),
    Article("004_503b6d050b838749.txt", "jcms", f"/art/2024/12/5/art_{JCMS_COLUMN}_5000004.html", "2024-12-05", "label-cells-twice",
            title="新碶街道2024年工作总结和2025年工作思路"),
    Article("001_2f001e7e59a5abec.txt", "mirror", "/art/2020/3/2/art_88_1.html", "2020-03-02", "mirror-site", column=None),
)
SITE_NAMES = {"jcms": "绍兴市人民政府(镜像)", "mirror": "文库镜像站"}

# Constructed for the demo (not a real page): the publisher of seed 000 reporting on the year it planned,
# so the warehouse can set targets against results; one figure is an outlier that validation flags.
FOLLOW_UP_BODY = """一、2024年工作总结
2024年，镜湖新区开发办围绕年度目标任务，全力推进项目建设和产业发展。全年实施政府(国企)投资项目45个，完成投资60.12亿元，完成年度计划的105.1%；其中有效投资58.4亿元，同比增长12.6%。
招商引资实现新突破，实现外贸出口额3.2亿元，同比增长1160%，新引进亿元以上项目8个。
二、2025年工作思路
力争全年完成有效投资65亿元以上，新引进亿元以上项目10个。"""
DEMO_ARTICLES: tuple[Article, ...] = (
    *SEED_ARTICLES,
    Article("000_1bd96e9ad22cf9b6.txt", "jcms", f"/art/2025/1/20/art_{JCMS_COLUMN}_5100001.html", "2025-01-20", "hanweb-xxgk",
            body=FOLLOW_UP_BODY, overrides=(("title", "镜湖新区开发办2024年工作总结及2025年工作思路"),
                                            ("index_no", "11330600MB16940915/2025-010231"),
                                            ("published_at", "2025-01-20 09:30"), ("written_date", "2025-01-20"))),
)
# listed in the demo column but answering 404: a page the portal has taken down (shows in fetch_failures)
DEMO_VANISHED = Article("000_1bd96e9ad22cf9b6.txt", "jcms", f"/art/2023/1/10/art_{JCMS_COLUMN}_4900001.html",
                        "2023-01-10", "hanweb-xxgk", title="镜湖新区开发办2022年工作总结")


def _variant_path(kind: str, column: str, date: str, n: int) -> str:
    y, m, d = (int(x) for x in date.split("-"))
    if kind == "jpaas":
        return f"/col/col{column}/art/{y}/art_{hashlib.md5(f'{column}-{n}'.encode()).hexdigest()}.html"
    if kind == "trs":
        return f"/zwgk/{column}/{y}{m:02d}/t{y}{m:02d}{d:02d}_{8000000 + n}.html"
    return f"/art/{y}/{m}/{d}/art_{column}_{8000000 + n}.html"


def variant_articles(seed: int = 17) -> tuple[Article, ...]:
    """Synthetic reports listed the way each variant host lists them (VARIANTS)."""
    out, n = [], 0
    for host, (kind, columns, counts) in VARIANTS.items():
        for column, count in zip(columns, counts, strict=True):
            for k in range(count):
                rep = report(seed, n)
                date = rep.metadata["published_at"]
                out.append(Article(f"synthetic:{seed}:{n}", host, _variant_path(kind, column, date, n), date, rep.layout,
                                   title=rep.metadata["title"], column=column, pinned=kind == "jcms-pinned" and k == 0))
                n += 1
    return tuple(out)


def column_slots(hosts: Iterable[str], columns_per_host: int) -> list[tuple[str, str]]:
    return [(h, f"12290{k + 1:05d}") for h in hosts for k in range(columns_per_host)]


def synthetic_articles(seed: int, count: int, slots: list[tuple[str, str]]) -> tuple[Article, ...]:
    """`count` generated reports spread round-robin over (host, JCMS column) slots."""
    out = []
    for i in range(count):
        host, column = slots[i % len(slots)]
        rep = report(seed, i)
        date = rep.metadata["published_at"]
        y, m, d = (int(x) for x in date.split("-"))
        out.append(Article(f"synthetic:{seed}:{i}", host, f"/art/{y}/{m}/{d}/art_{column}_{7000000 + i}.html", date,
                           rep.layout, title=rep.metadata["title"], column=column))
    return tuple(out)


@dataclass
class Fault:
    """What a path answers instead of its page; `times` answers are faulty, then the page comes back."""

    status: int | None = None  # e.g. 500, 429, 301
    times: int | None = None  # None: every time
    delay: float = 0.0  # seconds before answering
    retry_after: str | None = None
    location: str | None = None  # redirect target (absolute URL or path)
    body: bytes | None = None  # a raw body instead of the rendered page
    content_type: str | None = None
    cut_after: int | None = None  # send only this many bytes of the body, then close (Content-Length says more)


def seed_text(name: str) -> str:
    return resources.files("mirror").joinpath("seeds", name).read_text(encoding="utf-8")


@cache
def _seed_document(name: str) -> Document:
    """Each seed is cleaned once; pages are rebuilt from it after every edit (treat as read-only)."""
    return clean_text(seed_text(name))


def article_html(article: Article) -> str:
    if article.seed.startswith("synthetic:"):
        _, seed, index = article.seed.split(":")
        rep = report(int(seed), int(index))
        body = article.body if article.body is not None else rep.body
        return render(rep.layout, rep.metadata, body, SITE_NAMES.get(article.host, "合成门户(镜像)"))
    doc = _seed_document(article.seed)
    meta: dict[str, Any] = dict(doc.metadata)
    if not meta.get("title") and article.title:
        meta["title"] = article.title
    meta.update(dict(article.overrides))
    body = article.body if article.body is not None else doc.body
    return render(article.layout, meta, body, SITE_NAMES.get(article.host, "绍兴市人民政府(镜像)"))


def _title(article: Article) -> str:
    return dict(article.overrides).get("title") or article.title or _seed_document(article.seed).metadata.get("title") or ""


def _record(article: Article) -> str:
    title = escape(_title(article))
    return f'<record><![CDATA[<li><a href="{article.path}" title="{title}" target="_blank">{title}</a><span>{article.date}</span></li>]]></record>'


def datastore(records: list[str], total: int, perpage: int) -> str:
    return (
        "<datastore><nextgroup><![CDATA[<a href=\"/module/jpage/dataproxy.jsp\">下一页</a>]]></nextgroup>"
        f"<recordset>{''.join(records)}</recordset><totalrecord>{total}</totalrecord>"
        f"<totalpage>{-(-total // perpage)}</totalpage></datastore>"
    )


def column_page(column: str, records: list[str], total: int, perpage: int) -> str:
    return (
        '<!DOCTYPE html><html><head><meta charset="utf-8"><title>计划总结</title></head><body>'
        '<div class="bread">当前位置：<a href="/">首页</a> &gt; 政务公开 &gt; 计划总结</div>'
        f'<div id="{column}"><script type="text/xml">{datastore(records[:perpage], total, perpage)}</script></div>'
        "<script>var unitid='5000001'; var webid='2754';</script></body></html>"
    )


class Mirror:
    """Portal hosts on 127.0.0.1; pages can be edited, removed and added while running (for versioning tests)."""

    def __init__(self, articles: tuple[Article, ...] = SEED_ARTICLES, perpage: int = 2,
                 hosts: Iterable[str] = (), sites: dict[str, str] | None = None) -> None:
        self.articles: list[Article] = list(articles)
        self.perpage = perpage
        self.hosts = list(dict.fromkeys([*hosts, *(a.host for a in articles), *(sites or {})]))
        self.sites = dict(sites or {})  # host -> list kind (mirror/lists.py); "jcms" when not named
        self.latency = 0.0  # seconds every answer waits before it goes out (a far-away portal)
        self.requests: list[tuple[float, str, str, str]] = []  # (arrival time, host, method, path) of every request
        self.faults: dict[str, Fault] = {}  # by path, any host
        self.extra_pages: dict[tuple[str, str], tuple[bytes, str]] = {}  # (host, path) -> (body, content type)
        self._servers: dict[str, ThreadingHTTPServer] = {}
        self._lock = threading.Lock()
        self._index()

    # -- content -------------------------------------------------------------------------------
    def _index(self) -> None:
        by_path = {(a.host, a.path): a for a in self.articles}
        # a column whose last article was removed still answers, with an empty list
        columns: dict[tuple[str, str], list[Article]] = {key: [] for key in getattr(self, "_columns", {})}
        for a in self.articles:
            if a.column is not None:
                columns.setdefault((a.host, a.column), []).append(a)
        with self._lock:
            self._by_path, self._columns = by_path, columns
            self._rendered: dict[tuple[str, str], tuple[bytes, str]] = {}  # article bytes, rendered once

    def prerender(self) -> Mirror:
        """Every article rendered now: a benchmark's mirror then hardly competes with the crawler for the cores."""
        for article in self.articles:
            self._article_bytes(article)
        return self

    def _article_bytes(self, article: Article) -> tuple[bytes, str]:
        key = (article.host, article.path)
        found = self._rendered.get(key)
        if found is None:
            body = article_html(article).encode("utf-8")
            found = self._rendered[key] = (body, '"' + hashlib.sha256(body).hexdigest()[:32] + '"')
        return found

    def edit(self, path: str, body: str) -> None:
        self.articles = [replace(a, body=body) if a.path == path else a for a in self.articles]
        self._index()

    def remove(self, path: str) -> None:
        self.articles = [a for a in self.articles if a.path != path]
        self._index()

    def add(self, article: Article) -> None:
        self.articles.append(article)
        self._index()

    @classmethod
    def demo(cls) -> Mirror:
        """What `zwgk demo` serves: the seeds, a constructed follow-up report, a page that has vanished, and a host
        of each other list kind (a JCMS column with a pinned record, jpaas units, an xxgk catalogue, a TRS list, a
        host behind an anti-bot challenge)."""
        mirror = cls((*DEMO_ARTICLES, DEMO_VANISHED, *variant_articles()),
                     sites={host: kind for host, (kind, _c, _n) in VARIANTS.items()})
        mirror.faults[DEMO_VANISHED.path] = Fault(status=404)
        return mirror

    def etag(self, host: str, path: str) -> str | None:
        """An article's ETag, computed when it was rendered."""
        article = self._by_path.get((host, path))
        if article is None or (host, path) in self.extra_pages:
            return None
        return self._article_bytes(article)[1]

    def columns(self, host: str) -> list[str]:
        return sorted({c for h, c in self._columns if h == host})

    def page(self, host: str, path: str, query: str = "") -> tuple[bytes, str] | None:
        with self._lock:
            extra = self.extra_pages.get((host, path))
            article = self._by_path.get((host, path))
            columns = dict(self._columns)
        if extra is not None:
            return extra
        html = "text/html; charset=utf-8"
        if article is not None:
            return self._article_bytes(article)[0], html
        if path == "/robots.txt":
            return b"User-agent: *\nDisallow: /private/\n", "text/plain; charset=utf-8"
        if path in ("/", "/index.html"):
            names = ("计划总结", "规划计划", "政府工作报告")
            links = "".join(f'<li><a href="{urlsplit(self.column_url(host, c)).path}">{names[n % len(names)]}</a></li>'
                            for n, c in enumerate(self.columns(host)))
            return ('<!DOCTYPE html><html><head><meta charset="utf-8"><title>首页</title></head><body><ul>'
                    '<li><a href="/col/col1/index.html">新闻动态</a></li><li><a href="javascript:void(0)">工作总结</a></li>'
                    f"{links}</ul></body></html>").encode(), html
        kind = self.sites.get(host, "jcms")
        if kind != "jcms":
            return self._list_page(kind, host, path, parse_qs(query))
        if path == GENERIC_LIST:
            links = "".join(f'<li><a href="{a.path}">{escape(a.path)}</a></li>' for a in self.articles
                            if a.host == host and a.column is None)
            return (f'<!DOCTYPE html><html><head><meta charset="utf-8"><title>工作思路</title></head><body><ul>{links}</ul>'
                    "</body></html>").encode(), html
        for (h, column), listed in columns.items():
            if h == host and path == f"/col/col{column}/index.html":
                records = [_record(a) for a in listed[: self.perpage]]
                return column_page(column, records, len(listed), self.perpage).encode("utf-8"), html
        return None

    def listed(self, host: str, column: str) -> list[Article]:
        with self._lock:
            return list(self._columns.get((host, column), []))

    def _entries(self, articles: list[Article]) -> list[lists.Entry]:
        return [lists.Entry(a.path, _title(a), a.date) for a in articles]

    def _list_page(self, kind: str, host: str, path: str, query: dict[str, list[str]]) -> tuple[bytes, str] | None:
        """Column pages and list APIs of the other list kinds (mirror/lists.py)."""
        html, columns = "text/html; charset=utf-8", [c for h, c in self._columns if h == host]
        for n, column in enumerate(sorted(columns)):
            listed = self.listed(host, column)
            if kind == "jcms-pinned" and path == f"/col/col{column}/index.html":
                pinned = [a for a in listed if a.pinned]
                counted = [a for a in listed if not a.pinned]
                page = lists.jcms_pinned_column(column, column[-6:], self._entries(pinned), self._entries(counted))
                return page.encode("utf-8"), html
            if kind in ("jpaas", "xxgk") and path == f"/col/col{column}/index.html":
                page = lists.jpaas_column(column, ("unitbuild", "loadpagedata")[n % 2]) if kind == "jpaas" \
                    else lists.xxgk_column(column, f"C{column[-4:]}")
                return page.encode("utf-8"), html
            if kind == "jpaas" and path == lists.JPAAS_UNIT and query.get("pageId", [""])[0] == column:
                try:
                    paging = json.loads(query.get("paramJson", ["{}"])[0])
                    page_no, size = int(paging.get("pageNo", 1)), int(paging.get("pageSize", lists.JPAAS_PAGE_SIZE))
                except (ValueError, AttributeError):
                    return b'{"success": false, "data": null}', "application/json"
                return lists.jpaas_unit_answer(self._entries(listed), page_no, size), "application/json;charset=UTF-8"
            if kind == "trs":
                for index in range(max(1, -(-len(listed) // lists.TRS_PER_PAGE))):
                    name = "index.html" if index == 0 else f"index_{index}.html"
                    if path == f"/zwgk/{column}/{name}":
                        return lists.trs_list(self._entries(listed), index).encode("utf-8"), html
        return None

    def post(self, host: str, path: str, query: dict[str, list[str]], form: dict[str, list[str]]) -> tuple[bytes, str] | None:
        """What a list API answers to a POST; None: not found."""
        kind = self.sites.get(host, "jcms")
        first = {k: v[0] for k, v in {**query, **form}.items()}
        try:
            start, end = int(first.get("startrecord", "1")), int(first.get("endrecord", "45"))
            page = int(first.get("currpage", "1") or 1)
        except ValueError:
            return b"bad paging parameters", "text/plain"
        xml = "text/xml; charset=utf-8"
        if kind == "jcms" and path.endswith("/jpage/dataproxy.jsp") and self.columns(host):
            return self.dataproxy(host, first.get("columnid", ""), start, end), xml
        if kind == "jcms-pinned" and path == "/module/web/jpage/dataproxy.jsp":
            counted = [a for a in self.listed(host, first.get("columnid", "")) if not a.pinned]
            return lists.jcms_pinned_window(self._entries(counted), start, end).encode("utf-8"), xml
        if kind == "xxgk" and path == "/module/xxgk/search.jsp":
            for column in self.columns(host):
                if first.get("infotypeId") == f"C{column[-4:]}":
                    answer = lists.xxgk_search_answer(self._entries(self.listed(host, column)), page)
                    return answer.encode("utf-8"), "text/html; charset=utf-8"
        return None

    def dataproxy(self, host: str, column: str, start: int, end: int) -> bytes:
        with self._lock:
            listed = list(self._columns.get((host, column), []))
        records = [_record(a) for a in listed[max(start - 1, 0) : end]]
        return datastore(records, len(listed), self.perpage).encode("utf-8")

    def _take_fault(self, path: str) -> Fault | None:
        with self._lock:
            fault = self.faults.get(path)
            if fault is None:
                return None
            if fault.times is not None:
                if fault.times <= 0:
                    return None
                fault.times -= 1
            return fault

    # -- serving -------------------------------------------------------------------------------
    def start(self, ports: tuple[int, ...] = ()) -> Mirror:
        """Serve every host; preferred ports are used when free, otherwise any free port."""
        for n, host in enumerate(self.hosts):
            port = ports[n] if n < len(ports) else 0
            try:
                server = _QuietServer(("127.0.0.1", port), _handler(self, host))
            except OSError:
                server = _QuietServer(("127.0.0.1", 0), _handler(self, host))
            server.daemon_threads = True
            threading.Thread(target=server.serve_forever, name=f"mirror-{host}", daemon=True).start()
            self._servers[host] = server
        return self

    def stop(self) -> None:
        for server in self._servers.values():
            server.shutdown()
            server.server_close()
        self._servers.clear()

    def __enter__(self) -> Mirror:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def base_url(self, host: str) -> str:
        port = self._servers[host].server_address[1]
        return f"http://127.0.0.1:{port}"

    def url(self, host: str, path: str) -> str:
        return self.base_url(host) + path

    def column_url(self, host: str, column: str) -> str:
        if self.sites.get(host) == "trs":
            return self.url(host, f"/zwgk/{column}/index.html")
        return self.url(host, f"/col/col{column}/index.html")

    def jcms_config(self, name: str, hosts: Iterable[str], rate: float = 50.0, schedule: str = "0 3 * * *") -> str:
        """A portal entry listing every JCMS column of the given hosts."""
        urls = [self.column_url(h, c) for h in hosts for c in self.columns(h)]
        return (f'[[portals]]\nname = "{name}"\ncms = "jcms"\nstart_urls = [{", ".join(chr(34) + u + chr(34) for u in urls)}]\n'
                f'rate = {rate}\nschedule = "{schedule}"\nallow_private = true\n')

    def config_toml(self) -> str:
        """The portal config a user would write for the mirror's sites: one portal per site."""
        entries = []
        for n, (host, (kind, _columns, _counts)) in enumerate(VARIANTS.items()):
            if host in self.hosts:
                cms = {"jcms-pinned": "jcms", "challenge": "jcms", "trs": "generic"}.get(kind, kind)
                urls = ", ".join(f'"{self.column_url(host, c)}"' for c in self.columns(host))
                entries.append(f'[[portals]]\nname = "{host}-mirror"\ncms = "{cms}"\nstart_urls = [{urls}]\n'
                               f'rate = 50.0\nschedule = "{10 + n} 3 * * *"\nallow_private = true\n')
        if "jcms" in self.hosts:
            entries.append(self.jcms_config("jinghu-mirror", ["jcms"]))
        if "mirror" in self.hosts:
            entries.append('[[portals]]\nname = "wenku-mirror"\ncms = "generic"\n'
                           f'start_urls = ["{self.url("mirror", GENERIC_LIST)}"]\n'
                           "article_pattern = '/art/\\d{4}/'\nrate = 50.0\n"
                           'schedule = "30 3 * * *"\nallow_private = true\n')
        return "\n".join(entries)


class _QuietServer(ThreadingHTTPServer):
    def handle_error(self, request: Any, client_address: Any) -> None:
        """A client that hangs up early (size cap, timeout) is expected here, not an error."""
        exc = sys.exc_info()[1]
        if not isinstance(exc, ConnectionError):
            super().handle_error(request, client_address)


def _handler(mirror: Mirror, host: str) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        server_version = "HanwebJCMS-mirror"
        disable_nagle_algorithm = True  # headers and body go out as two writes: Nagle + delayed ACK cost 40 ms each

        def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - quiet server
            return

        def _send(self, status: int, body: bytes, content_type: str = "text/html; charset=utf-8") -> None:
            if mirror.latency:
                time.sleep(mirror.latency)
            etag = mirror.etag(host, urlsplit(self.path).path) or '"' + hashlib.sha256(body).hexdigest()[:32] + '"'
            if status == 200 and self.headers.get("If-None-Match") == etag:
                self.send_response(304)
                self.send_header("ETag", etag)
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            if status == 200:
                self.send_header("ETag", etag)
                self.send_header("Last-Modified", formatdate(usegmt=True))
            self.end_headers()
            self.wfile.write(body)

        def _faulty(self, path: str) -> bool:
            fault = mirror._take_fault(path)
            if fault is None:
                return False
            if fault.delay:
                time.sleep(fault.delay)
            if fault.location is not None:
                self.send_response(fault.status or 302)
                self.send_header("Location", fault.location)
                self.send_header("Content-Length", "0")
                self.end_headers()
                return True
            if fault.body is not None or fault.cut_after is not None:
                found = mirror.page(host, path)
                body = fault.body if fault.body is not None else (found[0] if found else b"")
                ctype = fault.content_type or (found[1] if found else "text/html; charset=utf-8")
                self.send_response(fault.status or 200)
                self.send_header("Content-Type", ctype)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body if fault.cut_after is None else body[: fault.cut_after])
                if fault.cut_after is not None:
                    self.close_connection = True
                return True
            if fault.status is None:
                return False  # a pure delay: answer normally afterwards
            self.send_response(fault.status)
            if fault.retry_after is not None:
                self.send_header("Retry-After", fault.retry_after)
            body = f"<html><body>{fault.status}</body></html>".encode()
            self.send_header("Content-Type", "text/html")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
            return True

        def do_GET(self) -> None:
            split = urlsplit(self.path)
            path = split.path
            mirror.requests.append((time.monotonic(), host, "GET", self.path))
            if self._faulty(path):
                return
            if mirror.sites.get(host) == "challenge" and path != "/robots.txt":
                self._challenge()
                return
            found = mirror.page(host, path, split.query)
            if found is None:
                self._send(404, b"<html><body>404 Not Found</body></html>")
                return
            self._send(200, *found)

        def do_POST(self) -> None:
            split = urlsplit(self.path)
            mirror.requests.append((time.monotonic(), host, "POST", self.path))
            length = int(self.headers.get("Content-Length") or 0)
            form = parse_qs(self.rfile.read(length).decode("utf-8", "replace"))
            if self._faulty(split.path):
                return
            if mirror.sites.get(host) == "challenge":
                self._challenge()
                return
            found = mirror.post(host, split.path, parse_qs(split.query), form)
            if found is None:
                self._send(404, b"not found")
                return
            self._send(200 if found[1] != "text/plain" else 400, *found)

        def _challenge(self) -> None:
            """An anti-bot service: 412 and a script that sets a cookie and reloads, whatever is asked."""
            self.send_response(412)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Set-Cookie", "FSSBBIl1UgzbN7N80O=3vQ1; path=/; HttpOnly")
            self.send_header("Content-Length", str(len(lists.CHALLENGE_BODY)))
            self.end_headers()
            self.wfile.write(lists.CHALLENGE_BODY)

    return Handler
