"""Finding learning items across the library: ``reviewlib learning`` and ``/learning``.

Items are read from the document entries of the index (stored at ingest, library.writer) and
filtered here: by words (every word of the query, stemmed as the search stems them, in the
item's text, section or its document's title or case; a quoted phrase as printed), by kind,
theme and document. A library holds tens of items a document, so a pass over the stored items
is cheap next to a search; it needs no second index to keep in step with the first.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from library.errors import NotFoundError, QueryError
from library.learning import KINDS, LearningItem
from library.models import DocumentRecord
from library.schema import LEVEL_DOC, text_analyzer

__all__ = ["LearningAnswer", "LearningHit", "LearningRequest", "find", "items_of"]

_PHRASE = re.compile(r'"([^"]+)"')


@dataclass
class LearningRequest:
    q: str = ""
    kinds: list[str] = field(default_factory=list)
    themes: list[str] = field(default_factory=list)
    documents: list[str] = field(default_factory=list)
    limit: int | None = None  # at most this many items (all when None)


@dataclass
class LearningHit:
    item: LearningItem
    document: DocumentRecord


@dataclass
class LearningAnswer:
    request: LearningRequest
    total: int
    hits: list[LearningHit]
    #: counts of the items matching everything but the facet itself: kind, theme
    facets: dict[str, dict[str, int]]
    library_empty: bool = False


def check_request(req: LearningRequest, known_themes: set[str] | None = None) -> None:
    """Raise QueryError for a kind or theme that does not exist."""
    bad = [k for k in req.kinds if k not in KINDS]
    if bad:
        raise QueryError(f"unknown kind {bad[0]!r}: one of {', '.join(KINDS)}")
    if known_themes is not None:
        unknown = [t for t in req.themes if t not in known_themes]
        if unknown:
            raise QueryError(f"unknown theme {unknown[0]!r} (see: reviewlib themes)")


def items_of(searcher: Any, doc_id: str | None = None) -> Iterator[tuple[str, LearningItem]]:
    """(document id, item) for every stored item, or those of one document."""
    raw = searcher.raw
    if doc_id is not None:
        docnum = raw.document_number(key=f"d:{doc_id}")
        numbers = [] if docnum is None else [docnum]
    else:
        numbers = raw.document_numbers(level=LEVEL_DOC)
    for docnum in numbers:
        stored = raw.stored_fields(docnum)
        try:
            items = json.loads(stored.get("learning") or "[]")
        except ValueError:
            continue
        for data in items if isinstance(items, list) else ():
            if isinstance(data, dict):
                yield stored.get("doc_id", ""), LearningItem.from_dict(data)


def _terms(text: str) -> set[str]:
    return {t.text for t in text_analyzer()(text)}


class _Matcher:
    """Every word of the query (stemmed) and every quoted phrase (as printed)."""

    def __init__(self, q: str) -> None:
        self.phrases = [" ".join(p.lower().split()) for p in _PHRASE.findall(q)]
        self.words = _terms(_PHRASE.sub(" ", q))

    def __bool__(self) -> bool:
        return bool(self.phrases or self.words)

    def match(self, text: str) -> bool:
        if self.words and not self.words <= _terms(text):
            return False
        flat = " ".join(text.lower().split())
        return all(p in flat for p in self.phrases)


def find(searcher: Any, req: LearningRequest) -> LearningAnswer:
    """The items that match ``req``, in library order (documents by date, newest first, then
    each document's reading order), with kind and theme counts."""
    docs: dict[str, DocumentRecord] = searcher.documents()
    unknown = [d for d in req.documents if d not in docs]
    if unknown:
        raise NotFoundError(f"no document with id {unknown[0]!r}")
    matcher = _Matcher(req.q)
    wanted_docs = set(req.documents)
    pool: list[LearningHit] = []
    for doc_id, item in items_of(searcher, req.documents[0] if len(wanted_docs) == 1 else None):
        doc = docs.get(doc_id)
        if doc is None or (wanted_docs and doc_id not in wanted_docs):
            continue
        if matcher and not matcher.match(f"{item.text} {item.section} {doc.title} {doc.case}"):
            continue
        pool.append(LearningHit(item, doc))
    # documents newest first, then by title; a document's items keep their reading order
    pool.sort(key=lambda h: (h.document.title, h.document.id))
    pool.sort(key=lambda h: h.document.date or "", reverse=True)  # stable: order kept

    def keep(h: LearningHit, skip: str = "") -> bool:
        if skip != "kind" and req.kinds and h.item.kind not in req.kinds:
            return False
        return skip == "theme" or not req.themes or all(t in h.item.themes for t in req.themes)

    hits = [h for h in pool if keep(h)]
    kinds = Counter(h.item.kind for h in pool if keep(h, "kind"))
    themes = Counter(t for h in pool if keep(h, "theme") for t in h.item.themes)
    facets = {
        "kind": {k: kinds[k] for k in KINDS if kinds[k] or k in req.kinds},
        "theme": dict(sorted(themes.items(), key=lambda kv: (-kv[1], kv[0]))),
    }
    shown = hits if req.limit is None else hits[: req.limit]
    return LearningAnswer(req, len(hits), shown, facets, library_empty=not docs)
