"""Polite HTTP: robots.txt, a per-host rate limit, retries with backoff, size caps, host allow-lists.

asyncio with aiohttp: one event loop keeps hundreds of hosts busy at their own rate, and a request costs about a
quarter of the CPU it cost through requests' Session (0.19 vs 0.64 ms on loopback, measured): at province scale the
fetcher waits on hosts, not on the GIL. `AsyncFetcher` is what the crawl's scheduler drives; `Fetcher` is the same
fetcher behind a blocking call, for commands that fetch a page or two (`zwgk discover`).
"""

from __future__ import annotations

import asyncio
import contextlib
import ipaddress
import random
import threading
import time
from collections.abc import AsyncIterator, Coroutine
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any, TypeVar
from urllib.parse import urljoin, urlsplit

import aiohttp
from protego import Protego

from transforms.models import RawPage
from zwgk import settings

RETRY_STATUSES = frozenset((429, 500, 502, 503, 504))
T = TypeVar("T")


class FetchRefused(Exception):
    """A URL the crawler must not fetch (scheme, host, private address, robots.txt)."""


@dataclass
class Policy:
    allowed_hosts: frozenset[str]  # host:port as in the start URLs, or a bare host (any port) from allowed_hosts
    allow_private: bool
    rate: float


class HostLimiter:
    """At most `rate` requests per second per host; different hosts do not wait for each other.

    At a polite rate (POLITE_RATE or slower) a host's requests take turns and the interval is counted from the end
    of the previous request: the server sees them at least an interval apart whatever the network or a busy event
    loop does to the moment a request really leaves (counted from its start, 2 of 200 hosts saw two requests 0.98 s
    apart at 1 req/s). At higher rates only the starts are spaced, so several requests can be in flight at once.
    """

    def __init__(self) -> None:
        self._turns: dict[str, asyncio.Lock] = {}
        self._next: dict[str, float] = {}

    @contextlib.asynccontextmanager
    async def turn(self, host: str, rate: float) -> AsyncIterator[None]:
        if rate <= 0:
            yield
            return
        lock = self._turns.setdefault(host, asyncio.Lock())
        await lock.acquire()
        holding = True
        try:
            delay = self._next.get(host, 0.0) - time.monotonic()
            if delay > 0:
                await asyncio.sleep(delay)
            if rate > settings.POLITE_RATE:
                self._next[host] = time.monotonic() + 1.0 / rate
                lock.release()
                holding = False
            yield
        finally:
            if holding:
                self._next[host] = time.monotonic() + 1.0 / rate
                lock.release()


_stamp: tuple[int, str] = (0, "")


def _now() -> str:
    """The fetch time to the second, formatted once a second: 4% of a conditional GET's CPU was this (measured)."""
    global _stamp
    second = int(time.time())
    if _stamp[0] != second:
        _stamp = (second, datetime.fromtimestamp(second, UTC).isoformat(timespec="seconds"))
    return _stamp[1]


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


class AsyncFetcher:
    """One per event loop: its connection pool, cookies (anti-bot cookies set on a first visit are kept) and
    robots rules belong to that loop."""

    def __init__(self, limiter: HostLimiter | None = None, attempts: int | None = None,
                 backoff_base: float | None = None) -> None:
        self.limiter = limiter or HostLimiter()
        self.attempts = attempts or settings.FETCH_ATTEMPTS
        self.backoff_base = settings.BACKOFF_BASE_S if backoff_base is None else backoff_base
        self._session: aiohttp.ClientSession | None = None
        self._robots: dict[str, Protego | str | None] = {}
        self._robots_turns: dict[str, asyncio.Lock] = {}
        self._rates: dict[tuple[str, float], float] = {}  # (origin, portal rate) -> rate, once its robots are read
        self.user_agent = settings.user_agent()

    def _client(self) -> aiohttp.ClientSession:
        if self._session is None:
            self._session = aiohttp.ClientSession(
                connector=aiohttp.TCPConnector(limit=settings.MAX_CONNECTIONS, limit_per_host=settings.HOST_CONNECTIONS,
                                               ttl_dns_cache=300),
                cookie_jar=aiohttp.CookieJar(unsafe=True),  # cookies of hosts given by IP address too
                headers={"User-Agent": self.user_agent, "Accept-Language": "zh-CN,zh;q=0.9"},
                timeout=aiohttp.ClientTimeout(sock_connect=settings.CONNECT_TIMEOUT_S, sock_read=settings.READ_TIMEOUT_S),
                auto_decompress=True,
            )
        return self._session

    async def close(self) -> None:
        if self._session is not None:
            await self._session.close()
            self._session = None

    # -- policy --------------------------------------------------------------------------------
    async def check(self, url: str, policy: Policy) -> None:
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https"):
            raise FetchRefused(f"scheme {parts.scheme!r} refused: only http and https")
        host = (parts.hostname or "").lower()
        netloc = parts.netloc.lower()
        if not host or (netloc not in policy.allowed_hosts and host not in policy.allowed_hosts):
            raise FetchRefused(f"host {netloc!r} is not in this portal's config")
        if not policy.allow_private:
            try:
                infos = await asyncio.get_running_loop().getaddrinfo(host, parts.port or 80, proto=6)
            except OSError as exc:
                raise FetchRefused(f"cannot resolve {host}: {exc}") from exc
            for info in infos:
                addr = ipaddress.ip_address(info[4][0])
                if addr.is_private or addr.is_loopback or addr.is_link_local or addr.is_reserved:
                    raise FetchRefused(f"{host} resolves to private address {addr}; set allow_private for this portal")

    async def robots(self, url: str, policy: Policy) -> Protego | str | None:
        """The site's rules (RFC 9309, via Protego: `*` and `$` in paths, longest match wins); None: no rules
        (4xx, allow all); a string: the rules could not be read (5xx, network), so nothing is fetched this run."""
        parts = urlsplit(url)
        origin = f"{parts.scheme}://{parts.netloc}"
        if origin in self._robots:
            return self._robots[origin]
        async with self._robots_turns.setdefault(origin, asyncio.Lock()):
            if origin in self._robots:
                return self._robots[origin]
            rules: Protego | str | None
            try:
                async with self.limiter.turn(parts.netloc, policy.rate), \
                        self._client().get(origin + "/robots.txt", allow_redirects=True) as resp:
                    text = await resp.text(errors="replace")
                    if resp.status == 200:
                        rules = Protego.parse(text)
                    elif 400 <= resp.status < 500:
                        rules = None
                    else:
                        rules = f"robots.txt unreachable (HTTP {resp.status}): the site is not crawled this run"
            except (TimeoutError, aiohttp.ClientError) as exc:
                rules = f"robots.txt unreachable ({type(exc).__name__}): the site is not crawled this run"
            self._robots[origin] = rules
            return rules

    def effective_rate(self, url: str, policy: Policy) -> float:
        """The portal's rate, or slower when robots.txt asks for a Crawl-delay."""
        origin = "{0.scheme}://{0.netloc}".format(urlsplit(url))
        known = self._rates.get((origin, policy.rate))
        if known is not None:
            return known
        rules = self._robots.get(origin)
        delay = rules.crawl_delay(self.user_agent) if isinstance(rules, Protego) else None
        rate = min(policy.rate, 1.0 / float(delay)) if delay and delay > 0 and policy.rate > 0 else policy.rate
        if origin in self._robots:
            self._rates[(origin, policy.rate)] = rate
        return rate

    # -- fetching ------------------------------------------------------------------------------
    async def fetch(self, url: str, portal: str, policy: Policy, *, method: str = "GET",
                    data: dict[str, str] | None = None, etag: str | None = None, last_modified: str | None = None,
                    extra_headers: dict[str, str] | None = None) -> RawPage:
        """Never raises for a bad page: the failure is in the returned RawPage."""
        try:
            await self.check(url, policy)
            rules = await self.robots(url, policy)
            if isinstance(rules, str):
                raise FetchRefused(rules)
            if rules is not None and not rules.can_fetch(url, self.user_agent):
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
            retry_after: float | None = None
            try:
                async with self.limiter.turn(host, rate):
                    page = await self._once(url, portal, policy, method, data, headers)
                page.attempts = attempt
                if page.status not in RETRY_STATUSES or attempt == self.attempts:
                    return page
                status, error, retry_after = page.status, page.error or f"HTTP {page.status}", page.retry_after
            except TimeoutError:
                status, error = None, "timeout"
            except (aiohttp.ClientConnectionError, aiohttp.ClientPayloadError) as exc:
                status, error = None, f"connection error: {type(exc).__name__}"  # incl. a body cut short
            except aiohttp.ClientError as exc:
                return RawPage(url=url, portal=portal, status=None, fetched_at=_now(), attempts=attempt,
                               error=f"request failed: {exc}")
            if attempt < self.attempts:
                await asyncio.sleep(self._retry_delay(attempt, retry_after))
        return RawPage(url=url, portal=portal, status=status, fetched_at=_now(), attempts=self.attempts, error=error)

    def _retry_delay(self, attempt: int, retry_after: float | None) -> float:
        if retry_after is not None:
            return min(retry_after, settings.BACKOFF_MAX_S)
        base = self.backoff_base * (2 ** (attempt - 1))
        return min(settings.BACKOFF_MAX_S, base * (0.5 + random.random()))

    async def _once(self, url: str, portal: str, policy: Policy, method: str, data: dict[str, str] | None,
                    headers: dict[str, str]) -> RawPage:
        current = url
        for _ in range(6):  # follow redirects ourselves so every hop passes the host check
            async with self._client().request(method, current, data=data, headers=headers, allow_redirects=False) as resp:
                if resp.status in (301, 302, 303, 307, 308):
                    location = resp.headers.get("Location")
                    if not location:
                        return await self._read(resp, url, portal, current)
                    current = urljoin(current, location)
                    try:
                        await self.check(current, policy)
                    except FetchRefused as exc:
                        return RawPage(url=url, portal=portal, status=resp.status, fetched_at=_now(),
                                       error=f"redirect refused: {exc}")
                    if resp.status == 303:
                        method, data = "GET", None
                    continue
                return await self._read(resp, url, portal, current)
        return RawPage(url=url, portal=portal, status=None, fetched_at=_now(), error="too many redirects")

    async def _read(self, resp: aiohttp.ClientResponse, url: str, portal: str, current: str) -> RawPage:
        fetched_at = _now()
        if resp.status == 304:
            return RawPage(url=url, portal=portal, status=304, fetched_at=fetched_at, not_modified=True,
                           etag=resp.headers.get("ETag"), last_modified=resp.headers.get("Last-Modified"),
                           final_url=current)
        declared = resp.headers.get("Content-Length")
        if declared and declared.isdigit() and int(declared) > settings.MAX_PAGE_BYTES:
            return RawPage(url=url, portal=portal, status=resp.status, fetched_at=fetched_at,
                           error=f"page too large: {declared} bytes (cap {settings.MAX_PAGE_BYTES})")
        chunks: list[bytes] = []
        size = 0
        async for chunk in resp.content.iter_chunked(65536):
            size += len(chunk)
            if size > settings.MAX_PAGE_BYTES:
                return RawPage(url=url, portal=portal, status=resp.status, fetched_at=fetched_at,
                               error=f"page too large: over {settings.MAX_PAGE_BYTES} bytes")
            chunks.append(chunk)
        content = b"".join(chunks)
        page = RawPage(url=url, portal=portal, status=resp.status, fetched_at=fetched_at, content=content,
                       content_type=resp.headers.get("Content-Type"), etag=resp.headers.get("ETag"),
                       last_modified=resp.headers.get("Last-Modified"), final_url=current)
        if resp.status != 200:
            page.error = f"HTTP {resp.status}"
            page.content = content[: settings.ERROR_BODY_BYTES]  # to name a challenge or login wall; never stored
            page.retry_after = _retry_after(resp.headers.get("Retry-After"))
        return page


class EventLoopThread:
    """An asyncio loop on its own daemon thread, for blocking callers: submit a coroutine, wait for its result."""

    def __init__(self, name: str = "zwgk-fetch") -> None:
        self.loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self.loop.run_forever, name=name, daemon=True)
        self._thread.start()

    def submit(self, coro: Coroutine[Any, Any, T]) -> Any:
        """A concurrent.futures.Future of the coroutine's result."""
        return asyncio.run_coroutine_threadsafe(coro, self.loop)

    def run(self, coro: Coroutine[Any, Any, T]) -> T:
        result: T = self.submit(coro).result()
        return result

    def stop(self) -> None:
        self.loop.call_soon_threadsafe(self.loop.stop)
        self._thread.join(timeout=10)
        if not self._thread.is_alive():
            self.loop.close()


class Fetcher:
    """The async fetcher behind blocking calls (one event loop thread per Fetcher)."""

    def __init__(self, limiter: HostLimiter | None = None, attempts: int | None = None,
                 backoff_base: float | None = None) -> None:
        self._loop = EventLoopThread()
        self.fetcher = AsyncFetcher(limiter, attempts, backoff_base)

    def fetch(self, url: str, portal: str, policy: Policy, **kwargs: Any) -> RawPage:
        page: RawPage = self._loop.run(self.fetcher.fetch(url, portal, policy, **kwargs))
        return page

    def close(self) -> None:
        self._loop.run(self.fetcher.close())
        self._loop.stop()

    def __enter__(self) -> Fetcher:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
