"""Harvest published reviews: fetch listing pages, download their PDFs/DOCX, catalogue them.

See docs/harvester.md. One call of :func:`harvest` walks the given listing pages, parses
them with :mod:`indexer.harvest.listing`, downloads every linked document politely
(:mod:`indexer.harvest.fetch`), keeps what it learnt in ``dest/.harvest-state.json`` and
writes a row per stored file into ``dest/catalogue.csv``. Errors are collected in the
returned :class:`HarvestReport`; they never stop the run.

This module is the harvest loop (pages, then documents); the state file is
:mod:`indexer.harvest.state`, catalogue rows :mod:`indexer.harvest.catalogue_rows`, and the
per-URL records :mod:`indexer.harvest.results`.
"""

from __future__ import annotations

import hashlib
import os
import re
from collections.abc import Sequence
from pathlib import Path
from urllib.parse import urlsplit

from indexer.harvest.catalogue_rows import LICENCE_UNKNOWN, CatalogueRows
from indexer.harvest.fetch import Fetcher, FetchError, FetchResult, sniff_document_type
from indexer.harvest.listing import ReviewEntry, document_links_html, parse_listing_html
from indexer.harvest.netpolicy import (
    AddressPolicy,
    HostScope,
    parse_host_pattern,
    parse_network,
)
from indexer.harvest.results import (
    STORED_STATUSES,
    DocumentJob,
    HarvestReport,
    UrlStatus,
    now,
)
from indexer.harvest.state import STATE_NAME, HarvestState
from library import settings
from library.files import sha256_file
from library.naming import slugify

__all__ = [
    "DEFAULT_USER_AGENT",
    "LICENCE_UNKNOWN",
    "STATE_NAME",
    "HarvestReport",
    "UrlStatus",
    "harvest",
]

DEFAULT_USER_AGENT: str = settings.default("HARVEST_USER_AGENT")
CACHE_DIR = ".harvest-cache"
PARTS_DIR = ".harvest-parts"
MAX_DETAIL_PAGES = 50
# Outcomes that depend on which listing linked the URL: another listing may fetch it.
_SCOPE_STATUSES = frozenset({"off-site"})


def _url_key(url: str) -> str:
    return hashlib.sha1(url.encode("utf-8")).hexdigest()


def _decode_html(body: bytes, content_type: str) -> str:
    m = re.search(r"charset=([\w.-]+)", content_type or "", re.I)
    charset = m.group(1) if m else None
    if charset is None:
        m2 = re.search(rb"<meta[^>]+charset=[\"']?([\w.-]+)", body[:4096], re.I)
        charset = m2.group(1).decode("ascii", "ignore") if m2 else None
    for enc in (charset, "utf-8", "cp1252"):
        if not enc:
            continue
        try:
            return body.decode(enc)
        except (LookupError, UnicodeDecodeError):
            continue
    return body.decode("utf-8", errors="replace")


def _is_http(url: str) -> bool:
    parts = urlsplit(url)
    return parts.scheme.lower() in ("http", "https") and bool(parts.netloc)


class _Harvester:
    def __init__(
        self,
        dest: Path,
        fetcher: Fetcher,
        report: HarvestReport,
        partnership: str | None,
        allow_hosts: tuple[str, ...] = (),
    ) -> None:
        self.dest = dest
        self.fetcher = fetcher
        self.report = report
        self.partnership = partnership
        self.allow_hosts = allow_hosts
        self.state = HarvestState(dest, report)
        self.done: dict[str, UrlStatus] = {}
        self.catalogue = CatalogueRows(dest, self.state, report)

    # -- pages -----------------------------------------------------------------------

    def fetch_page(
        self, url: str, role: str, scope: HostScope, listing_url: str | None = None
    ) -> tuple[str, str, bool] | UrlStatus:
        """(html, final url) of a page, conditional on the cached copy, or a failed status."""
        if not _is_http(url):
            return UrlStatus(
                url, role, "bad-url", "only http/https URLs are fetched", listing_url=listing_url
            )
        prev = self.state.urls.get(url) or {}
        cache = self.dest / CACHE_DIR / f"{_url_key(url)}.html"
        headers: dict[str, str] = {"Accept": "text/html,application/xhtml+xml;q=0.9,*/*;q=0.5"}
        if cache.is_file():
            if prev.get("etag"):
                headers["If-None-Match"] = prev["etag"]
            if prev.get("last_modified"):
                headers["If-Modified-Since"] = prev["last_modified"]
        try:
            res = self.fetcher.get(url, headers=headers, scope=scope, max_bytes=20 * 1024 * 1024)
        except FetchError as exc:
            return UrlStatus(
                url,
                role,
                exc.status,
                exc.reason,
                exc.http_status,
                exc.final_url,
                listing_url=listing_url,
            )
        if res.not_modified:
            html = cache.read_bytes().decode("utf-8")
            return html, prev.get("final_url") or res.final_url, True
        ctype = res.headers.get("content-type", "")
        body = res.body or b""
        if "html" not in ctype.lower() and not re.search(
            rb"<(?:html|body|!doctype)", body[:2048], re.I
        ):
            return UrlStatus(
                url,
                role,
                "not-html",
                f"expected an HTML page, got {ctype or 'no content type'}",
                res.status,
                res.final_url,
                listing_url=listing_url,
            )
        html = _decode_html(body, ctype)
        cache.parent.mkdir(parents=True, exist_ok=True)
        cache.write_text(html, encoding="utf-8")
        self.state.urls[url] = {
            "role": role,
            "etag": res.headers.get("etag"),
            "last_modified": res.headers.get("last-modified"),
            "final_url": res.final_url,
            "checked": now(),
        }
        self.state.save()
        return html, res.final_url, False

    def harvest_listing(self, url: str) -> None:
        # The listing's own site (plus --allow-host) bounds every request made for it.
        scope = HostScope.for_url(url, self.allow_hosts)
        got = self.fetch_page(url, "listing", scope)
        if isinstance(got, UrlStatus):
            self.report.add(got)
            return
        html, final_url, cached = got
        try:
            entries = parse_listing_html(html, final_url)
        except Exception as exc:  # noqa: BLE001 - a parser bug must not stop the run
            self.report.add(
                UrlStatus(
                    url,
                    "listing",
                    "parse-error",
                    f"{type(exc).__name__}: {exc}",
                    final_url=final_url,
                )
            )
            return
        status = self.report.add(
            UrlStatus(url, "listing", "parsed", final_url=final_url, entries=len(entries))
        )
        if cached:
            status.reason = "page not modified; parsed the cached copy"
        if not entries:
            status.reason = "no reviews found on this page"
        detail_budget = MAX_DETAIL_PAGES
        for entry in entries:
            if not entry.documents and entry.detail_url:
                # an off-site page is refused without a request: it costs no budget
                in_scope = scope.allows(entry.detail_url)
                if in_scope and detail_budget <= 0:
                    self.report.add(
                        UrlStatus(
                            entry.detail_url,
                            "detail",
                            "skipped",
                            f"over the {MAX_DETAIL_PAGES} review pages followed per listing",
                            listing_url=url,
                            case=entry.case,
                        )
                    )
                    continue
                detail_budget -= in_scope
                self.expand_detail(entry, url, scope)
            for doc in entry.documents:
                if doc.url:
                    self.harvest_document(
                        DocumentJob(
                            doc.url, entry, doc, url, self.partnership or entry.partnership
                        ),
                        scope,
                    )

    def expand_detail(self, entry: ReviewEntry, listing_url: str, scope: HostScope) -> None:
        """Collect the document links of a review's own page (one level deep)."""
        got = self.fetch_page(entry.detail_url or "", "detail", scope, listing_url)
        if isinstance(got, UrlStatus):
            self.report.add(got)
            return
        html, final_url, _cached = got
        docs = document_links_html(html, final_url, default_kind=entry.listing_kind)
        self.report.add(
            UrlStatus(
                entry.detail_url or "",
                "detail",
                "parsed",
                final_url=final_url,
                listing_url=listing_url,
                case=entry.case,
                entries=len(docs),
            )
        )
        entry.documents.extend(docs)

    # -- documents -------------------------------------------------------------------

    def _target_name(self, job: DocumentJob, ext: str) -> str:
        folder = slugify(job.partnership or "") or "unknown-partnership"
        case = slugify(job.entry.case or job.entry.title) or "review"
        kind = job.doc.document_kind or "document"
        base = f"{folder}/{case[:80]}-{kind}"
        rel = f"{base}.{ext}"
        n = 2
        while rel in self.state.files or (self.dest / rel).exists():
            rel = f"{base}-{n}.{ext}"
            n += 1
        return rel

    def harvest_document(self, job: DocumentJob, scope: HostScope) -> None:
        url = job.url
        if url in self.done:
            return
        try:
            result = self._download(job, scope)
        except Exception as exc:  # noqa: BLE001 - e.g. a full disk: report it, go on
            result = UrlStatus(
                url,
                "document",
                "error",
                f"{type(exc).__name__}: {exc}",
                listing_url=job.listing_url,
                case=job.entry.case,
                document_kind=job.doc.document_kind,
            )
        if result.status not in _SCOPE_STATUSES:
            self.done[url] = result
        self.report.add(result)
        self.state.save()
        if result.status in STORED_STATUSES and result.file:
            self.catalogue.record(job, result)

    def _download(self, job: DocumentJob, scope: HostScope) -> UrlStatus:
        url = job.url
        base = UrlStatus(
            url,
            "document",
            "",
            listing_url=job.listing_url,
            case=job.entry.case,
            document_kind=job.doc.document_kind,
        )
        if not _is_http(url):
            base.status, base.reason = "bad-url", "only http/https URLs are fetched"
            return base
        prev = self.state.urls.get(url) or {}
        prev_file = prev.get("file")
        if prev_file and not (self.dest / prev_file).is_file():
            prev_file = None
        owner = bool(prev_file) and (self.state.files.get(prev_file) or {}).get("url") == url
        part = self.dest / PARTS_DIR / f"{_url_key(url)}.part"
        partial = self.state.partials.get(url)
        headers: dict[str, str] = {}
        resume = False
        if part.is_file() and partial and (partial.get("etag") or partial.get("last_modified")):
            headers["Range"] = f"bytes={part.stat().st_size}-"
            headers["If-Range"] = partial.get("etag") or partial["last_modified"]
            resume = True
        elif prev_file:
            if prev.get("etag"):
                headers["If-None-Match"] = prev["etag"]
            if prev.get("last_modified"):
                headers["If-Modified-Since"] = prev["last_modified"]
        try:
            res = self.fetcher.get(url, headers=headers, scope=scope, to_file=part, resume=resume)
        except FetchError as exc:
            base.status, base.reason = exc.status, exc.reason
            base.http_status, base.final_url = exc.http_status, exc.final_url
            validator = {
                "etag": exc.headers.get("etag"),
                "last_modified": exc.headers.get("last-modified"),
            }
            resumable = exc.status in ("network-error", "timeout") and (
                validator["etag"] or validator["last_modified"]
            )
            if resumable and part.is_file() and part.stat().st_size:
                self.state.partials[url] = validator
                base.reason += "; the partial download is kept and resumed next run"
            else:
                part.unlink(missing_ok=True)
                self.state.partials.pop(url, None)
            return base
        base.http_status, base.final_url = res.status, res.final_url
        if res.not_modified and prev_file:
            base.status, base.file, base.sha256 = "not-modified", prev_file, prev.get("sha256")
            prev["checked"] = now()
            return base
        if res.not_modified:  # 304 without a stored copy: should not happen; retry next run
            base.status, base.reason = "http-error", "304 Not Modified but no stored copy"
            return base
        self.state.partials.pop(url, None)
        if resume and res.status == 206:
            base.reason = "resumed an interrupted download"
        return self._store(job, res, part, prev, prev_file, owner, base)

    def _store(
        self,
        job: DocumentJob,
        res: FetchResult,
        part: Path,
        prev: dict,
        prev_file: str | None,
        owner: bool,
        base: UrlStatus,
    ) -> UrlStatus:
        url = job.url
        ftype = sniff_document_type(part)
        if ftype is None:
            with part.open("rb") as fh:
                head = fh.read(200)
            part.unlink(missing_ok=True)
            ctype = res.headers.get("content-type", "no content type")
            looks = (
                "an HTML page"
                if re.search(rb"<(?:!doctype|html|head|body)", head, re.I)
                else "not a PDF or DOCX"
            )
            base.status = "not-a-document"
            base.reason = f"the body is {looks} ({ctype}, {res.size} bytes)"
            return base
        sha = sha256_file(part)
        base.sha256 = sha
        info = {
            "etag": res.headers.get("etag"),
            "last_modified": res.headers.get("last-modified"),
            "final_url": res.final_url,
            "content_type": res.headers.get("content-type"),
            "sha256": sha,
            "checked": now(),
        }
        if prev_file and prev.get("sha256") == sha:
            part.unlink(missing_ok=True)
            self.state.urls[url] = {**prev, **info, "file": prev_file}
            base.status, base.file = "unchanged", prev_file
            return base
        same = self.state.file_with_sha(sha)
        if same and same != prev_file and (self.dest / same).is_file():
            part.unlink(missing_ok=True)
            self._drop_alias(url)
            aliases = self.state.files[same].setdefault("aliases", [])
            if url not in aliases and self.state.files[same].get("url") != url:
                aliases.append(url)
            self.state.urls[url] = {**info, "file": same}
            base.status, base.file = "duplicate", same
            base.reason = f"same content as {self.state.files[same].get('url')}"
            return base
        if owner and prev_file and prev_file.endswith(f".{ftype}"):
            rel = prev_file
            status = "updated"
        else:
            if owner and prev_file:  # the file type changed: replace under a new name
                (self.dest / prev_file).unlink(missing_ok=True)
                self.state.files.pop(prev_file, None)
            self._drop_alias(url)
            rel = self._target_name(job, ftype)
            status = "updated" if owner else "downloaded"
        target = self.dest / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        os.replace(part, target)
        old = self.state.files.get(rel) or {}
        for alias in old.get("aliases", []):
            # the aliases held the old content: check them afresh, unconditionally
            info_alias = self.state.urls.get(alias) or {}
            for key in ("file", "etag", "last_modified"):
                info_alias.pop(key, None)
        self.state.files[rel] = {"sha256": sha, "url": url, "aliases": []}
        self.state.urls[url] = {**info, "file": rel}
        base.status, base.file = status, rel
        return base

    def _drop_alias(self, url: str) -> None:
        for info in self.state.files.values():
            if url in info.get("aliases", []):
                info["aliases"].remove(url)


def harvest(
    urls: list[str],
    dest: Path,
    *,
    rate_limit: float = settings.default("HARVEST_RATE_LIMIT"),
    user_agent: str = DEFAULT_USER_AGENT,
    timeout: float = settings.default("HARVEST_TIMEOUT"),
    deadline: float = settings.default("HARVEST_DEADLINE"),
    max_bytes: int = settings.default("HARVEST_MAX_MB") * 1024 * 1024,
    partnership: str | None = None,
    allow_hosts: Sequence[str] = (),
    allow_private: bool = False,
    allow_networks: Sequence[str] = (),
    fetcher: Fetcher | None = None,
) -> HarvestReport:
    """Fetch listing pages, download the review documents they link, and catalogue them.

    Files go to ``dest/<partnership>/<case>-<kind>.<pdf|docx>``, one row each in
    ``dest/catalogue.csv``; ``dest/.harvest-state.json`` makes re-runs conditional and
    resumable. ``partnership`` overrides the area name read from the pages.

    Each listing's requests stay on its site plus ``allow_hosts`` (``HOST`` or ``*.HOST``)
    and reach public addresses only, unless ``allow_private`` or an ``allow_networks``
    entry (``10.1.0.0/16``) says otherwise; a fetcher passed in brings its own address
    policy. ``timeout`` bounds each connect and read, ``deadline`` each whole download.
    Raises ``ValueError`` for a malformed host pattern or network.
    """
    patterns = tuple(parse_host_pattern(h) for h in allow_hosts)
    policy = AddressPolicy(allow_private, tuple(parse_network(n) for n in allow_networks))
    dest = Path(dest)
    dest.mkdir(parents=True, exist_ok=True)
    report = HarvestReport(dest=dest, started=now())
    fetcher = fetcher or Fetcher(
        user_agent=user_agent,
        rate_limit=rate_limit,
        timeout=timeout,
        deadline=deadline,
        max_bytes=max_bytes,
        policy=policy,
    )
    h = _Harvester(dest, fetcher, report, partnership, patterns)
    try:
        for url in urls:
            try:
                h.harvest_listing(url)
            finally:
                h.catalogue.write()
    finally:
        h.state.save()
        report.requests = fetcher.requests
        report.finished = now()
    return report
