"""Learning items (library/learning.py): extracted from real PDFs rendered from fictional
reviews written here, stored at ingest with the index (they survive a rebuild), and listed by
``reviewlib learning`` as a real process (JSON, CSV, filters, bad input)."""

from __future__ import annotations

import csv
import importlib.util
import io
import json
import sys
from pathlib import Path
from types import ModuleType

import pytest
from helpers import run_reviewlib

from library import learning

ROOT = Path(__file__).resolve().parents[1]

REVIEW = """---
title: Local Child Safeguarding Practice Review: Child Y
running: LCSPR Child Y
kicker: Local Child Safeguarding Practice Review
case: Child Y
partnership: Oakhampstead
partnership_name: Oakhampstead Safeguarding Children Partnership
review_type: lcspr
document_kind: overview-report
date: 2024-02
date_text: Published February 2024
layout: report
notes: Fictional sample written for Case Review Library
---
# 1. Introduction

1.1 Child Y was four years old when she was admitted to hospital with injuries. This review
looks at how agencies worked together in the year before.

1.2 The review was asked to answer the following questions:

- How well did agencies share what they knew about the new adult in the household?
- How did professionals hear the child's voice?

@pagebreak

# 2. Findings

2.1 This section sets out the findings of the review.

## Finding 1: The new partner was unknown

No agency asked who Mr P was, although he had moved into the household in the spring and was
seen at the home by the health visitor twice. Information about his previous convictions for
violence was held by the police and was not shared.

### Questions for the Partnership to consider

- How will the Partnership know that practitioners ask about every adult in a household?
- What would help police and health share information about new partners quickly?

## Finding 2: Bruising was explained away

Bruises on Child Y's arms were seen at nursery three times and each time accepted as the
result of play. The nursery did not consult the child protection procedures.

### Questions for the Partnership to consider

- Is the bruising protocol known to early years settings?

@pagebreak

# 3. Good practice

3.1 The paediatrician who examined Child Y recorded her account in her own words and made a
referral the same afternoon.

# 4. Recommendations

The review makes the following recommendations.

1. The Partnership should issue guidance on identifying new adults in the household.

2. Early years settings should receive training on the bruising protocol.

R3. The police should share information about new partners with health visitors.
"""

GUIDANCE = """---
title: Escalation Guidance for Practitioners
running: Escalation guidance
kicker: Oakhampstead Safeguarding Children Partnership
partnership: Oakhampstead
partnership_name: Oakhampstead Safeguarding Children Partnership
review_type: guidance
document_kind: guidance
date: 2024-01
date_text: January 2024
layout: report
notes: Fictional sample written for Case Review Library
---
# 1. Purpose

This guidance sets out how practitioners should resolve professional disagreements.

# 2. Recommendations for practitioners

1. Raise your concern with the other practitioner first.
2. If it is not resolved, ask your manager to contact their manager.

# 3. Questions to consider before escalating

- Have you spoken to the other practitioner directly?
- Have you recorded the disagreement?
"""


def _build() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "build_learning", ROOT / "corpus/samples/build.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def _render(build: ModuleType, source: str, path: Path) -> Path:
    src = path.with_suffix(".txt")
    src.write_text(source, encoding="utf-8")
    path.write_bytes(build.render(build.parse_source(src)))
    src.unlink()
    return path


@pytest.fixture(scope="module")
def library(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("learning")
    build = _build()
    docs = root / "docs"
    docs.mkdir()
    _render(build, REVIEW, docs / "child-y-lcspr.pdf")
    _render(build, GUIDANCE, docs / "escalation-guidance.pdf")
    data = root / "var"
    r = run_reviewlib("ingest", str(docs), data=data)
    assert r.returncode == 0, r.stderr
    return data


def _items(data: Path, *args: str) -> dict:
    r = run_reviewlib("learning", *args, "--json", data=data)
    assert r.returncode == 0, r.stderr
    return json.loads(r.stdout)


def test_items_of_a_review_with_kind_number_page_and_section(library: Path) -> None:
    out = _items(library)
    got = [(i["kind"], i["number"], i["page"], i["section"]) for i in out["items"]]
    # title page 1, contents none: the introduction is page 2, findings page 3, the rest 4
    assert got == [
        ("finding", "1", 3, "2. Findings"),
        ("question", "", 3, "Questions for the Partnership to consider"),
        ("question", "", 3, "Questions for the Partnership to consider"),
        ("finding", "2", 3, "2. Findings"),
        ("question", "", 3, "Questions for the Partnership to consider"),
        ("good-practice", "3.1", 4, "3. Good practice"),
        ("recommendation", "1", 4, "4. Recommendations"),
        ("recommendation", "2", 4, "4. Recommendations"),
        ("recommendation", "R3", 4, "4. Recommendations"),
    ], got
    assert out["total"] == 9
    first = out["items"][0]
    assert set(first) == {"kind", "number", "text", "page", "section", "document", "themes"}
    assert first["text"].startswith("The new partner was unknown No agency asked who Mr P was")
    assert "previous convictions for violence" in first["text"]  # the body is part of it
    assert first["document"] == {
        "id": "child-y-lcspr",
        "title": "Local Child Safeguarding Practice Review: Child Y",
        "path": "child-y-lcspr.pdf",
        "case": "Child Y",
    }
    # the research questions of the introduction and the guidance's lists are not items
    assert all(i["document"]["id"] == "child-y-lcspr" for i in out["items"])
    assert not any("other practitioner" in i["text"] for i in out["items"])
    # themes are what the item's own text evidences
    by_number = {(i["kind"], i["number"]): i for i in out["items"]}
    assert "information-sharing" in by_number["recommendation", "R3"]["themes"]
    assert "voice-of-child" in by_number["good-practice", "3.1"]["themes"]
    assert "information-sharing" not in by_number["recommendation", "2"]["themes"]


def test_filters_query_facets_and_csv(library: Path) -> None:
    out = _items(library, "--kind", "question")
    assert out["total"] == 3 and {i["kind"] for i in out["items"]} == {"question"}
    assert out["facets"]["kind"]["recommendation"] == 3  # counts ignore the kind filter
    out = _items(library, "bruising", "--kind", "recommendation")
    assert [i["number"] for i in out["items"]] == ["2"]
    out = _items(library, '"new partners"')
    assert {(i["kind"], i["number"]) for i in out["items"]} == {
        ("question", ""),
        ("recommendation", "R3"),
    }
    assert _items(library, "--document", "escalation-guidance")["total"] == 0
    theme = _items(library)["items"][0]["themes"][0]
    themed = _items(library, "--theme", theme)
    assert themed["total"] >= 1 and all(theme in i["themes"] for i in themed["items"])
    r = run_reviewlib("learning", "--kind", "recommendation", "--csv", data=library)
    assert r.returncode == 0, r.stderr
    rows = list(csv.DictReader(io.StringIO(r.stdout)))
    assert [row["number"] for row in rows] == ["1", "2", "R3"]
    assert rows[0]["document_id"] == "child-y-lcspr" and rows[0]["page"] == "4"


def test_bad_input_is_a_clear_error(library: Path) -> None:
    for args, words in (
        (("--kind", "lesson"), "unknown kind 'lesson'"),
        (("--theme", "no-such-theme"), "unknown theme 'no-such-theme'"),
        (("--json", "--csv"), "choose one of --json and --csv"),
        (("--document", "no-such-doc"), "no document with id 'no-such-doc'"),
    ):
        r = run_reviewlib("learning", *args, data=library)
        assert r.returncode != 0 and words in r.stderr, r.stderr
        assert "Traceback" not in r.stderr


def test_items_survive_a_rebuild(library: Path) -> None:
    before = _items(library)
    r = run_reviewlib("rebuild", data=library)
    assert r.returncode == 0, r.stderr
    assert _items(library) == before


def test_an_item_running_over_a_page_break_is_one_item_on_its_first_page() -> None:
    pages = [
        "5. Recommendations\n\nR1. The Partnership should review its guidance on\n\n",
        "neglect so that it asks about the child's daily life.\n\n"
        "R2. Health partners should audit missed appointments.\n\n",
    ]
    got = [(i.kind, i.number, i.page) for i in learning.extract(pages)]
    assert got == [("recommendation", "R1", 1), ("recommendation", "R2", 2)]
    first = learning.extract(pages)[0]
    assert first.text.endswith("asks about the child's daily life.")


def test_documents_that_are_not_reviews_have_no_items() -> None:
    pages = ["Key learning\n\n1. Practitioners should record every adult in the home.\n\n"]
    assert learning.extract(pages, "overview-report")
    for kind in ("guidance", "protocol", "leaflet", "newsletter", "inspection-report"):
        assert learning.extract(pages, kind) == []


@pytest.fixture(scope="module")
def site(library: Path):  # -> FlaskClient
    from web import create_app

    return create_app({"DATA_DIR": library, "TESTING": True}).test_client()


def test_site_learning_page_json_twin_and_csv_match_the_cli(library: Path, site) -> None:
    r = site.get("/learning?kind=recommendation")
    assert r.status_code == 200
    html = r.get_data(as_text=True)
    assert "3 items" in html and "Recommendation R3" in html
    assert 'href="/documents/child-y-lcspr/pages/4"' in html  # each item links to its page
    assert 'id="facet-kind"' in html and 'id="facet-theme"' in html
    # the JSON twin is the CLI's answer, filters and all
    for query, args in (
        ("kind=recommendation", ("--kind", "recommendation")),
        ("q=bruising", ("bruising",)),
        ("", ()),
    ):
        web = site.get(f"/learning.json?{query}").get_json()
        assert web == _items(library, *args), query
    r = site.get("/learning.csv?kind=question")
    assert r.status_code == 200 and r.mimetype == "text/csv"
    assert "attachment" in r.headers["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(r.get_data(as_text=True))))
    assert len(rows) == 3 and {row["kind"] for row in rows} == {"question"}


def test_site_query_is_marked_and_text_escaped(site) -> None:
    html = site.get("/learning?q=bruising").get_data(as_text=True)
    assert "<mark>bruising</mark>" in html
    html = site.get("/learning?q=<script>alert(1)</script>").get_data(as_text=True)
    assert "<script>alert(1)</script>" not in html


def test_site_bad_parameters_are_400_not_500(site) -> None:
    for url in ("/learning?kind=lesson", "/learning.json?theme=nope", "/learning.csv?kind=x"):
        r = site.get(url)
        assert r.status_code == 400, url
    assert site.get("/learning.json?document=no-such-doc").status_code == 404
    assert "unknown kind" in site.get("/learning.json?kind=lesson").get_json()["error"]


def test_document_page_opens_with_its_learning(site) -> None:
    html = site.get("/documents/child-y-lcspr").get_data(as_text=True)
    start = html.index("Learning from this review")
    assert start < html.index("Search this document") or start < html.index('id="themes-heading"')
    section = html[start : html.index("</section>", start)]
    for label in ("Findings", "Recommendations", "Questions", "Good practice"):
        assert label in section
    assert 'href="/documents/child-y-lcspr/pages/3"' in section
    data = site.get("/documents/child-y-lcspr.json").get_json()
    assert [i["kind"] for i in data["learning"]][:2] == ["finding", "question"]
    guidance = site.get("/documents/escalation-guidance").get_data(as_text=True)
    assert "Learning from this review" not in guidance


def test_case_page_gives_the_learning_of_its_documents(site) -> None:
    """The case page lists its documents in reading order (a short table of contents, issue
    14 item 6), then the learning of those documents with links to their pages."""
    doc = site.get("/documents/child-y-lcspr.json").get_json()
    assert doc["case_id"]
    r = site.get(f"/cases/{doc['case_id']}")
    assert r.status_code == 200
    html = r.get_data(as_text=True)
    start = html.index("Learning from this review")
    assert html.index("1 document, in reading order") < start
    assert 'href="/documents/child-y-lcspr/pages/4"' in html[start:]
    data = site.get(f"/cases/{doc['case_id']}.json").get_json()
    assert len(data["learning"]) == 9


TABLE_REVIEW = (
    REVIEW.split("# 1. Introduction")[0].replace("Child Y", "Child Q")
    + """
# 1. Introduction

1.1 Child Q was nine years old when he was seriously injured.

# 2. Recommendations

2.1 The review makes four recommendations, set out in the table below.

@widths 10,60,30
| No. | Recommendation | Agencies |
| 1 | The Partnership should publish guidance on children who are home educated, including how their welfare is checked. | Partnership; education service |
| 2 | Schools should record every conversation with a parent who says they intend to home educate. | Schools |
| 3 | The police should tell children's services about every domestic abuse incident in a home where a child lives. | Police |
| 4 | Health services should check whether a child seen in the emergency department is known to children's services. | NHS Trust; GPs |

# 3. Conclusion

3.1 Child Q is now living with his grandparents.
"""
)


def test_a_table_of_recommendations_gives_one_item_a_row(tmp_path: Path) -> None:
    """pdfminer reads the table column by column (the numbers, then the recommendations,
    the agencies between them): each number still goes to its row's recommendation."""
    from indexer.extract import extract_pdf
    from library.layout import strip_pages

    pdf = _render(_build(), TABLE_REVIEW, tmp_path / "child-q.pdf")
    pages = strip_pages(extract_pdf(str(pdf), max_bytes=10**8)["pages"])
    got = [(i.kind, i.number, i.section, i.text[:20]) for i in learning.extract(pages)]
    assert got == [
        ("recommendation", "1", "2. Recommendations", "The Partnership shou"),
        ("recommendation", "2", "2. Recommendations", "Schools should recor"),
        ("recommendation", "3", "2. Recommendations", "The police should te"),
        ("recommendation", "4", "2. Recommendations", "Health services shou"),
    ], got


def test_long_items_are_shown_around_their_first_marked_word() -> None:
    from web.views.learning import _snippet

    text = "Every agency saw part of it. " * 30 + "Bruising was explained away. " + "x " * 300
    start = text.index("Bruising")
    shown, marks = _snippet(text, [(start, start + 8)])
    assert len(shown) < 500 and shown.startswith("… ") and shown.endswith(" …")
    assert [shown[a:b] for a, b in marks] == ["Bruising"]
    assert _snippet("Short.", [(0, 5)]) == ("Short.", [(0, 5)])


def test_introductions_and_counts_of_recommendations_are_not_items() -> None:
    pages = [
        "Recommendations\n\n"
        "The review makes three recommendations, set out below.\n\n"
        "1. The Partnership should publish guidance on new adults in the household.\n\n"
        "2. Schools should record what parents say about home education.\n\n"
        "Key messages\n\n"
        "The five reviews made thirty-one recommendations between them.\n\n"
        "\u2022 Neglect is cumulative: each concern looked small on its own.\n\n"
    ]
    got = [(i.kind, i.number, i.text[:20]) for i in learning.extract(pages)]
    assert got == [
        ("recommendation", "1", "The Partnership shou"),
        ("recommendation", "2", "Schools should recor"),
        ("learning-point", "", "Neglect is cumulativ"),
    ], got


def test_csv_cells_never_start_a_formula() -> None:
    from library.api import learning_csv
    from library.learning_query import LearningAnswer, LearningHit, LearningRequest
    from library.models import DocumentRecord

    item = learning.LearningItem("recommendation", "1", '=HYPERLINK("http://x")', 2, "-R")
    doc = DocumentRecord(id="d", path="d.pdf", sha256="", title="@title")
    answer = LearningAnswer(LearningRequest(), 1, [LearningHit(item, doc)], {})
    row = next(csv.DictReader(io.StringIO(learning_csv(answer))))
    assert row["text"] == '\'=HYPERLINK("http://x")' and row["section"] == "'-R"
    assert row["document_title"] == "'@title" and row["page"] == "2"
