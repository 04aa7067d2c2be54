"""Re-derive every current document from its stored raw page with the current parser: no network."""

from __future__ import annotations

import zlib
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import duckdb
from prefect import flow, task
from prefect.cache_policies import NO_CACHE

from flows.load_slot import ensure_load_limit, load_slot
from flows.process import process_pages
from flows.warehouse import CrawlBatch, LoadResult, ProcessedPage, connect, load
from transforms.models import RawPage
from zwgk import settings


def _stored_pages(con: duckdb.DuckDBPyConnection, rows: list[tuple[str, str, str, str, str]]) -> Iterator[ProcessedPage]:
    """Raw bytes read a chunk at a time (fully fetched, so the load may use the connection in between)."""
    for start in range(0, len(rows), settings.ARTICLE_BATCH):
        chunk = rows[start : start + settings.ARTICLE_BATCH]
        stored = {sha: (body, ctype) for sha, body, ctype in con.execute(
            "SELECT content_sha256, body_zlib, content_type FROM raw_pages WHERE list_contains(?, content_sha256)",
            [[r[3] for r in chunk]]).fetchall()}
        pages = [
            RawPage(url=url, portal=portal, status=200, fetched_at=fetched_at, content=zlib.decompress(stored[raw][0]),
                    content_type=stored[raw][1], listed_title=title)
            for url, portal, title, raw, fetched_at in chunk if raw in stored
        ]
        yield from process_pages(pages)


@task(cache_policy=NO_CACHE)
def reprocess_snapshot(warehouse: str) -> LoadResult:
    con = connect(Path(warehouse))
    try:
        rows = [(url, portal, title, raw, str(fetched_at)) for url, portal, title, raw, fetched_at in con.execute(
            "SELECT url, portal, title, raw_sha256, fetched_at FROM documents WHERE raw_sha256 IS NOT NULL ORDER BY doc_id"
        ).fetchall()]
        portals = sorted({r[1] for r in rows})
        batch = CrawlBatch(kind="reprocess", started_at=datetime.now(UTC), portals=portals,
                           pages=_stored_pages(con, rows), pages_listed=len(rows))
        with load_slot():
            return load(con, batch)
    finally:
        con.close()


@flow(name="reprocess", log_prints=True)
def reprocess(warehouse: str) -> LoadResult:
    """One snapshot: documents whose cleaned output changed get a new version; the rest keep theirs."""
    ensure_load_limit()
    return reprocess_snapshot(warehouse)
