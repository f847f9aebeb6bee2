"""A per-thread searcher survives an index that changes under it: a stale searcher is closed
once and replaced, even when opening its replacement fails and is retried (a concurrent
commit can delete segment files between reading the TOC and opening them)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from helpers import filler_pages, make_pdf

from indexer.pipeline import IngestOptions, ingest
from library.models import SearchRequest
from library.search import Library

OPTS = IngestOptions(progress=False, workers=1)


def _doc(folder: Path, name: str, word: str) -> None:
    pages = filler_pages(2, seed=name)
    pages[1] += f" The word {word} is on page two."
    make_pdf(folder / f"{name}.pdf", pages, title=f"Review {name}")


def test_stale_searcher_replaced_when_first_reopen_fails(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    src, data = tmp_path / "docs", tmp_path / "var"
    _doc(src, "one", "reopenalpha")
    ingest([src], data, options=OPTS)
    lib = Library(data)
    with lib.searcher() as s:
        assert s.search(SearchRequest(q="reopenalpha")).total == 1
        first = s

    _doc(src, "two", "reopenbeta")
    ingest([src], data, options=OPTS)  # the cached searcher is now stale

    ix = lib._index()
    real = type(ix).searcher
    calls = {"n": 0}

    def flaky(self: Any, **kw: Any) -> Any:
        calls["n"] += 1
        if calls["n"] == 1:
            raise FileNotFoundError("segment deleted by a concurrent commit")
        return real(self, **kw)

    monkeypatch.setattr(type(ix), "searcher", flaky)
    with lib.searcher() as s:
        assert s is not first
        res = s.search(SearchRequest(q="reopenbeta"))
        assert res.total == 1 and res.hits[0].pages == [2]
    assert calls["n"] == 2
    first.close()  # closing twice is harmless
    lib.close()
