"""Real article pages, as labelled in labels.json beside them: tests/fixtures/real_pages (the articles among them;
the Jiangxi column page is a list, not an article) and tests/fixtures/real_pages_dev (layouts the cleaner was not
built on).

Each label says what the cleaned document must hold: the title, the date and publisher when the page states
them, the first and last sentence of the article and snippets of it in the body, no chrome snippet in the body,
and a sentence of pages that print the article twice exactly once. Snippets are compared with the body's
whitespace collapsed (lines joined by one space) and table cell bars read as spaces: labels quote the visible
text, where cells and paragraphs are separated by whitespace.
"""

from __future__ import annotations

import json
import re

import pytest

from transforms.clean import clean_page

from .conftest import FIXTURES

FOLDERS = (FIXTURES / "real_pages", FIXTURES / "real_pages_dev")
LABELS: dict[str, dict] = {
    f"{folder.name}/{name}": label
    for folder in FOLDERS for name, label in json.loads((folder / "labels.json").read_text(encoding="utf-8")).items()
}


def visible(text: str) -> str:
    """Whitespace collapsed and cell bars read as spaces, as the labels quote a page."""
    return re.sub(r"\s+", " ", re.sub(r"(?:^|\s)\|(?=\s|$)", " ", text)).strip()


@pytest.fixture(scope="module")
def cleaned() -> dict[str, dict]:
    return {}


def _clean(name: str, cache: dict[str, dict]) -> dict:
    if name not in cache:
        data = (FIXTURES / name).read_bytes()
        cache[name] = clean_page(data.split(b"\n", 1)[1]).to_dict()  # the first line is the provenance comment
    return cache[name]


@pytest.mark.parametrize("name", sorted(LABELS))
def test_metadata(name: str, cleaned: dict[str, dict]) -> None:
    label, meta = LABELS[name], _clean(name, cleaned)["metadata"]
    assert visible(meta["title"] or "") == visible(label["title"])
    for field in ("published_at", "publisher"):
        if label[field] is not None:
            assert meta[field] == label[field], field


@pytest.mark.parametrize("name", sorted(LABELS))
def test_body(name: str, cleaned: dict[str, dict]) -> None:
    label, body = LABELS[name], visible(_clean(name, cleaned)["body"])
    missing = [s for s in (label["first_sentence"], label["last_sentence"], *label["keep"]) if visible(s) not in body]
    assert not missing, "not in the body"
    chrome = [s for s in label["drop"] if visible(s) in body]
    assert not chrome, "chrome in the body"
    if label["body_once"]:
        assert body.count(visible(label["body_once"])) == 1


HEAD_MAX = 100  # characters before the first sentence: a salutation, an issuer line, a table's header row
TAIL_MAX = 6  # lines after the last sentence: contacts, a signature and its date, a credit


@pytest.mark.parametrize("name", sorted(LABELS))
def test_body_starts_and_ends_with_the_article(name: str, cleaned: dict[str, dict]) -> None:
    """No chrome before the first sentence or after the last one (lines a snippet cannot name, such as a
    column heading): the article opens the body and closes it."""
    label, body = LABELS[name], _clean(name, cleaned)["body"]
    assert 0 <= visible(body).find(visible(label["first_sentence"])) <= HEAD_MAX
    lines = body.split("\n")
    last = max(i for i, line in enumerate(lines) if visible(label["last_sentence"]) in visible(line))
    assert len(lines) - 1 - last <= TAIL_MAX, lines[last + 1 :]
