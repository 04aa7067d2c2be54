"""Polite HTTP: robots.txt, a per-host rate limit, retries with backoff, size caps, host allow-lists."""

from __future__ import annotations

import ipaddress
import random
import socket
import threading
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from urllib.parse import urljoin, urlsplit

import requests
from protego import Protego

from transforms.models import RawPage
from zwgk import settings

RETRY_STATUSES = frozenset((429, 500, 502, 503, 504))


class FetchRefused(Exception):
    """A URL the crawler must not fetch (scheme, host, private address, robots.txt)."""


@dataclass
class Policy:
    allowed_hosts: frozenset[str]  # host:port as in the start URLs, or a bare host (any port) from allowed_hosts
    allow_private: bool
    rate: float


class HostLimiter:
    """At most `rate` requests per second per host; different hosts do not wait for each other.

    Requests to one host take turns: the next may start one interval after the previous one actually left the
    limiter. Slots handed out in advance let a late wake-up (a busy machine oversleeps) arrive at the server
    right before the next slot's request, two requests closer than the interval.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._turns: dict[str, threading.Lock] = {}
        self._next: dict[str, float] = {}

    def wait(self, host: str, rate: float) -> None:
        if rate <= 0:
            return
        with self._lock:
            turn = self._turns.setdefault(host, threading.Lock())
        with turn:
            delay = self._next.get(host, 0.0) - time.monotonic()
            if delay > 0:
                time.sleep(delay)
            self._next[host] = time.monotonic() + 1.0 / rate


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def _retry_after(value: str | None) -> float | None:
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        return max(0.0, (parsedate_to_datetime(value) - datetime.now(UTC)).total_seconds())
    except (TypeError, ValueError):
        return None


class Fetcher:
    def __init__(self, limiter: HostLimiter | None = None, attempts: int | None = None,
                 backoff_base: float | None = None) -> None:
        self.session = requests.Session()
        self.session.headers["User-Agent"] = settings.user_agent()
        self.session.headers["Accept-Language"] = "zh-CN,zh;q=0.9"
        self.limiter = limiter or HostLimiter()
        self.attempts = attempts or settings.FETCH_ATTEMPTS
        self.backoff_base = settings.BACKOFF_BASE_S if backoff_base is None else backoff_base
        self._robots: dict[str, Protego | str | None] = {}
        self._robots_lock = threading.Lock()

    # -- policy --------------------------------------------------------------------------------
    def check(self, url: str, policy: Policy) -> None:
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https"):
            raise FetchRefused(f"scheme {parts.scheme!r} refused: only http and https")
        host = (parts.hostname or "").lower()
        netloc = parts.netloc.lower()
        if not host or (netloc not in policy.allowed_hosts and host not in policy.allowed_hosts):
            raise FetchRefused(f"host {netloc!r} is not in this portal's config")
        if not policy.allow_private:
            try:
                infos = socket.getaddrinfo(host, parts.port or 80, proto=socket.IPPROTO_TCP)
            except socket.gaierror as exc:
                raise FetchRefused(f"cannot resolve {host}: {exc}") from exc
            for info in infos:
                addr = ipaddress.ip_address(info[4][0])
                if addr.is_private or addr.is_loopback or addr.is_link_local or addr.is_reserved:
                    raise FetchRefused(f"{host} resolves to private address {addr}; set allow_private for this portal")

    def robots(self, url: str, policy: Policy) -> Protego | str | None:
        """The site's rules (RFC 9309, via Protego: `*` and `$` in paths, longest match wins); None: no rules
        (4xx, allow all); a string: the rules could not be read (5xx, network), so nothing is fetched this run."""
        parts = urlsplit(url)
        origin = f"{parts.scheme}://{parts.netloc}"
        with self._robots_lock:
            if origin in self._robots:
                return self._robots[origin]
        rules: Protego | str | None
        try:
            self.limiter.wait(parts.netloc, policy.rate)
            resp = self.session.get(origin + "/robots.txt", timeout=(settings.CONNECT_TIMEOUT_S, settings.READ_TIMEOUT_S))
            if resp.status_code == 200:
                rules = Protego.parse(resp.text)
            elif 400 <= resp.status_code < 500:
                rules = None
            else:
                rules = f"robots.txt unreachable (HTTP {resp.status_code}): the site is not crawled this run"
        except requests.RequestException as exc:
            rules = f"robots.txt unreachable ({type(exc).__name__}): the site is not crawled this run"
        with self._robots_lock:
            self._robots.setdefault(origin, rules)
            return self._robots[origin]

    def effective_rate(self, url: str, policy: Policy) -> float:
        """The portal's rate, or slower when robots.txt asks for a Crawl-delay."""
        rules = self._robots.get("{0.scheme}://{0.netloc}".format(urlsplit(url)))
        delay = rules.crawl_delay(settings.user_agent()) if isinstance(rules, Protego) else None
        if delay and delay > 0 and policy.rate > 0:
            return min(policy.rate, 1.0 / float(delay))
        return policy.rate

    # -- fetching ------------------------------------------------------------------------------
    def fetch(self, url: str, portal: str, policy: Policy, *, method: str = "GET", data: dict[str, str] | None = None,
              etag: str | None = None, last_modified: str | None = None, extra_headers: dict[str, str] | None = None) -> RawPage:
        """Never raises for a bad page: the failure is in the returned RawPage."""
        try:
            self.check(url, policy)
            rules = self.robots(url, policy)
            if isinstance(rules, str):
                raise FetchRefused(rules)
            if rules is not None and not rules.can_fetch(url, settings.user_agent()):
                raise FetchRefused("disallowed by robots.txt")
        except FetchRefused as exc:
            return RawPage(url=url, portal=portal, status=None, fetched_at=_now(), attempts=0, error=f"refused: {exc}")
        headers = dict(extra_headers or {})
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        host = urlsplit(url).netloc
        rate = self.effective_rate(url, policy)
        error = "not fetched"
        status: int | None = None
        for attempt in range(1, self.attempts + 1):
            self.limiter.wait(host, rate)
            retry_after: float | None = None
            try:
                page = self._once(url, portal, policy, method, data, headers)
                page.attempts = attempt
                if page.status not in RETRY_STATUSES or attempt == self.attempts:
                    return page
                status, error, retry_after = page.status, page.error or f"HTTP {page.status}", page.retry_after
            except requests.Timeout:
                status, error = None, "timeout"
            except (requests.ConnectionError, requests.exceptions.ChunkedEncodingError) as exc:
                status, error = None, f"connection error: {type(exc).__name__}"  # incl. a body cut short
            except requests.RequestException as exc:
                return RawPage(url=url, portal=portal, status=None, fetched_at=_now(), attempts=attempt, error=f"request failed: {exc}")
            if attempt < self.attempts:
                time.sleep(self._retry_delay(attempt, retry_after))
        return RawPage(url=url, portal=portal, status=status, fetched_at=_now(), attempts=self.attempts, error=error)

    def _retry_delay(self, attempt: int, retry_after: float | None) -> float:
        if retry_after is not None:
            return min(retry_after, settings.BACKOFF_MAX_S)
        base = self.backoff_base * (2 ** (attempt - 1))
        return min(settings.BACKOFF_MAX_S, base * (0.5 + random.random()))

    def _once(self, url: str, portal: str, policy: Policy, method: str, data: dict[str, str] | None,
              headers: dict[str, str]) -> RawPage:
        current = url
        for _ in range(6):  # follow redirects ourselves so every hop passes the host check
            resp = self.session.request(method, current, data=data, headers=headers, stream=True, allow_redirects=False,
                                        timeout=(settings.CONNECT_TIMEOUT_S, settings.READ_TIMEOUT_S))
            if resp.is_redirect or resp.status_code in (301, 302, 303, 307, 308):
                location = resp.headers.get("Location")
                resp.close()
                if not location:
                    break
                current = urljoin(current, location)
                try:
                    self.check(current, policy)
                except FetchRefused as exc:
                    return RawPage(url=url, portal=portal, status=resp.status_code, fetched_at=_now(),
                                   error=f"redirect refused: {exc}")
                if resp.status_code == 303:
                    method, data = "GET", None
                continue
            break
        fetched_at = _now()
        if resp.status_code == 304:
            resp.close()
            return RawPage(url=url, portal=portal, status=304, fetched_at=fetched_at, not_modified=True,
                           etag=resp.headers.get("ETag"), last_modified=resp.headers.get("Last-Modified"),
                           final_url=current)
        declared = resp.headers.get("Content-Length")
        if declared and declared.isdigit() and int(declared) > settings.MAX_PAGE_BYTES:
            resp.close()
            return RawPage(url=url, portal=portal, status=resp.status_code, fetched_at=fetched_at,
                           error=f"page too large: {declared} bytes (cap {settings.MAX_PAGE_BYTES})")
        chunks: list[bytes] = []
        size = 0
        for chunk in resp.iter_content(65536):
            size += len(chunk)
            if size > settings.MAX_PAGE_BYTES:
                resp.close()
                return RawPage(url=url, portal=portal, status=resp.status_code, fetched_at=fetched_at,
                               error=f"page too large: over {settings.MAX_PAGE_BYTES} bytes")
            chunks.append(chunk)
        content = b"".join(chunks)
        page = RawPage(url=url, portal=portal, status=resp.status_code, fetched_at=fetched_at, content=content,
                       content_type=resp.headers.get("Content-Type"), etag=resp.headers.get("ETag"),
                       last_modified=resp.headers.get("Last-Modified"), final_url=current)
        if resp.status_code != 200:
            page.error = f"HTTP {resp.status_code}"
            page.content = content[: settings.ERROR_BODY_BYTES]  # to name a challenge or login wall; never stored
            page.retry_after = _retry_after(resp.headers.get("Retry-After"))
        return page
