"""A site's home or 政府信息公开 catalogue page to proposed portal entries (`zwgk discover`).

The proposal names each column's cms from what the column page itself declares (transforms/listing/plan.py reads
it the same way), so jpaas units and xxgk catalogues are proposed as such.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urlsplit

from transforms.listing import jcms, jpaas, xxgk
from transforms.listing.links import HostPolicy, page_base, resolve, soup, text_of
from transforms.listing.model import ListRequest

REPORT_COLUMNS = re.compile(r"计划总结|工作总结|规划计划|政府工作报告|工作计划|年度计划|工作报告")
_PORTAL_NAME = re.compile(r"[^a-z0-9]+")
CMS_KINDS = ("jcms", "jpaas", "xxgk", "generic")


@dataclass(frozen=True)
class ColumnCandidate:
    name: str
    url: str
    cms: str = "generic"


def report_columns(text: str, base_url: str) -> list[ColumnCandidate]:
    """Links on a home or catalogue page whose text names a column of plans, summaries or work reports."""
    if not text.strip():
        return []
    doc = soup(text)
    base = page_base(doc, base_url)
    found: dict[str, ColumnCandidate] = {}
    for a in doc.find_all("a", href=True):
        label = text_of(a) or str(a.get("title") or "")
        url = resolve(str(a.get("href")), base)
        if url and REPORT_COLUMNS.search(label) and url not in found:
            found[url] = ColumnCandidate(label[:40], url)
    return list(found.values())


def column_kind(text: str, url: str) -> str:
    """Which cms entry reads this column page: what the page declares, else generic links."""
    if jcms.has_datastore(text):
        return "jcms"
    request = ListRequest(url=url, kind="page", column=url)
    doc = soup(text)
    base = page_base(doc, url)
    host = HostPolicy([urlsplit(url).netloc])
    found = jpaas.read_column(text, base, request, "discover", host)
    if found is not None and (found.requests or found.refs):
        return "jpaas"
    if xxgk.declares_catalogue(text):
        return "xxgk"
    return "generic"


def portal_config(name: str, columns: list[ColumnCandidate]) -> str:
    """TOML entries for `portals.toml`, one portal per cms kind, ready to review and paste."""
    out = []
    slug = _PORTAL_NAME.sub("-", name.lower()).strip("-") or "portal"
    for cms in CMS_KINDS:
        picked = [c for c in columns if c.cms == cms]
        if not picked:
            continue
        lines = [f"# {', '.join(c.name for c in picked)}", "[[portals]]",
                 f'name = "{slug}{"" if cms == "jcms" else "-" + cms}"', f'cms = "{cms}"', "start_urls = [",
                 *(f'    "{c.url}",' for c in picked), "]"]
        if cms == "generic":
            lines.append("# article_pattern = '…'  # optional: a regex for the column's article links")
        lines += ["rate = 1.0", 'schedule = "0 3 * * *"', ""]
        out.append("\n".join(lines))
    return "\n".join(out)
