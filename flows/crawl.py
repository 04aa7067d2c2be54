"""The crawl flow: list -> fetch -> clean -> extract -> normalise -> load, one snapshot per run.

One Prefect task per portal ("crawl <portal>": its lists, and its articles as the lists name them), all running at
once and sharing the host scheduler (flows/schedule.py: every host busy at its own rate) and the processing pool
(flows/pool.py: every core busy); the warehouse opens while the first lists are read, and the load commits the
snapshot once all of them are done. A portal's task ends Failed with the reason
when its lists are behind a challenge or list nothing; the run goes on.
"""

from __future__ import annotations

import itertools
import queue
import threading
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, wait
from contextlib import ExitStack, closing
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, NamedTuple

import duckdb
from prefect import flow, get_run_logger, task
from prefect.cache_policies import NO_CACHE
from prefect.futures import PrefectConcurrentFuture, PrefectFuture
from prefect.states import Failed, State
from prefect.task_runners import ThreadPoolTaskRunner
from prefect.utilities.annotations import quote

from flows.discover import policy_for
from flows.pool import ProcessingPool, StagedBatch
from flows.process import stage_pages
from flows.progress import RunProgress
from flows.report import publish
from flows.schedule import ARTICLE, LIST, Delivery, FetchJob, HostScheduler
from flows.staging import read_staged, staging_area
from flows.warehouse import (
    CrawlBatch,
    LoadResult,
    PortalRun,
    StagedPages,
    connect,
    doc_id_for,
    fetch_state,
    load,
)
from transforms.listing.model import ListAnswer, ListRequest
from transforms.listing.plan import Listing, ListingPlan
from transforms.models import ArticleRef, RawPage
from zwgk import settings
from zwgk.settings import Portal

CRAWL_DUCKDB_THREADS = 1


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


@dataclass(repr=False)
class PortalResult:
    """What a portal's task hands back: its listing, and its articles that need no processing."""

    listing: Listing
    unchanged: int = 0
    records: list[RawPage] = field(default_factory=list)  # failed fetches, and 304s that close a past failure

    def __repr__(self) -> str:  # Prefect logs a failed task's result
        return f"PortalResult({self.listing!r}, {self.unchanged} unchanged, {len(self.records)} records)"


class WarehouseState(NamedTuple):
    validators: dict[str, tuple[str | None, str | None]]  # doc_id -> (etag, last_modified) of its last fetch
    failing: set[str]  # URLs whose latest fetch failed


class CrawlRun:
    """What a run's portal tasks share (passed to them quoted: Prefect leaves it alone). The warehouse's state
    arrives while the lists are read; `abort` stops the tasks at their next step."""

    def __init__(self, scheduler: HostScheduler, pool: ProcessingPool, progress: RunProgress) -> None:
        self.scheduler, self.pool, self.progress = scheduler, pool, progress
        self._state: WarehouseState | None = None
        self._settled = threading.Event()
        self._aborted: BaseException | None = None

    def state_ready(self, state: WarehouseState) -> None:
        self._state = state
        self._settled.set()

    def abort(self, error: BaseException) -> None:
        self._aborted = error
        self._settled.set()

    def check(self) -> None:
        if self._aborted is not None:
            raise RuntimeError(f"the crawl stopped: {self._aborted!r}") from self._aborted

    def ready(self) -> bool:
        return self._settled.is_set()

    def state(self) -> WarehouseState:
        self._settled.wait()
        self.check()
        assert self._state is not None
        return self._state


def _answer(page: RawPage) -> ListAnswer:
    return ListAnswer(status=page.status, body=page.content, content_type=page.content_type, final_url=page.final_url,
                      error=page.error)


def list_through(scheduler: HostScheduler, portal: Portal, on_refs: Callable[[list[ArticleRef]], None] | None = None,
                 check: Callable[[], None] | None = None) -> Listing:
    """The portal's listing plan, every pending list request in flight at once (the scheduler orders them per
    host, before any article); `on_refs` gets each column's new article links as their answers are read."""
    policy = policy_for(portal)
    plan = ListingPlan(portal.name, portal.start_urls, policy.allowed_hosts, portal.cms, portal.article_pattern,
                       settings.MAX_LIST_PAGES)
    handed = dict.fromkeys(plan.columns, 0)  # per column, how many of its refs went to on_refs
    in_flight: dict[Future[RawPage], ListRequest] = {}
    while True:
        if check is not None:
            check()
        while (request := plan.next_request()) is not None:
            job = FetchJob(request.url, portal.name, policy, priority=LIST, method=request.method, form=request.form,
                           headers=request.headers)
            in_flight[scheduler.submit(job)] = request
        if not in_flight:
            return plan.outcome()
        done, _ = wait(in_flight, return_when=FIRST_COMPLETED)
        for future in done:
            plan.accept(in_flight.pop(future), _answer(future.result()))
        if on_refs is not None:
            for url, column in plan.columns.items():
                if len(column.refs) > handed[url]:
                    on_refs(list(itertools.islice(column.refs.values(), handed[url], None)))
                    handed[url] = len(column.refs)


class _Articles:
    """A portal's articles, asked for as the lists name them (once the warehouse has said what it holds): fetching
    and processing overlap the listing instead of following it. Pages are sorted on the scheduler's loop thread
    as they land: an unchanged one is counted, and that is all it costs."""

    def __init__(self, portal: Portal, run: CrawlRun) -> None:
        self.portal, self.run = portal, run
        self.policy = policy_for(portal)
        self.delivery = Delivery(self._landed)
        self.unchanged = 0
        self.records: list[RawPage] = []  # failed fetches, and 304s that close a past failure
        self._waiting: list[ArticleRef] = []  # listed before the warehouse's state was there
        self._asked: set[str] = set()
        self._failing: set[str] = set()

    def listed(self, refs: list[ArticleRef]) -> None:
        cap = self.portal.max_pages
        fresh = [r for r in refs if r.url not in self._asked][: None if cap is None else max(0, cap - len(self._asked))]
        self._asked.update(r.url for r in fresh)
        self.run.progress.add_listed(len(fresh))
        self._waiting.extend(fresh)
        if self.run.ready():
            self._ask()

    def _ask(self) -> None:
        state = self.run.state()
        self._failing = state.failing
        jobs = []
        for ref in self._waiting:
            etag, last_modified = state.validators.get(doc_id_for(self.portal.name, ref.url), (None, None))
            jobs.append(FetchJob(ref.url, self.portal.name, self.policy, priority=ARTICLE, etag=etag,
                                 last_modified=last_modified, listed_title=ref.title))
        self._waiting = []
        self.run.scheduler.submit_many(jobs, self.delivery)

    def _landed(self, page: RawPage) -> None:  # on the loop thread
        if page.not_modified:
            self.unchanged += 1
            if page.url in self._failing:
                self.records.append(page)  # its last fetch failed: this row says it no longer does
            self.run.progress.page_done(self.portal.name)
        elif page.ok and page.content:
            self.run.pool.add(page)  # counted done once staged
        else:
            self.records.append(page)
            self.run.progress.page_done(self.portal.name, failed=True)

    def finish(self) -> None:
        self._ask()
        self.delivery.wait()


@task(cache_policy=NO_CACHE, task_run_name="crawl {portal.name}")
def crawl_portal(portal: Portal, run: CrawlRun) -> PortalResult | State:
    """A portal's lists, and its articles as the lists name them: conditional GETs, fetched pages handed to the
    processing pool."""
    articles = _Articles(portal, run)
    try:
        listing = list_through(run.scheduler, portal, on_refs=articles.listed, check=run.check)
        articles.finish()
    except BaseException:
        articles.delivery.cancel()  # nothing more of this portal is fetched, nothing more goes to processing
        raise
    result = PortalResult(listing, articles.unchanged, articles.records)
    state = f"failed: {listing.failed}" if listing.failed else "ok" if listing.complete else "incomplete"
    run.progress.portal_finished(portal.name, state)
    if listing.failed:
        return Failed(message=f"{portal.name}: {listing.failed}", data=result)
    return result


def _summary(portal: Portal, found: PortalResult) -> PortalSummary:
    listing = found.listing
    notes = [*([f"FAILED: {listing.failed}"] if listing.failed and listing.failed not in listing.notes else []),
             *listing.notes]
    state = f"failed: {listing.failed}" if listing.failed else "ok" if listing.complete else "incomplete"
    return PortalSummary(portal=portal.name, listed=len(listing.refs), notes=notes, state=state)


def _result_of(future: PrefectFuture[Any], portal: Portal) -> PortalResult:
    found = future.state.result(raise_on_failure=False)
    if isinstance(found, PortalResult):
        return found
    # the task itself crashed: the portal failed, the run goes on
    listing = Listing(portal=portal.name, refs=[], attachments=[], notes=[], complete=False,
                      failed=f"crawl crashed: {found!r}", columns=[])
    return PortalResult(listing)


def _warehouse_state(con: duckdb.DuckDBPyConnection) -> WarehouseState:
    return WarehouseState(fetch_state(con), {r[0] for r in con.execute("SELECT url FROM fetch_failures").fetchall()})


def _emptied(con: duckdb.DuckDBPyConnection, summaries: dict[str, PortalSummary]) -> list[str]:
    """Portals that listed nothing though they have documents (asked after the load: a portal that listed nothing
    had nothing marked gone, so its documents are those it had before)."""
    silent = [name for name, s in summaries.items() if s.listed == 0]
    if not silent:
        return []
    held = dict(con.execute("SELECT portal, count(*) FROM documents WHERE list_contains(?, portal) GROUP BY portal",
                            [silent]).fetchall())
    return [name for name in silent if held.get(name, 0) > 0]


class PortalEmptied(RuntimeError):
    """A portal that had documents listed none: its layout probably changed. The snapshot is committed."""

    def __init__(self, summary: CrawlSummary, portals: list[str]) -> None:
        super().__init__(f"listed 0 articles on {', '.join(portals)}, which had documents before: the column layout "
                         "probably changed (check the start URLs); snapshot committed")
        self.summary = summary


@task(cache_policy=NO_CACHE)
def load_snapshot(con: duckdb.DuckDBPyConnection, batch: CrawlBatch) -> LoadResult:
    """Loads of other portals, from any machine, run beside this one; the catalog's locks keep them apart."""
    return load(con, batch)


class StagedFeed:
    """The run's staged batches as the workers write them, for a load that runs while the crawl goes on: the load
    commits its invisible parts meanwhile, so a crawl of 10,000 pages does not end with a long load."""

    def __init__(self) -> None:
        self._items: queue.Queue[str | StagedPages | BaseException | None] = queue.Queue()

    def staged(self, path: str) -> None:
        self._items.put(path)

    def finish(self, last: StagedPages | None = None) -> None:
        if last is not None:
            self._items.put(last)
        self._items.put(None)

    def fail(self, error: BaseException) -> None:
        """The crawl went wrong: the load stops with it, and rolls back."""
        self._items.put(error)

    def __iter__(self) -> Iterator[StagedPages]:
        while (item := self._items.get()) is not None:
            if isinstance(item, BaseException):
                raise RuntimeError(f"the crawl stopped: {item!r}; nothing of this snapshot was committed") from item
            yield item if isinstance(item, StagedPages) else next(read_staged([item]))


def _wait_all(futures: Iterable[PrefectConcurrentFuture[Any]], progress: RunProgress) -> None:
    """Wait on the flow's own thread, publishing progress meanwhile (the artifact needs the flow's context)."""
    pending = {f.wrapped_future: f for f in futures}
    while pending:
        done, _ = wait(pending, timeout=settings.PROGRESS_EVERY_S, return_when=FIRST_COMPLETED)
        for inner in done:
            pending.pop(inner).wait()  # keeps the final state, with its data, on the Prefect future
        if pending:  # the last one is published by progress.finish()
            progress.publish()


def _close_batch(batch: CrawlBatch, portals: list[Portal], futures: dict[str, PrefectFuture[Any]],
                 summaries: dict[str, PortalSummary], records: list[RawPage]) -> None:
    """What the portals' tasks said, into the batch the load finishes with (it reads these after the last page)."""
    logger = get_run_logger()
    for portal in portals:
        found = _result_of(futures[portal.name], portal)
        summary = summaries[portal.name] = _summary(portal, found)
        records.extend(found.records)
        batch.unchanged[portal.name] = found.unchanged
        batch.pages_listed += summary.listed
        batch.notes.extend(f"{portal.name}: {n}" for n in summary.notes)
        batch.portal_runs[portal.name] = PortalRun(summary.state, summary.listed, "; ".join(summary.notes) or None)
        if found.listing.complete and found.listing.refs:
            batch.listed_urls[portal.name] = {r.url for r in found.listing.refs}
        logger.info("%s: %d articles listed (%s)", portal.name, summary.listed, summary.state)


@flow(name="crawl", log_prints=True, task_runner=ThreadPoolTaskRunner[Any](max_workers=settings.PORTAL_WORKERS))  # type: ignore[arg-type]  # prefect types TaskRunner invariantly
def crawl(portals: list[Portal], warehouse: str, config: str | None = None) -> CrawlSummary:
    """One crawl run over the given portals; pages that fail are recorded, never fatal. `config` is the file whose
    [warehouse] table says where the warehouse lives (default: ZWGK_CONFIG, then portals.toml; the environment wins)."""
    started = datetime.now(UTC)
    with ExitStack() as closing_last, staging_area(Path(warehouse).resolve()) as folder, HostScheduler() as scheduler:
        batch = CrawlBatch(kind="crawl", started_at=started, portals=[p.name for p in portals])
        summaries: dict[str, PortalSummary] = {}
        records: list[RawPage] = []
        progress = RunProgress("article pages fetched and processed, across all hosts", scheduler.remaining_seconds)
        feed = StagedFeed()
        batch.pages = feed
        loading: PrefectFuture[Any] | None = None

        def staged(done: StagedBatch) -> None:
            progress.batch_done(done.pages, done.failed)
            feed.staged(done.path)

        try:
            with ProcessingPool(folder, on_staged=staged, release=scheduler.release_bodies) as pool:
                run = CrawlRun(scheduler, pool, progress)
                futures = {p.name: crawl_portal.submit(p, quote(run)) for p in portals}  # type: ignore[call-overload]  # quote() is unwrapped by Prefect
                # the warehouse opens while the lists are read: ~0.35 s of a 2,000-page recrawl's 2.1 s (measured)
                try:
                    con = closing_last.enter_context(closing(connect(Path(warehouse),
                                                                     config=Path(config) if config else None)))
                    # the cores are the processing workers': DuckDB's own threads only competed with them (2,000
                    # pages on 2 cores: 0.5 CPU-s less for a first crawl, 0.15 for a recrawl, measured)
                    con.execute(f"SET threads = {CRAWL_DUCKDB_THREADS}")
                    state = _warehouse_state(con)
                except BaseException as exc:
                    run.abort(exc)
                    _wait_all(futures.values(), progress)
                    raise
                run.state_ready(state)
                loading = load_snapshot.submit(quote(con), batch)  # type: ignore[call-overload]  # as above
                _wait_all(futures.values(), progress)
                _close_batch(batch, portals, futures, summaries, records)
                pool.drain()
            progress.finish()
            feed.finish(stage_pages(records) if records else None)
        except BaseException as exc:
            feed.fail(exc)
            if loading is not None:
                loading.wait()
            raise
        result = loading.result()
        for name, summary in summaries.items():
            per = result.per_portal.get(name, {})
            summary.fetched, summary.unchanged, summary.failed = per.get("fetched", 0), per.get("unchanged", 0), per.get("failed", 0)
            summary.new, summary.changed, summary.gone = per.get("new", 0), per.get("changed", 0), per.get("gone", 0)
        publish(list(summaries.values()), result, con)
        emptied = _emptied(con, summaries)
    outcome = CrawlSummary(
        snapshot_id=result.snapshot_id, portals=list(summaries.values()), indicators=result.indicators,
        docs_new=result.docs_new, docs_changed=result.docs_changed, docs_unchanged=result.docs_unchanged,
        docs_gone=result.docs_gone,
    )
    if emptied:
        raise PortalEmptied(outcome, emptied)  # the run fails visibly; what it found is committed
    return outcome


@flow(name="scheduled-crawl", log_prints=True,
      task_runner=ThreadPoolTaskRunner[Any](max_workers=settings.PORTAL_WORKERS))  # type: ignore[arg-type]  # as crawl
def scheduled_crawl(config: str | None, portals: list[str], warehouse: str | None) -> CrawlSummary:
    """What a deployment runs: the config is read at run time, so edits apply to the next scheduled run. A config or
    warehouse left None is this machine's (ZWGK_CONFIG, ZWGK_WAREHOUSE, else the defaults): a worker's own."""
    path = settings.config_path(config)
    configured = {p.name: p for p in settings.load_portals(path)}
    missing = [name for name in portals if name not in configured]
    if missing:
        raise settings.ConfigError(f"portal(s) {', '.join(missing)} not in {path} on this machine: add them to that "
                                   "config, or delete their deployments (zwgk deploy lists the stale ones)")
    return crawl.fn(portals=[configured[name] for name in portals], warehouse=str(settings.warehouse_dir(warehouse)),
                    config=str(path))

