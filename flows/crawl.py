"""The crawl flow: discover -> fetch -> clean -> extract -> normalise -> load, one snapshot per run."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from prefect import flow, get_run_logger, task
from prefect.cache_policies import NO_CACHE
from prefect.states import Failed, State
from prefect.task_runners import ThreadPoolTaskRunner
from prefect.tasks import exponential_backoff

from flows.discover import list_portal, policy_for
from flows.http import Fetcher, HostLimiter
from flows.load_slot import ensure_load_limit, load_slot
from flows.process import process_pages
from flows.report import Progress, publish
from flows.staging import read_staged, stage, staging_area
from flows.warehouse import CrawlBatch, LoadResult, connect, doc_id_for, fetch_state, load
from transforms.listing.plan import Listing
from transforms.models import ArticleRef
from zwgk import settings
from zwgk.settings import Portal

_LIMITER = HostLimiter()  # shared by every task of this process: one rate per host


@dataclass
class PortalSummary:
    portal: str
    listed: int = 0
    fetched: int = 0
    unchanged: int = 0
    failed: int = 0
    new: int = 0
    changed: int = 0
    gone: int = 0
    notes: list[str] = field(default_factory=list)
    state: str = "ok"  # ok | incomplete (not every list was read: nothing marked gone) | failed: why


@dataclass
class CrawlSummary:
    snapshot_id: int
    portals: list[PortalSummary]
    indicators: int
    docs_new: int
    docs_changed: int
    docs_unchanged: int
    docs_gone: int


@task(retries=2, retry_delay_seconds=exponential_backoff(backoff_factor=2), retry_jitter_factor=0.5,
      cache_policy=NO_CACHE, task_run_name="list {portal.name}")
def discover_portal(portal: Portal) -> Listing | State:
    """List a portal's articles. A portal behind a challenge or login wall, or listing nothing, ends this task
    Failed with the reason (the run goes on; its other portals are not held back)."""
    listing = list_portal(Fetcher(_LIMITER), portal)
    if listing.failed:
        return Failed(message=f"{portal.name}: {listing.failed}", data=listing)
    return listing


@task(cache_policy=NO_CACHE)
def fetch_and_process(portal: Portal, refs: list[ArticleRef], known: dict[str, tuple[str | None, str | None]],
                      folder: str) -> str:
    """A batch of articles: conditional GET each, clean and extract, stage on disk. Per-URL retries live in the fetcher."""
    fetcher = Fetcher(_LIMITER)
    policy = policy_for(portal)
    pages = []
    for ref in refs:
        etag, last_modified = known.get(ref.url, (None, None))
        page = fetcher.fetch(ref.url, portal.name, policy, etag=etag, last_modified=last_modified)
        page.listed_title = ref.title
        pages.append(page)
    return stage(Path(folder), process_pages(pages))


class PortalEmptied(RuntimeError):
    """A portal that had documents listed none: its layout probably changed. The snapshot is committed."""

    def __init__(self, summary: CrawlSummary, portals: list[str]) -> None:
        super().__init__(f"listed 0 articles on {', '.join(portals)}, which had documents before: the column layout "
                         "probably changed (check the start URLs); snapshot committed")
        self.summary = summary


@task(cache_policy=NO_CACHE)
def load_snapshot(warehouse: str, batch: CrawlBatch) -> LoadResult:
    """One writer at a time across all flow runs (the limit), one transaction per snapshot (the loader)."""
    with load_slot():
        con = connect(Path(warehouse))
        try:
            return load(con, batch)
        finally:
            con.close()


def _validators(known: dict[str, tuple[str | None, str | None]], portal: str,
                refs: list[ArticleRef]) -> dict[str, tuple[str | None, str | None]]:
    """Validators follow the document (portal + path), so a portal moving from http to https keeps them."""
    out = {}
    for ref in refs:
        found = known.get(doc_id_for(portal, ref.url))
        if found:
            out[ref.url] = found
    return out


def _batches(refs: list[ArticleRef], size: int) -> list[list[ArticleRef]]:
    return [refs[i : i + size] for i in range(0, len(refs), size)]


@flow(name="crawl", log_prints=True, task_runner=ThreadPoolTaskRunner[Any](max_workers=settings.FETCH_WORKERS))  # type: ignore[arg-type]  # prefect types TaskRunner invariantly
def crawl(portals: list[Portal], warehouse: str) -> CrawlSummary:
    """One crawl run over the given portals; pages that fail are recorded, never fatal."""
    logger = get_run_logger()
    started = datetime.now(UTC)
    ensure_load_limit()
    con = connect(Path(warehouse))
    try:
        known = fetch_state(con)
        had_documents = dict(con.execute("SELECT portal, count(*) FROM documents GROUP BY portal").fetchall())
    finally:
        con.close()
    discoveries = {p.name: discover_portal.submit(p) for p in portals}
    batch = CrawlBatch(kind="crawl", started_at=started, portals=[p.name for p in portals])
    chunks: list[tuple[Portal, list[ArticleRef]]] = []
    summaries: dict[str, PortalSummary] = {}
    for portal in portals:
        listing = discoveries[portal.name]
        listing.wait()
        found = listing.state.result(raise_on_failure=False)
        if not isinstance(found, Listing):  # the task itself crashed (its retries spent): the portal failed
            found = Listing(portal=portal.name, refs=[], attachments=[], notes=[], complete=False,
                            failed=f"listing crashed: {found}", columns=[])
        notes = [*([f"FAILED: {found.failed}"] if found.failed and found.failed not in found.notes else []),
                 *found.notes]
        summary = PortalSummary(portal=portal.name, listed=len(found.refs), notes=notes,
                                state=f"failed: {found.failed}" if found.failed else "ok" if found.complete else "incomplete")
        summaries[portal.name] = summary
        batch.pages_listed += len(found.refs)
        batch.notes.extend(f"{portal.name}: {n}" for n in notes)
        if found.complete and found.refs:
            batch.listed_urls[portal.name] = {r.url for r in found.refs}
        fetched = found.refs if portal.max_pages is None else found.refs[: portal.max_pages]
        chunks.extend((portal, chunk) for chunk in _batches(fetched, settings.ARTICLE_BATCH))
        logger.info("%s: %d articles listed (%s)", portal.name, len(found.refs), summary.state)
    progress = Progress(len(chunks))
    with staging_area(Path(warehouse).resolve()) as folder:
        futures = [fetch_and_process.submit(portal, chunk, _validators(known, portal.name, chunk), str(folder))
                   for portal, chunk in chunks]
        staged = []
        for batch_future in futures:
            staged.append(batch_future.result())
            progress.advance()
        batch.pages = read_staged(staged)
        result = load_snapshot(warehouse, batch)
    progress.finish()
    for name, summary in summaries.items():
        per = result.per_portal.get(name, {})
        summary.fetched, summary.unchanged, summary.failed = per.get("fetched", 0), per.get("unchanged", 0), per.get("failed", 0)
        summary.new, summary.changed, summary.gone = per.get("new", 0), per.get("changed", 0), per.get("gone", 0)
    publish(list(summaries.values()), result, warehouse)
    outcome = CrawlSummary(
        snapshot_id=result.snapshot_id, portals=list(summaries.values()), indicators=result.indicators,
        docs_new=result.docs_new, docs_changed=result.docs_changed, docs_unchanged=result.docs_unchanged,
        docs_gone=result.docs_gone,
    )
    emptied = [name for name, s in summaries.items() if s.listed == 0 and had_documents.get(name, 0) > 0]
    if emptied:
        raise PortalEmptied(outcome, emptied)  # the run fails visibly; what it found is committed
    return outcome


@flow(name="scheduled-crawl", log_prints=True,
      task_runner=ThreadPoolTaskRunner[Any](max_workers=settings.FETCH_WORKERS))  # type: ignore[arg-type]  # as crawl
def scheduled_crawl(config: str, portals: list[str], warehouse: str) -> CrawlSummary:
    """What a deployment runs: the config is read at run time, so edits apply to the next scheduled run."""
    chosen = [p for p in settings.load_portals(Path(config)) if p.name in portals]
    return crawl.fn(portals=chosen, warehouse=warehouse)
