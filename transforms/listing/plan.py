"""Listing one portal as a plan: which list request to make next, and what each answer listed.

Pure: the plan never fetches, sleeps or counts time; whoever drives it (flows/) fetches the requests it hands out
and gives back the answers. Every start URL is a column; the answers are read by the reader their request names,
and a column page's reader is chosen by what the page declares (a JCMS datastore, a jpaas unit, an xxgk
catalogue, TRS paging, plain links), whatever the configured cms says: the mismatch is a note, not a silence.
"""

from __future__ import annotations

import json
import re
from collections import deque
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from transforms.barriers import barrier
from transforms.decode import DecodeError, decode_bytes
from transforms.listing import generic, jcms, jpaas, xxgk
from transforms.listing.links import HostPolicy, page_base, soup
from transforms.listing.model import ListAnswer, ListRequest, ReadResult
from transforms.models import ArticleRef

_FOLLOW_UPS = frozenset(("jcms-proxy", "jpaas-unit", "xxgk-search"))  # paged APIs: an answer with nothing new ends


@dataclass
class Column:
    url: str
    refs: dict[str, ArticleRef] = field(default_factory=dict)
    attachments: dict[str, ArticleRef] = field(default_factory=dict)
    structures: list[str] = field(default_factory=list)
    stated_total: int | None = None
    incomplete: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    requests: int = 0
    other_hosts: int = 0

    @property
    def complete(self) -> bool:
        return not self.incomplete and (self.stated_total is None or len(self.refs) >= self.stated_total)


@dataclass(repr=False)
class Listing:
    """What a portal's lists hold, and whether they were read whole (only then may absent articles be gone)."""

    portal: str
    refs: list[ArticleRef]
    attachments: list[ArticleRef]
    notes: list[str]
    complete: bool
    failed: str | None  # the portal failed: a barrier answered, or it listed nothing
    columns: list[Column]

    def __repr__(self) -> str:  # Prefect logs a failed task's result: counts, not every ref
        return (f"Listing({self.portal}: {len(self.refs)} articles, {len(self.attachments)} attachments, "
                f"complete={self.complete}, failed={self.failed!r})")


class ListingPlan:
    def __init__(self, portal: str, start_urls: Sequence[str], hosts: Iterable[str], cms: str = "jcms",
                 article_pattern: str | None = None, max_requests_per_column: int = 200) -> None:
        self.portal, self.cms = portal, cms
        self.hosts = HostPolicy(hosts)
        self.pattern = re.compile(article_pattern) if article_pattern else None
        self.max_requests = max_requests_per_column
        self.columns = {url: Column(url) for url in dict.fromkeys(start_urls)}
        self.queue: deque[ListRequest] = deque(ListRequest(url=u, kind="page", column=u) for u in self.columns)
        self.seen = {r.key for r in self.queue}
        self.blocked: list[str] = []
        self.proxy_by_host: dict[str, str] = {}  # the dataproxy path that answered, for the host's other columns
        self.dead_proxies: set[str] = set()  # dataproxy paths that answered 404/405: not asked again this run
        self.probing: dict[str, tuple[str, str, tuple[tuple[str, str], ...]]] = {}  # host -> its probe in flight

    def next_request(self) -> ListRequest | None:
        """The next request to make; None when there is none, or when the rest wait for an answer in flight (the
        first window of a column on a host whose dataproxy path is not known yet waits for the host's probe)."""
        for _ in range(len(self.queue)):
            request = self.queue.popleft()
            if request.kind == "jcms-proxy" and request.get("proxy") in self.dead_proxies:
                swapped = jcms.window_failed(request, ListAnswer(status=404))  # as if it had answered like its twin
                self.queue.extendleft(reversed([r for r in swapped.requests if r.key not in self.seen]))
                self.seen.update(r.key for r in swapped.requests)
                continue
            if self._is_probe(request):
                host = urlsplit(request.url).netloc
                if host in self.probing:
                    self.queue.append(request)  # after the probe in flight says which path answers
                    continue
                self.probing[host] = request.key
            return request
        return None

    def _is_probe(self, request: ListRequest) -> bool:
        """A first dataproxy window on a host where no path has answered yet."""
        return (request.kind == "jcms-proxy" and int(request.get("start")) == 1
                and urlsplit(request.url).netloc not in self.proxy_by_host)

    def accept(self, request: ListRequest, answer: ListAnswer) -> None:
        host = urlsplit(request.url).netloc
        if self.probing.get(host) == request.key:
            del self.probing[host]
        column = self.columns[request.column]
        column.requests += 1
        result = self._read(request, answer)
        if result.blocked:
            self.blocked.append(f"{request.url}: {result.blocked}")
            column.incomplete.append(result.blocked)
            return
        new = [r for r in result.refs if r.url not in column.refs]
        for ref in result.refs:
            column.refs.setdefault(ref.url, ref)
        for ref in result.attachments:
            column.attachments.setdefault(ref.url, ref)
        if result.structure and result.structure not in column.structures:
            column.structures.append(result.structure)
        if result.stated_total is not None:
            column.stated_total = result.stated_total
        if result.incomplete:
            column.incomplete.append(result.incomplete)
        column.notes.extend(result.notes)
        column.other_hosts += result.other_hosts
        answered = answer.status == 200 and not answer.error
        if request.kind in _FOLLOW_UPS and answered and not new and not result.attachments:
            return  # a paged answer with nothing new: the server is past its end (or ignores our paging)
        for follow in result.requests:
            if follow.key in self.seen:
                continue
            if column.requests + sum(1 for r in self.queue if r.column == column.url) >= self.max_requests:
                column.incomplete.append(f"stopped after {self.max_requests} list requests (MAX_LIST_PAGES)")
                break
            self.seen.add(follow.key)
            self.queue.append(follow)

    def _read(self, request: ListRequest, answer: ListAnswer) -> ReadResult:
        try:
            text = decode_bytes(answer.body, answer.content_type)[0] if answer.body else ""
        except DecodeError as exc:
            return ReadResult(incomplete=f"{request.url}: {exc}")
        blocked = barrier(answer.status, text, answer.final_url)
        if blocked:
            return ReadResult(blocked=blocked)
        if answer.error or answer.status != 200:
            if request.kind == "jcms-proxy":
                if answer.status in (404, 405) and int(request.get("start")) == 1:
                    self.dead_proxies.add(request.get("proxy"))
                return jcms.window_failed(request, answer)
            return ReadResult(incomplete=f"{request.url}: {answer.error or f'HTTP {answer.status}'}")
        if request.kind == "jcms-proxy":
            result = jcms.read_window(text, request, self.portal, self.hosts)
            if result.refs:
                self.proxy_by_host[urlsplit(request.url).netloc] = request.get("proxy")
            return result
        if request.kind == "jpaas-unit":
            return jpaas.read_unit(text, request, self.portal, self.hosts)
        if request.kind == "xxgk-search":
            return xxgk.read_search(text, request, self.portal, self.hosts)
        return self._read_page(text, request, answer.final_url or request.url)

    def _read_page(self, text: str, request: ListRequest, url: str) -> ReadResult:
        if text.lstrip()[:1] in ("{", "["):
            try:
                return generic.read_json(json.loads(text), url, self.portal, self.hosts)
            except ValueError:
                pass  # not JSON after all: a page
        hint = self.proxy_by_host.get(urlsplit(url).netloc)
        result = jcms.read_column(text, url, request, self.portal, self.hosts, hint)
        doc = None
        if result is None:
            doc = soup(text)
            base = page_base(doc, url)
            result = jpaas.read_column(text, base, request, self.portal, self.hosts) or xxgk.read_column(text, base, request)
            if result is None or (not result.refs and not result.requests and not result.incomplete):
                result = generic.read_page(doc, text, base, request, self.portal, self.hosts, self.pattern)
        if request.url == request.column and result.structure in ("jcms", "jpaas", "xxgk") \
                and self.cms in ("jcms", "jpaas", "xxgk") and result.structure != self.cms:
            result.notes.append(f"configured as cms = \"{self.cms}\", but the page is a {result.structure} list: "
                                f"read as {result.structure}")
        return result

    def outcome(self) -> Listing:
        refs: dict[str, ArticleRef] = {}
        attachments: dict[str, ArticleRef] = {}
        notes: list[str] = []
        for column in self.columns.values():
            for ref in column.refs.values():
                refs.setdefault(ref.url, ref)
            for ref in column.attachments.values():
                attachments.setdefault(ref.url, ref)
            notes.extend(f"{column.url}: {n}" for n in dict.fromkeys(column.notes))
            notes.extend(f"{column.url}: {n}" for n in dict.fromkeys(column.incomplete))
            if column.stated_total is not None and len(column.refs) < column.stated_total:
                notes.append(f"{column.url}: listed {len(column.refs)} of the {column.stated_total} records the "
                             "column states; incompletely listed, so nothing of this portal is marked gone")
            if column.structures and not column.refs and not column.attachments and column.stated_total != 0 \
                    and not column.incomplete:
                notes.append(f"{column.url}: a {'/'.join(column.structures)} list, but no article link in it")
            if not column.structures and not column.refs and not column.incomplete:
                notes.append(f"{column.url}: no list found on the page (no datastore, jpaas unit, xxgk catalogue "
                             "or article links)")
            if column.other_hosts:
                notes.append(f"{column.url}: {column.other_hosts} article links to other hosts not followed "
                             "(allowed_hosts lets a portal follow them)")
        if attachments:
            notes.append(f"{len(attachments)} attachment links (.pdf .doc .docx .wps .xls …) listed, not fetched as pages")
        failed = self.blocked[0] if self.blocked else None
        if failed is None and not refs and not attachments:
            empty = all(c.stated_total == 0 for c in self.columns.values())
            failed = None if empty else "listed no article: the columns' layout probably changed (check the start URLs)"
        complete = not self.blocked and all(c.complete for c in self.columns.values())
        return Listing(portal=self.portal, refs=list(refs.values()), attachments=list(attachments.values()),
                       notes=notes, complete=complete, failed=failed, columns=list(self.columns.values()))
