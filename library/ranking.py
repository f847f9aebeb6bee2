"""The rank stage of a search: the documents of the requested result page, in order.

By relevance, the best scores first (a heap over the scores the collector kept, not a sort of
every match); by date, newest (or oldest) first from the date column the index state caches.
"""

from __future__ import annotations

import heapq
from collections.abc import Callable
from operator import neg
from typing import Any

from library.models import SearchRequest


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
    there is no relevance to report). ``dates()`` gives the date column by docnum."""
    limit = req.page * req.per_page
    first = (req.page - 1) * req.per_page
    if not by_date:
        return best(scores, matched, limit)[first:]
    # Newest (or oldest) first, a tie in docnum order, as sortedby=FieldFacet("date") ordered
    # them; sorted here from a cached column, as Whoosh's reversed-column sort re-read the
    # column and searched a list for every match
    ranked = sorted(matched, key=dates().__getitem__, reverse=req.sort != "date-asc")
    return [(d, 0.0) for d in ranked[first:limit]]
