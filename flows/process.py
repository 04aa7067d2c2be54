"""Clean + extract + normalise a batch of fetched pages; calls the pure transforms only."""

from __future__ import annotations

import hashlib

from flows.warehouse import ProcessedPage
from transforms.clean import clean_page
from transforms.decode import DecodeError
from transforms.extract import extract_indicators
from transforms.html_lines import HtmlError
from transforms.models import Indicator, RawPage
from transforms.normalise import indicators_frames


def _clean_and_extract(page: RawPage) -> tuple[ProcessedPage, list[Indicator]]:
    if not page.ok or page.not_modified:
        return ProcessedPage(page=page), []
    item = ProcessedPage(page=page, raw_sha256=hashlib.sha256(page.content).hexdigest())
    try:
        doc = clean_page(page.content, page.content_type)
    except (HtmlError, DecodeError) as exc:
        item.error = f"clean failed: {exc}"
        page.error = item.error
        return item, []
    if not doc.metadata.get("title") and page.listed_title:
        doc.metadata["title"] = page.listed_title
    if not doc.body.strip():
        item.error = "clean failed: no body text found"
        page.error = item.error
        return item, []
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
