"""Snapshot history at scale: N loads of one portal with 1% of its pages changing each time."""

from __future__ import annotations

import hashlib
import statistics
import time
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path

from flows.process import process_pages
from flows.warehouse import CrawlBatch, ProcessedPage, connect, load
from transforms.models import RawPage


@dataclass
class History:
    second_load_s: float
    last_load_s: float
    first_bytes: int
    growth_bytes: float
    as_of_ms: float

    @property
    def load_ratio(self) -> float:
        return self.last_load_s / self.second_load_s

    @property
    def growth_share(self) -> float:
        return self.growth_bytes / self.first_bytes


def folder_bytes(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file())


def _url(i: int) -> str:
    return f"http://portal.example/art/2024/1/1/art_1229000001_{i}.html"


def _changed(item: ProcessedPage, revision: int) -> ProcessedPage:
    """What a recrawl brings back for an edited page: new bytes, a new body, the same figures."""
    assert item.document is not None
    content = item.page.content + f"<!-- revision {revision} -->".encode()
    page = replace(item.page, content=content, etag=f'"{revision}-{item.page.url}"')
    document = replace(item.document, body=item.document.body + f"\n（第{revision}次更新）")
    return replace(item, page=page, document=document, raw_sha256=hashlib.sha256(content).hexdigest())


def _not_modified(item: ProcessedPage) -> ProcessedPage:
    page = RawPage(url=item.page.url, portal=item.page.portal, status=304, fetched_at=item.page.fetched_at,
                   etag=item.page.etag, not_modified=True)
    return ProcessedPage(page=page)


def snapshot_history(folder: Path, pages: list[bytes], snapshots: int) -> History:
    now = datetime.now(UTC).isoformat(timespec="seconds")
    processed = process_pages([
        RawPage(url=_url(i), portal="bench", status=200, fetched_at=now, content=html,
                content_type="text/html; charset=utf-8", etag=f'"0-{i}"')
        for i, html in enumerate(pages)
    ])
    urls = {p.page.url for p in processed}
    step = max(1, len(processed) // 100)
    times: list[float] = []  # noqa
    sizes: list[int] = []
    for n in range(1, snapshots + 1):
        if n == 1:
            items = processed
        else:
            changed = {(n * step + k) % len(processed) for k in range(step)}
            items = [_changed(p, n) if i in changed else _not_modified(p) for i, p in enumerate(processed)]
            for i in changed:
                processed[i] = items[i]
        batch = CrawlBatch(kind="crawl", started_at=datetime.now(UTC), portals=["bench"], pages=items,
                           listed_urls={"bench": urls}, pages_listed=len(items))
        con = connect(folder)
        started = time.perf_counter()
        load(con, batch)
        times.append(time.perf_counter() - started)
        con.close()
        sizes.append(folder_bytes(folder))
    con = connect(folder, read_only=True)
    started = time.perf_counter()
    con.execute("SELECT count(*) FROM indicators_as_of(?)", [snapshots // 2]).fetchone()
    as_of_ms = (time.perf_counter() - started) * 1000
    con.close()
    # medians of three loads on each side: one load's time on a shared machine is too noisy to compare
    return History(second_load_s=statistics.median(times[1:4]), last_load_s=statistics.median(times[-3:]),
                   first_bytes=sizes[0],
                   growth_bytes=(sizes[-1] - sizes[0]) / max(1, snapshots - 1), as_of_ms=as_of_ms)
