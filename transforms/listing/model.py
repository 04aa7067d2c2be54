"""What list readers take and give: a request to make, the answer it got, what the answer listed."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from transforms.models import ArticleRef


@dataclass(frozen=True)
class ListRequest:
    """One list page or list API call to make. `kind` names the reader of its answer; `column` is the start URL the
    request serves (totals and notes are kept per column); `context` carries what the reader needs to go on."""

    url: str
    kind: str
    column: str
    method: str = "GET"
    form: tuple[tuple[str, str], ...] = ()
    headers: tuple[tuple[str, str], ...] = ()
    context: tuple[tuple[str, Any], ...] = ()

    @property
    def key(self) -> tuple[str, str, tuple[tuple[str, str], ...]]:
        """Two requests with the same key get the same answer: each is made once per run."""
        return (self.method, self.url, self.form)

    def get(self, name: str, default: Any = None) -> Any:
        return dict(self.context).get(name, default)


@dataclass
class ListAnswer:
    """What the server said, as the fetcher saw it (after redirects): bytes, even for a refused or failed answer."""

    status: int | None
    body: bytes = b""
    content_type: str | None = None
    final_url: str | None = None
    error: str | None = None


@dataclass
class ReadResult:
    """What one answer listed: article refs, attachments, further requests, and what the reader noticed."""

    refs: list[ArticleRef] = field(default_factory=list)
    attachments: list[ArticleRef] = field(default_factory=list)
    requests: list[ListRequest] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    structure: str | None = None  # the kind of list the page declares: jcms, jpaas, xxgk, trs, links; None: no list
    stated_total: int | None = None  # how many records the column says it has
    incomplete: str | None = None  # why the reader knows it cannot read the whole list
    blocked: str | None = None  # a challenge, login wall or CAPTCHA answered instead of the list
    other_hosts: int = 0  # article links to hosts outside the portal's config, not followed
