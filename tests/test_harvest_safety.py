"""The harvester stays on the site it was given, on public addresses, and within its deadline.

Real HTTP servers on 127.0.0.1 (harvest_site.py); the only stand-in is DNS, for host names
that must resolve to a given address (the internet, and so real DNS, is not reachable here).
Every connection attempt is recorded: "refused before any connection" is checked on that
record and on the servers' own count of accepted connections, never on an address being
unroutable.
"""

from __future__ import annotations

import ipaddress
import socket
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner
from harvest_site import (
    LOOPBACK_OK,
    Connections,
    Resource,
    Site,
    guard_connections,
    make_pdf,
    make_tls_cert,
    serve_site,
)

from indexer.harvest.harvester import HarvestReport, harvest
from indexer.harvest.netpolicy import (
    AddressPolicy,
    HostScope,
    address_category,
    parse_host_pattern,
    parse_network,
)
from reviewlib.harvest_cmd import harvest as harvest_cli


@pytest.fixture(autouse=True)
def connections(monkeypatch: pytest.MonkeyPatch) -> Connections:
    """Every connection attempt, recorded; one to a non-loopback address fails the test."""
    return guard_connections(monkeypatch)


@pytest.fixture
def site() -> Iterator[Site]:
    """The site being harvested: 127.0.0.1."""
    yield from serve_site()


@pytest.fixture
def other() -> Iterator[Site]:
    """Another host: a second loopback server whose URLs say ``localhost``."""
    yield from serve_site("localhost")


@pytest.fixture
def tls_site(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Site]:
    """An HTTPS site at ``localhost``, its self-signed certificate trusted via SSL_CERT_FILE."""
    cert, key = make_tls_cert(tmp_path / "tls")
    monkeypatch.setenv("SSL_CERT_FILE", str(cert))
    yield from serve_site("localhost", tls=(cert, key))


@pytest.fixture
def fake_dns(monkeypatch: pytest.MonkeyPatch) -> dict[str, list[str]]:
    """Names under ``.test`` resolve to the addresses listed here (one list per lookup)."""
    answers: dict[str, list[str]] = {}
    real = socket.getaddrinfo

    def getaddrinfo(host, port, *args, **kwargs):  # noqa: ANN001, ANN002, ANN003
        if isinstance(host, str) and host.endswith(".test"):
            queue = answers[host]
            ip = queue.pop(0) if len(queue) > 1 else queue[0]
            family = socket.AF_INET6 if ":" in ip else socket.AF_INET
            return [(family, socket.SOCK_STREAM, 6, "", (ip, port))]
        return real(host, port, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    return answers


OPEN_ROBOTS = b"User-agent: *\nAllow: /\n"
PDF = make_pdf("SCR Child N overview report")


def listing(*links: str) -> bytes:
    """A listing page with one review per link (Child A, Child B, ...)."""
    items = "".join(
        f'<h3>SCR Child {chr(65 + i)}, 2020</h3><p><a href="{href}">Child {chr(65 + i)} report</a></p>'
        for i, href in enumerate(links)
    )
    return f"<html><body><h1>Serious Case Reviews</h1>{items}</body></html>".encode()


def serve(site: Site, page: bytes) -> None:
    site.routes["/robots.txt"] = Resource(OPEN_ROBOTS, "text/plain")
    site.routes["/scr"] = Resource(page, "text/html")


def documents(report: HarvestReport) -> dict[str, tuple[str, str]]:
    return {r.url: (r.status, r.reason) for r in report.documents}


# ------------------------------------------------------------------------------ hosts


def test_off_host_document_link_is_refused_and_reported(
    site: Site, other: Site, tmp_path: Path
) -> None:
    off = other.url("/n.pdf")
    with_user = f"http://someone@127.0.0.1:{site.port}/local.pdf"
    serve(site, listing("/local.pdf", off, with_user))
    site.routes["/local.pdf"] = Resource(PDF)
    other.routes["/robots.txt"] = Resource(OPEN_ROBOTS, "text/plain")
    other.routes["/n.pdf"] = Resource(make_pdf("Child B report, served by another host"))

    report = harvest([site.url("/scr")], tmp_path / "h", rate_limit=0, **LOOPBACK_OK)
    got = documents(report)
    assert got[site.url("/local.pdf")][0] == "downloaded"
    status, reason = got[off]
    assert status == "off-site"
    assert "localhost" in reason and "--allow-host localhost" in reason
    assert got[with_user][0] == "bad-url"  # urllib and urlsplit disagree on its host
    assert other.connections == 0 and other.log == []

    # named with --allow-host, the same link is fetched
    report = harvest(
        [site.url("/scr")], tmp_path / "h", rate_limit=0, allow_hosts=["localhost"], **LOOPBACK_OK
    )
    assert documents(report)[off][0] == "downloaded"
    assert [h.path for h in other.log] == ["/robots.txt", "/n.pdf"]


def test_off_host_redirect_is_refused_at_that_hop(site: Site, other: Site, tmp_path: Path) -> None:
    target = other.url("/n.pdf")
    serve(site, listing("/moved.pdf"))
    site.routes["/moved.pdf"] = Resource(b"", status=302, location=target)
    other.routes["/robots.txt"] = Resource(OPEN_ROBOTS, "text/plain")
    other.routes["/n.pdf"] = Resource(PDF)

    report = harvest([site.url("/scr")], tmp_path / "h", rate_limit=0, **LOOPBACK_OK)
    (doc,) = report.documents
    assert (doc.status, doc.final_url) == ("off-site", target)
    assert doc.reason.startswith(f"redirected to {target}")
    assert [h.path for h in site.log] == ["/robots.txt", "/scr", "/moved.pdf"]
    assert other.connections == 0
    assert not list((tmp_path / "h").rglob("*.pdf"))


def test_listing_that_redirects_off_site_is_refused(
    site: Site, other: Site, tmp_path: Path
) -> None:
    site.routes["/robots.txt"] = Resource(OPEN_ROBOTS, "text/plain")
    site.routes["/scr"] = Resource(b"", status=301, location=other.url("/scr"))
    report = harvest([site.url("/scr")], tmp_path / "h", rate_limit=0, **LOOPBACK_OK)
    (page,) = report.results
    assert (page.role, page.status) == ("listing", "off-site")
    assert other.connections == 0


def test_host_scope_rules() -> None:
    scope = HostScope.for_url("https://www.example.org/reviews")
    assert scope.allows("http://example.org/a.pdf")  # www. and bare are one site
    assert scope.allows("https://WWW.Example.ORG.:8443/a.pdf")  # case, trailing dot, port
    for url in (
        "https://docs.example.org/a.pdf",  # a subdomain is another host
        "https://example.org.evil.net/a.pdf",
        "https://evilexample.org/a.pdf",
        "https://10.0.0.1/a.pdf",
        "file:///etc/passwd",
    ):
        assert not scope.allows(url), url
    wide = HostScope.for_url(
        "https://example.org/", [parse_host_pattern("*.example.org"), "cdn.net"]
    )
    assert wide.allows("https://a.b.example.org/x") and wide.allows("https://www.cdn.net/x")
    assert not wide.allows("https://example.org.evil.net/x")
    assert not wide.allows("https://img.cdn.net/x")
    assert HostScope.for_url("http://bücher.example/").allows("http://xn--bcher-kva.example/x")


def test_host_patterns_and_networks_are_checked() -> None:
    assert parse_host_pattern(" Docs.Example.org ") == "docs.example.org"
    assert parse_host_pattern("*.Example.org") == "*.example.org"
    assert parse_host_pattern("https://cdn.example.org/files/") == "cdn.example.org"
    assert parse_host_pattern("[::1]") == "::1"
    for bad in ("", "example.org:8080", "*.10.0.0.1", "a b", "*.", "https:///x"):
        with pytest.raises(ValueError):
            parse_host_pattern(bad)
    assert parse_network("10.1.2.3/16") == ipaddress.ip_network("10.1.0.0/16")
    with pytest.raises(ValueError, match="not an IP network"):
        parse_network("intranet")


# -------------------------------------------------------------------------- addresses


@pytest.mark.parametrize(
    ("address", "category"),
    [
        ("127.0.0.1", "loopback"),
        ("::1", "loopback"),
        ("10.0.0.1", "private"),
        ("192.168.1.1", "private"),
        ("fd00::1", "private"),
        ("169.254.169.254", "link-local"),
        ("fe80::1", "link-local"),
        ("224.0.0.251", "multicast"),
        ("0.0.0.0", "unspecified"),
        ("100.64.0.1", "non-public"),
        ("240.0.0.1", "reserved"),
        ("::ffff:10.0.0.1", "private"),  # IPv4-mapped
        ("2002:a00:1::", "private"),  # 6to4 around 10.0.0.1
        ("8.8.8.8", None),
        ("2001:4860:4860::8888", None),
    ],
)
def test_address_categories(address: str, category: str | None) -> None:
    assert address_category(ipaddress.ip_address(address)) == category


def test_address_policy_options() -> None:
    metadata = ipaddress.ip_address("169.254.169.254")
    assert AddressPolicy().refused(metadata) == "link-local"
    assert AddressPolicy(allow_private=True).refused(metadata) is None
    intranet = AddressPolicy(allow_networks=(parse_network("10.1.0.0/16"),))
    assert intranet.refused(ipaddress.ip_address("10.1.2.3")) is None
    assert intranet.refused(ipaddress.ip_address("10.2.0.1")) == "private"
    assert intranet.refused(ipaddress.ip_address("::1")) == "loopback"
    assert AddressPolicy().refused(ipaddress.ip_address("8.8.8.8")) is None


def test_private_and_link_local_targets_are_refused_before_connecting(
    site: Site, tmp_path: Path, connections: Connections, fake_dns: dict[str, list[str]]
) -> None:
    fake_dns["metadata.test"] = ["169.254.169.254"]
    serve(
        site,
        listing(
            "http://10.0.0.1/a.pdf",
            "http://169.254.169.254/latest/meta-data/b.pdf",
            "/hop.pdf",
            "http://metadata.test/d.pdf",
        ),
    )
    site.routes["/hop.pdf"] = Resource(
        b"", status=302, location="http://169.254.169.254/latest/c.pdf"
    )
    report = harvest(
        [site.url("/scr")],
        tmp_path / "h",
        rate_limit=0,
        # the hosts are allowed, the addresses not: only the address check is at work
        allow_hosts=["10.0.0.1", "169.254.169.254", "metadata.test"],
        allow_networks=["127.0.0.0/8"],
    )
    got = documents(report)
    assert {status for status, _reason in got.values()} == {"blocked-address"}
    assert got["http://10.0.0.1/a.pdf"][1].startswith("10.0.0.1 is a private address")
    assert got["http://169.254.169.254/latest/meta-data/b.pdf"][1].startswith(
        "169.254.169.254 is a link-local address"
    )
    assert got[site.url("/hop.pdf")][1].startswith("169.254.169.254 is a link-local address")
    assert got["http://metadata.test/d.pdf"][1].startswith(
        "metadata.test resolves only to non-public addresses: 169.254.169.254 (link-local)"
    )
    assert "--allow-private" in got["http://10.0.0.1/a.pdf"][1]
    # no connection was attempted to any of them (nor to fetch their robots.txt)
    assert set(connections.attempted) == {"127.0.0.1"}
    assert report.requests == len(site.log) == 3  # robots.txt, the listing, /hop.pdf


def test_address_is_checked_at_connect_time_against_dns_rebinding(
    site: Site, tmp_path: Path, connections: Connections, fake_dns: dict[str, list[str]]
) -> None:
    # loopback (allowed here) for robots.txt and the listing, then a private address
    fake_dns["rebind.test"] = ["127.0.0.1", "127.0.0.1", "10.0.0.1"]
    serve(site, listing("/n.pdf"))
    site.routes["/n.pdf"] = Resource(PDF)
    report = harvest(
        [f"http://rebind.test:{site.port}/scr"],
        tmp_path / "h",
        rate_limit=0,
        allow_networks=["127.0.0.0/8"],
    )
    assert [r.status for r in report.listings] == ["parsed"]
    (doc,) = report.documents
    assert doc.status == "blocked-address"
    assert "rebind.test resolves only to non-public addresses: 10.0.0.1" in doc.reason
    assert "10.0.0.1" not in connections.attempted
    assert site.hits("/n.pdf") == []


def test_loopback_listing_is_refused_without_the_allow_option(
    site: Site, tmp_path: Path, connections: Connections
) -> None:
    serve(site, listing("/n.pdf"))
    report = harvest([site.url("/scr")], tmp_path / "h", rate_limit=0)
    (page,) = report.results
    assert (page.role, page.status) == ("listing", "blocked-address")
    assert page.reason.startswith("127.0.0.1 is a loopback address")
    assert "--allow-private" in page.reason
    report = harvest([f"http://localhost:{site.port}/scr"], tmp_path / "h", rate_limit=0)
    (page,) = report.results
    assert page.status == "blocked-address" and "localhost resolves only to" in page.reason
    assert connections.attempted == [] and site.connections == 0 and report.requests == 0

    runner = CliRunner()
    result = runner.invoke(
        harvest_cli,
        [site.url("/scr"), "--rate-limit", "0", "--dest", str(tmp_path / "cli")],
        obj={"data_dir": tmp_path / "var"},
    )
    assert result.exit_code == 1, result.output
    assert "blocked-address" in result.output and "loopback" in result.output
    assert site.connections == 0
    result = runner.invoke(
        harvest_cli,
        [site.url("/scr"), "--rate-limit", "0", "--dest", str(tmp_path / "cli")]
        + ["--allow-network", "127.0.0.0/8"],
        obj={"data_dir": tmp_path / "var"},
    )
    assert result.exit_code == 0, result.output
    assert site.hits("/scr")


@pytest.mark.parametrize(
    ("option", "value", "message"),
    [
        ("--allow-host", "example.org:8080", "without port"),
        ("--allow-host", "*.", "not a host name"),
        ("--allow-network", "intranet", "not an IP network"),
    ],
)
def test_cli_rejects_bad_allow_values(option: str, value: str, message: str) -> None:
    result = CliRunner().invoke(harvest_cli, ["https://example.org/scr", option, value])
    assert result.exit_code == 2 and message in result.output
    assert "Traceback" not in result.output


# --------------------------------------------------------------------------- deadline


@pytest.mark.parametrize("where", ["body", "headers"])
def test_dripping_server_is_cut_at_the_deadline(site: Site, tmp_path: Path, where: str) -> None:
    # One byte every 0.25 s: each read answers well within --timeout 5, so only an overall
    # deadline stops it (the whole answer would take over a minute).
    body = b"%PDF-1.4\n" + b"%" * 300
    serve(site, listing("/drip.pdf"))
    site.routes["/drip.pdf"] = Resource(body, drip=0.25, drip_head=where == "headers")
    started = time.monotonic()
    report = harvest(
        [site.url("/scr")], tmp_path / "h", rate_limit=0, timeout=5, deadline=5, **LOOPBACK_OK
    )
    elapsed = time.monotonic() - started
    (doc,) = report.documents
    assert doc.status == "timeout"
    assert "not finished within the 5-s deadline" in doc.reason
    assert not list((tmp_path / "h").rglob("*.pdf")) and not list((tmp_path / "h").rglob("*.part"))
    assert elapsed < 60  # deadlock guard only: unbounded, the drip lasts 75 s or more


def test_a_body_slower_than_the_minimum_rate_counts_as_stalled(site: Site, tmp_path: Path) -> None:
    # The reported case at a smaller scale: a byte at a time, each read answered well within
    # --timeout, and no --deadline given (the default is minutes).
    serve(site, listing("/drip.pdf"))
    site.routes["/drip.pdf"] = Resource(b"%PDF-1.4\n" + b"%" * 300, drip=0.25)
    started = time.monotonic()
    report = harvest([site.url("/scr")], tmp_path / "h", rate_limit=0, timeout=2, **LOOPBACK_OK)
    (doc,) = report.documents
    assert doc.status == "timeout" and "download slower than 1024 bytes/s" in doc.reason
    assert not list((tmp_path / "h").rglob("*.pdf"))
    assert time.monotonic() - started < 60  # deadlock guard only


def test_deadline_covers_a_listing_page_read_into_memory(site: Site, tmp_path: Path) -> None:
    site.routes["/robots.txt"] = Resource(OPEN_ROBOTS, "text/plain")
    # pages are read into memory, not into a .part file: the same deadline applies
    site.routes["/scr"] = Resource(listing("/n.pdf"), "text/html", drip=0.25)
    report = harvest(
        [site.url("/scr")], tmp_path / "h", rate_limit=0, timeout=5, deadline=3, **LOOPBACK_OK
    )
    (page,) = report.results
    assert (page.status, page.role) == ("timeout", "listing")
    assert "deadline" in page.reason


def test_https_connections_are_guarded_and_cut_at_the_deadline(
    tls_site: Site, tmp_path: Path
) -> None:
    serve(tls_site, listing("/n.pdf", "/drip.pdf"))
    tls_site.routes["/n.pdf"] = Resource(PDF)
    tls_site.routes["/drip.pdf"] = Resource(b"%PDF-1.4\n" + b"%" * 300, drip=0.25, drip_head=True)
    report = harvest([tls_site.url("/scr")], tmp_path / "h", rate_limit=0)
    assert [r.status for r in report.results] == ["blocked-address"]
    assert tls_site.connections == 0

    report = harvest(
        [tls_site.url("/scr")],
        tmp_path / "h",
        rate_limit=0,
        timeout=5,
        deadline=5,
        allow_networks=["127.0.0.0/8"],
    )
    got = documents(report)
    assert got[tls_site.url("/n.pdf")][0] == "downloaded"
    status, reason = got[tls_site.url("/drip.pdf")]
    assert status == "timeout" and "not finished within the 5-s deadline" in reason
