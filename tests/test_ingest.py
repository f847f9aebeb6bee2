"""Ingest: pages land where they are printed, incremental updates, themes, metadata, rebuilds."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest
from helpers import INGEST_OPTS, assert_only_on_page, filler_pages, make_pdf, search

from indexer.pipeline import IngestOptions, ingest, rebuild
from library.config import DataDir
from library.search import Library


def test_planted_phrase_is_reported_on_its_page_only(tmp_path: Path, data_dir: Path) -> None:
    pages = filler_pages(12)
    pages[6] = pages[6] + " The toddler had a torn frenulum noted by the dentist."
    make_pdf(tmp_path / "docs" / "twelve.pdf", pages)
    make_pdf(tmp_path / "docs" / "other.pdf", filler_pages(5, seed="other"))
    report = ingest([tmp_path / "docs"], data_dir, options=INGEST_OPTS)
    assert report.counts() == {"ok": 2}
    assert_only_on_page(data_dir, '"torn frenulum noted"', "twelve", 7)


def test_phrases_from_real_pdfs_come_back_on_the_printed_pages(corpus_index: Path) -> None:
    """Cross-checked with a second extractor (pdfium), page by page."""
    import pypdfium2 as pdfium

    root = Path(__file__).resolve().parent.parent / "corpus" / "real"
    cases = [
        (
            "ofsted-sif-lscb/ofsted-sif-lscb-gloucestershire-2017-06-13.pdf",
            "serious case reviews ongoing",
        ),
        ("ofsted-ilacs/ofsted-ilacs-brent-2023-04-11.pdf", "private fostering"),
        ("ofsted-sif-lscb/ofsted-sif-lscb-west-sussex-2016-01-20.pdf", "case review sub-group"),
    ]
    for rel, phrase in cases:
        pdf = pdfium.PdfDocument(str(root / rel))
        expected = [
            i + 1
            for i in range(len(pdf))
            if phrase in " ".join(pdf[i].get_textpage().get_text_range().split()).lower()
        ]
        assert expected, f"test phrase {phrase!r} not in {rel}"
        res = search(corpus_index, f'"{phrase}"')
        by_id = {h.document.id: h for h in res.hits}
        doc_id = Path(rel).stem
        assert doc_id in by_id, f"{phrase!r} did not find {doc_id}"
        assert by_id[doc_id].pages == expected, (rel, phrase)


def test_second_ingest_of_unchanged_files_extracts_nothing(tmp_path: Path, data_dir: Path) -> None:
    for i in range(4):
        make_pdf(tmp_path / "d" / f"r{i}.pdf", filler_pages(3, seed=f"doc {i}"))
    first = ingest([tmp_path / "d"], data_dir, options=INGEST_OPTS)
    assert first.extracted == 4 and first.actions() == {"added": 4}
    second = ingest([tmp_path / "d"], data_dir, options=INGEST_OPTS)
    assert second.extracted == 0
    assert second.actions() == {"unchanged": 4}
    assert not second.committed
    # Touching a file (new mtime, same bytes) re-hashes it but still extracts nothing.
    os.utime(tmp_path / "d" / "r1.pdf", ns=(1, 1))
    third = ingest([tmp_path / "d"], data_dir, options=INGEST_OPTS)
    assert third.extracted == 0


def test_incremental_update_change_add_remove(tmp_path: Path, data_dir: Path) -> None:
    d = tmp_path / "lib"
    make_pdf(d / "alpha.pdf", ["Alpha report about escalation policy."] + filler_pages(2))
    make_pdf(d / "beta.pdf", ["Beta report about a missing child."] + filler_pages(2))
    make_pdf(d / "gamma.pdf", ["Gamma report about the pathway."] + filler_pages(2))
    ingest([d], data_dir, options=INGEST_OPTS)
    assert search(data_dir, "gamma").total == 1

    make_pdf(d / "alpha.pdf", ["Alpha report rewritten about housing."] + filler_pages(4))
    (d / "gamma.pdf").unlink()
    make_pdf(d / "delta.pdf", ["Delta report, newly published."] + filler_pages(1))
    report = ingest([d], data_dir, options=INGEST_OPTS)
    assert report.actions() == {"updated": 1, "unchanged": 1, "added": 1, "removed": 1}
    assert report.extracted == 2
    assert search(data_dir, "gamma").total == 0
    assert search(data_dir, "delta").total == 1
    assert search(data_dir, "escalation").total == 0
    res = search(data_dir, "housing")
    assert [h.document.id for h in res.hits] == ["alpha"]
    assert res.hits[0].document.page_count == 5
    with Library(data_dir).searcher() as s:
        assert s.stats()["documents"] == 3
        assert s.stats()["pages"] == 5 + 3 + 2


def test_ingesting_another_folder_keeps_the_first(tmp_path: Path, data_dir: Path) -> None:
    make_pdf(tmp_path / "a" / "one.pdf", ["First folder document, indexed first."])
    make_pdf(tmp_path / "b" / "two.pdf", ["Second folder document, indexed next."])
    ingest([tmp_path / "a"], data_dir, options=INGEST_OPTS)
    ingest([tmp_path / "b"], data_dir, options=INGEST_OPTS)
    assert search(data_dir, "folder document").total == 2


NEGLECT = [
    "There was evidence of chronic neglect in the home.",
    "Neglect of the children's basic needs went on for years.",
    "The health visitor used the graded care profile.",
    "Professionals became used to the neglect.",
]


def _themes_doc(mentions: int) -> list[str]:
    """Four pages of filler with ``mentions`` different sentences about neglect in the middle
    of their pages (the same sentence at the foot of every page would be a running footer)."""
    pages = filler_pages(4)
    for i in range(mentions):
        head, tail = pages[i % 4][:150], pages[i % 4][150:]
        pages[i % 4] = f"{head}\n{NEGLECT[i]}\n{tail}"
    return pages


def test_theme_needs_enough_evidence(tmp_path: Path, data_dir: Path) -> None:
    """One passing mention in a short document is a theme it mentions; four are its subject."""
    make_pdf(tmp_path / "t" / "passing.pdf", _themes_doc(1))
    make_pdf(tmp_path / "t" / "strong.pdf", _themes_doc(4))
    ingest([tmp_path / "t"], data_dir, options=INGEST_OPTS)
    with Library(data_dir).searcher() as s:
        strong = s.document("strong")
        passing = s.document("passing")
    assert "neglect" in strong.themes
    ev = strong.theme_evidence["neglect"]
    assert ev["strength"] == "central" and ev["source"] == "text"
    assert ev["mentions"] >= 4
    assert set(ev["pages"]) == {"1", "2", "3", "4"}
    assert ev["score"] >= ev["threshold"]
    assert "neglect" not in passing.themes
    assert passing.themes_mentioned == ["neglect"]
    assert passing.theme_evidence["neglect"]["strength"] == "mentioned"
    res = search(data_dir, "", themes=["neglect"])
    assert [h.document.id for h in res.hits] == ["strong"]


def test_editing_the_taxonomy_retags_without_extracting(tmp_path: Path, data_dir: Path) -> None:
    from library.taxonomy import DEFAULT_TAXONOMY

    pages = filler_pages(3)
    pages[0] += " The family were supported by the kinship carer network. Kinship carer visits."
    pages[1] += " A kinship carer assessment was completed."
    make_pdf(tmp_path / "k" / "kin.pdf", pages)
    tax = tmp_path / "themes.toml"
    shutil.copy(DEFAULT_TAXONOMY, tax)
    ingest([tmp_path / "k"], data_dir, options=IngestOptions(progress=False, taxonomy_path=tax))
    with Library(data_dir).searcher() as s:
        assert "kinship-care" not in s.document("kin").themes
    with tax.open("a") as fh:
        fh.write(
            '\n[[theme]]\nid = "kinship-care"\nlabel = "Kinship care"\ngroup = "Test"\n'
            'description = "Care by relatives."\nphrases = ["kinship carer"]\n'
        )
    report = ingest(
        [tmp_path / "k"], data_dir, options=IngestOptions(progress=False, taxonomy_path=tax)
    )
    assert report.extracted == 0
    assert report.actions() == {"updated": 1}
    with Library(data_dir).searcher() as s:
        doc = s.document("kin")
    assert "kinship-care" in doc.themes
    assert doc.theme_evidence["kinship-care"]["pages"] == {"1": 2, "2": 1}


def test_metadata_inferred_without_catalogue(tmp_path: Path, data_dir: Path) -> None:
    first = (
        "Barnet Safeguarding Children Partnership\nLearning Review Child G\nPublished 17 March 2022"
    )
    make_pdf(tmp_path / "m" / "lr-report.pdf", [first] + filler_pages(3))
    ingest([tmp_path / "m"], data_dir, options=INGEST_OPTS)
    with Library(data_dir).searcher() as s:
        d = s.document("lr-report")
    assert d.partnership == "Barnet"
    assert d.case == "Child G"
    assert d.review_type == "learning-review"
    assert d.date == "2022-03-17"
    assert d.metadata_source["partnership"] == "text"


def test_catalogue_wins_and_links_a_case(tmp_path: Path, data_dir: Path) -> None:
    d = tmp_path / "c"
    make_pdf(d / "report.pdf", ["Overview report text."] + filler_pages(2))
    make_pdf(d / "plan.pdf", ["Action plan: recommendations, owners and dates."])
    (d / "catalogue.csv").write_text(
        "file,title,case,partnership,review_type,document_kind,date\n"
        "report.pdf,SCR Child E overview report,Child E,Barnet,scr,overview-report,2019-05\n"
        "plan.pdf,SCR Child E action plan,Child E,Barnet,scr,action-plan,2019-06-01\n"
    )
    ingest([d], data_dir, options=INGEST_OPTS)
    with Library(data_dir).searcher() as s:
        rep = s.document("report")
        assert rep.title == "SCR Child E overview report"
        assert rep.metadata_source["title"] == "catalogue"
        assert rep.case_id
        case_docs = s.case_documents(rep.case_id)
    assert [c.id for c in case_docs] == ["report", "plan"]
    assert case_docs[1].document_kind == "action-plan"


def test_schema_change_rebuilds_from_cache(tmp_path: Path, data_dir: Path, monkeypatch) -> None:
    from library import metadata, schema, store

    make_pdf(tmp_path / "s" / "one.pdf", ["Text of one."] + filler_pages(1))
    make_pdf(tmp_path / "s" / "two.pdf", ["Text of the second document."])
    ingest([tmp_path / "s"], data_dir, options=INGEST_OPTS)
    old = store.current_generation(DataDir(data_dir))
    for mod in (schema, store, metadata):
        monkeypatch.setattr(mod, "SCHEMA_VERSION", schema.SCHEMA_VERSION + 1)
    report = ingest([tmp_path / "s"], data_dir, options=INGEST_OPTS)
    assert report.rebuilt and report.extracted == 0
    new = store.current_generation(DataDir(data_dir))
    assert new != old and not old.exists()
    assert report.documents_in_index == 2


def test_report_is_written_as_json(tmp_path: Path, data_dir: Path, shared: Path) -> None:
    src = tmp_path / "mix"
    make_pdf(src / "good.pdf", ["A good file with enough text to index."])
    shutil.copy(shared / "pdf-oddities/qpdf/bad1.pdf", src / "bad1.pdf")
    report = ingest([src, tmp_path / "does-not-exist"], data_dir, options=INGEST_OPTS)
    data = json.loads((data_dir / "reports" / "latest.json").read_text())
    statuses = {Path(f["path"]).name: f["status"] for f in data["files"]}
    assert statuses == {"good.pdf": "ok", "bad1.pdf": "not-a-pdf", "does-not-exist": "missing"}
    assert all(f["reason"] for f in data["files"] if f["status"] != "ok")
    assert "not-a-pdf" in report.summary()


@pytest.mark.parametrize("pages", [1, 40])
def test_page_counts(tmp_path: Path, data_dir: Path, pages: int) -> None:
    make_pdf(tmp_path / "p" / "doc.pdf", filler_pages(pages))
    ingest([tmp_path / "p"], data_dir, options=INGEST_OPTS)
    with Library(data_dir).searcher() as s:
        assert s.document("doc").page_count == pages
        assert "Page 1 of the sample" in s.page_text("doc", 1)


def test_rebuild_works_on_a_copy_of_the_options(tmp_path: Path, data_dir: Path) -> None:
    make_pdf(tmp_path / "docs" / "one.pdf", filler_pages(2, seed="rebuild options"))
    ingest([tmp_path / "docs"], data_dir, options=INGEST_OPTS)
    opts = IngestOptions(progress=False, workers=1)
    report = rebuild(data_dir, options=opts)
    assert report.rebuilt and report.documents_in_index == 1
    assert opts == IngestOptions(progress=False, workers=1)  # the caller's options unchanged
    again = ingest([tmp_path / "docs"], data_dir, options=opts)
    assert not again.rebuilt and again.actions() == {"unchanged": 1}
