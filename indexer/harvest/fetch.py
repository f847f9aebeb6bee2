"""Polite HTTP fetching for the harvester (stdlib urllib only).

* robots.txt is read once per host (``urllib.robotparser``) and obeyed for every request,
  including each hop of a redirect; its Crawl-delay is honoured (capped at 60 s);
* at most one request per ``rate_limit`` seconds per host (robots.txt fetches included);
* a clear User-Agent on every request;
* redirects are followed by hand (at most 5), only to http/https URLs;
* every request, each redirect hop included, stays inside a :class:`HostScope` (the listing's
  site) and connects only to addresses the :class:`AddressPolicy` allows (public ones by
  default; checked at connect time by :mod:`indexer.harvest.connect`);
* each download has an overall deadline besides the per-read timeout;
* bodies are streamed to a ``.part`` file with a size cap; an interrupted download can be
  resumed with ``Range`` + ``If-Range``.
"""

from __future__ import annotations

import contextlib
import http.client
import re
import time
import urllib.error
import urllib.request
import urllib.robotparser
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urljoin, urlsplit

from indexer.harvest.connect import (
    ConnectionGuard,
    ConnectionRefusedByPolicy,
    Deadline,
    build_guarded_opener,
)
from indexer.harvest.netpolicy import AddressPolicy, HostScope, url_host
from library import settings
from library.errors import ReviewLibError

__all__ = ["FetchError", "FetchResult", "Fetcher", "sniff_document_type"]

_REDIRECT_CODES = (301, 302, 303, 307, 308)
_CHUNK = 64 * 1024
# Below this many bytes per second, averaged over a --timeout window, a body counts as stalled:
# a server dripping a byte every few seconds never trips a per-read timeout.
MIN_RATE = 1024
MAX_CRAWL_DELAY = 60.0


class FetchError(ReviewLibError):
    """A request that did not produce a usable response.

    ``status`` is a short machine-readable code (``http-error``, ``timeout``,
    ``network-error``, ``robots-disallowed``, ``too-large``, ``bad-url``,
    ``too-many-redirects``, ``off-site``, ``blocked-address``); ``reason`` is for people.
    """

    def __init__(
        self,
        status: str,
        reason: str,
        http_status: int | None = None,
        final_url: str | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(f"{status}: {reason}")
        self.status = status
        self.reason = reason
        self.http_status = http_status
        self.final_url = final_url
        self.headers = headers or {}  # response headers, when a response was started


@dataclass
class FetchResult:
    """The outcome of one GET (after redirects)."""

    url: str
    final_url: str
    status: int  # 200, 206 or 304
    headers: dict[str, str] = field(default_factory=dict)  # lower-cased names
    body: bytes | None = None  # when not streamed to a file
    path: Path | None = None  # the .part file written (complete)
    size: int = 0
    redirects: list[str] = field(default_factory=list)

    @property
    def not_modified(self) -> bool:
        return self.status == 304


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    """Make urllib hand 3xx responses back instead of following them."""

    def redirect_request(self, req, fp, code, msg, headers, newurl):  # noqa: ANN001
        return None


def sniff_document_type(path: Path) -> str | None:
    """``"pdf"`` or ``"docx"`` when the file's bytes really are one, else None."""
    try:
        with path.open("rb") as fh:
            head = fh.read(1024)
    except OSError:
        return None
    if b"%PDF-" in head:
        return "pdf"
    if head.startswith(b"PK\x03\x04"):
        import zipfile

        try:
            with zipfile.ZipFile(path) as zf:
                if "word/document.xml" in zf.namelist():
                    return "docx"
        except (zipfile.BadZipFile, OSError):
            return None
    return None


def _host_key(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{(parts.netloc or '').lower()}"


class Fetcher:
    """GET requests that obey robots.txt, a per-host rate limit, a host scope and an address policy.

    ``timeout`` bounds each connect and each read; ``deadline`` bounds a whole download
    (connect, headers and body of every redirect hop; waiting for one's turn is not counted).
    """

    def __init__(
        self,
        *,
        user_agent: str,
        rate_limit: float = settings.default("HARVEST_RATE_LIMIT"),
        timeout: float = settings.default("HARVEST_TIMEOUT"),
        deadline: float = settings.default("HARVEST_DEADLINE"),
        max_bytes: int = settings.default("HARVEST_MAX_MB") * 1024 * 1024,
        max_redirects: int = 5,
        policy: AddressPolicy | None = None,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.user_agent = user_agent
        self.rate_limit = max(0.0, float(rate_limit))
        self.timeout = timeout
        self.deadline = deadline
        self.max_bytes = max_bytes
        self.max_redirects = max_redirects
        self.guard = ConnectionGuard(policy or AddressPolicy())
        self._opener = build_guarded_opener(self.guard, _NoRedirect())
        self._sleep = sleep
        self._clock = clock
        self._last: dict[str, float] = {}
        self._robots: dict[str, urllib.robotparser.RobotFileParser] = {}
        self._robots_note: dict[str, str] = {}

    @property
    def requests(self) -> int:
        """Requests sent (connections made; refused ones are not counted)."""
        return self.guard.connections

    # -- politeness --------------------------------------------------------------------

    def _delay_for(self, key: str) -> float:
        delay = self.rate_limit
        rp = self._robots.get(key)
        if rp is not None:
            try:
                crawl = rp.crawl_delay(self.user_agent)
            except Exception:  # noqa: BLE001 - robotparser edge cases
                crawl = None
            if crawl:
                delay = max(delay, min(float(crawl), MAX_CRAWL_DELAY))
        return delay

    def _wait_turn(self, url: str) -> None:
        key = _host_key(url)
        last = self._last.get(key)
        if last is not None:
            wait = last + self._delay_for(key) - self._clock()
            if wait > 0:
                self._sleep(wait)
        self._last[key] = self._clock()

    def robots_for(
        self, url: str, scope: HostScope | None = None
    ) -> urllib.robotparser.RobotFileParser:
        """The parsed robots.txt of ``url``'s host (fetched once).

        Raises :class:`FetchError` ``blocked-address`` when the host may not be connected to.
        """
        key = _host_key(url)
        rp = self._robots.get(key)
        if rp is not None:
            return rp
        rp = urllib.robotparser.RobotFileParser(f"{key}/robots.txt")
        try:
            res = self._get(
                f"{key}/robots.txt",
                headers={},
                check_robots=False,
                scope=scope or HostScope.for_url(url),
                max_bytes=512 * 1024,
            )
            text = (res.body or b"").decode("utf-8", errors="replace")
            rp.parse(text.splitlines())
        except FetchError as exc:
            if exc.status == "blocked-address":
                raise  # not a robots.txt answer: report the refusal itself, cache nothing
            if exc.http_status in (401, 403):
                rp.disallow_all = True
                self._robots_note[key] = f"robots.txt answered {exc.http_status}"
            elif exc.http_status is not None and 400 <= exc.http_status < 500:
                rp.allow_all = True
            else:
                # unreachable or 5xx: be conservative and fetch nothing from this host
                rp.disallow_all = True
                self._robots_note[key] = f"robots.txt unavailable ({exc.reason})"
        self._robots[key] = rp
        return rp

    def allowed(self, url: str, scope: HostScope | None = None) -> bool:
        """Whether robots.txt lets this user agent fetch ``url``."""
        return self.robots_for(url, scope).can_fetch(self.user_agent, url)

    def robots_reason(self, url: str) -> str:
        key = _host_key(url)
        return self._robots_note.get(key, f"disallowed by {key}/robots.txt")

    # -- requests ----------------------------------------------------------------------

    def get(
        self,
        url: str,
        *,
        headers: dict[str, str] | None = None,
        scope: HostScope | None = None,
        to_file: Path | None = None,
        resume: bool = False,
        max_bytes: int | None = None,
    ) -> FetchResult:
        """GET ``url`` following redirects; raise :class:`FetchError` on failure.

        Every hop must stay inside ``scope`` (default: ``url``'s own site). With ``to_file``
        the body is streamed there (a ``.part`` file); with ``resume`` and an existing
        ``to_file`` the caller's headers should carry ``Range``/``If-Range`` and a 206 answer
        is appended.
        """
        return self._get(
            url,
            headers=headers or {},
            check_robots=True,
            scope=scope or HostScope.for_url(url),
            to_file=to_file,
            resume=resume,
            max_bytes=max_bytes,
        )

    def _get(
        self,
        url: str,
        *,
        headers: dict[str, str],
        check_robots: bool,
        scope: HostScope,
        to_file: Path | None = None,
        resume: bool = False,
        max_bytes: int | None = None,
    ) -> FetchResult:
        limit = self.max_bytes if max_bytes is None else max_bytes
        redirects: list[str] = []
        current = url
        budget = float(self.deadline)  # shared by every hop of this download
        for _hop in range(self.max_redirects + 1):
            self._check_target(current, scope, redirected=bool(redirects))
            if check_robots and not self.allowed(current, scope):
                raise FetchError(
                    "robots-disallowed", self.robots_reason(current), final_url=current
                )
            if budget <= 0:
                raise self._deadline_error(current, 0)
            req = urllib.request.Request(
                current, headers={"User-Agent": self.user_agent, **headers}
            )
            self._wait_turn(current)
            started = time.monotonic()
            try:
                with self.guard.request(url_host(current), budget) as deadline:
                    try:
                        resp = self._opener.open(req, timeout=self.timeout)
                    except urllib.error.HTTPError as err:
                        hdrs = {k.lower(): v for k, v in (err.headers or {}).items()}
                        err.close()
                        if err.code in _REDIRECT_CODES and hdrs.get("location"):
                            nxt = urljoin(current, hdrs["location"])
                            redirects.append(nxt)
                            current = nxt
                            continue
                        if err.code == 304:
                            return FetchResult(url, current, 304, hdrs, redirects=redirects)
                        raise FetchError(
                            "http-error", f"HTTP {err.code} {err.reason}", err.code, current
                        ) from None
                    except (http.client.HTTPException, OSError, ValueError) as exc:
                        raise self._open_error(exc, deadline, current) from exc
                    with resp:
                        return self._read(
                            resp, url, current, redirects, to_file, resume, limit, deadline
                        )
            finally:
                budget -= time.monotonic() - started
        raise FetchError(
            "too-many-redirects", f"more than {self.max_redirects} redirects", final_url=current
        )

    def _check_target(self, url: str, scope: HostScope, *, redirected: bool) -> None:
        """Refuse, before any connection, a URL that is not http(s) or not inside ``scope``."""
        parts = urlsplit(url)
        if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
            raise FetchError("bad-url", f"only http/https URLs are fetched: {url}", final_url=url)
        if "@" in parts.netloc or "\\" in parts.netloc:
            # urllib and urlsplit disagree on which host such URLs name
            raise FetchError(
                "bad-url",
                f"URLs with a user name or a backslash are not fetched: {url}",
                final_url=url,
            )
        if not scope.allows(url):
            host = url_host(url)
            what = f"redirected to {url}, which is" if redirected else "the link is"
            raise FetchError(
                "off-site",
                f"{what} on {host}, outside the site being harvested ({scope.describe()}); "
                f"--allow-host {host} would fetch it",
                final_url=url,
            )

    def _deadline_error(
        self,
        url: str,
        size: int,
        http_status: int | None = None,
        headers: dict[str, str] | None = None,
    ) -> FetchError:
        got = f" after {size} bytes" if size else ""
        return FetchError(
            "timeout",
            f"not finished within the {self.deadline:g}-s deadline{got}",
            http_status,
            url,
            headers,
        )

    def _open_error(self, exc: BaseException, deadline: Deadline, url: str) -> FetchError:
        """The :class:`FetchError` for a request that failed before its body."""
        if deadline.fired:
            return self._deadline_error(url, 0)
        reason = exc.reason if isinstance(exc, urllib.error.URLError) else exc
        if isinstance(reason, ConnectionRefusedByPolicy):
            return FetchError(reason.status, reason.reason, final_url=url)
        if isinstance(reason, TimeoutError):
            return FetchError("timeout", f"no answer within {self.timeout}s", final_url=url)
        if isinstance(exc, urllib.error.URLError):
            return FetchError("network-error", str(exc.reason), final_url=url)
        return FetchError("network-error", f"{type(exc).__name__}: {exc}", final_url=url)

    def _read(
        self,
        resp: http.client.HTTPResponse,
        url: str,
        final_url: str,
        redirects: list[str],
        to_file: Path | None,
        resume: bool,
        limit: int,
        deadline: Deadline,
    ) -> FetchResult:
        hdrs = {k.lower(): v for k, v in resp.headers.items()}
        status = resp.status
        length = hdrs.get("content-length")
        expected = int(length) if length and length.isdigit() else None
        offset = 0
        if status == 206 and to_file is not None and resume and to_file.exists():
            m = re.match(r"bytes\s+(\d+)-", hdrs.get("content-range", ""))
            offset = int(m.group(1)) if m else -1
            if offset != to_file.stat().st_size:
                raise FetchError(
                    "network-error", "server resumed at an unexpected offset", 206, final_url
                )
        elif status == 206:
            raise FetchError("network-error", "unexpected partial content", 206, final_url)
        total_expected = offset + expected if expected is not None else None
        if total_expected is not None and total_expected > limit:
            raise FetchError(
                "too-large",
                f"{total_expected} bytes is over the {limit}-byte limit",
                status,
                final_url,
            )
        size = offset
        chunks: list[bytes] = []
        window_start, window_bytes = time.monotonic(), 0
        try:
            with contextlib.ExitStack() as stack:
                fh = None
                if to_file is not None:
                    to_file.parent.mkdir(parents=True, exist_ok=True)
                    fh = stack.enter_context(to_file.open("ab" if offset else "wb"))
                while chunk := resp.read1(_CHUNK):  # read1: returns what has come
                    size += len(chunk)
                    if size > limit:
                        raise FetchError(
                            "too-large", f"over the {limit}-byte limit", status, final_url
                        )
                    window_bytes += len(chunk)
                    spent = time.monotonic() - window_start
                    done = total_expected is not None and size >= total_expected
                    if spent >= self.timeout and not done:
                        if window_bytes < MIN_RATE * spent:
                            raise FetchError(
                                "timeout",
                                f"download slower than {MIN_RATE} bytes/s "
                                f"({window_bytes} bytes in {spent:.0f} s) after {size} bytes",
                                status,
                                final_url,
                                hdrs,
                            )
                        window_start, window_bytes = time.monotonic(), 0
                    if fh is None:
                        chunks.append(chunk)
                    else:
                        fh.write(chunk)
        except FetchError as exc:
            if exc.status == "too-large" and to_file is not None:
                to_file.unlink(missing_ok=True)
            raise
        except (http.client.HTTPException, OSError) as exc:  # TimeoutError is an OSError
            if deadline.fired:
                raise self._deadline_error(final_url, size, status, hdrs) from exc
            if isinstance(exc, TimeoutError):
                kind, why = "timeout", f"download stalled for {self.timeout}s after {size} bytes"
            else:
                kind = "network-error"
                why = f"download interrupted after {size} bytes ({type(exc).__name__})"
            raise FetchError(kind, why, status, final_url, hdrs) from exc
        if deadline.fired and (total_expected is None or size < total_expected):
            # the deadline shut the socket: what looks like the end of the body is not
            if to_file is not None and total_expected is None:
                to_file.unlink(missing_ok=True)  # unknown length: nothing to resume from
            raise self._deadline_error(final_url, size, status, hdrs)
        if total_expected is not None and size < total_expected:
            raise FetchError(
                "network-error",
                f"download interrupted after {size} of {total_expected} bytes",
                status,
                final_url,
                hdrs,
            )
        if to_file is None:
            body = b"".join(chunks)
            return FetchResult(
                url, final_url, status, hdrs, body=body, size=size, redirects=redirects
            )
        return FetchResult(
            url, final_url, status, hdrs, path=to_file, size=size, redirects=redirects
        )
