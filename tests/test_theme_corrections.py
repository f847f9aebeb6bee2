"""Curator corrections (issue 11, item 4): catalogue.csv columns themes_add and themes_remove,
applied at indexing through the real ingest of real PDFs, kept through re-ingest and rebuild,
recorded in the document's JSON, and an unknown theme id reported with its file and row."""

from __future__ import annotations

import csv
from pathlib import Path

from helpers import NEGLECT_BRIEFING, make_pdf

from indexer.pipeline import IngestOptions, ingest, rebuild
from library.api import document_to_json
from library.models import SearchRequest
from library.search import Library

OPTS = IngestOptions(progress=False, workers=1)
BRIEFING = NEGLECT_BRIEFING


def _write_catalogue(folder: Path, rows: list[dict[str, str]], columns: list[str]) -> Path:
    path = folder / "catalogue.csv"
    with path.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=columns)
        writer.writeheader()
        writer.writerows(rows)
    return path


def _doc(data: Path, doc_id: str):
    with Library(data).searcher() as s:
        return s.document(doc_id)


def test_the_briefing_alone_is_about_neglect(tmp_path: Path) -> None:
    """The baseline the corrections below change: the text's own verdict."""
    make_pdf(tmp_path / "docs" / "child-n.pdf", BRIEFING)
    ingest([tmp_path / "docs"], tmp_path / "var", options=OPTS)
    doc = _doc(tmp_path / "var", "child-n")
    assert doc.themes == ["neglect"]
    assert "domestic-abuse" in doc.themes_mentioned
    assert doc.theme_corrections == {"added": [], "removed": []}
    assert doc.theme_evidence["neglect"]["source"] == "text"


def test_corrections_apply_survive_reingest_and_rebuild_and_can_be_undone(tmp_path: Path) -> None:
    docs, data = tmp_path / "docs", tmp_path / "var"
    make_pdf(docs / "child-n.pdf", BRIEFING)
    columns = ["file", "themes_add", "themes_remove"]  # only the columns a curator needs
    _write_catalogue(
        docs,
        [{"file": "child-n.pdf", "themes_add": "voice-of-child", "themes_remove": "neglect"}],
        columns,
    )
    first = ingest([docs], data, options=OPTS)
    assert first.extracted == 1 and not first.failed, first.summary()

    doc = _doc(data, "child-n")
    assert doc.themes == ["voice-of-child"]
    assert "neglect" not in doc.themes_mentioned  # removed means neither central nor mentioned
    assert "neglect" not in doc.theme_evidence
    added = doc.theme_evidence["voice-of-child"]
    assert added["strength"] == "central" and added["source"] == "catalogue"
    assert added["text_strength"] is None  # the text never mentions it
    assert doc.theme_corrections == {"added": ["voice-of-child"], "removed": ["neglect"]}
    shown = document_to_json(doc)
    assert shown["themes"] == ["voice-of-child"]
    assert shown["theme_corrections"] == {"added": ["voice-of-child"], "removed": ["neglect"]}
    assert "domestic-abuse" in shown["themes_mentioned"]
    evidence = document_to_json(doc, evidence=True)["theme_evidence"]
    added = next(t for t in evidence if t["id"] == "voice-of-child")
    assert (added["source"], added["strength"]) == ("catalogue", "central")
    with Library(data).searcher() as s:
        assert s.search(SearchRequest(themes=["voice-of-child"])).total == 1
        assert s.search(SearchRequest(themes=["neglect"])).total == 0

    # a second ingest with nothing changed keeps them and does nothing
    again = ingest([docs], data, options=OPTS)
    assert again.actions() == {"unchanged": 1}
    assert _doc(data, "child-n").themes == ["voice-of-child"]

    # a rebuild from the extraction cache applies them again
    rebuilt = rebuild(data, options=OPTS)
    assert rebuilt.extracted == 0
    assert _doc(data, "child-n").theme_corrections["removed"] == ["neglect"]

    # editing the row re-tags without reading the PDF again
    _write_catalogue(
        docs,
        [{"file": "child-n.pdf", "themes_add": "domestic-abuse", "themes_remove": ""}],
        columns,
    )
    edited = ingest([docs], data, options=OPTS)
    assert edited.extracted == 0 and edited.actions() == {"updated": 1}
    doc = _doc(data, "child-n")
    assert doc.themes == ["neglect", "domestic-abuse"]
    assert doc.theme_evidence["domestic-abuse"]["text_strength"] == "mentioned"
    assert doc.theme_evidence["domestic-abuse"]["source"] == "catalogue"
    assert doc.theme_evidence["neglect"]["source"] == "text"
    assert doc.theme_corrections == {"added": ["domestic-abuse"], "removed": []}

    # and emptying it gives the text's verdict back
    _write_catalogue(
        docs, [{"file": "child-n.pdf", "themes_add": "", "themes_remove": ""}], columns
    )
    ingest([docs], data, options=OPTS)
    doc = _doc(data, "child-n")
    assert doc.themes == ["neglect"]
    assert doc.theme_corrections == {"added": [], "removed": []}


def test_an_unknown_theme_id_is_reported_with_its_file_and_row(tmp_path: Path) -> None:
    docs, data = tmp_path / "docs", tmp_path / "var"
    make_pdf(docs / "child-n.pdf", BRIEFING)
    make_pdf(docs / "other.pdf", ["An unrelated note about the partnership's annual meeting."])
    catalogue = _write_catalogue(
        docs,
        [
            {"file": "other.pdf", "title": "Annual meeting note", "themes_add": ""},
            {
                "file": "child-n.pdf",
                "title": "Child N briefing",
                "themes_add": "negelct;toxic-trio",
            },
        ],
        ["file", "title", "themes_add"],
    )
    report = ingest([docs], data, options=OPTS)
    bad = [f for f in report.files if f.status == "bad-catalogue"]
    assert len(bad) == 1, report.summary()
    assert bad[0].path == str(catalogue)
    assert "line 3" in bad[0].reason and 'file "child-n.pdf"' in bad[0].reason
    assert "'negelct'" in bad[0].reason and "themes_add" in bad[0].reason
    assert "bad-catalogue" in report.summary()
    # the batch went on: both documents are indexed, with the row's other values
    assert {f.doc_id for f in report.files if f.status == "ok"} == {"child-n", "other"}
    doc = _doc(data, "child-n")
    assert doc.title == "Child N briefing"
    assert doc.themes == ["neglect", "toxic-trio"]  # the known id is applied
    assert doc.theme_corrections == {"added": ["toxic-trio"], "removed": []}
    # the error is reported again by every ingest until the row is fixed
    again = ingest([docs], data, options=OPTS)
    assert [f.status for f in again.files].count("bad-catalogue") == 1


def test_an_id_both_added_and_removed_is_reported(tmp_path: Path) -> None:
    docs, data = tmp_path / "docs", tmp_path / "var"
    make_pdf(docs / "child-n.pdf", BRIEFING)
    _write_catalogue(
        docs,
        [{"file": "child-n.pdf", "themes_add": "neglect", "themes_remove": "neglect"}],
        ["file", "themes_add", "themes_remove"],
    )
    report = ingest([docs], data, options=OPTS)
    bad = [f for f in report.files if f.status == "bad-catalogue"]
    assert len(bad) == 1 and "both themes_add and themes_remove" in bad[0].reason
    # removing wins: a curator who says both has doubts, and the text keeps no say
    assert "neglect" not in _doc(data, "child-n").themes
