"""Column pages to article links: JCMS <datastore> records, generic link lists, jpaas detection."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from urllib.parse import urljoin

from lxml import html as lxml_html

from transforms.models import ArticleRef

_DATASTORE = re.compile(r"<datastore>(.*?)</datastore>", re.S | re.I)
_RECORD = re.compile(r"<record>\s*<!\[CDATA\[(.*?)\]\]>\s*</record>", re.S | re.I)
_TOTAL_RECORD = re.compile(r"<totalrecord>\s*(\d+)\s*</totalrecord>", re.I)
_LINK = re.compile(r"""<a\b[^>]*?href\s*=\s*["']([^"']+)["'][^>]*>(.*?)</a>""", re.S | re.I)
_TITLE_ATTR = re.compile(r"""title\s*=\s*["']([^"']*)["']""", re.I)
_DATE = re.compile(r"(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})")
_TAGS = re.compile(r"<[^>]+>")
_JPAAS = re.compile(r"loadPageData\s*\(", re.I)
_UNIT_ID = re.compile(r"""unitid\s*[=:]\s*['"]?(\d+)""", re.I)
_WEB_ID = re.compile(r"""webid\s*[=:]\s*['"]?(\d+)""", re.I)
_COLUMN_ID = re.compile(r"/col/col(\d+)/")
_ART_DATE = re.compile(r"/art/(\d{4})/(\d{1,2})/(\d{1,2})/")


class ListingError(ValueError):
    """A column page that cannot be read as a list (malformed datastore XML and the like)."""


@dataclass
class Listing:
    refs: list[ArticleRef] = field(default_factory=list)
    total_records: int | None = None
    has_datastore: bool = False
    unit_id: str | None = None
    web_id: str | None = None
    column_id: str | None = None


def _date_of(text: str, url: str) -> str | None:
    m = _DATE.search(text) or _ART_DATE.search(url)
    if not m:
        return None
    y, mo, d = m.groups()
    return f"{int(y):04d}-{int(mo):02d}-{int(d):02d}"


def records_to_refs(fragment: str, base_url: str, portal: str) -> list[ArticleRef]:
    refs: list[ArticleRef] = []
    for record in _RECORD.findall(fragment):
        link = _LINK.search(record)
        if not link:
            continue
        href, inner = link.groups()
        title_m = _TITLE_ATTR.search(link.group(0))
        title = (title_m.group(1) if title_m else _TAGS.sub("", inner)).strip() or None
        refs.append(ArticleRef(url=urljoin(base_url, href.strip()), title=title, listed_date=_date_of(record, href), portal=portal))
    return refs


def parse_datastore(text: str, base_url: str, portal: str) -> Listing:
    """A JCMS column page or a dataproxy.jsp answer."""
    m = _DATASTORE.search(text)
    if not m:
        if "<datastore" in text.lower():
            raise ListingError("datastore element is not closed: malformed list XML")
        return Listing()
    inner = m.group(1)
    if inner.count("<record>") != len(_RECORD.findall(inner)):
        raise ListingError("datastore records are malformed (a <record> without CDATA content)")
    total = _TOTAL_RECORD.search(inner)
    listing = Listing(refs=records_to_refs(inner, base_url, portal), has_datastore=True,
                      total_records=int(total.group(1)) if total else None)
    listing.unit_id = (_UNIT_ID.search(text) or [None, None])[1]
    listing.web_id = (_WEB_ID.search(text) or [None, None])[1]
    col = _COLUMN_ID.search(base_url)
    listing.column_id = col.group(1) if col else None
    return listing


def parse_link_list(text: str, base_url: str, portal: str, article_pattern: str) -> tuple[list[ArticleRef], list[str]]:
    """Article links and next-page links (下一页, pageNum) of a generic list page."""
    pattern = re.compile(article_pattern)
    try:
        root = lxml_html.document_fromstring(text.encode("utf-8"), parser=lxml_html.HTMLParser(encoding="utf-8"))
    except Exception as exc:  # lxml raises several types for hopeless input
        raise ListingError(f"list page is not HTML: {exc}") from exc
    refs: list[ArticleRef] = []
    nexts: list[str] = []
    seen: set[str] = set()
    for a in root.iter("a"):
        href = (a.get("href") or "").strip()
        if not href or href.startswith(("javascript:", "#", "mailto:")):
            continue
        url = urljoin(base_url, href)
        label = " ".join("".join(a.itertext()).split())
        if pattern.search(url) and url not in seen:
            seen.add(url)
            parent_text = " ".join("".join(a.getparent().itertext()).split()) if a.getparent() is not None else ""
            refs.append(ArticleRef(url=url, title=a.get("title") or label or None,
                                   listed_date=_date_of(parent_text, url), portal=portal))
        elif label in ("下一页", "下页", ">") or "pageNum=" in href:
            nexts.append(url)
    return refs, nexts


def needs_javascript(text: str) -> bool:
    return bool(_JPAAS.search(text)) and "<datastore" not in text.lower()


REPORT_COLUMNS = re.compile(r"计划总结|工作总结|规划计划|政府工作报告|工作计划|年度计划")
_PORTAL_NAME = re.compile(r"[^a-z0-9]+")


@dataclass(frozen=True)
class ColumnCandidate:
    name: str
    url: str
    cms: str  # "jcms" for /col/colNNN/ columns, otherwise "generic"


def report_columns(text: str, base_url: str) -> list[ColumnCandidate]:
    """Links on a home or catalogue page whose text names a column of plans and summaries."""
    root = lxml_html.fromstring(text) if text.strip() else None
    if root is None:
        return []
    found: dict[str, ColumnCandidate] = {}
    for a in root.iter("a"):
        label = " ".join("".join(a.itertext()).split()) or (a.get("title") or "")
        href = (a.get("href") or "").strip()
        if not href or href.startswith(("javascript:", "#", "mailto:")) or not REPORT_COLUMNS.search(label):
            continue
        url = urljoin(base_url, href)
        if url.startswith(("http://", "https://")) and url not in found:
            found[url] = ColumnCandidate(label[:40], url, "jcms" if _COLUMN_ID.search(url) else "generic")
    return list(found.values())


def portal_config(name: str, columns: list[ColumnCandidate]) -> str:
    """TOML entries for `portals.toml`, one portal per CMS kind, ready to review and paste."""
    out = []
    for cms in ("jcms", "generic"):
        picked = [c for c in columns if c.cms == cms]
        if not picked:
            continue
        slug = _PORTAL_NAME.sub("-", name.lower()).strip("-") or "portal"
        lines = [f"# {', '.join(c.name for c in picked)}", "[[portals]]", f'name = "{slug}{"" if cms == "jcms" else "-generic"}"',
                 f'cms = "{cms}"', "start_urls = [", *(f'    "{c.url}",' for c in picked), "]"]
        if cms == "generic":
            lines.append("article_pattern = '/art/\\d{4}/'  # check against the column's article links")
        lines += ["rate = 1.0", 'schedule = "0 3 * * *"', ""]
        out.append("\n".join(lines))
    return "\n".join(out)
