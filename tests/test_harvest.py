"""End-to-end harvests against a local HTTP server on 127.0.0.1 (never any other address).

The site and its documents are in harvest_site.py; staying on the site and on public
addresses, and the download deadline, are tested in test_harvest_safety.py.
"""

from __future__ import annotations

import json
import socket
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner
from harvest_site import (
    BRENT_HTML,
    DOCS,
    DOCX,
    LOOPBACK_OK,
    Connections,
    Resource,
    Site,
    build_seed_site,
    by_url,
    guard_connections,
    make_pdf,
    run,
    serve_site,
    sha,
)
from helpers import run_reviewlib

from indexer.harvest.harvester import (
    DEFAULT_USER_AGENT,
    LICENCE_UNKNOWN,
    STATE_NAME,
    harvest,
)
from library.catalogue import read_catalogue
from reviewlib.harvest_cmd import harvest as harvest_cli


@pytest.fixture(autouse=True)
def loopback_only(monkeypatch: pytest.MonkeyPatch) -> Connections:
    """No proxies, and any connection to a non-loopback address fails the test."""
    return guard_connections(monkeypatch)


@pytest.fixture
def site() -> Iterator[Site]:
    """The site being harvested, on 127.0.0.1."""
    yield from serve_site()


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
    first = harvest([site.url("/brent/cspr")], dest, rate_limit=0, **LOOPBACK_OK)
    (res,) = first.documents
    assert res.status == "network-error" and "resumed next run" in res.reason
    parts = list(dest.rglob("*.part"))
    assert len(parts) == 1 and 0 < parts[0].stat().st_size < len(body)
    part_size = parts[0].stat().st_size
    assert not (dest / "brent").exists()

    second = harvest([site.url("/brent/cspr")], dest, rate_limit=0, **LOOPBACK_OK)
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
    harvest([site.url("/brent/cspr")], tmp_path / "h", rate_limit=0.3, **LOOPBACK_OK)
    times = [h.time for h in site.log]
    assert len(times) == 3  # robots.txt, the page, the PDF
    gaps = [b - a for a, b in zip(times, times[1:], strict=False)]
    assert min(gaps) >= 0.25, gaps


def test_crawl_delay_from_robots_is_honoured(tmp_path: Path, site: Site) -> None:
    from indexer.harvest.fetch import Fetcher
    from indexer.harvest.netpolicy import AddressPolicy

    site.routes["/robots.txt"] = Resource(b"User-agent: *\nCrawl-delay: 7\n", "text/plain")
    site.routes["/brent/cspr"] = Resource(BRENT_HTML.encode(), "text/html")
    site.routes["/brent/child-k-scr.pdf"] = Resource(DOCS["/brent/child-k-scr.pdf"])
    now = [1000.0]
    slept: list[float] = []

    def fake_sleep(s: float) -> None:
        slept.append(s)
        now[0] += s

    fetcher = Fetcher(
        user_agent=DEFAULT_USER_AGENT,
        rate_limit=1,
        sleep=fake_sleep,
        clock=lambda: now[0],
        policy=AddressPolicy(allow_private=True),
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
        **LOOPBACK_OK,
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
    report = harvest([site.url("/brent/cspr")], tmp_path / "h", rate_limit=0, **LOOPBACK_OK)
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


def test_cli_summary_and_json(site: Site, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)  # the default data dir is relative: keep it in tmp_path
    monkeypatch.setenv("REVIEWLIB_DATA", str(tmp_path / "env-data"))
    build_seed_site(site)
    runner = CliRunner()
    data_dir = tmp_path / "var"
    result = runner.invoke(
        harvest_cli,
        [site.url("/brent/cspr"), "--rate-limit", "0", "--allow-private"],
        obj={"data_dir": data_dir},
    )
    assert result.exit_code == 0, result.output
    assert "downloaded" in result.output and "brent/child-k-overview-report.pdf" in result.output
    assert (data_dir / "harvest" / "brent/child-k-overview-report.pdf").is_file()

    dest = tmp_path / "elsewhere"
    result = runner.invoke(
        harvest_cli,
        [
            site.url("/brent/cspr"),
            "--rate-limit",
            "0",
            "--allow-private",
            "--dest",
            str(dest),
            "--partnership",
            "Brent",
            "--json",
        ],
        obj={"data_dir": data_dir},
    )
    assert result.exit_code == 0, result.output
    out = json.loads(result.output)
    assert out["counts"] == {"downloaded": 1, "parsed": 1}
    assert "ingest" not in out
    assert (dest / "brent/child-k-overview-report.pdf").is_file()

    # no --data-dir: $REVIEWLIB_DATA
    result = runner.invoke(
        harvest_cli, [site.url("/brent/cspr"), "--rate-limit", "0", "--allow-private"], obj={}
    )
    assert result.exit_code == 0, result.output
    assert (tmp_path / "env-data" / "harvest" / STATE_NAME).is_file()


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
    result = runner.invoke(
        harvest_cli, [f"http://127.0.0.1:{port}/cspr", "--rate-limit", "0", "--allow-private"]
    )
    assert result.exit_code == 1
    assert "robots-disallowed" in result.output and "Connection refused" in result.output
    assert (tmp_path / "data" / "harvest" / STATE_NAME).is_file()


def test_cli_ingest_runs_the_real_pipeline_and_prints_its_summary(
    site: Site, tmp_path: Path
) -> None:
    """``harvest --ingest`` as a real process: the real pipeline, its short summary."""
    build_seed_site(site)
    data = tmp_path / "var"

    def reviewlib(*args: str) -> subprocess.CompletedProcess:
        return run_reviewlib(*args, data=data)

    harvest_args = [site.url("/brent/cspr"), "--rate-limit", "0", "--allow-private", "--ingest"]
    r = reviewlib("harvest", *harvest_args)
    assert r.returncode == 0, r.stderr
    assert "Traceback" not in r.stderr
    out = r.stdout.splitlines()
    assert any(line.startswith("downloaded") for line in out), r.stdout
    # the ingest part is the short summary `reviewlib ingest` prints, not the whole report
    starts = [i for i, line in enumerate(out) if line.startswith("Ingested")]
    assert len(starts) == 1, r.stdout
    ingest_lines = out[starts[0] :]
    assert ingest_lines[0].startswith("Ingested 1 files in ")
    assert "1 added" in ingest_lines[0] and "1 documents in the index" in ingest_lines[0]
    assert ingest_lines[1] == "Status: ok 1"
    assert ingest_lines[2].startswith("Report: ") and len(ingest_lines) == 3
    assert "statuses" not in r.stdout and "'files'" not in r.stdout

    # the harvested file and its catalogue row really are in the index
    r = reviewlib("search", "Brent", "LSCB", "--json")
    assert r.returncode == 0, r.stderr
    found = json.loads(r.stdout)
    assert found["total"] == 1
    (hit,) = found["results"]
    assert (hit["case"], hit["partnership"]) == ("Child K", "Brent")

    # --json carries the whole ingest report under "ingest"
    r = reviewlib("harvest", *harvest_args, "--json")
    assert r.returncode == 0, r.stderr
    report = json.loads(r.stdout)
    assert report["counts"] == {"not-modified": 1, "parsed": 1}
    assert report["ingest"]["statuses"] == {"ok": 1}
    assert report["ingest"]["documents_in_index"] == 1
