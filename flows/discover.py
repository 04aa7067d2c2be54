"""Find article links on a portal: JCMS datastore + dataproxy.jsp paging, or generic list pages."""

from __future__ import annotations

from dataclasses import dataclass, field
from urllib.parse import urlsplit

from flows.http import Fetcher, Policy
from transforms.decode import decode_bytes
from transforms.listing import ListingError, needs_javascript, parse_datastore, parse_link_list
from transforms.models import ArticleRef
from zwgk import settings
from zwgk.settings import Portal


@dataclass
class Discovery:
    portal: str
    refs: list[ArticleRef] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    complete: bool = True  # every list page was read: absent articles may be marked gone
    notes: list[str] = field(default_factory=list)


def policy_for(portal: Portal) -> Policy:
    hosts = {urlsplit(u).netloc.lower() for u in portal.start_urls} | {h.lower() for h in portal.allowed_hosts}
    return Policy(allowed_hosts=frozenset(hosts), allow_private=portal.allow_private, rate=portal.rate)


def _dataproxy_urls(start_url: str) -> list[str]:
    parts = urlsplit(start_url)
    origin = f"{parts.scheme}://{parts.netloc}"
    return [origin + "/module/jpage/dataproxy.jsp", origin + "/module/web/jpage/dataproxy.jsp"]


def _jcms(fetcher: Fetcher, portal: Portal, url: str, text: str, out: Discovery) -> None:
    listing = parse_datastore(text, url, portal.name)
    if not listing.has_datastore:
        if needs_javascript(text):
            out.notes.append(f"{url}: list is rendered by JavaScript (jpaas loadPageData); no articles readable")
            out.complete = False
            return
        refs, _ = parse_link_list(text, url, portal.name, portal.article_pattern)
        out.refs.extend(refs)
        return
    out.refs.extend(listing.refs)
    total = listing.total_records
    if total is None or len(listing.refs) >= total:
        return
    policy = policy_for(portal)
    form = {
        "col": "1", "appid": "1", "webid": listing.web_id or "", "path": "/", "columnid": listing.column_id or "",
        "sourceContentType": "1", "unitid": listing.unit_id or "", "webname": "", "permissiontype": "0",
    }
    per_call = settings.JCMS_RECORDS_PER_CALL
    start = len(listing.refs) + 1
    calls = 0  # the cap is per column: a portal may list many large columns
    for proxy in _dataproxy_urls(url):
        got_any = False
        while start <= total and calls < settings.MAX_LIST_PAGES:
            calls += 1
            end = min(start + per_call - 1, total)
            page_url = f"{proxy}?startrecord={start}&endrecord={end}&perpage={settings.JCMS_PERPAGE}"
            page = fetcher.fetch(page_url, portal.name, policy, method="POST", data=form,
                                 extra_headers={"X-Requested-With": "XMLHttpRequest", "Referer": url})
            if not page.ok:
                if page.status == 404 and not got_any:
                    break  # try the other dataproxy path
                out.errors.append(f"{page_url}: {page.error}")
                out.complete = False
                return
            more = parse_datastore(decode_bytes(page.content, page.content_type)[0], url, portal.name)
            if not more.refs:
                break
            got_any = True
            out.refs.extend(more.refs)
            start = end + 1
        if start <= total and calls >= settings.MAX_LIST_PAGES:
            out.errors.append(f"{url}: stopped after {calls} dataproxy calls (MAX_LIST_PAGES); {start - 1} of {total} read")
            out.complete = False
            return
        if got_any or start > total:
            return
    out.errors.append(f"{url}: dataproxy.jsp paging failed; only the first {len(listing.refs)} of {total} records read")
    out.complete = False


def discover(fetcher: Fetcher, portal: Portal) -> Discovery:
    out = Discovery(portal=portal.name)
    policy = policy_for(portal)
    queue = list(portal.start_urls)
    seen: set[str] = set()
    while queue and len(seen) < settings.MAX_LIST_PAGES:
        url = queue.pop(0)
        if url in seen:
            continue
        seen.add(url)
        page = fetcher.fetch(url, portal.name, policy)
        if not page.ok:
            out.errors.append(f"{url}: {page.error}")
            out.complete = False
            continue
        text = decode_bytes(page.content, page.content_type)[0]
        try:
            if portal.cms == "jcms":
                _jcms(fetcher, portal, url, text, out)
            else:
                refs, nexts = parse_link_list(text, url, portal.name, portal.article_pattern)
                out.refs.extend(refs)
                queue.extend(n for n in nexts if n not in seen)
        except ListingError as exc:
            out.errors.append(f"{url}: {exc}")
            out.complete = False
    unique: dict[str, ArticleRef] = {}
    for ref in out.refs:
        unique.setdefault(ref.url, ref)
    out.refs = list(unique.values())
    if portal.max_pages is not None:
        out.refs = out.refs[: portal.max_pages]
    return out
