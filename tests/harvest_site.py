"""A local HTTP site for the harvester tests (127.0.0.1 only), its documents and fixtures.

The server serves HTML versions of the two seed pages (Barnet and Brent "Child Safeguarding
Practice Reviews", modelled on shared/seeds/*.txt) whose links lead to small PDFs made with
reportlab, plus the awkward cases: a 404, a 302 to a PDF, an HTML error page served as .pdf,
one file under two names, a robots.txt-disallowed path, a review detail page, a server that
drips its answer one byte at a time. Each test module wraps ``serve_site`` and
``guard_connections`` in its own fixtures (fixtures imported from here would trip the linter).
"""

from __future__ import annotations

import email.utils
import hashlib
import io
import socket
import ssl
import threading
import time
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from indexer.harvest.harvester import HarvestReport, harvest

# The test server is on loopback, which the harvester refuses unless told otherwise.
LOOPBACK_OK = {"allow_private": True}

# ----------------------------------------------------------------------------- safety net


@dataclass
class Connections:
    """Every address the code under test tried to connect to."""

    attempted: list[str] = field(default_factory=list)


def guard_connections(monkeypatch: pytest.MonkeyPatch) -> Connections:
    """No proxies; connections are recorded, and one to a non-loopback address fails the test."""
    for name in (
        "http_proxy",
        "https_proxy",
        "all_proxy",
        "HTTP_PROXY",
        "HTTPS_PROXY",
        "ALL_PROXY",
    ):
        monkeypatch.delenv(name, raising=False)
    seen = Connections()
    real = socket.create_connection

    def guarded(address, *args, **kwargs):  # noqa: ANN001, ANN002, ANN003
        host = address[0]
        seen.attempted.append(host)
        assert host in ("127.0.0.1", "::1", "localhost"), f"test tried to reach {host}"
        return real(address, *args, **kwargs)

    monkeypatch.setattr(socket, "create_connection", guarded)
    return seen


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


#: the documents of Child G as both Barnet listing pages (this site's and the parser tests') link them
CHILD_G_LINKS = """<h3>Learning Review Child G, July 2019</h3>
<p><a href="/docs/child-g-briefing-note.pdf">Briefing note: Child G</a></p>
<p><a href="/docs/nmc-protocol-2019.pdf">Non-mobile children bruising and injury protocol 2019</a></p>
<p><a href="/docs/nmc-pathway-2019.docx">Pathway for non-mobile children bruising and injury 2019</a></p>
<p><a href="/docs/leaflet.pdf">Leaflet for parents and carers</a></p>
"""

BARNET_HTML = (
    """<!DOCTYPE html>
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
"""
    + CHILD_G_LINKS
    + """<h3>SCR Child E, January 2018</h3>
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
)

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
    drip: float = 0.0  # send the body one byte every `drip` seconds
    drip_head: bool = False  # ... and the status line and headers too

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
    host: str = "127.0.0.1"  # the name its URLs use
    scheme: str = "http"
    connections: int = 0  # TCP connections accepted
    stopped: threading.Event = field(default_factory=threading.Event)

    def url(self, path: str) -> str:
        return f"{self.scheme}://{self.host}:{self.port}{path}"

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

        def _drip(self, res: Resource) -> None:
            site.log.append(
                Hit(
                    self.path,
                    {k.lower(): v for k, v in self.headers.items()},
                    200,
                    time.monotonic(),
                )
            )
            head = (
                f"HTTP/1.1 200 OK\r\nContent-Type: {res.content_type}\r\n"
                f"Content-Length: {len(res.body)}\r\nConnection: close\r\n\r\n"
            ).encode()
            self.close_connection = True
            if not res.drip_head:
                self.wfile.write(head)
                self.wfile.flush()
                head = b""
            for i in range(len(head) + len(res.body)):
                byte = (head + res.body)[i : i + 1]
                if site.stopped.wait(res.drip):
                    return
                try:
                    self.wfile.write(byte)
                    self.wfile.flush()
                except OSError:
                    return  # the client gave up: what the tests expect

        def do_GET(self) -> None:  # noqa: N802
            res = site.routes.get(self.path)
            if res is None:
                self._send(404, {"Content-Type": "text/html"}, ERROR_PAGE)
                return
            if res.delay:
                time.sleep(res.delay)
            if res.drip:
                self._drip(res)
                return
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
    site: Site

    def verify_request(self, request: object, client_address: object) -> bool:
        self.site.connections += 1
        return True

    def handle_error(self, request: object, client_address: object) -> None:
        pass  # clients that hang up early (size limit, timeout) are part of the tests


def make_tls_cert(folder: Path) -> tuple[Path, Path]:
    """A self-signed certificate for ``localhost`` and 127.0.0.1: (cert.pem, key.pem)."""
    import datetime as dt
    import ipaddress

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "localhost")])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=2))
        .add_extension(
            x509.SubjectAlternativeName(
                [x509.DNSName("localhost"), x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]
            ),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    folder.mkdir(parents=True, exist_ok=True)
    cert_path, key_path = folder / "cert.pem", folder / "key.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return cert_path, key_path


def serve_site(host: str = "127.0.0.1", tls: tuple[Path, Path] | None = None) -> Iterator[Site]:
    """Serve a :class:`Site` on 127.0.0.1 (its URLs name it ``host``) until closed.

    With ``tls`` (cert, key) it speaks HTTPS; clients trust it through ``SSL_CERT_FILE``.
    """
    s = Site(host=host, scheme="https" if tls else "http")
    server = _QuietServer(("127.0.0.1", 0), _handler(s))
    if tls:
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        ctx.load_cert_chain(*tls)
        # the handshake is made by the handler's thread, not by the accepting one
        server.socket = ctx.wrap_socket(
            server.socket, server_side=True, do_handshake_on_connect=False
        )
    server.site = s
    s.port = server.server_address[1]
    thread = threading.Thread(
        target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
    )
    thread.start()
    try:
        yield s
    finally:
        s.stopped.set()  # ends dripping answers
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
    """Harvest both seed listings from ``site`` (loopback allowed, no rate limit)."""
    return harvest(
        [site.url("/barnet/cspr"), site.url("/brent/cspr")],
        dest,
        rate_limit=0,
        **{**LOOPBACK_OK, **kwargs},
    )
