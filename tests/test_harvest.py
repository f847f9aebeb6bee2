"""End-to-end harvests against a local HTTP server on 127.0.0.1 (never any other address).

The server serves HTML versions of the two seed pages (Barnet and Brent "Child Safeguarding
Practice Reviews", modelled on shared/seeds/*.txt) whose links lead to small PDFs made with
reportlab, plus the awkward cases: a 404, a 302 to a PDF, an HTML error page served as .pdf,
one file under two names, a robots.txt-disallowed path, a review detail page.
"""

from __future__ import annotations

import email.utils
import hashlib
import io
import json
import socket
import sys
import threading
import time
import types
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from click.testing import CliRunner

from indexer.harvest.harvester import (
    DEFAULT_USER_AGENT,
    LICENCE_UNKNOWN,
    STATE_NAME,
    HarvestReport,
    harvest,
)
from library.catalogue import read_catalogue
from reviewlib.harvest_cmd import harvest as harvest_cli

# ----------------------------------------------------------------------------- safety net


@pytest.fixture(autouse=True)
def loopback_only(monkeypatch: pytest.MonkeyPatch) -> None:
    """No proxies, and any connection to a non-loopback address fails the test."""
    for name in (
        "http_proxy",
        "https_proxy",
        "all_proxy",
        "HTTP_PROXY",
        "HTTPS_PROXY",
        "ALL_PROXY",
    ):
        monkeypatch.delenv(name, raising=False)
    real = socket.create_connection

    def guarded(address, *args, **kwargs):  # noqa: ANN001, ANN002, ANN003
        host = address[0]
        assert host in ("127.0.0.1", "localhost"), f"test tried to reach {host}"
        return real(address, *args, **kwargs)

    monkeypatch.setattr(socket, "create_connection", guarded)


# ------------------------------------------------------------------------ test documents


def make_pdf(*lines: str) -> bytes:
    """A small real PDF with known text (deterministic bytes)."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=A4, invariant=1)
    y = 800
    for line in lines:
        c.drawString(72, y, line)
        y -= 18
    c.showPage()
    c.save()
    return buf.getvalue()


def make_docx(text: str) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr(
            "[Content_Types].xml",
            '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-'
            'officedocument.wordprocessingml.document.main+xml"/></Types>',
        )
        zf.writestr(
            "word/document.xml",
            '<?xml version="1.0"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
            f"<w:body><w:p><w:r><w:t>{text}</w:t></w:r></w:p></w:body></w:document>",
        )
    return buf.getvalue()


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


BARNET_HTML = """<!DOCTYPE html>
<html><head><meta charset="utf-8">
<title>Child Safeguarding Practice Reviews | Barnet Safeguarding Children Partnership</title></head>
<body>
<nav><a href="/">Home</a> <a href="/barnet/cspr">Child Safeguarding Practice Reviews</a></nav>
<header><p>The Barnet Safeguarding Children Partnership</p></header>
<h1>Child Safeguarding Practice Reviews</h1>
<p>If a child is in immediate danger please call 999</p>
<p>At the Rapid Review a decision is made about whether a Child Safeguarding Practice Review
(formerly known as a Serious Case Review or SCR) should be carried out.</p>
<p>For more information about Rapid Reviews and the referral pathway, see
<a href="/docs/referral.pdf">Barnet's referral document</a>.</p>
<h3>Learning Review Child G, July 2019</h3>
<p><a href="/docs/child-g-briefing-note.pdf">Briefing note: Child G</a></p>
<p><a href="/docs/nmc-protocol-2019.pdf">Non-mobile children bruising and injury protocol 2019</a></p>
<p><a href="/docs/nmc-pathway-2019.docx">Pathway for non-mobile children bruising and injury 2019</a></p>
<p><a href="/docs/leaflet.pdf">Leaflet for parents and carers</a></p>
<h3>SCR Child E, January 2018</h3>
<p><a href="/docs/child-e-report.pdf">Child E report</a></p>
<p><a href="/docs/Child%20E%20report%20(final).pdf">Child E report (accessible version)</a></p>
<p><a href="/old/child-e-action-plan.pdf">Child E action plan</a></p>
<h3>SCR Child A, May 2016</h3>
<p><a href="/docs/child-a-report.pdf">Child A report</a></p>
<h3>SCR Child D, April 2009</h3>
<p><a href="/private/child-d-executive-summary.pdf">Child D executive summary</a></p>
<h3>SCR Child S, 2008</h3>
<p><a href="/barnet/cspr/child-s">Child S</a></p>
<h3>Further information</h3>
<p>The NSPCC website contains a library of all Serious Case Reviews conducted in England.</p>
<p><a href="mailto:lscb@example.invalid">Email us</a></p>
</body></html>
"""

CHILD_S_HTML = """<html><head><title>Child S | Barnet Safeguarding Children Partnership</title></head>
<body><h1>SCR Child S, 2008</h1><p><a href="/docs/child-s-report.pdf">Child S report</a></p></body></html>
"""

BRENT_HTML = """<html><head><title>Child Safeguarding Practice Reviews - Safeguarding Children in Brent</title></head>
<body>
<p>Safeguarding Children in Brent - Logo</p>
<h1>Child Safeguarding Practice Reviews</h1>
<p>Page Update 23/04/2021</p>
<h2>Local Child Safeguarding Practice Reviews</h2>
<p>To view this procedure please <a href="/brent/lcspr-procedure">click here</a></p>
<h2>Serious Case Reviews</h2>
<p>The process above has replaced the Serious Case Review (SCR) process previously undertaken by Brent LSCB.</p>
<h3>Child K SCR</h3>
<p><a href="/brent/child-k-scr.pdf">Click here</a> to view the most recent SCR conducted by Brent LSCB,
published on 23 April 2021.</p>
<p>Requests can be made for copies of previously published Brent SCR reports.</p>
<p><a href="/brent/request-form">CLICK HERE</a> to submit a request for a previously published Serious
Case Review Report. (Published by Brent LSCB)</p>
</body></html>
"""

ERROR_PAGE = (
    b"<!DOCTYPE html><html><head><title>Page not found</title></head><body>Sorry</body></html>"
)
ROBOTS = b"User-agent: *\nDisallow: /private/\n"


# --------------------------------------------------------------------------------- server


@dataclass
class Resource:
    body: bytes
    content_type: str = "application/pdf"
    status: int = 200
    location: str | None = None
    etag: str | None = None
    last_modified: str | None = None
    truncate_once: bool = False  # first GET: announce the full length, send half, hang up
    delay: float = 0.0

    def __post_init__(self) -> None:
        if self.status == 200 and self.etag is None:
            self.etag = f'"{sha(self.body)[:16]}"'
        if self.status == 200 and self.last_modified is None:
            self.last_modified = email.utils.formatdate(1_600_000_000, usegmt=True)


@dataclass
class Hit:
    path: str
    headers: dict[str, str]
    status: int
    time: float


@dataclass
class Site:
    routes: dict[str, Resource] = field(default_factory=dict)
    log: list[Hit] = field(default_factory=list)
    port: int = 0

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def hits(self, path: str) -> list[Hit]:
        return [h for h in self.log if h.path == path]

    def statuses(self, path: str) -> list[int]:
        return [h.status for h in self.hits(path)]


def _handler(site: Site) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, format: str, *args: object) -> None:  # noqa: A002
            pass

        def _send(
            self, status: int, headers: dict[str, str], body: bytes = b"", *, cut: int | None = None
        ) -> None:
            site.log.append(
                Hit(
                    self.path,
                    {k.lower(): v for k, v in self.headers.items()},
                    status,
                    time.monotonic(),
                )
            )
            self.send_response(status)
            for k, v in headers.items():
                self.send_header(k, v)
            self.send_header("Content-Length", str(len(body)))
            if cut is not None:
                self.send_header("Connection", "close")
            self.end_headers()
            self.wfile.write(body if cut is None else body[:cut])
            self.wfile.flush()
            if cut is not None:
                self.close_connection = True

        def do_GET(self) -> None:  # noqa: N802
            res = site.routes.get(self.path)
            if res is None:
                self._send(404, {"Content-Type": "text/html"}, ERROR_PAGE)
                return
            if res.delay:
                time.sleep(res.delay)
            if res.location:
                self._send(res.status, {"Location": res.location})
                return
            headers = {"Content-Type": res.content_type}
            if res.etag:
                headers["ETag"] = res.etag
            if res.last_modified:
                headers["Last-Modified"] = res.last_modified
            inm = self.headers.get("If-None-Match")
            ims = self.headers.get("If-Modified-Since")
            if res.status == 200 and (
                (inm and inm == res.etag) or (not inm and ims and ims == res.last_modified)
            ):
                site.log.append(
                    Hit(
                        self.path,
                        {k.lower(): v for k, v in self.headers.items()},
                        304,
                        time.monotonic(),
                    )
                )
                self.send_response(304)
                self.send_header("ETag", res.etag or "")
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            rng = self.headers.get("Range")
            if (
                rng
                and res.status == 200
                and self.headers.get("If-Range") in (res.etag, res.last_modified)
            ):
                start = int(rng.split("=")[1].split("-")[0])
                headers["Content-Range"] = f"bytes {start}-{len(res.body) - 1}/{len(res.body)}"
                self._send(206, headers, res.body[start:])
                return
            if res.truncate_once:
                res.truncate_once = False
                self._send(res.status, headers, res.body, cut=len(res.body) // 2)
                return
            self._send(res.status, headers, res.body)

    return Handler


class _QuietServer(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False

    def handle_error(self, request: object, client_address: object) -> None:
        pass  # clients that hang up early (size limit, timeout) are part of the tests


@pytest.fixture
def site() -> Iterator[Site]:
    s = Site()
    server = _QuietServer(("127.0.0.1", 0), _handler(s))
    s.port = server.server_address[1]
    thread = threading.Thread(
        target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
    )
    thread.start()
    try:
        yield s
    finally:
        server.shutdown()
        server.server_close()


# The PDFs the seed pages link to, with known text.
DOCS = {
    "/docs/child-g-briefing-note.pdf": make_pdf(
        "Briefing note: Child G", "Bruising in a non-mobile baby."
    ),
    "/docs/nmc-protocol-2019.pdf": make_pdf(
        "Non-mobile children bruising and injury protocol 2019"
    ),
    "/docs/child-e-report.pdf": make_pdf("SCR Child E overview report", "Professional curiosity."),
    "/docs/child-e-action-plan-v2.pdf": make_pdf("Child E action plan"),
    "/docs/child-s-report.pdf": make_pdf("SCR Child S report 2008"),
    "/brent/child-k-scr.pdf": make_pdf(
        "Brent LSCB Serious Case Review Child K", "Published 23 April 2021"
    ),
}
DOCX = make_docx("Pathway for non-mobile children bruising and injury 2019")


def build_seed_site(site: Site) -> None:
    r = site.routes
    r["/robots.txt"] = Resource(ROBOTS, "text/plain")
    r["/barnet/cspr"] = Resource(BARNET_HTML.encode(), "text/html; charset=utf-8")
    r["/barnet/cspr/child-s"] = Resource(CHILD_S_HTML.encode(), "text/html; charset=utf-8")
    r["/brent/cspr"] = Resource(BRENT_HTML.encode(), "text/html")
    for path, body in DOCS.items():
        r[path] = Resource(body)
    r["/docs/nmc-pathway-2019.docx"] = Resource(
        DOCX, "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    )
    # /docs/leaflet.pdf is missing: 404
    r["/docs/Child%20E%20report%20(final).pdf"] = Resource(
        DOCS["/docs/child-e-report.pdf"]
    )  # same file
    r["/old/child-e-action-plan.pdf"] = Resource(
        b"", status=302, location="/docs/child-e-action-plan-v2.pdf"
    )
    r["/docs/child-a-report.pdf"] = Resource(
        ERROR_PAGE, "text/html"
    )  # an error page served as .pdf
    r["/private/child-d-executive-summary.pdf"] = Resource(make_pdf("never fetched"))


def by_url(report: HarvestReport, site: Site) -> dict[str, tuple[str, str | None]]:
    prefix = site.url("")
    return {r.url.removeprefix(prefix): (r.status, r.file) for r in report.documents}


def run(site: Site, dest: Path, **kwargs: object) -> HarvestReport:
    return harvest(
        [site.url("/barnet/cspr"), site.url("/brent/cspr")], dest, rate_limit=0, **kwargs
    )


# ---------------------------------------------------------------------------------- tests


def test_end_to_end_seed_pages(site: Site, tmp_path: Path) -> None:
    build_seed_site(site)
    dest = tmp_path / "harvest"
    report = run(site, dest)

    assert [(r.status, r.entries) for r in report.listings] == [("parsed", 5), ("parsed", 1)]
    assert by_url(report, site) == {
        "/docs/child-g-briefing-note.pdf": ("downloaded", "barnet/child-g-briefing-note.pdf"),
        "/docs/nmc-protocol-2019.pdf": ("downloaded", "barnet/child-g-protocol.pdf"),
        "/docs/nmc-pathway-2019.docx": ("downloaded", "barnet/child-g-pathway.docx"),
        "/docs/leaflet.pdf": ("http-error", None),
        "/docs/child-e-report.pdf": ("downloaded", "barnet/child-e-overview-report.pdf"),
        "/docs/Child%20E%20report%20(final).pdf": (
            "duplicate",
            "barnet/child-e-overview-report.pdf",
        ),
        "/old/child-e-action-plan.pdf": ("downloaded", "barnet/child-e-action-plan.pdf"),
        "/docs/child-a-report.pdf": ("not-a-document", None),
        "/private/child-d-executive-summary.pdf": ("robots-disallowed", None),
        "/docs/child-s-report.pdf": ("downloaded", "barnet/child-s-overview-report.pdf"),
        "/brent/child-k-scr.pdf": ("downloaded", "brent/child-k-overview-report.pdf"),
    }
    results = {r.url.removeprefix(site.url("")): r for r in report.documents}
    assert results["/docs/leaflet.pdf"].http_status == 404
    assert "HTML page" in results["/docs/child-a-report.pdf"].reason
    assert "robots.txt" in results["/private/child-d-executive-summary.pdf"].reason
    assert results["/old/child-e-action-plan.pdf"].final_url == site.url(
        "/docs/child-e-action-plan-v2.pdf"
    )
    assert [r.status for r in report.results if r.role == "detail"] == ["parsed"]

    # politeness: robots.txt read once, the disallowed path never requested, our User-Agent
    assert len(site.hits("/robots.txt")) == 1
    assert site.hits("/private/child-d-executive-summary.pdf") == []
    assert {h.headers.get("user-agent") for h in site.log} == {DEFAULT_USER_AGENT}
    assert site.hits("/brent/request-form") == [] and site.hits("/brent/lcspr-procedure") == []
    assert site.hits("/docs/referral.pdf") == []  # linked before any review

    # files on disk are the served bytes; the duplicate is stored once; no leftovers
    for rel, path in [
        ("barnet/child-g-briefing-note.pdf", "/docs/child-g-briefing-note.pdf"),
        ("barnet/child-e-overview-report.pdf", "/docs/child-e-report.pdf"),
        ("barnet/child-e-action-plan.pdf", "/docs/child-e-action-plan-v2.pdf"),
        ("brent/child-k-overview-report.pdf", "/brent/child-k-scr.pdf"),
    ]:
        assert (dest / rel).read_bytes() == DOCS[path]
    assert (dest / "barnet/child-g-pathway.docx").read_bytes() == DOCX
    stored = sorted(
        rel
        for rel in (p.relative_to(dest).as_posix() for p in dest.rglob("*") if p.is_file())
        if not rel.startswith(".")
    )
    assert stored == [
        "barnet/child-e-action-plan.pdf",
        "barnet/child-e-overview-report.pdf",
        "barnet/child-g-briefing-note.pdf",
        "barnet/child-g-pathway.docx",
        "barnet/child-g-protocol.pdf",
        "barnet/child-s-overview-report.pdf",
        "brent/child-k-overview-report.pdf",
        "catalogue.csv",
    ]
    assert list(dest.rglob("*.part")) == []

    # the text really is in the PDF
    from pdfminer.high_level import extract_text

    assert "Professional curiosity." in extract_text(
        str(dest / "barnet/child-e-overview-report.pdf")
    )

    # catalogue rows
    rows = {
        p.relative_to(dest.resolve()).as_posix(): r
        for p, r in read_catalogue(dest / "catalogue.csv").items()
    }
    assert sorted(rows) == [p for p in stored if p != "catalogue.csv"]
    got = {
        rel: (
            r.get("case"),
            r.get("case_id"),
            r.get("partnership"),
            r.get("review_type"),
            r.get("document_kind"),
            r.get("date"),
        )
        for rel, r in rows.items()
    }
    assert got == {
        "barnet/child-g-briefing-note.pdf": (
            "Child G",
            "barnet-child-g",
            "Barnet",
            "learning-review",
            "briefing-note",
            "2019-07",
        ),
        "barnet/child-g-protocol.pdf": (
            "Child G",
            "barnet-child-g",
            "Barnet",
            "learning-review",
            "protocol",
            "2019-07",
        ),
        "barnet/child-g-pathway.docx": (
            "Child G",
            "barnet-child-g",
            "Barnet",
            "learning-review",
            "pathway",
            "2019-07",
        ),
        "barnet/child-e-overview-report.pdf": (
            "Child E",
            "barnet-child-e",
            "Barnet",
            "scr",
            "overview-report",
            "2018-01",
        ),
        "barnet/child-e-action-plan.pdf": (
            "Child E",
            "barnet-child-e",
            "Barnet",
            "scr",
            "action-plan",
            "2018-01",
        ),
        "barnet/child-s-overview-report.pdf": (
            "Child S",
            "barnet-child-s",
            "Barnet",
            "scr",
            "overview-report",
            "2008",
        ),
        "brent/child-k-overview-report.pdf": (
            "Child K",
            "brent-child-k",
            "Brent",
            "scr",
            "overview-report",
            "2021-04-23",
        ),
    }
    e_report = rows["barnet/child-e-overview-report.pdf"]
    assert e_report.get("title") == "SCR Child E, January 2018: Overview report"
    assert e_report.get("source_url") == site.url("/docs/child-e-report.pdf")
    assert e_report.get("licence") == LICENCE_UNKNOWN
    assert e_report.get("sha256") == sha(DOCS["/docs/child-e-report.pdf"])
    assert site.url("/docs/Child%20E%20report%20(final).pdf") in e_report.get("notes")
    assert site.url("/barnet/cspr") in e_report.get("notes")
    plan = rows["barnet/child-e-action-plan.pdf"]
    assert plan.get("source_url") == site.url("/old/child-e-action-plan.pdf")
    assert "Redirected to " + site.url("/docs/child-e-action-plan-v2.pdf") in plan.get("notes")
    for rel, r in rows.items():
        assert r.get("sha256") == sha((dest / rel).read_bytes())

    state = json.loads((dest / STATE_NAME).read_text())
    assert (
        state["urls"][site.url("/docs/child-e-report.pdf")]["file"]
        == "barnet/child-e-overview-report.pdf"
    )
    assert state["files"]["barnet/child-e-overview-report.pdf"]["aliases"] == [
        site.url("/docs/Child%20E%20report%20(final).pdf")
    ]
    json.dumps(report.to_dict())  # the report serialises


def test_reharvest_is_conditional_then_fetches_a_changed_file(site: Site, tmp_path: Path) -> None:
    build_seed_site(site)
    dest = tmp_path / "harvest"
    run(site, dest)
    catalogue_before = (dest / "catalogue.csv").read_text()
    first = len(site.log)

    second = run(site, dest)
    log2 = site.log[first:]
    stored_paths = [
        "/docs/child-g-briefing-note.pdf",
        "/docs/nmc-protocol-2019.pdf",
        "/docs/nmc-pathway-2019.docx",
        "/docs/child-e-report.pdf",
        "/docs/Child%20E%20report%20(final).pdf",
        "/docs/child-e-action-plan-v2.pdf",
        "/docs/child-s-report.pdf",
        "/brent/child-k-scr.pdf",
    ]
    for path in [*stored_paths, "/barnet/cspr", "/brent/cspr", "/barnet/cspr/child-s"]:
        hits = [h for h in log2 if h.path == path]
        assert [h.status for h in hits] == [304], path
        assert hits[0].headers.get("if-none-match")
    # nothing new was downloaded: besides robots.txt (read afresh each run), every 200 of the
    # second run is a failure that is retried
    assert {h.path for h in log2 if h.status == 200} == {"/robots.txt", "/docs/child-a-report.pdf"}
    assert {s for s, _f in by_url(second, site).values()} == {
        "not-modified",
        "http-error",
        "not-a-document",
        "robots-disallowed",
    }
    assert (dest / "catalogue.csv").read_text() == catalogue_before

    # the partnership publishes a corrected briefing note
    new_note = make_pdf("Briefing note: Child G (revised)", "Updated learning.")
    site.routes["/docs/child-g-briefing-note.pdf"] = Resource(new_note)
    mark = len(site.log)
    third = run(site, dest)
    assert by_url(third, site)["/docs/child-g-briefing-note.pdf"] == (
        "updated",
        "barnet/child-g-briefing-note.pdf",
    )
    assert (dest / "barnet/child-g-briefing-note.pdf").read_bytes() == new_note
    assert [h.status for h in site.log[mark:] if h.path == "/docs/child-g-briefing-note.pdf"] == [
        200
    ]
    assert sorted({h.path for h in site.log[mark:] if h.status == 200}) == [
        "/docs/child-a-report.pdf",
        "/docs/child-g-briefing-note.pdf",
        "/robots.txt",
    ]
    rows = read_catalogue(dest / "catalogue.csv")
    row = rows[(dest / "barnet/child-g-briefing-note.pdf").resolve()]
    assert row.get("sha256") == sha(new_note)
    assert len(rows) == 7


def test_hand_edits_in_the_catalogue_survive_a_reharvest(site: Site, tmp_path: Path) -> None:
    build_seed_site(site)
    dest = tmp_path / "harvest"
    run(site, dest)
    csv_path = dest / "catalogue.csv"
    csv_path.write_text(
        csv_path.read_text().replace("Child K,brent-child-k", "Child K (corrected),brent-child-k")
    )
    run(site, dest)
    row = read_catalogue(csv_path)[(dest / "brent/child-k-overview-report.pdf").resolve()]
    assert row.get("case") == "Child K (corrected)"


def test_interrupted_download_resumes_from_part_file(site: Site, tmp_path: Path) -> None:
    body = make_pdf(*(f"Line {i} of a long overview report about Child K." for i in range(40)))
    site.routes["/robots.txt"] = Resource(b"", "text/plain", status=404)
    site.routes["/brent/cspr"] = Resource(BRENT_HTML.encode(), "text/html")
    site.routes["/brent/child-k-scr.pdf"] = Resource(body, truncate_once=True)
    dest = tmp_path / "h"
    first = harvest([site.url("/brent/cspr")], dest, rate_limit=0)
    (res,) = first.documents
    assert res.status == "network-error" and "resumed next run" in res.reason
    parts = list(dest.rglob("*.part"))
    assert len(parts) == 1 and 0 < parts[0].stat().st_size < len(body)
    part_size = parts[0].stat().st_size
    assert not (dest / "brent").exists()

    second = harvest([site.url("/brent/cspr")], dest, rate_limit=0)
    (res,) = second.documents
    assert (res.status, res.file, res.http_status) == (
        "downloaded",
        "brent/child-k-overview-report.pdf",
        206,
    )
    assert (dest / res.file).read_bytes() == body
    last = site.hits("/brent/child-k-scr.pdf")[-1]
    assert last.headers.get("range") == f"bytes={part_size}-"
    assert list(dest.rglob("*.part")) == []


def test_rate_limit_per_host(site: Site, tmp_path: Path) -> None:
    site.routes["/robots.txt"] = Resource(b"User-agent: *\nAllow: /\n", "text/plain")
    site.routes["/brent/cspr"] = Resource(BRENT_HTML.encode(), "text/html")
    site.routes["/brent/child-k-scr.pdf"] = Resource(DOCS["/brent/child-k-scr.pdf"])
    harvest([site.url("/brent/cspr")], tmp_path / "h", rate_limit=0.3)
    times = [h.time for h in site.log]
    assert len(times) == 3  # robots.txt, the page, the PDF
    gaps = [b - a for a, b in zip(times, times[1:], strict=False)]
    assert min(gaps) >= 0.25, gaps


def test_crawl_delay_from_robots_is_honoured(tmp_path: Path, site: Site) -> None:
    from indexer.harvest.fetch import Fetcher

    site.routes["/robots.txt"] = Resource(b"User-agent: *\nCrawl-delay: 7\n", "text/plain")
    site.routes["/brent/cspr"] = Resource(BRENT_HTML.encode(), "text/html")
    site.routes["/brent/child-k-scr.pdf"] = Resource(DOCS["/brent/child-k-scr.pdf"])
    now = [1000.0]
    slept: list[float] = []

    def fake_sleep(s: float) -> None:
        slept.append(s)
        now[0] += s

    fetcher = Fetcher(
        user_agent=DEFAULT_USER_AGENT, rate_limit=1, sleep=fake_sleep, clock=lambda: now[0]
    )
    report = harvest([site.url("/brent/cspr")], tmp_path / "h", fetcher=fetcher)
    assert [r.status for r in report.documents] == ["downloaded"]
    assert slept and all(abs(s - 7) < 1e-6 for s in slept[1:])


def test_timeouts_too_large_and_bad_urls_are_reported(site: Site, tmp_path: Path) -> None:
    page = """<html><body><h1>Serious Case Reviews</h1>
    <h3>SCR Child T, 2019</h3><p><a href="/slow.pdf">Child T report</a></p>
    <h3>SCR Child U, 2020</h3><p><a href="/big.pdf">Child U report</a></p>
    <h3>SCR Child V, 2021</h3><p><a href="ftp://127.0.0.1/v.pdf">Child V report</a></p>
    </body></html>"""
    site.routes["/robots.txt"] = Resource(b"", "text/plain", status=404)
    site.routes["/scr"] = Resource(page.encode(), "text/html")
    site.routes["/slow.pdf"] = Resource(make_pdf("slow"), delay=1.5)
    site.routes["/big.pdf"] = Resource(make_pdf(*(["x" * 80] * 40)))
    report = harvest(
        [site.url("/scr"), "file:///etc/passwd", site.url("/nowhere")],
        tmp_path / "h",
        rate_limit=0,
        timeout=0.5,
        max_bytes=1500,
        partnership="Testshire",
    )
    statuses = {r.url.removeprefix(site.url("")): r.status for r in report.results}
    assert statuses == {
        "/scr": "parsed",
        "/slow.pdf": "timeout",
        "/big.pdf": "too-large",
        "ftp://127.0.0.1/v.pdf": "bad-url",
        "file:///etc/passwd": "bad-url",
        "/nowhere": "http-error",
    }
    assert not any((tmp_path / "h").rglob("*.pdf"))


def test_robots_unavailable_means_nothing_is_fetched(site: Site, tmp_path: Path) -> None:
    site.routes["/robots.txt"] = Resource(b"oops", "text/plain", status=503)
    site.routes["/brent/cspr"] = Resource(BRENT_HTML.encode(), "text/html")
    report = harvest([site.url("/brent/cspr")], tmp_path / "h", rate_limit=0)
    (listing,) = report.results
    assert listing.status == "robots-disallowed" and "unavailable" in listing.reason
    assert [h.path for h in site.log] == ["/robots.txt"]


def test_changed_owner_file_does_not_leave_stale_alias(site: Site, tmp_path: Path) -> None:
    build_seed_site(site)
    dest = tmp_path / "harvest"
    run(site, dest)
    new_report = make_pdf("SCR Child E overview report, second edition")
    site.routes["/docs/child-e-report.pdf"] = Resource(new_report)
    report = run(site, dest)
    got = by_url(report, site)
    assert got["/docs/child-e-report.pdf"] == ("updated", "barnet/child-e-overview-report.pdf")
    # the other name still serves the first edition, now kept as its own file
    assert got["/docs/Child%20E%20report%20(final).pdf"] == (
        "downloaded",
        "barnet/child-e-overview-report-2.pdf",
    )
    assert (dest / "barnet/child-e-overview-report-2.pdf").read_bytes() == DOCS[
        "/docs/child-e-report.pdf"
    ]


# ------------------------------------------------------------------------------------- CLI


def test_cli_summary_json_and_ingest(
    site: Site, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)  # the default data dir is relative: keep it in tmp_path
    monkeypatch.setenv("REVIEWLIB_DATA", str(tmp_path / "env-data"))
    build_seed_site(site)
    runner = CliRunner()
    data_dir = tmp_path / "var"
    result = runner.invoke(
        harvest_cli, [site.url("/brent/cspr"), "--rate-limit", "0"], obj={"data_dir": data_dir}
    )
    assert result.exit_code == 0, result.output
    assert "downloaded" in result.output and "brent/child-k-overview-report.pdf" in result.output
    assert (data_dir / "harvest" / "brent/child-k-overview-report.pdf").is_file()

    calls: list[tuple[list[Path], Path]] = []
    fake = types.ModuleType("indexer.pipeline")

    def ingest(paths: list[Path], *, data_dir: Path) -> dict[str, int]:
        calls.append((paths, data_dir))
        return {"indexed": 1}

    fake.ingest = ingest  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "indexer.pipeline", fake)
    dest = tmp_path / "elsewhere"
    result = runner.invoke(
        harvest_cli,
        [
            site.url("/brent/cspr"),
            "--rate-limit",
            "0",
            "--dest",
            str(dest),
            "--partnership",
            "Brent",
            "--json",
            "--ingest",
        ],
        obj={"data_dir": data_dir},
    )
    assert result.exit_code == 0, result.output
    out = json.loads(result.output)
    assert out["counts"] == {"downloaded": 1, "parsed": 1}
    assert out["ingest"] == {"indexed": 1}
    assert calls == [([dest], data_dir)]

    monkeypatch.setitem(sys.modules, "indexer.pipeline", None)  # import fails
    result = runner.invoke(
        harvest_cli, [site.url("/brent/cspr"), "--rate-limit", "0", "--ingest"], obj={}
    )
    assert (tmp_path / "env-data" / "harvest" / STATE_NAME).is_file()  # $REVIEWLIB_DATA
    assert result.exit_code != 0
    assert "indexer.pipeline" in result.output


def test_cli_default_data_dir_and_url_check(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    runner = CliRunner()
    result = runner.invoke(harvest_cli, ["ftp://example.invalid/x"])
    assert result.exit_code != 0 and "http/https" in result.output
    monkeypatch.setenv("REVIEWLIB_DATA", str(tmp_path / "data"))
    monkeypatch.chdir(tmp_path)
    # a refused connection on loopback: reported, exit status 1, nothing crashes
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    result = runner.invoke(harvest_cli, [f"http://127.0.0.1:{port}/cspr", "--rate-limit", "0"])
    assert result.exit_code == 1
    assert "robots-disallowed" in result.output or "network-error" in result.output
    assert (tmp_path / "data" / "harvest" / STATE_NAME).is_file()
