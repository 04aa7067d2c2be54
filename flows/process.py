"""Clean + extract + normalise a batch of fetched pages; calls the pure transforms only."""

from __future__ import annotations

import hashlib

from flows.warehouse import ProcessedPage
from transforms.barriers import attachment_kind, barrier
from transforms.clean import clean_page
from transforms.decode import DecodeError, decode_bytes
from transforms.extract import extract_indicators
from transforms.html_lines import HtmlError
from transforms.models import Indicator, RawPage
from transforms.normalise import indicators_frames

SHORT_BODY_CHARS = 400


def _barrier(page: RawPage) -> str | None:
    try:
        return barrier(page.status, decode_bytes(page.content, page.content_type)[0], page.final_url)
    except DecodeError:
        return None


def _failed(item: ProcessedPage, error: str) -> tuple[ProcessedPage, list[Indicator]]:
    item.error = error
    item.page.error = error
    return item, []


def _clean_and_extract(page: RawPage) -> tuple[ProcessedPage, list[Indicator]]:
    if page.not_modified:
        return ProcessedPage(page=page), []
    if not page.ok:
        reason = _barrier(page) if page.content else None
        if reason:
            page.error = f"blocked: {reason}"  # a challenge or login wall: never stored as a page
        return ProcessedPage(page=page), []
    item = ProcessedPage(page=page, raw_sha256=hashlib.sha256(page.content).hexdigest())
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
    return item, extract_indicators(doc)


def process_pages(pages: list[RawPage]) -> list[ProcessedPage]:
    """Pages of one batch, with their indicators normalised in one polars pass."""
    done = [_clean_and_extract(page) for page in pages]
    frames = indicators_frames([found for _, found in done])
    for (item, _), frame in zip(done, frames, strict=True):
        if item.document is not None:
            item.indicators = frame
    return [item for item, _ in done]
