"""Clean + extract + normalise a batch of fetched pages into the warehouse's rows; calls the pure transforms only.

This is the CPU of a crawl, and it runs in the processing pool's worker processes (flows/pool.py): everything a
page costs the loader later (hashing, zlib, JSON of the outline, the indicators' columns) is done here, a batch at a
time, so the main process only fetches and the loader only inserts.
"""

from __future__ import annotations

import hashlib
import json
import zlib
from dataclasses import dataclass
from typing import Any

import polars as pl

from flows.warehouse import StagedPages, doc_id_for, document_hash
from transforms import PARSER_VERSION
from transforms.barriers import attachment_kind, barrier
from transforms.clean import clean_page
from transforms.decode import DecodeError, decode_bytes
from transforms.exact import exact_columns
from transforms.extract import extract_indicators
from transforms.html_lines import HtmlError
from transforms.models import METADATA_FIELDS, Document, Indicator, RawPage
from transforms.normalise import INDICATOR_SCHEMA, normalise
from transforms.period import heading_chains, headings_above, resolve_period

SHORT_BODY_CHARS = 400

FETCH_SCHEMA: dict[str, Any] = {
    "portal": pl.Utf8, "url": pl.Utf8, "status": pl.Int32, "error": pl.Utf8, "attempts": pl.Int32,
    "content_sha256": pl.Utf8, "etag": pl.Utf8, "last_modified": pl.Utf8, "not_modified": pl.Boolean,
    "fetched_at": pl.Utf8,
}
DOCUMENT_SCHEMA: dict[str, Any] = {
    "doc_id": pl.Utf8, "url": pl.Utf8, "portal": pl.Utf8, "content_sha256": pl.Utf8, "raw_sha256": pl.Utf8,
    **{name: pl.Utf8 for name in METADATA_FIELDS if name not in ("index_year", "column_path")},
    "index_year": pl.Int32, "column_path": pl.List(pl.Utf8), "body": pl.Utf8, "outline": pl.Utf8,
    "clean_method": pl.Utf8, "parser_version": pl.Utf8, "fetched_at": pl.Utf8,
}
RAW_SCHEMA: dict[str, Any] = {"content_sha256": pl.Utf8, "first_url": pl.Utf8, "content_type": pl.Utf8,
                              "size_bytes": pl.Int64, "body_zlib": pl.Binary}


@dataclass
class _Outcome:
    page: RawPage
    raw_sha256: str | None = None
    document: Document | None = None
    indicators: list[Indicator] | None = None


def _barrier(page: RawPage) -> str | None:
    try:
        return barrier(page.status, decode_bytes(page.content, page.content_type)[0], page.final_url)
    except DecodeError:
        return None


def _failed(item: _Outcome, error: str) -> _Outcome:
    item.page.error = error
    item.document = None
    return item


def _clean_and_extract(page: RawPage) -> _Outcome:
    if page.not_modified:
        return _Outcome(page)
    if not page.ok:
        reason = _barrier(page) if page.content else None
        if reason:
            page.error = f"blocked: {reason}"  # a challenge or login wall: never stored as a page
        return _Outcome(page)
    item = _Outcome(page, raw_sha256=hashlib.sha256(page.content).hexdigest())
    kind = attachment_kind(page.content, page.content_type)
    if kind:
        return _failed(item, f"an attachment ({kind}), not a page: list it as an attachment")
    try:
        doc = clean_page(page.content, page.content_type)
    except (HtmlError, DecodeError) as exc:
        return _failed(item, f"clean failed: {exc}")
    if len(doc.body) < SHORT_BODY_CHARS:  # a challenge, CAPTCHA or login page cleans to a line or two
        reason = _barrier(page)
        if reason:
            return _failed(item, f"blocked: {reason}")
    if not doc.metadata.get("title") and page.listed_title:
        doc.metadata["title"] = page.listed_title
    if not doc.body.strip():
        return _failed(item, "clean failed: no body text found")
    item.document = doc
    item.indicators = extract_indicators(doc)
    return item


def _document_row(item: _Outcome) -> dict[str, Any]:
    assert item.document is not None
    page, doc = item.page, item.document
    row = {k: doc.metadata.get(k) for k in METADATA_FIELDS}
    row["written_date"] = str(row["written_date"]) if row.get("written_date") else None
    row.update({
        "doc_id": doc_id_for(page.portal, page.url), "url": page.url, "portal": page.portal,
        "content_sha256": document_hash(doc), "raw_sha256": item.raw_sha256,
        "outline": json.dumps([s.to_dict() for s in doc.outline], ensure_ascii=False), "body": doc.body,
        "clean_method": doc.method, "parser_version": PARSER_VERSION, "fetched_at": page.fetched_at,
    })
    return row


def panel_periods(doc: Document, indicators: list[Indicator]) -> list[tuple[str | None, str | None]]:
    """(period_norm, period_raw) of each indicator: its clause, the headings above it, the title and the date."""
    title = doc.metadata.get("title")
    published = doc.metadata.get("published_at") or doc.metadata.get("written_date")
    chains = heading_chains(doc.body, title)
    out = []
    for ind in indicators:
        period = resolve_period(kind=ind.kind, quote=ind.quote, raw=ind.raw, extracted=ind.period,
                                headings=headings_above(doc.body, ind.quote, chains), title=title,
                                published=str(published) if published else None)
        out.append((period.period, period.raw))
    return out


def _indicator_rows(done: list[_Outcome]) -> pl.DataFrame:
    """The batch's indicators in one normalised frame (polars' per-call overhead paid once per batch), values exact."""
    rows: list[dict[str, Any]] = []
    for item in done:
        if item.document is None or not item.indicators:
            continue
        doc_id = doc_id_for(item.page.portal, item.page.url)
        periods = panel_periods(item.document, item.indicators)
        rows.extend({**ind.to_dict(), "doc_id": doc_id, "seq": seq, "period_norm": norm, "period_raw": raw}
                    for seq, (ind, (norm, raw)) in enumerate(zip(item.indicators, periods, strict=True)))
    schema = {**INDICATOR_SCHEMA, "doc_id": pl.Utf8, "seq": pl.Int32, "period_norm": pl.Utf8, "period_raw": pl.Utf8}
    frame = pl.DataFrame(rows, schema=schema) if rows else pl.DataFrame(schema=schema)
    return exact_columns(normalise(frame)).with_columns(parser_version=pl.lit(PARSER_VERSION))


def stage_pages(pages: list[RawPage]) -> StagedPages:
    """A batch of fetched pages as the warehouse's rows; versions and snapshot ids are the loader's to give."""
    done = [_clean_and_extract(page) for page in pages]
    fetches = pl.DataFrame([{
        "portal": i.page.portal, "url": i.page.url, "status": i.page.status, "error": i.page.error,
        "attempts": i.page.attempts, "content_sha256": i.raw_sha256, "etag": i.page.etag,
        "last_modified": i.page.last_modified, "not_modified": i.page.not_modified, "fetched_at": i.page.fetched_at,
    } for i in done], schema=FETCH_SCHEMA)
    stored = [i for i in done if i.document is not None]
    documents = pl.DataFrame([_document_row(i) for i in stored], schema=DOCUMENT_SCHEMA)
    raws: dict[str, dict[str, Any]] = {}
    for item in stored:
        assert item.raw_sha256 is not None
        raws.setdefault(item.raw_sha256, {
            "content_sha256": item.raw_sha256, "first_url": item.page.url, "content_type": item.page.content_type,
            "size_bytes": len(item.page.content), "body_zlib": zlib.compress(item.page.content, 6)})
    return StagedPages(fetches=fetches, documents=documents, raws=pl.DataFrame(list(raws.values()), schema=RAW_SCHEMA),
                       indicators=_indicator_rows(stored))
