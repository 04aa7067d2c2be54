"""HTTP servers on 127.0.0.1 that behave like a Hanweb JCMS portal and a third-party mirror site."""

from __future__ import annotations

import hashlib
import threading
from dataclasses import dataclass, replace
from email.utils import formatdate
from functools import cache
from html import escape
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from importlib import resources
from typing import Any
from urllib.parse import parse_qs, urlsplit

from mirror.render import render
from transforms.clean import clean_text
from transforms.models import Document

JCMS_COLUMN = "1229000001"
JCMS_PERPAGE = 2
DEMO_PORTS = (18731, 18732)


@dataclass(frozen=True)
class Article:
    seed: str
    host: str  # "jcms" or "mirror"
    path: str
    date: str
    layout: str
    title: str | None = None  # list title where the seed text has none
    body: str | None = None  # replaces the seed body (tests edit pages this way)


SEED_ARTICLES: tuple[Article, ...] = (
    Article("000_1bd96e9ad22cf9b6.txt", "jcms", f"/art/2024/7/30/art_{JCMS_COLUMN}_5000001.html", "2024-07-30", "hanweb-xxgk"),
    Article("002_8aea4feb83059470.txt", "jcms", f"/art/2019/2/21/art_{JCMS_COLUMN}_3000002.html", "2019-02-21", "label-cells",
            title="开发区(浦口街道)2018年工作总结和2019年工作思路"),
    Article("003_48ee3beea556918c.txt", "jcms", f"/art/2024/2/26/art_{JCMS_COLUMN}_4000003.html", "2024-02-26", "trs"),
    Article("004_503b6d050b838749.txt", "jcms", f"/art/2024/12/5/art_{JCMS_COLUMN}_5000004.html", "2024-12-05", "label-cells-twice",
            title="新碶街道2024年工作总结和2025年工作思路"),
    Article("001_2f001e7e59a5abec.txt", "mirror", "/art/2020/3/2/art_88_1.html", "2020-03-02", "mirror-site"),
)
SITE_NAMES = {"jcms": "绍兴市人民政府(镜像)", "mirror": "文库镜像站"}


def seed_text(name: str) -> str:
    return resources.files("mirror").joinpath("seeds", name).read_text(encoding="utf-8")


@cache
def _seed_document(name: str) -> Document:
    """Each seed is cleaned once; pages are rebuilt from it after every edit (treat as read-only)."""
    return clean_text(seed_text(name))


def _article_html(article: Article) -> str:
    doc = _seed_document(article.seed)
    meta: dict[str, Any] = dict(doc.metadata)
    if not meta.get("title") and article.title:
        meta["title"] = article.title
    body = article.body if article.body is not None else doc.body
    return render(article.layout, meta, body, SITE_NAMES[article.host])


def _record(article: Article) -> str:
    title = escape(article.title or _seed_document(article.seed).metadata.get("title") or "")
    return f'<record><![CDATA[<li><a href="{article.path}" title="{title}" target="_blank">{title}</a><span>{article.date}</span></li>]]></record>'


def datastore(records: list[str], total: int) -> str:
    return (
        "<datastore><nextgroup><![CDATA[<a href=\"/module/jpage/dataproxy.jsp\">下一页</a>]]></nextgroup>"
        f"<recordset>{''.join(records)}</recordset><totalrecord>{total}</totalrecord>"
        f"<totalpage>{-(-total // JCMS_PERPAGE)}</totalpage></datastore>"
    )


class Mirror:
    """Both mirror hosts; pages can be edited, removed and added while running (for versioning tests)."""

    def __init__(self, articles: tuple[Article, ...] = SEED_ARTICLES) -> None:
        self.articles: list[Article] = list(articles)
        self.requests: list[tuple[str, str, str]] = []  # (host, method, path) of every request served
        self._servers: dict[str, ThreadingHTTPServer] = {}
        self._threads: list[threading.Thread] = []
        self._lock = threading.Lock()
        self._pages: dict[tuple[str, str], bytes] = {}
        self._rebuild()

    # -- content -------------------------------------------------------------------------------
    def _rebuild(self) -> None:
        pages: dict[tuple[str, str], bytes] = {}
        for a in self.articles:
            pages[(a.host, a.path)] = _article_html(a).encode("utf-8")
        jcms = [a for a in self.articles if a.host == "jcms"]
        records = [_record(a) for a in jcms]
        column = (
            '<!DOCTYPE html><html><head><meta charset="utf-8"><title>计划总结</title></head><body>'
            '<div class="bread">当前位置：<a href="/">首页</a> &gt; 政务公开 &gt; 计划总结</div>'
            f'<div id="{JCMS_COLUMN}"><script type="text/xml">{datastore(records[:JCMS_PERPAGE], len(records))}</script></div>'
            "<script>var unitid='5000001'; var webid='2754';</script></body></html>"
        )
        pages[("jcms", f"/col/col{JCMS_COLUMN}/index.html")] = column.encode("utf-8")
        links = "".join(f'<li><a href="{a.path}">{escape(a.path)}</a></li>' for a in self.articles if a.host == "mirror")
        pages[("mirror", "/list/index.html")] = (
            f'<!DOCTYPE html><html><head><meta charset="utf-8"><title>工作思路</title></head><body><ul>{links}</ul></body></html>'
        ).encode()
        robots = b"User-agent: *\nDisallow: /private/\n"
        for host in ("jcms", "mirror"):
            pages[(host, "/robots.txt")] = robots
        with self._lock:
            self._pages = pages

    def edit(self, path: str, body: str) -> None:
        self.articles = [replace(a, body=body) if a.path == path else a for a in self.articles]
        self._rebuild()

    def remove(self, path: str) -> None:
        self.articles = [a for a in self.articles if a.path != path]
        self._rebuild()

    def add(self, article: Article) -> None:
        self.articles.append(article)
        self._rebuild()

    def page(self, host: str, path: str) -> bytes | None:
        with self._lock:
            return self._pages.get((host, path))

    def dataproxy(self, start: int, end: int) -> bytes:
        jcms = [a for a in self.articles if a.host == "jcms"]
        records = [_record(a) for a in jcms][max(start - 1, 0) : end]
        return datastore(records, len(jcms)).encode("utf-8")

    # -- serving -------------------------------------------------------------------------------
    def start(self, ports: tuple[int, int] = (0, 0)) -> Mirror:
        """Serve both hosts; preferred ports are used when free, otherwise any free port."""
        for host, port in zip(("jcms", "mirror"), ports, strict=True):
            try:
                server = ThreadingHTTPServer(("127.0.0.1", port), _handler(self, host))
            except OSError:
                server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(self, host))
            server.daemon_threads = True
            thread = threading.Thread(target=server.serve_forever, name=f"mirror-{host}", daemon=True)
            thread.start()
            self._servers[host] = server
            self._threads.append(thread)
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

    def config_toml(self) -> str:
        """The portal config a user would write for these two sites."""
        return (
            "[[portals]]\n"
            'name = "jinghu-mirror"\n'
            'cms = "jcms"\n'
            f'start_urls = ["{self.url("jcms", f"/col/col{JCMS_COLUMN}/index.html")}"]\n'
            "rate = 50.0\n"
            'schedule = "0 3 * * *"\n'
            "allow_private = true\n\n"
            "[[portals]]\n"
            'name = "wenku-mirror"\n'
            'cms = "generic"\n'
            f'start_urls = ["{self.url("mirror", "/list/index.html")}"]\n'
            "article_pattern = '/art/\\d{4}/'\n"
            "rate = 50.0\n"
            'schedule = "30 3 * * *"\n'
            "allow_private = true\n"
        )


def _handler(mirror: Mirror, host: str) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        server_version = "HanwebJCMS-mirror"

        def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - quiet server
            return

        def _send(self, status: int, body: bytes, content_type: str = "text/html; charset=utf-8") -> None:
            etag = '"' + hashlib.sha256(body).hexdigest()[:32] + '"'
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

        def do_GET(self) -> None:
            path = urlsplit(self.path).path
            mirror.requests.append((host, "GET", self.path))
            body = mirror.page(host, path)
            if body is None:
                self._send(404, b"<html><body>404 Not Found</body></html>")
                return
            ctype = "text/plain; charset=utf-8" if path == "/robots.txt" else "text/html; charset=utf-8"
            self._send(200, body, ctype)

        def do_POST(self) -> None:
            split = urlsplit(self.path)
            mirror.requests.append((host, "POST", self.path))
            length = int(self.headers.get("Content-Length") or 0)
            form = parse_qs(self.rfile.read(length).decode("utf-8", "replace"))
            if host != "jcms" or not split.path.endswith("/jpage/dataproxy.jsp"):
                self._send(404, b"not found")
                return
            query = parse_qs(split.query)
            try:
                start = int(query.get("startrecord", ["1"])[0])
                end = int(query.get("endrecord", ["45"])[0])
            except ValueError:
                self._send(400, b"bad paging parameters")
                return
            if form.get("columnid", [JCMS_COLUMN])[0] != JCMS_COLUMN:
                self._send(200, datastore([], 0).encode("utf-8"), "text/xml; charset=utf-8")
                return
            self._send(200, mirror.dataproxy(start, end), "text/xml; charset=utf-8")

    return Handler
