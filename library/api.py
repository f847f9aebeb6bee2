"""JSON shapes of search results, documents and themes: one definition for the CLI and the web
app, which add only their own links (the site: ``url``, the file fields).

Server paths: a document's ``path`` is its file name only, and ``metadata_source`` holds only
the source of each field (not the folder ingest looked for catalogue.csv files up to), unless
``expose_paths`` is set (the site's EXPOSE_FILE_PATHS, the CLI's ``--paths``): a visitor of
the site, or a reader of a shared JSON file, learns nothing of the server's folders.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from dataclasses import fields
from typing import Any

from library.budget import skipped_notice
from library.case_facts import AGE_BANDS, HARMS, OUTCOMES, Evidence
from library.models import DocumentHit, DocumentRecord, FacetValue, SearchResult
from library.taxonomy import Taxonomy

#: the fields of a document record: the keys of ``metadata_source`` that name a field's source
_RECORD_FIELDS = frozenset(f.name for f in fields(DocumentRecord))

#: What the CLI and every page say when the index holds no document (a normal state).
EMPTY_LIBRARY = "The library holds no documents yet."
ADD_DOCUMENTS_HINT = (
    "Add some with: reviewlib ingest PATH (a PDF or Word file, or a folder of them). "
    "A running site picks them up without a restart."
)


def empty_library_json(empty: bool) -> dict[str, Any]:
    """``library_empty`` and, when it is, the message and how to add documents."""
    if not empty:
        return {"library_empty": False}
    return {"library_empty": True, "message": EMPTY_LIBRARY, "hint": ADD_DOCUMENTS_HINT}


def public_path(path: str, expose: bool = False) -> str:
    """A file's path as JSON shows it: only its name unless ``expose``."""
    if expose:
        return path
    # the OS's own separator only: a backslash in a Linux name is part of it (and the
    # display form of a name that is not UTF-8 writes its bytes as \xNN, see library.paths)
    return os.path.basename(path)


def metadata_source_json(d: DocumentRecord, expose: bool = False) -> dict[str, str]:
    """Where each field of the document came from (catalogue, pdf, filename, text); the
    entries ingest keeps for itself (the folder it looked for catalogue.csv files up to, a
    server path) only when ``expose``."""
    if expose:
        return dict(d.metadata_source)
    return {k: v for k, v in d.metadata_source.items() if k in _RECORD_FIELDS}


def theme_evidence_item(
    d: DocumentRecord, theme: str, labels: Mapping[str, str] | None = None
) -> dict[str, Any]:
    """Why ``d`` carries ``theme``: ``id``, ``label``, ``strength`` (central or mentioned),
    ``source`` (text or catalogue), ``text_strength`` (what the text said, for a curator's
    addition), ``score`` and ``threshold``, ``mentions``, ``listed`` (mentions in lists),
    ``pages`` (``page``, ``mentions``; by page), ``best_pages`` (the strongest first),
    ``phrases`` (``phrase``, ``mentions``; most mentioned first) and ``snippet`` (``page``,
    ``text``, ``section`` of the strongest mention, or null)."""
    ev = d.theme_evidence.get(theme) or {}
    pages = []
    for key, count in (ev.get("pages") or {}).items():
        try:
            pages.append((int(key), int(count)))
        except (TypeError, ValueError):
            continue
    pages.sort()
    phrases = sorted((ev.get("phrases") or {}).items(), key=lambda kv: (-kv[1], kv[0]))
    snippet = ev.get("snippet") if isinstance(ev.get("snippet"), dict) else None
    central = theme in d.themes
    return {
        "id": theme,
        "label": (labels or {}).get(theme, theme),
        "strength": "central" if central else "mentioned",
        "source": ev.get("source", "text"),
        "text_strength": ev.get("text_strength", ev.get("strength")),
        "score": ev.get("score"),
        "threshold": ev.get("threshold"),
        "mentions": ev.get("mentions", sum(c for _, c in pages)),
        "listed": ev.get("listed", 0),
        "pages": [{"page": p, "mentions": c} for p, c in pages],
        "best_pages": [int(p) for p in ev.get("best_pages") or []],
        "phrases": [{"phrase": p, "mentions": c} for p, c in phrases],
        "snippet": (
            {
                "page": snippet.get("page"),
                "text": snippet.get("text", ""),
                "section": snippet.get("section", ""),
            }
            if snippet
            else None
        ),
    }


def theme_evidence_json(
    d: DocumentRecord, labels: Mapping[str, str] | None = None
) -> list[dict[str, Any]]:
    """The evidence of each of the document's themes (:func:`theme_evidence_item`): the
    central ones first, then those only mentioned, each in the taxonomy's order."""
    return [theme_evidence_item(d, t, labels) for t in (*d.themes, *d.themes_mentioned)]


def chosen_theme_evidence(
    d: DocumentRecord, themes: Sequence[str], labels: Mapping[str, str] | None = None
) -> list[dict[str, Any]]:
    """The evidence of each of ``themes`` (those a search chose) that ``d`` carries."""
    return [
        theme_evidence_item(d, t, labels)
        for t in themes
        if t in d.themes or t in d.themes_mentioned
    ]


def document_to_json(
    d: DocumentRecord,
    *,
    evidence: bool = False,
    expose_paths: bool = False,
    theme_labels: Mapping[str, str] | None = None,
) -> dict[str, Any]:
    """A document; with ``evidence``, also its theme evidence (labelled with
    ``theme_labels``), metadata sources, OCR facts and content hash."""
    out: dict[str, Any] = {
        "id": d.id,
        "title": d.title,
        "case": d.case,
        "case_id": d.case_id,
        "partnership": d.partnership,
        "review_type": d.review_type,
        "document_kind": d.document_kind,
        "date": d.date,
        "year": d.year,
        "themes": list(d.themes),
        "themes_mentioned": list(d.themes_mentioned),
        # the case facts (library.case_facts); their evidence with ``evidence``
        "age_band": d.age_band,
        "outcome": d.outcome,
        "harms": list(d.harms),
        "theme_corrections": {
            "added": list(d.theme_corrections.get("added", [])),
            "removed": list(d.theme_corrections.get("removed", [])),
        },
        "path": public_path(d.path, expose_paths),
        "page_count": d.page_count,
        "source_url": d.source_url,
        "licence": d.licence,
        "attribution": d.attribution,
    }
    if evidence:
        out["theme_evidence"] = theme_evidence_json(d, theme_labels)
        out["case_facts"] = case_facts_json(d)
        out["metadata_source"] = metadata_source_json(d, expose_paths)
        out["ocr_pages"] = d.ocr_pages  # pages whose text was read by OCR
        out["ocr_confidence"] = d.ocr_confidence  # page -> Tesseract's mean word confidence
        out["no_text_pages"] = d.no_text_pages
        out["ocr_engine"] = d.ocr_engine
        out["sha256"] = d.sha256
    return out


def case_facts_json(d: DocumentRecord) -> dict[str, Any]:
    """The case facts with their labels, sources and evidence: ``age_band`` and ``outcome``
    (``value``, ``label``, ``source``, ``evidence``: [{``page``, ``sentence``}]) and ``harms``
    (a list of the same)."""
    stored = d.case_facts or {}

    def one(data: Any, value: str, labels: Mapping[str, str]) -> dict[str, Any]:
        ev = Evidence.from_dict(data) if isinstance(data, dict) else Evidence(value, [], "")
        out = ev.to_dict()
        out["value"] = value  # the record's value is the one indexed
        out["label"] = labels.get(value, value)
        return out

    harms = {h.get("value"): h for h in stored.get("harms") or [] if isinstance(h, dict)}
    return {
        "age_band": one(stored.get("age_band"), d.age_band, AGE_BANDS),
        "outcome": one(stored.get("outcome"), d.outcome, OUTCOMES),
        "harms": [one(harms.get(h), h, HARMS) for h in d.harms],
    }


def page_ocr_json(d: DocumentRecord, page: int) -> dict[str, Any]:
    """``{"ocr": bool}``, with ``ocr_confidence`` (0-100) when the page was read by OCR."""
    ocr, confidence = d.page_ocr(page)
    return {"ocr": True, "ocr_confidence": confidence} if ocr else {"ocr": False}


def hit_to_json(
    h: DocumentHit,
    *,
    expose_paths: bool = False,
    themes: Sequence[str] = (),
    theme_labels: Mapping[str, str] | None = None,
) -> dict[str, Any]:
    """A search result; ``theme_evidence`` holds why it carries each of ``themes`` (the themes
    the search chose) that it carries."""
    d = h.document
    out = document_to_json(d, expose_paths=expose_paths)
    out.update(
        {
            "score": round(h.score, 4),
            "theme_evidence": chosen_theme_evidence(d, themes, theme_labels),
            "pages": list(h.pages),
            "pages_match": h.pages_match,
            "more_pages": h.more_pages,
            "hits": [
                {
                    "page": p.page,
                    "snippet": p.snippet,
                    "text": p.text,
                    # the section path where the snippet stands, and its kind ("" if none)
                    "section": p.section,
                    "section_kind": p.section_kind,
                    **page_ocr_json(h.document, p.page),
                }
                for p in h.hits
            ],
        }
    )
    return out


def facet_value_json(name: str, v: FacetValue) -> dict[str, Any]:
    """One facet value; ``param=value`` in a search URL (``/search?review_type=scr``) chooses
    it (or, when it is selected, is the pair to remove)."""
    return {
        "value": v.value,
        "label": v.label,
        "count": v.count,
        "selected": v.selected,
        "param": name,
    }


def result_to_json(
    res: SearchResult,
    *,
    expose_paths: bool = False,
    theme_labels: Mapping[str, str] | None = None,
) -> dict[str, Any]:
    """A search's answer (``reviewlib search --json`` and ``/search.json``); ``theme_labels``
    label the evidence of the chosen themes in each result."""
    req = res.request
    return {
        "query": req.q,
        # named as the facets and the URL parameters are
        "filters": {
            "theme": req.themes,
            "review_type": req.review_types,
            "document_kind": req.kinds,
            "partnership": req.partnerships,
            "age_band": req.age_bands,
            "outcome": req.outcomes,
            "section": req.sections,
            "year_from": req.year_from,
            "year_to": req.year_to,
            "include_mentioned": req.include_mentioned,
        },
        "sort": req.sort,
        # how the results are ordered: the sort, or "strength" (the evidence of the chosen
        # themes) for a search by theme without words
        "ordered_by": res.ordered_by or req.sort,
        "themes_chosen": list(res.themes),
        "page": req.page,
        "per_page": req.per_page,
        "page_count": res.page_count,
        "total": res.total,
        "elapsed_ms": res.elapsed_ms,
        "suggestion": res.suggestion,
        # what was left out because the search ran out of its time budget, and the notice
        "skipped": list(res.skipped),
        "notice": skipped_notice(res.skipped),
        "results": [
            hit_to_json(h, expose_paths=expose_paths, themes=res.themes, theme_labels=theme_labels)
            for h in res.hits
        ],
        "facets": {
            name: [facet_value_json(name, v) for v in values] for name, values in res.facets.items()
        },
        **empty_library_json(res.library_empty),
    }


def theme_rows(
    taxonomy: Taxonomy, counts: Mapping[str, int], mentioned: Mapping[str, int] | None = None
) -> list[dict[str, Any]]:
    """Every theme of the taxonomy, in file order, with its document counts: ``documents``
    about it (central) and ``documents_mentioned``, those that only mention it."""
    mentioned = mentioned or {}
    return [
        {
            "id": t.id,
            "label": t.label,
            "group": t.group,
            "description": t.description,
            "documents": counts.get(t.id, 0),
            "documents_mentioned": mentioned.get(t.id, 0),
        }
        for t in taxonomy.themes
    ]


def themes_json(
    taxonomy: Taxonomy,
    counts: Mapping[str, int],
    documents: int,
    mentioned: Mapping[str, int] | None = None,
) -> dict[str, Any]:
    """The themes answer (``reviewlib themes --json`` and ``/themes.json``): ``themes``,
    ``groups`` (in file order) and whether the library is empty."""
    rows = theme_rows(taxonomy, counts, mentioned)
    return {
        "themes": rows,
        "groups": list(dict.fromkeys(r["group"] for r in rows)),
        **empty_library_json(not documents),
    }


# ---- learning items (reviewlib learning, /learning.json, /learning.csv) ------------------

#: the columns of the CSV export, in order
LEARNING_CSV_COLUMNS = (
    "kind",
    "number",
    "text",
    "page",
    "section",
    "themes",
    "document_id",
    "document_title",
    "document_path",
    "case",
)


def learning_item_json(
    item: Any, doc: DocumentRecord, expose_paths: bool = False
) -> dict[str, Any]:
    """One learning item (library.learning_query.LearningHit's parts) with its document."""
    return {
        "kind": item.kind,
        "number": item.number,
        "text": item.text,
        "page": item.page,
        "section": item.section,
        "document": {
            "id": doc.id,
            "title": doc.title,
            "path": public_path(doc.path, expose_paths),
            "case": doc.case,
        },
        "themes": list(item.themes),
    }


def learning_json(answer: Any, *, expose_paths: bool = False) -> dict[str, Any]:
    """The learning answer: ``total``, ``items`` (kind, number, text, page, section, document,
    themes), the ``filters`` asked for and ``facets`` (kind and theme counts)."""
    req = answer.request
    return {
        "query": req.q,
        "filters": {"kind": req.kinds, "theme": req.themes, "document": req.documents},
        "total": answer.total,
        "items": [learning_item_json(h.item, h.document, expose_paths) for h in answer.hits],
        "facets": {name: dict(counts) for name, counts in answer.facets.items()},
        **empty_library_json(answer.library_empty),
    }


def learning_csv(answer: Any, *, expose_paths: bool = False) -> str:
    """The items as CSV (:data:`LEARNING_CSV_COLUMNS`; themes joined with "; "), for a
    spreadsheet or NVivo."""
    import csv
    import io

    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\r\n")
    w.writerow(LEARNING_CSV_COLUMNS)
    for h in answer.hits:
        row = learning_item_json(h.item, h.document, expose_paths)
        doc = row["document"]
        w.writerow(
            csv_cell(v)
            for v in [
                row["kind"],
                row["number"],
                row["text"],
                row["page"],
                row["section"],
                "; ".join(row["themes"]),
                doc["id"],
                doc["title"],
                doc["path"],
                doc["case"],
            ]
        )
    return buf.getvalue()


def csv_cell(value: Any) -> Any:
    """A CSV cell a spreadsheet will not run: text from a PDF that starts like a formula
    ("=HYPERLINK(...)", "+", "-", "@") gets a leading apostrophe, as OWASP advises."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value
