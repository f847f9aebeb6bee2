"""The shipped corpus as a newcomer meets it after `make run`."""

from __future__ import annotations

import csv
from pathlib import Path

from library.models import SearchRequest
from library.search import Library

SAMPLES = Path(__file__).resolve().parent.parent / "corpus" / "samples"


def _expected() -> dict[str, set[str]]:
    with (SAMPLES / "catalogue.csv").open(newline="") as fh:
        return {
            Path(r["file"]).stem: {t for t in r["themes_expected"].split(";") if t}
            for r in csv.DictReader(fh)
        }


def test_tagging_matches_the_themes_the_samples_were_written_for(corpus_index: Path) -> None:
    """Every theme a sample was written to exercise is tagged, central or mentioned (a
    briefing's passing mention of multi-agency working is not its subject), and no theme it
    was not written for is central."""
    expected = _expected()
    with Library(corpus_index).searcher() as s:
        docs = s.documents()
        for doc_id, themes in expected.items():
            doc = docs[doc_id]
            assert themes <= set(doc.themes) | set(doc.themes_mentioned), doc_id
            assert set(doc.themes) <= themes, doc_id
            assert doc.themes, doc_id
            assert not set(doc.themes) & set(doc.themes_mentioned), doc_id


def test_long_guidance_is_not_about_every_theme_it_names(corpus_index: Path) -> None:
    """Issue 11: with a flat count, Keeping children safe in education 2025 carried 23 themes
    and multi-agency working was on 30 of the 33 documents, which told a user nothing."""
    with Library(corpus_index).searcher() as s:
        docs = s.documents()
    kcsie = docs["keeping-children-safe-in-education-2025"]
    assert len(kcsie.themes) <= 3, kcsie.themes
    assert len(kcsie.themes_mentioned) >= 15  # named, and shown as such
    carrying = [d.id for d in docs.values() if "multi-agency-working" in d.themes]
    assert len(carrying) <= 5, carrying
    # the review whose findings are about agencies working together keeps it
    assert "multi-agency-working" in docs["learning-review-child-g"].themes


def test_bruising_non_mobile_finds_briefing_protocol_and_leaflet(corpus_index: Path) -> None:
    with Library(corpus_index).searcher() as s:
        res = s.search(SearchRequest(q="bruising non-mobile", per_page=20))
    by_id = {h.document.id: h for h in res.hits}
    for doc_id in (
        "child-g-briefing-note",
        "non-mobile-bruising-protocol",
        "bruising-in-babies-leaflet",
    ):
        assert doc_id in by_id, doc_id
        assert by_id[doc_id].pages, doc_id
        assert all(h.page in by_id[doc_id].pages for h in by_id[doc_id].hits)
    # The inspection reports and guidance never talk about non-mobile babies.
    assert all(h.document.partnership in ("Barnet", "Brent") for h in res.hits)


def test_theme_facet_narrows_to_the_right_documents(corpus_index: Path) -> None:
    with Library(corpus_index).searcher() as s:
        wide = s.search(SearchRequest(q="bruising", per_page=50))
        narrow = s.search(SearchRequest(q="bruising", themes=["bruising-non-mobile"], per_page=50))
    facet = {v.value: v.count for v in wide.facets["theme"]}
    assert facet["bruising-non-mobile"] == narrow.total
    assert {h.document.id for h in narrow.hits} == {
        "learning-review-child-g",
        "child-g-briefing-note",
        "non-mobile-bruising-protocol",
        "non-mobile-bruising-pathway",
        "bruising-in-babies-leaflet",
    }


def test_cases_link_their_documents(corpus_index: Path) -> None:
    with Library(corpus_index).searcher() as s:
        g = s.document("learning-review-child-g")
        assert {d.id for d in s.case_documents(g.case_id)} == {
            "learning-review-child-g",
            "child-g-briefing-note",
        }
        e = s.document("scr-child-e")
        assert {d.document_kind for d in s.case_documents(e.case_id)} == {
            "overview-report",
            "action-plan",
        }
        k = s.document("child-k-scr")
        assert k.partnership == "Brent"
        assert len(s.case_documents(k.case_id)) == 2


def test_facets_make_sense(corpus_index: Path) -> None:
    with Library(corpus_index).searcher() as s:
        res = s.search(SearchRequest(q="", per_page=100))
    assert res.total == 33
    kinds = {v.value for v in res.facets["document_kind"]}
    assert {
        "overview-report",
        "executive-summary",
        "action-plan",
        "protocol",
        "leaflet",
        "7-minute-briefing",
        "briefing-note",
        "inspection-report",
        "guidance",
    } <= kinds
    types = {v.value: v.count for v in res.facets["review_type"]}
    assert types["scr"] == 6 and types["inspection"] == 16
