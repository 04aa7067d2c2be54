"""Re-derive every current document from its stored raw page with the current parser: no network.

The raw pages go through the same processing pool as a crawl's (every core), at most BODIES_IN_FLIGHT at a time.
"""

from __future__ import annotations

import threading
import zlib
from datetime import UTC, datetime
from pathlib import Path

from prefect import flow, task
from prefect.cache_policies import NO_CACHE

from flows.pool import ProcessingPool, StagedBatch
from flows.progress import RunProgress
from flows.staging import read_staged, staging_area
from flows.warehouse import CrawlBatch, LoadResult, connect, load
from transforms.models import RawPage
from zwgk import settings

READ_CHUNK = 64  # raw pages read from the warehouse per query


@task(cache_policy=NO_CACHE)
def reprocess_snapshot(warehouse: str) -> LoadResult:
    con = connect(Path(warehouse))
    try:
        rows = [(url, portal, title, raw, str(fetched_at)) for url, portal, title, raw, fetched_at in con.execute(
            "SELECT url, portal, title, raw_sha256, fetched_at FROM documents WHERE raw_sha256 IS NOT NULL ORDER BY doc_id"
        ).fetchall()]
        progress = RunProgress("stored pages re-parsed")
        progress.add_listed(len(rows))
        room = threading.Semaphore(settings.BODIES_IN_FLIGHT)

        def release(n: int) -> None:
            for _ in range(n):
                room.release()

        def staged(done: StagedBatch) -> None:
            progress.batch_done(done.pages, done.failed)

        with staging_area(Path(warehouse).resolve()) as folder:
            with ProcessingPool(folder, on_staged=staged, release=release) as pool:
                for start in range(0, len(rows), READ_CHUNK):
                    chunk = rows[start : start + READ_CHUNK]
                    stored = {sha: (body, ctype) for sha, body, ctype in con.execute(
                        "SELECT content_sha256, body_zlib, content_type FROM raw_pages "
                        "WHERE list_contains(?, content_sha256)", [[r[3] for r in chunk]]).fetchall()}
                    for url, portal, title, raw, fetched_at in chunk:
                        if raw in stored:
                            room.acquire()
                            pool.add(RawPage(url=url, portal=portal, status=200, fetched_at=fetched_at,
                                             content=zlib.decompress(stored[raw][0]), content_type=stored[raw][1],
                                             listed_title=title))
                    progress.publish()
                paths = pool.drain()
            progress.finish()
            batch = CrawlBatch(kind="reprocess", started_at=datetime.now(UTC), portals=sorted({r[1] for r in rows}),
                               pages=read_staged(paths), pages_listed=len(rows))
            return load(con, batch)
    finally:
        con.close()


@flow(name="reprocess", log_prints=True)
def reprocess(warehouse: str) -> LoadResult:
    """One snapshot: documents whose cleaned output changed get a new version; the rest keep theirs."""
    return reprocess_snapshot(warehouse)
