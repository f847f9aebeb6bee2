"""indexer.harvest.listing over every stored listing page and both seed pages.

The fixtures are text-only captures (see shared/listing-pages/MANIFEST.md); the HTML variant
is exercised with small pages modelled on them.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from helpers import shared_folder

from indexer.harvest.listing import (
    LinkedDocument,
    ReviewEntry,
    document_links_html,
    parse_listing_html,
    parse_listing_text,
    partnership_from_url,
)
from library.naming import DOCUMENT_KINDS, REVIEW_TYPES

ROOT = Path(__file__).resolve().parents[1]
BRENT_SEED = "000_8facd7bc97b46067.txt"
BARNET_SEED = "002_5dee9fee2887c513.txt"


@pytest.fixture(scope="module")
def listings(shared: Path) -> Path:
    """../shared/listing-pages (a missing ../shared fails, as everywhere: conftest.py)."""
    return shared_folder("listing-pages")


@pytest.fixture(scope="module")
def seeds(shared: Path) -> Path:
    return shared_folder("seeds")


def parse(path: Path) -> list[ReviewEntry]:
    return parse_listing_text(path.read_text(encoding="utf-8"))


def triples(entries: list[ReviewEntry]) -> list[tuple[str | None, str | None, str | None]]:
    return [(e.case, e.review_type, e.date) for e in entries]


def kinds(entry: ReviewEntry) -> list[tuple[str, str | None]]:
    return [(d.link_text, d.document_kind) for d in entry.documents]


# Expected (case, review_type, date) of every entry of every stored page, in page order.
EXPECTED: dict[str, list[tuple[str | None, str | None, str | None]]] = {
    "barnsley-lcspr-no-list.txt": [],
    "haringey-cspr-procedure-doc-links.txt": [],
    "leeds-bruising-protocol-page.txt": [],
    "merton-lcspr-and-scr.txt": [
        ("Child M 'Vamp'", "lcspr", "2024-07"),
        ("Child L 'Franklyn'", "lcspr", "2023-01"),
        ("Child H 'Ananthi'", "lcspr", "2021-11"),
        ("Baby Grace", "lcspr", "2021-08"),
        ("Jason", "lcspr", "2021-06"),
        ("Child D", "scr", None),  # the capture is cut mid-line
    ],
    "croydon-lcspr.txt": [
        ("Baby Eva", "cspr", "2024-04"),
        ("Serious Youth Violence Thematic Review", "thematic-review", "2024-02"),
    ],
    "croydon-serious-case-reviews-index.txt": [
        ("Carl & Max", "cspr", "2022-03-17"),
        ("Ben", "cspr", "2022-03-04"),
        ("Emily & Jack", "scr", "2020-10-15"),
        ("Child Y", "scr", None),
        ("Child Q", "scr", None),
        ("Vulnerable Adolescents Thematic Review", "thematic-review", "2019"),
        ("Child A & Baby N", "scr", "2019-02-22"),  # type from the page (serious-case-reviews)
        ("Child L", "scr", "2018-08-22"),
        ("Child Joe", "scr", "2018-02-26"),
        ("Child J and Child K", "scr", "2018-02-15"),
    ],
    "croydonsafeguarding-wix-search-page3.txt": [("Ben", "cspr", "2022")],
    "lambeth-7-minute-learning.txt": [
        ("Child Angela", "cspr", "2022-03-08"),
        ("Baby N", "learning-review", "2019-12-03"),
    ],
    "nottinghamshire-serious-case-reviews.txt": [
        ("Case GN13", "scr", None),
        ("Case EN12", "scr", None),
        ("Case CN10", "scr", None),
        ("Case FN13", "scr", None),
    ],
    "nspcc-recently-published-2022.txt": [("Adam", None, "2022"), ("Anya", None, "2022")],
    "nspcc-recently-published-2023-thirdparty-mirror.txt": [("Child A", None, "2023")],
    "southwark-serious-case-reviews.txt": [(None, "scr", "2015-08")],
    "wscp-7-minute-briefings.txt": [("Grace and Georgina", "cspr", None)],
    "wscp-7-minute-briefings-variant2.txt": [("Daryll", "cspr", None), ("Child A", "cspr", None)],
}


def test_every_stored_page_has_expectations(listings: Path) -> None:
    on_disk = {p.name for p in listings.glob("*.txt")}
    assert on_disk == set(EXPECTED), "add expectations for new listing-page fixtures"


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_stored_page_entries(name: str, listings: Path) -> None:
    entries = parse(listings / name)
    assert triples(entries) == EXPECTED[name]
    for e in entries:
        assert e.review_type is None or e.review_type in REVIEW_TYPES
        for d in e.documents:
            assert d.url is None  # text captures carry no hrefs
            assert d.document_kind in DOCUMENT_KINDS
            assert d.file_type in (None, "pdf", "docx")


# ------------------------------------------------------------------------ page by page


def test_merton_pseudonyms_letters_and_report_links(listings: Path) -> None:
    entries = parse(listings / "merton-lcspr-and-scr.txt")
    assert {e.partnership for e in entries} == {"Merton"}  # from mertonscp.org.uk
    vamp = entries[0]
    assert vamp.title.startswith("Vamp: Local Child Safeguarding Practice Review")
    assert kinds(vamp) == [("Child M 'Vamp' LCSPR report", "overview-report")]
    jason = entries[4]
    assert kinds(jason) == [("LSCPR Jason report", "overview-report")]  # "LSCPR" (sic)
    assert all(
        e.case != "Source" for e in entries
    )  # "Source: Working Together ..." is not a review


def test_croydon_lcspr_headings_and_summary(listings: Path) -> None:
    eva, thematic = parse(listings / "croydon-lcspr.txt")
    assert eva.title == "Baby Eva (published April 2024)"
    assert eva.partnership == "Croydon"
    assert eva.summary.startswith(
        "Baby Eva, just four months old, entered the hospital with a fracture"
    )
    assert thematic.title == "Serious Youth Violence Thematic Review (Published February 2024)"
    assert "7-minute" not in (eva.case or "").lower()  # "How to use a 7-minute briefing." is prose


def test_croydon_index_leaves_out_navigation_and_dhr(listings: Path) -> None:
    entries = parse(listings / "croydon-serious-case-reviews-index.txt")
    names = [e.case for e in entries]
    for not_a_review in ("National Learning", "Domestic Homicide Reviews", "Published Reviews"):
        assert not_a_review not in names
    assert all(e.partnership == "Croydon" for e in entries)
    child_q = entries[4]
    assert child_q.title == 'Child Q SCR: "Where were you when I was six?"'
    last = entries[-1]
    assert last.summary == ""  # the following nav items and prose are not its summary


def test_croydon_wix_inline_review(listings: Path) -> None:
    (ben,) = parse(listings / "croydonsafeguarding-wix-search-page3.txt")
    assert ben.partnership == "Croydon"
    assert kinds(ben) == [
        ("7-Minute Briefing", "7-minute-briefing"),
        ("Read the full review", "overview-report"),
    ]
    assert ben.summary.startswith("This review examines the tragic death of a two-year-old boy")


def test_lambeth_mixed_items(listings: Path) -> None:
    angela, baby_n = parse(listings / "lambeth-7-minute-learning.txt")
    assert angela.title == "Child Angela Safeguarding Practice Review"
    assert angela.partnership == "Lambeth"  # lambethsaferchildren.org.uk
    assert angela.listing_kind == "7-minute-briefing"
    assert "Siobhan Burns" in angela.summary
    assert "threshold" not in angela.summary.lower()
    assert baby_n.title == "Summary: Baby N"
    assert "Pre-birth and post natal safeguarding" in baby_n.summary
    assert "- Professional challenge" in baby_n.summary


def test_nspcc_headers_keywords_and_links(listings: Path) -> None:
    adam, anya = parse(listings / "nspcc-recently-published-2022.txt")
    assert adam.title == "2022 - Anonymous - Adam"
    assert adam.partnership is None  # "Anonymous"
    assert adam.summary.startswith("Death of a child in a road traffic collision in 2020.")
    assert "Learning includes:" in adam.summary
    assert adam.keywords == ["child deaths", "child criminal exploitation"]
    assert kinds(adam) == [("Read the overview report", "overview-report")]
    assert anya.documents == [] and anya.summary == ""


def test_nspcc_mirror_ignores_navigation_noise(listings: Path) -> None:
    (child_a,) = parse(listings / "nspcc-recently-published-2023-thirdparty-mirror.txt")
    assert child_a.partnership is None
    assert child_a.summary.startswith("Death of a 16-year-old girl.")
    assert "v-html" not in child_a.summary


def test_nottinghamshire_coded_cases(listings: Path) -> None:
    entries = parse(listings / "nottinghamshire-serious-case-reviews.txt")
    assert [e.title for e in entries] == ["Case GN13", "Case EN12", "Case CN10", "Case FN13"]
    assert {e.partnership for e in entries} == {"Nottinghamshire"}  # nottinghamshire.gov.uk
    assert all(e.documents == [] for e in entries)  # the links were stripped from the capture


def test_southwark_inline_links(listings: Path) -> None:
    (entry,) = parse(listings / "southwark-serious-case-reviews.txt")
    assert entry.case is None
    assert entry.title == "Serious Case Review, August 2015"
    assert entry.partnership == "Southwark"
    assert [(d.link_text, d.document_kind, d.file_type) for d in entry.documents] == [
        ("Serious Case Review (PDF, 382kb)", "overview-report", "pdf"),
        ("response (PDF, 206kb)", "response", "pdf"),
        ("action plan", "action-plan", None),
    ]


def test_wscp_pseudonym_titles_and_recrawl_difference(listings: Path) -> None:
    (grace,) = parse(listings / "wscp-7-minute-briefings.txt")
    assert grace.summary.startswith("Georgina was brought to hospital in February 2018")
    assert grace.listing_kind == "7-minute-briefing"
    assert grace.partnership is None  # "WSCP": the area was never checked
    daryll, child_a = parse(listings / "wscp-7-minute-briefings-variant2.txt")
    assert "Darryll" in daryll.summary  # the title and the body spell the name differently
    assert child_a.summary.startswith("Child A was brought to hospital in March 2018")
    titles = {e.title for e in parse(listings / "wscp-7-minute-briefings-variant2.txt")}
    assert titles - {grace.title} == {"Daryll", "Child A"}


@pytest.mark.parametrize(
    "name",
    [
        "barnsley-lcspr-no-list.txt",
        "haringey-cspr-procedure-doc-links.txt",
        "leeds-bruising-protocol-page.txt",
    ],
)
def test_negative_pages(name: str, listings: Path) -> None:
    assert parse(listings / name) == []


# ----------------------------------------------------------------------------- seed pages


def test_barnet_seed_page(seeds: Path) -> None:
    entries = parse(seeds / BARNET_SEED)
    assert triples(entries) == [
        ("Child G", "learning-review", "2019-07"),
        ("Child E", "scr", "2018-01"),
        ("Child A", "scr", "2016-05"),
        ("Child D", "scr", "2009-04"),
        ("Child S", "scr", "2008"),
    ]
    assert {e.partnership for e in entries} == {"Barnet"}
    child_g, child_e, child_a, child_d, child_s = entries
    assert child_g.title == "Learning Review Child G, July 2019"
    assert kinds(child_g) == [
        ("Briefing note: Child G", "briefing-note"),
        ("Non-mobile children bruising and injury protocol 2019", "protocol"),
        ("Pathway for non-mobile children bruising and injury 2019", "pathway"),
        ("Leaflet for parents and carers", "leaflet"),
    ]
    assert kinds(child_e) == [
        ("Child E report", "overview-report"),
        ("Child E action plan", "action-plan"),
    ]
    assert kinds(child_a) == [("Child A report", "overview-report")]
    assert kinds(child_d) == [("Child D executive summary", "executive-summary")]
    assert kinds(child_s) == [("Child S report", "overview-report")]
    assert "NSPCC" not in child_s.summary  # "Further information" ends the last review


def test_brent_seed_page(seeds: Path) -> None:
    (child_k,) = parse(seeds / BRENT_SEED)
    assert (child_k.case, child_k.review_type, child_k.date) == ("Child K", "scr", "2021-04-23")
    assert child_k.partnership == "Brent"
    assert child_k.title == "Child K SCR"
    assert kinds(child_k) == [
        ("Click here", "overview-report")
    ]  # "Click here to view the most recent SCR"


# ------------------------------------------------------------------------------ HTML variant

BARNET_HTML = """<!DOCTYPE html>
<html><head><meta charset="utf-8">
<title>Child Safeguarding Practice Reviews | Barnet Safeguarding Children Partnership</title></head>
<body>
<nav><ul><li><a href="/">Home</a></li><li><a href="/cspr">Child Safeguarding Practice Reviews</a></li>
<li><a href="/docs/threshold.pdf">Thresholds document</a></li></ul></nav>
<main>
<h1>Child Safeguarding Practice Reviews</h1>
<p>If a child is in immediate danger please call 999</p>
<p>For more information about Rapid Reviews and the referral pathway, see
   <a href="/docs/referral.pdf">Barnet's referral document</a>.</p>
<h3>Learning Review Child G, July 2019</h3>
<p><a href="/docs/child-g-briefing-note.pdf">Briefing note: Child G</a></p>
<p><a href="/docs/nmc-protocol-2019.pdf">Non-mobile children bruising and injury protocol 2019</a></p>
<p><a href="/docs/nmc-pathway-2019.docx">Pathway for non-mobile children bruising and injury 2019</a></p>
<p><a href="/docs/leaflet.pdf">Leaflet for parents and carers</a></p>
<p><strong>SCR Child E, January 2018</strong></p>
<ul><li><a href="/docs/child-e-report.pdf">Child E report</a></li>
    <li><a href="/docs/child-e-action-plan.pdf">Child E action plan</a></li></ul>
<h3>SCR Child A, May 2016</h3>
<p><a href="https://cdn.example.invalid/files/Child%20A%20report.pdf">Child A report</a></p>
<h3>SCR Child S, 2008</h3>
<p><a href="/cspr/child-s">Child S</a></p>
<h2>Further information</h2>
<p>The NSPCC website contains a library of all <a href="https://learning.nspcc.org.uk/case-reviews">
Serious Case Reviews</a> conducted in England.</p>
</main></body></html>
"""

SOUTHWARK_HTML = """<html><head><title>Serious case reviews - Southwark Council</title></head><body>
<div class="banner"><p>Our online forms are working again</p></div>
<h1>Serious case reviews</h1>
<h2>August 2015</h2>
<p>This <a href="/assets/attach/1234/SCR-overview.pdf">Serious Case Review</a> (PDF, 382kb) conducted by
Southwark Safeguarding Children Board took place between April 2014 and February 2015. The SSCB has set
out a <a href="/assets/attach/1235/SCR-response.pdf">response (PDF, 206kb)</a> to the Serious Case Review,
and there's an <a href="/assets/attach/1236/action%20plan.docx">action plan</a> to respond to the learning.</p>
<h2>Serious case reviews</h2>
<p>Serious case reviews are undertaken when a child dies (including by suicide) or is seriously injured.</p>
</body></html>
"""


def test_html_barnet_groups_links_under_headings() -> None:
    base = "https://www.barnetscp.org.uk/cspr"
    entries = parse_listing_html(BARNET_HTML, base)
    assert triples(entries) == [
        ("Child G", "learning-review", "2019-07"),
        ("Child E", "scr", "2018-01"),
        ("Child A", "scr", "2016-05"),
        ("Child S", "scr", "2008"),
    ]
    assert {e.partnership for e in entries} == {"Barnet"}
    child_g, child_e, child_a, child_s = entries
    assert [(d.url, d.document_kind, d.file_type) for d in child_g.documents] == [
        ("https://www.barnetscp.org.uk/docs/child-g-briefing-note.pdf", "briefing-note", "pdf"),
        ("https://www.barnetscp.org.uk/docs/nmc-protocol-2019.pdf", "protocol", "pdf"),
        ("https://www.barnetscp.org.uk/docs/nmc-pathway-2019.docx", "pathway", "docx"),
        ("https://www.barnetscp.org.uk/docs/leaflet.pdf", "leaflet", "pdf"),
    ]
    assert [d.document_kind for d in child_e.documents] == ["overview-report", "action-plan"]
    assert child_a.documents == [
        LinkedDocument(
            "https://cdn.example.invalid/files/Child%20A%20report.pdf",
            "Child A report",
            "overview-report",
            "pdf",
        )
    ]
    # no document link: the review's own page is recorded for the harvester to follow
    assert (
        child_s.documents == []
        and child_s.detail_url == "https://www.barnetscp.org.uk/cspr/child-s"
    )
    all_urls = {d.url for e in entries for d in e.documents}
    assert "https://www.barnetscp.org.uk/docs/referral.pdf" not in all_urls  # before any review
    assert "https://www.barnetscp.org.uk/docs/threshold.pdf" not in all_urls  # navigation


def test_html_southwark_inline_links() -> None:
    (entry,) = parse_listing_html(SOUTHWARK_HTML, "https://services.southwark.gov.uk/scr")
    assert (entry.case, entry.review_type, entry.date, entry.partnership) == (
        None,
        "scr",
        "2015-08",
        "Southwark",
    )
    assert [(d.link_text, d.document_kind, d.file_type) for d in entry.documents] == [
        ("Serious Case Review", "overview-report", "pdf"),
        ("response (PDF, 206kb)", "response", "pdf"),
        ("action plan", "action-plan", "docx"),
    ]
    assert (
        entry.documents[2].url
        == "https://services.southwark.gov.uk/assets/attach/1236/action%20plan.docx"
    )


def test_html_link_text_saying_pdf_counts_as_document() -> None:
    html = """<html><body><h2>Merton SCP</h2><ul>
    <li>Jason: Local Child Safeguarding Practice Review – <a href="/download?id=7">LSCPR Jason report (PDF)</a> – June 2021</li>
    <li><a href="/news">Latest news</a></li></ul></body></html>"""
    (jason,) = parse_listing_html(html, "https://www.mertonscp.org.uk/reviews/")
    assert (jason.case, jason.review_type, jason.date, jason.partnership) == (
        "Jason",
        "lcspr",
        "2021-06",
        "Merton",
    )
    assert [(d.url, d.file_type) for d in jason.documents] == [
        ("https://www.mertonscp.org.uk/download?id=7", "pdf")
    ]


def test_html_table_rows_are_items() -> None:
    html = """<html><head><title>Published reviews - Testshire Safeguarding Children Partnership</title></head>
    <body><h1>Published Child Safeguarding Practice Reviews</h1>
    <table><tr><th>Review</th><th>Published</th><th>Documents</th></tr>
    <tr><td><p>Child X</p></td><td>March 2023</td>
        <td><a href="x.pdf">Overview report</a><br><a href="x-7.pdf">7-minute briefing</a></td></tr>
    <tr><td>Baby Y</td><td>2021</td><td><a href="y.pdf">Executive summary (PDF)</a></td></tr>
    </table></body></html>"""
    entries = parse_listing_html(html, "https://example.invalid/reviews/")
    assert [(e.case, e.review_type, e.date, e.partnership) for e in entries] == [
        ("Child X", "cspr", "2023-03", "Testshire"),
        ("Baby Y", "cspr", "2021", "Testshire"),
    ]
    assert [(d.url, d.document_kind) for d in entries[0].documents] == [
        ("https://example.invalid/reviews/x.pdf", "overview-report"),
        ("https://example.invalid/reviews/x-7.pdf", "7-minute-briefing"),
    ]
    assert [d.document_kind for d in entries[1].documents] == ["executive-summary"]


def test_html_negative_page() -> None:
    html = """<html><head><title>Child Safeguarding Practice Review Procedure and Practice Guidance</title></head>
    <body><h1>Child Safeguarding Practice Review Procedure and Practice Guidance</h1>
    <p><a href="/p/National%20Panel%20Review%20into%20Child%20Abuse%20-%20Nov%202024.pdf">
    National Panel Review into Child Abuse - Nov 2024.pdf</a></p>
    <p><a href="/p/complaints.pdf">Complaints about SPRs and Independent Reviewers.pdf</a></p>
    <ol><li>Introduction. 3</li><li>Undertaking a Rapid Review of Serious Child Safeguarding Cases. 7</li></ol>
    </body></html>"""
    assert parse_listing_html(html, "https://haringeyscp.org.uk/p/procedure") == []


def test_document_links_html() -> None:
    html = """<html><body><h1>Child S</h1><p><a href="child-s.pdf">Child S report</a>
    <a href="child-s-exec.pdf">Executive summary</a> <a href="/contact">Contact us</a></p></body></html>"""
    docs = document_links_html(html, "https://example.invalid/cspr/child-s/")
    assert [(d.url, d.document_kind) for d in docs] == [
        ("https://example.invalid/cspr/child-s/child-s.pdf", "overview-report"),
        ("https://example.invalid/cspr/child-s/child-s-exec.pdf", "executive-summary"),
    ]


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://www.mertonscp.org.uk/x", "Merton"),
        ("https://croydonlcsb.org.uk/about-us/", "Croydon"),
        ("https://www.croydonsafeguarding.org/bn/search", "Croydon"),
        ("https://www.lambethsaferchildren.org.uk/7-minute-learning", "Lambeth"),
        ("https://haringeyscp.org.uk/p/x", "Haringey"),
        ("https://www.leedsscp.org.uk/practitioners", "Leeds"),
        ("https://services.southwark.gov.uk/childcare", "Southwark"),
        ("http://www.nottinghamshire.gov.uk/nscb/", "Nottinghamshire"),
        ("https://wscp.org.uk/find-help/", None),
        ("https://learning.nspcc.org.uk/case-reviews", None),
        ("https://problemsolvinghelp.guru/cover-letter/", None),
        (None, None),
    ],
)
def test_partnership_from_url(url: str | None, expected: str | None) -> None:
    assert partnership_from_url(url) == expected


def test_listing_does_not_import_network_libraries() -> None:
    source = (ROOT / "indexer" / "harvest" / "listing.py").read_text(encoding="utf-8")
    assert "import requests" not in source and "urlopen" not in source


def test_nspcc_headers_with_areas() -> None:
    # header forms quoted in shared/domain/themes-and-documents.md
    text = (
        "https://learning.nspcc.org.uk/case-reviews/recently-published-case-reviews\n"
        "December 2014 – Blackpool – Child BR\nDeath of a baby.\n"
        "2025 – Birmingham – Baby A\nSerious injury.\n"
        "2017 – Anonymous – Child AB\n"
    )
    entries = parse_listing_text(text)
    assert [(e.case, e.date, e.partnership) for e in entries] == [
        ("Child BR", "2014-12", "Blackpool"),
        ("Baby A", "2025", "Birmingham"),
        ("Child AB", "2017", None),
    ]
    assert entries[0].summary == "Death of a baby."
