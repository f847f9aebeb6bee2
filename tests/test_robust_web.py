"""Robustness, hostile web input: property-based requests over every parameter of /search,
/search.json, /documents/<id> and /cases/<id>, XSS payloads planted in documents, titles,
catalogue fields and queries, path traversal, and pathological query syntax.

Oracles: never a 500; every HTML answer parses with balanced tags and has no element or
attribute a payload could have created (an inline <script>, an on* handler, a javascript:
URL); every JSON answer parses; bad input is a 400 with a message, unknown ids a 404.
"""

from __future__ import annotations

import html
import json
from collections import Counter
from html.parser import HTMLParser
from typing import Any
from urllib.parse import quote

import pytest
from helpers import filler_pages, make_pdf
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from indexer.pipeline import IngestOptions, ingest
from library import naming

pytestmark = pytest.mark.slow

XSS = [
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "'><svg onload=alert(1)>",
    "javascript:alert(1)",
    "</textarea><script>alert(1)</script>",
    '<a href="javascript:alert(1)">x</a>',
    "{{7*7}}",
    "%3Cscript%3Ealert(1)%3C/script%3E",
    "\u202e<b>rtl</b>",
]

# Examples per property; in all well over 2,000 generated requests.
EXAMPLES = {"search": 600, "queries": 500, "documents": 500, "raw": 350, "cases": 300}
SETTINGS = dict(
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    database=None,
)


# ---- the corpus and the app ---------------------------------------------------------------
@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    src = tmp_path_factory.mktemp("xss-src")
    pages = filler_pages(3, seed="xss")
    pages[0] = f"Hostile text {XSS[0]} and {XSS[1]} on page one. " + pages[0]
    pages[1] += f" More hostile text {XSS[2]} {XSS[3]} {XSS[5]} neglect neglect neglect."
    make_pdf(src / "hostile-text.pdf", pages)
    make_pdf(src / "plain.pdf", filler_pages(2, seed="plain"))
    make_pdf(src / "catalogued-one.pdf", ["Catalogued review one about neglect."] + filler_pages(1))
    make_pdf(src / "catalogued-two.pdf", ["Catalogued review two about bruising."])
    make_pdf(
        src / "pdf-title.pdf",
        # the text prints what its PDF title says, so the (hostile) title is used
        [f"A file whose own PDF title is hostile: Report {XSS[1]} {XSS[0]}"] + filler_pages(1),
        title=f"Report {XSS[1]} {XSS[0]}",
    )

    def cell(v: str) -> str:
        return '"' + v.replace('"', '""') + '"'

    (src / "catalogue.csv").write_text(
        "file,title,case,partnership,review_type,document_kind,date,source_url,attribution\n"
        + ",".join(
            cell(v)
            for v in (
                "catalogued-one.pdf",
                f"Title {XSS[0]}",
                f"Child {XSS[1]}",
                f"Barnet {XSS[2]}",
                "scr",
                "overview-report",
                "2021-03",
                XSS[3],
                f"Attribution {XSS[0]}",
            )
        )
        + "\n"
        + ",".join(
            cell(v)
            for v in (
                "catalogued-two.pdf",
                f"Second {XSS[1]}",
                f"Child {XSS[1]}",
                f"Barnet {XSS[2]}",
                "scr",
                "action-plan",
                "2021-04",
                "https://example.org/x",
                "",
            )
        )
        + "\n",
        encoding="utf-8",
    )
    data = tmp_path_factory.mktemp("xss-var") / "var"
    report = ingest([src], data, options=IngestOptions(progress=False, workers=2))
    assert report.counts() == {"ok": 5}, report.summary()
    from web import create_app

    app = create_app({"DATA_DIR": data, "TESTING": True})
    client = app.test_client()
    docs = client.get("/search.json", query_string={"per_page": 100}).get_json()["results"]
    ids = [d["id"] for d in docs]
    cases = sorted({d["case_id"] for d in docs if d["case_id"]})
    assert len(ids) == 5 and cases
    return {"app": app, "client": client, "ids": ids, "cases": cases, "data": data}


# ---- oracles ------------------------------------------------------------------------------
VOID = {
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source",
    "track", "wbr",
}  # fmt: skip
OPTIONAL_END = {
    "p", "li", "option", "dt", "dd", "tr", "td", "th", "thead", "tbody", "tfoot", "colgroup",
    "optgroup", "rp", "rt",
}  # fmt: skip


class _Strict(HTMLParser):
    """Balanced tags, and nothing a payload could have created."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[str] = []
        self.problems: list[str] = []
        self.scripts_src: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if name.startswith("on"):
                self.problems.append(f"event handler <{tag} {name}=...>")
            if (
                name in ("href", "src", "action", "formaction")
                and value
                and value.strip().lower().startswith(("javascript:", "vbscript:", "data:text"))
            ):
                self.problems.append(f"script URL <{tag} {name}={value[:40]!r}>")
        if tag == "script":
            src = dict(attrs).get("src")
            if not src:
                self.problems.append("inline <script>")
            else:
                self.scripts_src.append(src)
        if tag in ("iframe", "object", "embed", "svg", "base"):
            self.problems.append(f"unexpected <{tag}>")
        if tag not in VOID:
            self.stack.append(tag)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        if tag not in VOID and self.stack and self.stack[-1] == tag:
            self.stack.pop()

    def handle_endtag(self, tag: str) -> None:
        if tag in VOID:
            return
        while self.stack and self.stack[-1] != tag and self.stack[-1] in OPTIONAL_END:
            self.stack.pop()
        if not self.stack or self.stack[-1] != tag:
            self.problems.append(f"unbalanced </{tag}> (open: {self.stack[-4:]})")
            return
        self.stack.pop()


def check_html(body: str) -> None:
    assert body.lstrip().lower().startswith("<!doctype html>"), body[:200]
    p = _Strict()
    p.feed(body)
    p.close()
    left = [t for t in p.stack if t not in OPTIONAL_END]
    assert not left, f"unclosed tags {left}"
    assert not p.problems, p.problems[:5]
    assert all(s.startswith("/static/") for s in p.scripts_src), p.scripts_src
    for payload in ("<script>alert(1)</script>", "<img src=x onerror", "<svg onload"):
        assert payload not in body


def check_response(resp: Any, *, allowed: tuple[int, ...] = (200, 400, 404)) -> Any:
    """Status, well-formedness and escaping of any answer; returns the parsed JSON (or None)."""
    assert resp.status_code in allowed, (resp.status_code, resp.get_data(as_text=True)[:500])
    body = resp.get_data(as_text=True)
    if resp.mimetype == "application/json":
        data = json.loads(body)
        if resp.status_code >= 400:
            assert data.get("error"), data
        return data
    assert resp.mimetype == "text/html", resp.mimetype
    check_html(body)
    if resp.status_code >= 400:
        assert 'class="error' in body or "<h1" in body
    return None


# ---- strategies ---------------------------------------------------------------------------
_text = st.text(st.characters(exclude_categories=("Cs",)), max_size=60)
_words = st.lists(
    st.sampled_from(
        ["neglect", "review", "child", "bruising", "AND", "OR", "NOT", "(", ")", '"', "*", "-",
         "+", "title:", "case:", "theme:", "year:", "type:", "kind:", "partnership:", "[", "]",
         "TO", "2019", "neg*", "?", "~", "^2", ":", "\\", "/", "&", "%", "'"]
    )
    | _text
    | st.sampled_from(XSS),
    max_size=12,
).map(" ".join)  # fmt: skip
_query = _words | _text | st.sampled_from(XSS)
_number = st.one_of(
    st.integers(-5, 3000).map(str),
    st.sampled_from(["", " ", "1.5", "1e3", "0x10", "٣", "99999999999999999999", "-0", "NaN"]),
    _text,
)
_themes = ["neglect", "physical-abuse", "bruising-non-mobile", "domestic-abuse"]
_facet_value = {
    "theme": st.sampled_from(_themes) | _text | st.sampled_from(XSS),
    "type": st.sampled_from(list(naming.REVIEW_TYPES)) | _text,
    "kind": st.sampled_from(list(naming.DOCUMENT_KINDS)) | _text,
    "partnership": st.sampled_from(["Barnet", f"Barnet {XSS[2]}", "Brent"]) | _text,
}
_search_params = st.fixed_dictionaries(
    {},
    optional={
        "q": _query,
        "theme": st.lists(_facet_value["theme"], max_size=4),
        "type": st.lists(_facet_value["type"], max_size=3),
        "kind": st.lists(_facet_value["kind"], max_size=3),
        "partnership": st.lists(_facet_value["partnership"], max_size=3),
        "year_from": _number,
        "year_to": _number,
        "sort": st.sampled_from(["relevance", "date", "date-asc"]) | _text,
        "page": _number,
        "per_page": _number,
        "format": st.sampled_from(["json", "html", "JSON", "xml"]) | _text,
        "snippets": _number,
    },
)
_unknown_params = st.dictionaries(
    _text.filter(lambda k: k not in ("q", "format")), _text, max_size=2
)


# ---- properties ---------------------------------------------------------------------------
#: examples each property really ran (checked by its test: a settings change or a strategy
#: that filters most draws away would otherwise shrink the run silently)
RUNS: Counter[str] = Counter()


def _run_property(name: str, prop: Any, site: dict[str, Any]) -> None:
    before = RUNS[name]
    prop(site)
    ran = RUNS[name] - before
    assert ran >= EXAMPLES[name], f"{name}: {ran} examples ran, {EXAMPLES[name]} expected"


@settings(max_examples=EXAMPLES["search"], **SETTINGS)
@given(params=_search_params, extra=_unknown_params, as_json=st.booleans())
def _search_never_fails(
    site: dict[str, Any], params: dict[str, Any], extra: dict[str, str], as_json: bool
) -> None:
    RUNS["search"] += 1
    params = {**extra, **params}
    path = "/search.json" if as_json else "/search"
    # (what a query may cost is bounded by the search's time budget and measured in
    # bench/crafted.py: no wall-clock assertion here, the machine may be busy)
    resp = site["client"].get(path, query_string=params)
    event(f"{'json' if as_json else 'html'} {resp.status_code}")
    data = check_response(resp)
    if data is not None and resp.status_code == 200:
        assert isinstance(data["total"], int) and isinstance(data["results"], list)


_valid_params = st.fixed_dictionaries(
    {"q": _query},
    optional={
        "theme": st.lists(st.sampled_from(_themes), max_size=2),
        "sort": st.sampled_from(["relevance", "date", "date-asc"]),
        "page": st.integers(1, 3).map(str),
        "per_page": st.integers(1, 50).map(str),
        "year_from": st.integers(2015, 2023).map(str),
    },
)


@settings(max_examples=EXAMPLES["queries"], **SETTINGS)
@given(params=_valid_params, as_json=st.booleans())
def _search_queries(site: dict[str, Any], params: dict[str, Any], as_json: bool) -> None:
    """Hostile query text with valid filters: the query parser, highlighting and facets."""
    RUNS["queries"] += 1
    path = "/search.json" if as_json else "/search"
    # (what a query may cost is bounded by the search's time budget and measured in
    # bench/crafted.py: no wall-clock assertion here, the machine may be busy)
    resp = site["client"].get(path, query_string=params)
    event(f"{'json' if as_json else 'html'} {resp.status_code}")
    data = check_response(resp, allowed=(200, 400))
    if data is not None and resp.status_code == 200:
        for hit in data["results"]:
            for h in hit["hits"]:  # snippets: escaped text with <mark> only
                check_html("<!DOCTYPE html><p>" + h["snippet"] + "</p>")


@settings(max_examples=EXAMPLES["raw"], **SETTINGS)
@given(raw=st.binary(max_size=120), key=st.sampled_from(["q", "theme", "page", "sort", "x"]))
def _raw_query_bytes(site: dict[str, Any], raw: bytes, key: str) -> None:
    """Any bytes, percent-encoded: invalid UTF-8, NULs, CR/LF, overlong sequences."""
    RUNS["raw"] += 1
    qs = f"{key}=" + "".join(f"%{b:02X}" for b in raw)
    for path in ("/search", "/search.json"):
        resp = site["client"].get(path, query_string=qs)
        event(f"{path} {resp.status_code}")
        check_response(resp)


_ids = st.one_of(
    st.sampled_from(["..", "../..", "....//", "%2e%2e", "CURRENT", "index", ".env", "-", "_"]),
    st.sampled_from(XSS),
    _text.filter(bool),
    st.from_regex(r"[a-z0-9][a-z0-9\-]{0,30}", fullmatch=True),
)


@settings(max_examples=EXAMPLES["documents"], **SETTINGS)
@given(
    data=st.data(),
    route=st.sampled_from(["doc", "doc.json", "page", "page.json", "pdf"]),
    known=st.booleans(),
    params=st.fixed_dictionaries(
        {}, optional={"page": _number, "q": _query, "format": st.sampled_from(["json", "x"])}
    ),
)
def _document_routes(
    site: dict[str, Any], data: Any, route: str, known: bool, params: dict[str, Any]
) -> None:
    RUNS["documents"] += 1
    doc_id = data.draw(st.sampled_from(site["ids"])) if known else data.draw(_ids)
    quoted = quote(doc_id, safe="")
    number = data.draw(st.integers(-3, 12))
    path = {
        "doc": f"/documents/{quoted}",
        "doc.json": f"/documents/{quoted}.json",
        "page": f"/documents/{quoted}/pages/{number}",
        "page.json": f"/documents/{quoted}/pages/{number}.json",
        "pdf": f"/documents/{quoted}/pdf",
    }[route]
    resp = site["client"].get(
        path, query_string=params if route != "pdf" else {}, follow_redirects=True
    )
    event(f"{route} {resp.status_code}")
    if route == "pdf":
        assert resp.status_code in (200, 404), resp.status_code
        if resp.status_code == 200:
            assert known and resp.data.startswith(b"%PDF-")
        else:
            check_response(resp, allowed=(404,))
        resp.close()
        return
    check_response(resp)
    if not known and doc_id not in site["ids"]:
        assert resp.status_code in (400, 404)


@settings(max_examples=EXAMPLES["cases"], **SETTINGS)
@given(
    data=st.data(),
    known=st.booleans(),
    as_json=st.booleans(),
    params=st.fixed_dictionaries({}, optional={"format": _text, "q": _query, "page": _number}),
)
def _case_routes(
    site: dict[str, Any], data: Any, known: bool, as_json: bool, params: dict[str, Any]
) -> None:
    RUNS["cases"] += 1
    case_id = data.draw(st.sampled_from(site["cases"])) if known else data.draw(_ids)
    path = f"/cases/{quote(case_id, safe='')}" + (".json" if as_json else "")
    resp = site["client"].get(path, query_string=params, follow_redirects=True)
    event(f"case {resp.status_code}")
    check_response(resp)
    if not known and case_id not in site["cases"]:
        assert resp.status_code in (400, 404)


def test_search_never_fails(site: dict[str, Any]) -> None:
    _run_property("search", _search_never_fails, site)


def test_search_queries(site: dict[str, Any]) -> None:
    _run_property("queries", _search_queries, site)


def test_raw_query_bytes(site: dict[str, Any]) -> None:
    _run_property("raw", _raw_query_bytes, site)


def test_document_routes(site: dict[str, Any]) -> None:
    _run_property("documents", _document_routes, site)


def test_case_routes(site: dict[str, Any]) -> None:
    _run_property("cases", _case_routes, site)


# ---- planted payloads ---------------------------------------------------------------------
def test_planted_payloads_come_out_escaped(site: dict[str, Any]) -> None:
    c = site["client"]
    pages = [
        "/",
        "/themes",
        "/help",
        "/search?q=hostile",
        "/search?q=catalogued",
        "/search?q=neglect&partnership=" + quote(f"Barnet {XSS[2]}"),
        "/search?q=" + quote(XSS[0]),
        "/search?q=" + quote(XSS[1]),
        "/search?q=" + quote('"' + XSS[0] + '"'),
        "/search?theme=" + quote(XSS[1]),
        "/search?sort=" + quote(XSS[0]),
        "/search?page=" + quote(XSS[1]),
        "/documents/" + quote(XSS[0], safe=""),
    ]
    for doc_id in site["ids"]:
        pages += [
            f"/documents/{doc_id}",
            f"/documents/{doc_id}?q=hostile",
            f"/documents/{doc_id}?q=" + quote(XSS[1]),
            f"/documents/{doc_id}/pages/1?q=script",
            f"/documents/{doc_id}/pages/2",
        ]
    pages += [f"/cases/{c_id}" for c_id in site["cases"]]
    seen_payload_text = 0
    for url in pages:
        resp = c.get(url)
        check_response(resp)
        body = resp.get_data(as_text=True)
        # the payload is there, as text: escaped
        if "&lt;script&gt;alert(1)&lt;/script&gt;" in body or "&lt;img src=x" in body:
            seen_payload_text += 1
        jresp = c.get(url, query_string={"format": "json"}) if "?" not in url else None
        if jresp is not None:
            check_response(jresp)
    assert seen_payload_text >= 5, "the planted payloads were never shown: the test saw nothing"
    # JSON gives the payloads back verbatim (it is data, and served as application/json)
    data = c.get("/search.json", query_string={"q": "catalogued"}).get_json()
    titles = {r["title"] for r in data["results"]}
    assert f"Title {XSS[0]}" in titles
    resp = c.get("/search.json", query_string={"q": XSS[0]})
    assert resp.mimetype == "application/json"
    assert resp.headers.get("X-Content-Type-Options") == "nosniff"


def test_security_headers(site: dict[str, Any]) -> None:
    resp = site["client"].get("/search", query_string={"q": XSS[0]})
    csp = resp.headers.get("Content-Security-Policy", "")
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp


# ---- file routes: traversal and unknown ids -----------------------------------------------
@pytest.mark.parametrize(
    "url",
    [
        "/documents/..%2F..%2F..%2Fetc%2Fpasswd/pdf",
        "/documents/%2e%2e/pdf",
        "/documents/..%2fCURRENT/pdf",
        "/documents/....%2F%2Fetc%2Fpasswd/pdf",
        "/documents/%2Fetc%2Fpasswd/pdf",
        "/documents/%252e%252e%252fetc%252fpasswd/pdf",
        "/documents/no-such-document/pdf",
        "/documents/no-such-document",
        "/documents/no-such-document.json",
        "/documents/no-such-document/pages/1",
        "/cases/no-such-case",
        "/cases/..%2F..%2Fetc%2Fpasswd",
        "/static/..%2F..%2Fapp.py",
        "/static/../app.py",
        "/static/%2e%2e/%2e%2e/pyproject.toml",
        "/static/..%5c..%5capp.py",
        "/static/%00",
        "/../../etc/passwd",
        "/documents/plain/pages/999",
        "/documents/plain/pages/0",
    ],
)
def test_traversal_and_unknown_ids_are_404(site: dict[str, Any], url: str) -> None:
    resp = site["client"].get(url, follow_redirects=True)
    assert resp.status_code == 404, (url, resp.status_code)
    assert b"root:" not in resp.data and b"SCHEMA_VERSION" not in resp.data
    assert b"[project]" not in resp.data and b"create_app" not in resp.data
    check_response(resp, allowed=(404,))


# ---- pathological query syntax ------------------------------------------------------------
PATHOLOGICAL = {
    "over-long": "neglect " * 400,
    "wildcards x40": " ".join("a*" for _ in range(40)),
    "prefix wildcards x40": " ".join(f"{chr(97 + i % 26)}{chr(97 + i // 26)}*" for i in range(40)),
    "quotes x100": '"' * 100,
    "bad range": "year:[a TO]",
    "leading wildcard": "*eglect",
    "many ORs": " OR ".join(f"w{i}" for i in range(60)),
    "control characters": "neglect\x00\x07",
}
#: refused by library/query.py (docs/architecture.md, "Queries"), each with its message
REFUSED = {
    "open parens": ("((((((((((a", "10 unclosed '('"),
    "match all": ("*:*", "leave the search box empty"),
    "empty field": ("field:", "'field:' needs a value after the colon"),
    "open range": ("year:[2020 TO", "A range needs both brackets"),
}
#: other odd syntax, answered as the plain words it holds
ODD = {
    "star": ("*", ""),  # every document
    "regex": ("r/ne.*/", "r ne"),
    "unclosed quote": ('"neglect in', "neglect in"),
    "dangling NOT": ("neglect NOT", "neglect not"),
}


@pytest.mark.parametrize("name", sorted(PATHOLOGICAL))
def test_pathological_queries_get_a_400_quickly(site: dict[str, Any], name: str) -> None:
    q = PATHOLOGICAL[name]
    for path in ("/search", "/search.json"):
        resp = site["client"].get(path, query_string={"q": q})
        assert resp.status_code == 400, (name, resp.status_code)
        check_response(resp, allowed=(400,))
        if path.endswith(".json"):
            assert resp.get_json()["error"]


@pytest.mark.parametrize("name", sorted(REFUSED))
def test_refused_syntax_is_a_400_with_its_message(site: dict[str, Any], name: str) -> None:
    q, message = REFUSED[name]
    resp = site["client"].get("/search.json", query_string={"q": q})
    assert resp.status_code == 400
    assert message in resp.get_json()["error"]
    resp = site["client"].get("/search", query_string={"q": q})
    assert resp.status_code == 400
    check_response(resp, allowed=(400,))
    assert message in html.unescape(resp.get_data(as_text=True))


@pytest.mark.parametrize("name", sorted(ODD))
def test_odd_syntax_answers_as_its_words(site: dict[str, Any], name: str) -> None:
    q, words = ODD[name]
    for path in ("/search", "/search.json"):
        check_response(site["client"].get(path, query_string={"q": q}), allowed=(200,))
    got = site["client"].get("/search.json", query_string={"q": q}).get_json()
    plain = site["client"].get("/search.json", query_string={"q": words}).get_json()
    assert [r["id"] for r in got["results"]] == [r["id"] for r in plain["results"]]
    assert got["total"] == plain["total"]
    if name == "star":
        assert got["total"] == len(site["ids"])
