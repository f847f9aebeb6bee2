"""The rank stage of a search: the documents of the requested result page, in order.

By relevance, the best scores first (a heap over the scores the collector kept, not a sort of
every match); by date, newest (or oldest) first from the date column the index state caches;
by strength (a search by theme without words), the strongest evidence of the chosen themes
first (:func:`by_strength`).
"""

from __future__ import annotations

import heapq
from collections.abc import Callable
from operator import neg
from typing import Any

from library.models import DocumentRecord, SearchRequest


def best(scores: list[float], docnums: list[int], limit: int) -> list[tuple[int, float]]:
    """The ``limit`` best ``(docnum, score)``: highest score first, the lower docnum first on a
    tie (the order Whoosh's TopCollector gives)."""
    top = heapq.nlargest(limit, zip(scores, map(neg, docnums), strict=True))
    return [(-negd, float(score)) for score, negd in top]


def rank(
    matched: list[int],
    scores: list[float],
    req: SearchRequest,
    *,
    by_date: bool,
    dates: Callable[[], list[Any]],
) -> list[tuple[int, float]]:
    """The ``(docnum, score)`` of result page ``req.page`` (score 0.0 when sorted by date:
    there is no relevance to report). ``dates()`` gives the sort key by docnum: the date column,
    or for ``sort="added"`` (when the library added it, then the date) ``IndexState.added_keys``."""
    limit = req.page * req.per_page
    first = (req.page - 1) * req.per_page
    if not by_date:
        return best(scores, matched, limit)[first:]
    # Newest (or oldest) first, a tie in docnum order, as sortedby=FieldFacet("date") ordered
    # them; sorted here from a cached column, as Whoosh's reversed-column sort re-read the
    # column and searched a list for every match
    ranked = sorted(matched, key=dates().__getitem__, reverse=req.sort != "date-asc")
    return [(d, 0.0) for d in ranked[first:limit]]


def strength_key(doc: DocumentRecord, themes: list[str]) -> tuple[int, float]:
    """How strongly ``doc`` is about ``themes``: how many of them are central (a curator's
    addition is), then the sum of their weighted evidence (library.tagger's ``score``)."""
    central = sum(1 for t in themes if t in doc.themes)
    score = 0.0
    for t in themes:
        value = (doc.theme_evidence.get(t) or {}).get("score")
        if isinstance(value, int | float):
            score += float(value)
    return central, score


def by_strength(
    matched: list[int], keys: list[tuple[int, float]], req: SearchRequest
) -> list[tuple[int, float]]:
    """The ``(docnum, evidence score)`` of result page ``req.page``, the strongest first
    (``keys``: :func:`strength_key` of each match); a tie in docnum order."""
    limit = req.page * req.per_page
    first = (req.page - 1) * req.per_page
    top = heapq.nlargest(limit, zip(keys, map(neg, matched), strict=True))
    return [(-negd, key[1]) for key, negd in top][first:]
