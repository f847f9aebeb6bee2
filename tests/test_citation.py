"""library.citation: the plain reference, the quote, RIS and BibTeX, read back with
independent parsers (rispy, bibtexparser) as a reference manager reads them."""

from __future__ import annotations

import bibtexparser
import rispy

from library.citation import (
    bibtex,
    citation_keys,
    page_link,
    plain_reference,
    quote_with_reference,
    reference,
    ris,
)
from library.models import DocumentRecord

BASE = "https://reviews.example.org/"


def _doc(**kw: object) -> DocumentRecord:
    fields = {
        "id": "barnet-child-g",
        "path": "x.pdf",
        "sha256": "0",
        "title": "Learning Review Child G",
        "case": "Child G",
        "partnership": "Barnet Safeguarding Children Partnership",
        "review_type": "scr",
        "document_kind": "overview-report",
        "date": "2021-03-04",
        "themes": ["neglect", "bruising-non-mobile"],
    }
    fields.update(kw)
    return DocumentRecord(**fields)  # type: ignore[arg-type]


LABELS = {"neglect": "Neglect", "bruising-non-mobile": "Bruising in non-mobile infants"}


def test_plain_reference_is_harvard_like() -> None:
    ref = reference(_doc(), BASE, LABELS)
    assert plain_reference(ref) == (
        "Barnet Safeguarding Children Partnership (2021) Learning Review Child G. "
        "Serious Case Review. Available at: https://reviews.example.org/documents/barnet-child-g"
    )
    summary = reference(_doc(document_kind="executive-summary", date=""), BASE)
    assert "(n.d.)" in plain_reference(summary)
    assert "Serious Case Review: executive summary." in plain_reference(summary)
    # no author: the title leads
    anon = reference(_doc(partnership="", attribution=""), BASE)
    assert plain_reference(anon).startswith("Learning Review Child G (2021). ")


def test_inspection_is_by_the_inspectorate_and_samples_say_they_are_fictional() -> None:
    ofsted = reference(
        _doc(
            review_type="inspection",
            document_kind="inspection-report",
            partnership="Hackney",
            attribution="Ofsted, London Borough of Hackney: Inspection, © Crown copyright, OGL v3.0",
        ),
        BASE,
    )
    assert ofsted.author == "Ofsted" and ofsted.publisher == "Ofsted"
    sample = reference(_doc(attribution="Written for Case Review Library; fictional"), BASE)
    assert sample.author == "Barnet Safeguarding Children Partnership"
    assert "Fictional sample" in plain_reference(sample)


def test_quote_with_reference_names_the_page_and_marks_cut_sentences() -> None:
    ref = reference(_doc(), BASE)
    url = page_link(BASE, "barnet-child-g", 12)
    text = quote_with_reference("nobody asked  who\nlived in the home", ref, 12, url)
    quote, cited = text.split("\n\n")
    assert quote == "“…nobody asked who lived in the home…”"
    assert cited.endswith(
        "Serious Case Review, p. 12. Available at: "
        "https://reviews.example.org/documents/barnet-child-g/pages/12"
    )
    whole = quote_with_reference("The baby was not seen.", ref, 3, url)
    assert whole.startswith("“The baby was not seen.”\n\n")


def test_ris_follows_the_specification_and_reads_back() -> None:
    refs = [
        reference(_doc(), BASE, LABELS),
        reference(_doc(id="leaflet", document_kind="leaflet", review_type="guidance"), BASE),
    ]
    text = ris(refs, {"barnet-child-g": ["Pages matching the search bruise: 3, 7"]})
    lines = text.split("\r\n")
    assert "\n" not in text.replace("\r\n", "")  # CRLF only
    assert lines[0] == "TY  - RPRT"
    for line in lines:
        assert line == "" or (line[:2].isalnum() and line[2:6] == "  - "), line
    assert lines.count("ER  - ") == 2
    records = rispy.loads(text)
    assert [r["type_of_reference"] for r in records] == ["RPRT", "PAMP"]
    first = records[0]
    assert first["title"] == "Learning Review Child G"
    assert first["authors"] == ["Barnet Safeguarding Children Partnership,"]
    assert first["year"] == "2021"
    assert first["date"] == "2021/03/04/"
    assert first["publisher"] == "Barnet Safeguarding Children Partnership"
    assert first["urls"] == ["https://reviews.example.org/documents/barnet-child-g"]
    assert first["keywords"] == ["Neglect", "Bruising in non-mobile infants"]
    assert "Pages matching the search bruise: 3, 7" in first["notes"]


def test_bibtex_escapes_special_characters_and_reads_back() -> None:
    odd = _doc(
        id="odd",
        title="Child_A & Child {B}: 100% of 'cases' ~ #1 $ ^ \\",
        partnership="Brighton & Hove",
    )
    text = bibtex([reference(_doc(), BASE, LABELS), reference(odd, BASE)])
    lib = bibtexparser.parse_string(text)
    assert not lib.failed_blocks
    a, b = lib.entries
    assert a.entry_type == "techreport"
    assert a.fields_dict["institution"].value == "Barnet Safeguarding Children Partnership"
    assert a.fields_dict["url"].value == "https://reviews.example.org/documents/barnet-child-g"
    assert a.fields_dict["type"].value == "Serious Case Review"
    title = b.fields_dict["title"].value
    for raw in ("&", "%", "#", "$", "_"):
        assert f"\\{raw}" in title
    assert "\\{B\\}" in title and "\\textasciitilde{}" in title and "\\textbackslash{}" in title
    assert b.fields_dict["author"].value == "{Brighton \\& Hove}"
    assert a.key != b.key


def test_citation_keys_are_unique_within_a_file() -> None:
    refs = [reference(_doc(id=f"d{i}"), BASE) for i in range(3)]
    refs.append(reference(_doc(id="x", case="", title="Non-mobile bruising protocol"), BASE))
    keys = citation_keys(refs)
    assert keys[:3] == ["barnet2021childg", "barnet2021childgb", "barnet2021childgc"]
    assert keys[3] == "barnet2021nonmobile"
    assert len(set(keys)) == len(keys)
    assert all(k.isascii() and k.isalnum() for k in keys)
