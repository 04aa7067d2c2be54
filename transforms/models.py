"""Plain data types passed between the stages; each can be built by hand in a test."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

METADATA_FIELDS: tuple[str, ...] = (
    "index_no",
    "index_org",
    "index_year",
    "index_seq",
    "publisher",
    "disclosure",
    "scope",
    "topic",
    "category",
    "doc_no",
    "written_date",
    "published_at",
    "source",
    "title",
    "region",
    "column_path",
)


@dataclass(frozen=True)
class ArticleRef:
    """An article link found on a column page."""

    url: str
    title: str | None = None
    listed_date: str | None = None
    portal: str = ""


@dataclass
class Section:
    level: int
    title: str
    role: str

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class Document:
    """A cleaned page: header metadata, the report body, and its outline."""

    metadata: dict[str, Any]
    body: str
    outline: list[Section] = field(default_factory=list)
    method: str = "text"  # which cleaning path the page took

    def to_dict(self) -> dict[str, Any]:
        return {
            "metadata": {k: self.metadata.get(k) for k in METADATA_FIELDS},
            "body": self.body,
            "outline": [s.to_dict() for s in self.outline],
            "method": self.method,
        }


INDICATOR_FIELDS: tuple[str, ...] = (
    "name",
    "value",
    "multiplier",
    "unit",
    "value_base",
    "raw",
    "yoy_pct",
    "target_pct",
    "kind",
    "bound",
    "value_high",
    "masked",
    "parent",
    "period",
    "quote",
)


@dataclass
class Indicator:
    """One figure read from the text; fields and meanings follow spec/indicators.md."""

    name: str
    value: float | None
    multiplier: float
    unit: str | None
    raw: str
    yoy_pct: float | None = None
    target_pct: float | None = None
    kind: str = "actual"
    bound: str = "exact"
    value_high: float | None = None
    masked: bool = False
    parent: str | None = None
    period: str | None = None
    quote: str = ""

    @property
    def value_base(self) -> float | None:
        if self.value is None:
            return None
        return float(round(self.value * self.multiplier, 6))

    def to_dict(self) -> dict[str, Any]:
        """Flat fields only, so no deep copy (asdict was a third of extraction time)."""
        return {k: getattr(self, k) for k in INDICATOR_FIELDS}


@dataclass
class RawPage:
    """One fetch of one URL: the bytes when it worked, the reason when it did not."""

    url: str
    portal: str
    status: int | None
    fetched_at: str
    content: bytes = b""
    content_type: str | None = None
    etag: str | None = None
    last_modified: str | None = None
    attempts: int = 1
    error: str | None = None
    not_modified: bool = False
    listed_title: str | None = None
    retry_after: float | None = None
    final_url: str | None = None  # where redirects ended: relative links resolve against it

    @property
    def ok(self) -> bool:
        return self.error is None and (self.not_modified or (self.status == 200 and bool(self.content)))
