"""A per-thread searcher survives an index that changes under it: a stale searcher is closed
once and replaced, even when opening its replacement fails and is retried (a concurrent
commit can delete segment files between reading the TOC and opening them), and a search that
resolved ``CURRENT`` just before a rebuild swapped it and began deleting the old generation is
answered from the new one (issue 9, item 1: it once answered HTTP 500)."""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import Any

import pytest
from helpers import filler_pages, make_pdf

import library.search as search_mod
from indexer.pipeline import IngestOptions, ingest
from library.config import DataDir
from library.models import SearchRequest
from library.search import Library
from web import create_app

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


def _rebuilt_under(data: DataDir, gen: Path) -> Path:
    """What ``reviewlib rebuild`` does around a reader, stopped at its worst moment: a new
    generation is live (``CURRENT`` switched atomically) and the old one is being deleted, its
    table of contents first (the order ``shutil.rmtree`` happened to take in the failure)."""
    new = data.root / (gen.name + "-rebuilt")
    shutil.copytree(gen, new)
    tmp = data.root / ".CURRENT-test"
    tmp.write_text(new.name)
    os.replace(tmp, data.current_file)
    tocs = list(gen.glob("_MAIN_*.toc"))
    assert tocs, "the live generation has no table of contents to remove"
    for toc in tocs:
        toc.unlink()
    return new


@pytest.mark.parametrize("through", ["library", "site"])
def test_search_while_a_rebuild_deletes_the_generation_it_resolved(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, through: str
) -> None:
    src, data = tmp_path / "docs", tmp_path / "var"
    _doc(src, "one", "rebuildalpha")
    _doc(src, "two", "rebuildbeta")
    ingest([src], data, options=OPTS)
    lib = Library(data)
    client = create_app({"DATA_DIR": data, "TESTING": True}).test_client()

    def total(q: str) -> int:
        if through == "library":
            with lib.searcher() as s:
                return s.search(SearchRequest(q=q)).total
        resp = client.get("/search.json", query_string={"q": q})
        assert resp.status_code == 200, resp.get_data(as_text=True)[:500]
        return resp.get_json()["total"]

    assert total("rebuildalpha") == 1  # the generation is open and cached

    # The fault goes around the call that resolves CURRENT: it answers the old generation,
    # then the rebuild switches CURRENT and removes that generation's table of contents before
    # the searcher is opened on it.
    real = search_mod.current_generation
    rebuilt: list[Path] = []

    def resolve_then_rebuild(d: DataDir) -> Path | None:
        gen = real(d)
        if gen is not None and not rebuilt:
            rebuilt.append(_rebuilt_under(d, gen))
        return gen

    monkeypatch.setattr(search_mod, "current_generation", resolve_then_rebuild)
    assert total("rebuildbeta") == 1
    assert rebuilt, "the fault was not injected"
    with lib.searcher() as s:
        assert s.gen == rebuilt[0]  # answered from the new generation
    lib.close()
