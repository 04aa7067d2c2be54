"""Who is fetched when: one queue per host, list pages before articles, every host busy at its own rate.

A fixed pool of fetch batches filled portal by portal kept two to four hosts working while the rest waited (16
portals at 1 req/s took 4x the politeness bound). Here each host has its own queue and its own workers on one event
loop, so a crawl takes about as long as its busiest host needs; concurrency across hosts is bounded by sockets
(MAX_CONNECTIONS) and memory (BODIES_IN_FLIGHT article bodies fetched and not yet processed), not by portal order.
Politeness stays in the fetcher: per-host rate, robots, retries. The scheduler never parses.
"""

from __future__ import annotations

import asyncio
import itertools
import math
import time
from collections.abc import Callable
from concurrent.futures import Future
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from flows.fetcher import AsyncFetcher, EventLoopThread, Policy
from transforms.models import RawPage
from zwgk import settings

LIST, ARTICLE = 0, 1  # priorities: a host's list pages go before its articles


@dataclass(frozen=True)
class FetchJob:
    url: str
    portal: str
    policy: Policy
    priority: int = ARTICLE
    method: str = "GET"
    form: tuple[tuple[str, str], ...] = ()
    headers: tuple[tuple[str, str], ...] = ()
    etag: str | None = None
    last_modified: str | None = None
    listed_title: str | None = None


@dataclass
class _Host:
    queue: asyncio.PriorityQueue[tuple[int, int, FetchJob, Future[RawPage]]]
    rate: float
    workers: int = 0
    done: int = 0
    queued: int = 0
    started: float = field(default_factory=time.monotonic)


def workers_for(rate: float) -> int:
    """Requests in flight per host: one while the host's rate leaves room for an answer between two requests (any
    polite rate); more only where the rate is so high that a single connection would hold it back."""
    return 1 if rate <= settings.POLITE_RATE else min(settings.HOST_CONNECTIONS, math.ceil(rate / 100) + 1)


class HostScheduler:
    """Blocking callers submit fetch jobs from any thread and get futures; the loop thread does the rest."""

    def __init__(self, on_done: Callable[[RawPage], None] | None = None) -> None:
        self._loop = EventLoopThread("zwgk-scheduler")
        self._fetcher = AsyncFetcher()
        self._hosts: dict[str, _Host] = {}
        self._order = itertools.count()
        self._bodies: asyncio.Semaphore | None = None
        self._on_done = on_done
        self._closed = False

    def submit(self, job: FetchJob) -> Future[RawPage]:
        future: Future[RawPage] = Future()
        self._loop.loop.call_soon_threadsafe(self._enqueue, job, future)
        return future

    def release_bodies(self, n: int) -> None:
        """Fetched articles' bytes have been processed and staged: room for as many others."""
        self._loop.loop.call_soon_threadsafe(self._release, n)

    def _release(self, n: int) -> None:
        assert self._bodies is not None
        for _ in range(n):
            self._bodies.release()

    def _enqueue(self, job: FetchJob, future: Future[RawPage]) -> None:
        if self._bodies is None:
            self._bodies = asyncio.Semaphore(settings.BODIES_IN_FLIGHT)
        netloc = urlsplit(job.url).netloc.lower()
        host = self._hosts.get(netloc)
        if host is None:
            host = self._hosts[netloc] = _Host(queue=asyncio.PriorityQueue(), rate=job.policy.rate)
        host.queued += 1
        host.queue.put_nowait((job.priority, next(self._order), job, future))
        while host.workers < workers_for(host.rate):
            host.workers += 1
            self._loop.loop.create_task(self._work(host))

    async def _work(self, host: _Host) -> None:
        while True:
            _priority, _n, job, future = await host.queue.get()
            if future.cancelled():
                continue
            holds_body = job.priority == ARTICLE
            if holds_body:
                assert self._bodies is not None
                await self._bodies.acquire()
            try:
                page = await self._fetcher.fetch(job.url, job.portal, job.policy, method=job.method,
                                                 data=dict(job.form) or None, etag=job.etag,
                                                 last_modified=job.last_modified, extra_headers=dict(job.headers))
            except Exception as exc:  # noqa: BLE001 - a bug must fail the one job, never the loop
                page = RawPage(url=job.url, portal=job.portal, status=None, fetched_at="", error=f"fetch crashed: {exc!r}")
            page.listed_title = job.listed_title
            if holds_body and not (page.ok and page.content) and self._bodies is not None:
                self._bodies.release()  # nothing to process (a 304, a failure): the body slot is free at once
            host.done += 1
            if self._on_done is not None:
                self._on_done(page)
            future.set_result(page)

    def remaining_seconds(self) -> float:
        """How long the busiest host needs for what it still has queued, at its rate: the polite ETA."""
        def left(host: _Host) -> float:
            return (host.queued - host.done) / host.rate if host.rate > 0 else 0.0
        return max((left(h) for h in list(self._hosts.values())), default=0.0)

    def close(self) -> None:
        if self._closed:
            return
        self._closed = True

        async def shutdown() -> None:
            for task in [t for t in asyncio.all_tasks() if t is not asyncio.current_task()]:
                task.cancel()
            await self._fetcher.close()

        self._loop.run(shutdown())
        self._loop.stop()

    def __enter__(self) -> HostScheduler:
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()
