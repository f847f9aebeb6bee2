"""Records of a harvest run: the documents it works through and what happened to each URL."""

from __future__ import annotations

import datetime as _dt
from dataclasses import asdict, dataclass, field
from pathlib import Path

from indexer.harvest.listing import LinkedDocument, ReviewEntry

__all__ = ["LISTING_OK", "STORED_STATUSES", "DocumentJob", "HarvestReport", "UrlStatus", "now"]

# statuses that leave a usable file behind
STORED_STATUSES = frozenset({"downloaded", "updated", "not-modified", "unchanged", "duplicate"})
LISTING_OK = frozenset({"parsed"})


@dataclass
class UrlStatus:
    """What happened to one URL (a listing page, a review's detail page or a document)."""

    url: str
    role: str  # "listing", "detail" or "document"
    status: str
    reason: str = ""
    http_status: int | None = None
    final_url: str | None = None
    file: str | None = None  # relative to dest
    sha256: str | None = None
    listing_url: str | None = None
    case: str | None = None
    document_kind: str | None = None
    entries: int | None = None  # listing pages: reviews found

    @property
    def ok(self) -> bool:
        return self.status in STORED_STATUSES or self.status in LISTING_OK


@dataclass
class HarvestReport:
    """Per-URL outcome of one harvest run."""

    dest: Path
    started: str
    finished: str | None = None
    results: list[UrlStatus] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)  # run-level problems (state, catalogue)
    requests: int = 0

    def add(self, result: UrlStatus) -> UrlStatus:
        self.results.append(result)
        return result

    @property
    def listings(self) -> list[UrlStatus]:
        return [r for r in self.results if r.role == "listing"]

    @property
    def documents(self) -> list[UrlStatus]:
        return [r for r in self.results if r.role == "document"]

    @property
    def failed(self) -> list[UrlStatus]:
        return [r for r in self.results if not r.ok]

    def counts(self) -> dict[str, int]:
        out: dict[str, int] = {}
        for r in self.results:
            out[r.status] = out.get(r.status, 0) + 1
        return dict(sorted(out.items()))

    def to_dict(self) -> dict[str, object]:
        return {
            "dest": str(self.dest),
            "started": self.started,
            "finished": self.finished,
            "requests": self.requests,
            "counts": self.counts(),
            "errors": list(self.errors),
            "results": [asdict(r) for r in self.results],
        }


@dataclass
class DocumentJob:
    """One document to fetch, with the review entry and listing page that linked it."""

    url: str
    entry: ReviewEntry
    doc: LinkedDocument
    listing_url: str
    partnership: str | None


def now() -> str:
    """The current UTC time, ISO 8601 to the second."""
    return _dt.datetime.now(_dt.UTC).replace(microsecond=0).isoformat()
