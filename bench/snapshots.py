"""Snapshot history at scale: N loads of one portal with 1% of its pages changing each time."""

from __future__ import annotations

import statistics
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from flows.process import stage_pages
from flows.warehouse import CrawlBatch, StagedPages, connect, load
from transforms.models import RawPage
from zwgk.settings import PROCESS_BATCH


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


def _raw(i: int, html: bytes, now: str, revision: int = 0) -> RawPage:
    """What a crawl fetches for page i: after an edit, new bytes with a new sentence and the same figures."""
    if revision:
        html = html.replace(b"</body>", f"<p>（第{revision}次更新）</p></body>".encode())
    return RawPage(url=_url(i), portal="bench", status=200, fetched_at=now, content=html,
                   content_type="text/html; charset=utf-8", etag=f'"{revision}-{i}"')


def _stage(pages: list[RawPage]) -> list[StagedPages]:
    return [stage_pages(pages[k : k + PROCESS_BATCH]) for k in range(0, len(pages), PROCESS_BATCH)]


def snapshot_history(folder: Path, pages: list[bytes], snapshots: int) -> History:
    now = datetime.now(UTC).isoformat(timespec="seconds")
    urls = {_url(i) for i in range(len(pages))}
    step = max(1, len(pages) // 100)
    times: list[float] = []
    sizes: list[int] = []
    for n in range(1, snapshots + 1):
        if n == 1:
            staged, unchanged = _stage([_raw(i, html, now) for i, html in enumerate(pages)]), 0
        else:  # 1% of the pages edited; the rest answer 304, which a load only counts
            changed = sorted({(n * step + k) % len(pages) for k in range(step)})
            staged, unchanged = _stage([_raw(i, pages[i], now, n) for i in changed]), len(pages) - len(changed)
        batch = CrawlBatch(kind="crawl", started_at=datetime.now(UTC), portals=["bench"], pages=staged,
                           listed_urls={"bench": urls}, unchanged={"bench": unchanged}, pages_listed=len(pages))
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
