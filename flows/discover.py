"""A portal's lists, read: the listing plan (transforms/listing/plan.py) driven through the polite fetcher."""

from __future__ import annotations

from urllib.parse import urlsplit

from flows.fetcher import Fetcher, Policy
from transforms.decode import DecodeError, decode_bytes
from transforms.listing.columns import ColumnCandidate, column_kind, report_columns
from transforms.listing.model import ListAnswer
from transforms.listing.plan import Listing, ListingPlan
from zwgk import settings
from zwgk.settings import Portal

MAX_PROPOSED_COLUMNS = 40  # column pages `zwgk discover` opens to name their cms


def policy_for(portal: Portal) -> Policy:
    hosts = {urlsplit(u).netloc.lower() for u in portal.start_urls} | {h.lower() for h in portal.allowed_hosts}
    return Policy(allowed_hosts=frozenset(hosts), allow_private=portal.allow_private, rate=portal.rate)


def list_portal(fetcher: Fetcher, portal: Portal) -> Listing:
    """Every list request the portal's columns lead to, in order; one failed request is a note, never fatal."""
    policy = policy_for(portal)
    plan = ListingPlan(portal.name, portal.start_urls, policy.allowed_hosts, portal.cms, portal.article_pattern,
                       settings.MAX_LIST_PAGES)
    while (request := plan.next_request()) is not None:
        page = fetcher.fetch(request.url, portal.name, policy, method=request.method, data=dict(request.form) or None,
                             extra_headers=dict(request.headers))
        plan.accept(request, ListAnswer(status=page.status, body=page.content, content_type=page.content_type,
                                        final_url=page.final_url, error=page.error))
    return plan.outcome()


def _site(host: str) -> str:
    """The site a host belongs to: www.tx.gov.cn and xxgk.tx.gov.cn are one (three labels under gov.cn)."""
    labels = host.lower().split(".")
    keep = 3 if labels[-2:] == ["gov", "cn"] else 2
    return ".".join(labels[-keep:])


def propose_columns(fetcher: Fetcher, url: str, policy: Policy) -> list[ColumnCandidate]:
    """The report columns a home or catalogue page links to, each opened once to name the cms that reads it."""
    page = fetcher.fetch(url, "discover", policy)
    if not page.ok:
        raise RuntimeError(f"cannot fetch {url}: {page.error}")
    candidates = report_columns(decode_bytes(page.content, page.content_type)[0], page.final_url or url)
    proposed = []
    site = _site(urlsplit(url).hostname or "")
    for candidate in candidates[:MAX_PROPOSED_COLUMNS]:
        parts = urlsplit(candidate.url)
        if _site(parts.hostname or "") != site:
            continue  # another site's column: not proposed for this one
        column = fetcher.fetch(candidate.url, "discover", Policy(policy.allowed_hosts | {parts.netloc.lower()},
                                                                   policy.allow_private, policy.rate))
        if not column.ok:
            continue
        try:
            text = decode_bytes(column.content, column.content_type)[0]
        except DecodeError:
            continue
        proposed.append(ColumnCandidate(candidate.name, candidate.url, column_kind(text, column.final_url or candidate.url)))
    return proposed
