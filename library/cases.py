"""Cases: the documents of one case review read as one thing (issue 14, item 6).

A case review is published as several documents (the overview report, its executive summary,
a learning briefing, the action plan). Search results gather a page's documents by case
(:func:`group_hits`), a case lists its documents in reading order (:func:`reading_order`), and
the cases index summarises every case (:func:`case_summaries`).

Decisions (docs/search.md, "Cases as one result"): results are still paged by documents (the
``results`` of the JSON answer, ``total`` and ``page_count`` keep their meaning for the CLI,
the exports and the feeds); on each page the documents of one case are gathered into one group,
which stands where its best-ranked document stands, its documents in reading order beneath it.
A case's matching documents that rank onto another page are named in the group
(``other_matches``), so nothing of the case is hidden.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from library.models import DocumentHit, DocumentRecord

#: the order a reader takes a case's documents in: the report, its summary, the briefings,
#: the action plan and the response to it; every other kind after them
READING_ORDER: tuple[str, ...] = (
    "overview-report",
    "executive-summary",
    "learning-briefing",
    "7-minute-briefing",
    "briefing-note",
    "action-plan",
    "response",
)


def reading_key(doc: DocumentRecord) -> tuple[int, str, str]:
    """Sort key of a case's documents: kind in :data:`READING_ORDER`, then date, then title."""
    try:
        rank = READING_ORDER.index(doc.document_kind)
    except ValueError:
        rank = len(READING_ORDER)
    return rank, doc.date or "9999", doc.title


def reading_order(docs: Iterable[DocumentRecord]) -> list[DocumentRecord]:
    """``docs`` in reading order (:func:`reading_key`)."""
    return sorted(docs, key=reading_key)


@dataclass
class CaseGroup:
    """The documents of one case on one page of results. A document without a case is a
    group of its own (``case_id`` "")."""

    case_id: str
    case: str
    hits: list[DocumentHit]  # in reading order
    best: str  # the id of the best-ranked document of the group on this page
    #: ids of the case's other matching documents, on other pages of the results
    other_matches: list[str] = field(default_factory=list)

    @property
    def lead(self) -> DocumentRecord:
        """The document the group is headed by: the first in reading order."""
        return self.hits[0].document


def group_hits(
    hits: Sequence[DocumentHit], case_matches: Mapping[str, Sequence[str]] | None = None
) -> list[CaseGroup]:
    """A page of ranked ``hits`` gathered by case: a case stands where its best-ranked document
    stands, its documents beneath in reading order. ``case_matches``: every matching document
    of each case on the page (:attr:`SearchResult.case_matches`), for ``other_matches``."""
    groups: dict[str, CaseGroup] = {}
    order: list[str] = []
    for hit in hits:
        d = hit.document
        key = d.case_id or f"document:{d.id}"
        group = groups.get(key)
        if group is None:
            group = groups[key] = CaseGroup(d.case_id, d.case, [], best=d.id)
            order.append(key)
        group.hits.append(hit)
    for group in groups.values():
        group.hits.sort(key=lambda h: reading_key(h.document))
        if group.case_id and case_matches:
            shown = {h.document.id for h in group.hits}
            group.other_matches = [i for i in case_matches.get(group.case_id, ()) if i not in shown]
    return [groups[k] for k in order]


@dataclass
class CaseSummary:
    """One case of the library: what the cases index lists."""

    case_id: str
    case: str
    partnership: str
    review_type: str
    date: str  # the latest date of its documents ("" when none has one)
    documents: list[DocumentRecord]  # in reading order
    themes: list[str]  # central to any of its documents, most documents first

    @property
    def year(self) -> int | None:
        return int(self.date[:4]) if self.date[:4].isdigit() else None


def summarise(case_id: str, docs: Sequence[DocumentRecord]) -> CaseSummary:
    """One case from its documents: name, partnership and review type from the first document
    (in reading order) that has them, the latest date, the themes by how many documents carry
    them (a tie in the taxonomy's order of the first document that has them)."""
    ordered = reading_order(docs)
    counts: dict[str, int] = {}
    for d in ordered:
        for t in d.themes:
            counts[t] = counts.get(t, 0) + 1
    themes = sorted(counts, key=lambda t: -counts[t])  # stable: first seen first on a tie
    return CaseSummary(
        case_id=case_id,
        case=next((d.case for d in ordered if d.case), case_id),
        partnership=next((d.partnership for d in ordered if d.partnership), ""),
        review_type=next((d.review_type for d in ordered if d.review_type), ""),
        date=max((d.date for d in ordered if d.date), default=""),
        documents=ordered,
        themes=themes,
    )


#: how the cases index may be sorted
CASE_SORTS: dict[str, str] = {"date": "Newest first", "date-asc": "Oldest first", "name": "Name"}


def case_summaries(
    docs: Iterable[DocumentRecord],
    *,
    sort: str = "date",
    theme: str = "",
    review_type: str = "",
    partnership: str = "",
) -> list[CaseSummary]:
    """Every case of ``docs`` (documents with a ``case_id``), filtered by a theme central to
    any of its documents, a review type and a partnership (exact, case-insensitive), sorted by
    ``sort`` (:data:`CASE_SORTS`; a tie by name)."""
    by_case: dict[str, list[DocumentRecord]] = {}
    for d in docs:
        if d.case_id:
            by_case.setdefault(d.case_id, []).append(d)
    cases = [summarise(cid, ds) for cid, ds in by_case.items()]
    if theme:
        cases = [c for c in cases if theme.lower() in c.themes]
    if review_type:
        cases = [c for c in cases if c.review_type == review_type.lower()]
    if partnership:
        cases = [c for c in cases if c.partnership.lower() == partnership.lower()]
    cases.sort(key=lambda c: (c.case.lower(), c.case_id))
    if sort == "date":
        cases.sort(key=lambda c: c.date, reverse=True)  # stable: a tie stays by name
    elif sort == "date-asc":
        cases.sort(key=lambda c: c.date or "9999")
    return cases


def case_summary_json(c: CaseSummary, labels: Mapping[str, str] | None = None) -> dict[str, Any]:
    """One case as the cases index gives it (``/cases.json``, ``reviewlib cases --json``)."""
    return {
        "id": c.case_id,
        "case": c.case,
        "partnership": c.partnership,
        "review_type": c.review_type,
        "date": c.date,
        "year": c.year,
        "document_count": len(c.documents),
        "documents": [
            {"id": d.id, "title": d.title, "document_kind": d.document_kind, "date": d.date}
            for d in c.documents
        ],
        "themes": [{"id": t, "label": (labels or {}).get(t, t)} for t in c.themes],
    }


def _counts(values: list[str], labels: Mapping[str, str]) -> list[dict[str, Any]]:
    counts: dict[str, int] = {}
    for v in values:
        counts[v] = counts.get(v, 0) + 1
    ordered = sorted(counts, key=lambda v: (-counts[v], labels.get(v, v).lower()))
    return [{"value": v, "label": labels.get(v, v), "count": counts[v]} for v in ordered]


def cases_json(
    docs: Sequence[DocumentRecord],
    *,
    theme_labels: Mapping[str, str] | None = None,
    type_labels: Mapping[str, str] | None = None,
    sort: str = "date",
    theme: str = "",
    review_type: str = "",
    partnership: str = "",
) -> dict[str, Any]:
    """The cases index (``/cases.json``, ``reviewlib cases --json``): ``total``, ``cases``
    (:func:`case_summary_json`), the ``filters`` and ``sort`` asked for, and ``choices``: the
    values each filter can take (``value``, ``label``, ``count`` of cases), most cases first."""
    labels = theme_labels or {}
    every = case_summaries(docs)
    cases = case_summaries(
        docs, sort=sort, theme=theme, review_type=review_type, partnership=partnership
    )
    return {
        "total": len(cases),
        "cases": [case_summary_json(c, labels) for c in cases],
        "filters": {"theme": theme, "review_type": review_type, "partnership": partnership},
        "sort": sort,
        "choices": {
            "theme": _counts([t for c in every for t in c.themes], labels),
            "review_type": _counts(
                [c.review_type for c in every if c.review_type], type_labels or {}
            ),
            "partnership": _counts([c.partnership for c in every if c.partnership], {}),
        },
        "every": len(every),
    }


def group_json(g: CaseGroup, index: Mapping[str, int]) -> dict[str, Any]:
    """One case group of a results page: ``case_id`` (null for a document without a case),
    ``case``, ``best`` (its best-ranked document), ``documents`` (ids in reading order),
    ``results`` (their positions in the answer's ``results``), ``other_matches``."""
    lead = g.lead
    return {
        "case_id": g.case_id or None,
        "case": g.case,
        "partnership": lead.partnership,
        "review_type": lead.review_type,
        "best": g.best,
        "documents": [h.document.id for h in g.hits],
        "results": [index[h.document.id] for h in g.hits],
        "other_matches": list(g.other_matches),
    }
