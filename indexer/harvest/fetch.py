"""Polite HTTP fetching for the harvester (stdlib urllib only).

* robots.txt is read once per host (``urllib.robotparser``) and obeyed for every request,
  including each hop of a redirect; its Crawl-delay is honoured (capped at 60 s);
* at most one request per ``rate_limit`` seconds per host (robots.txt fetches included);
* a clear User-Agent on every request;
* redirects are followed by hand (at most 5), only to http/https URLs;
* bodies are streamed to a ``.part`` file with a size cap; an interrupted download can be
  resumed with ``Range`` + ``If-Range``.
"""

from __future__ import annotations

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

__all__ = ["FetchError", "FetchResult", "Fetcher", "sniff_document_type"]

_REDIRECT_CODES = (301, 302, 303, 307, 308)
_CHUNK = 64 * 1024
MAX_CRAWL_DELAY = 60.0


class FetchError(Exception):
    """A request that did not produce a usable response.

    ``status`` is a short machine-readable code (``http-error``, ``timeout``,
    ``network-error``, ``robots-disallowed``, ``too-large``, ``bad-url``,
    ``too-many-redirects``); ``reason`` is for people.
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
    """GET requests that obey robots.txt and a per-host rate limit."""

    def __init__(
        self,
        *,
        user_agent: str,
        rate_limit: float = 1.0,
        timeout: float = 30,
        max_bytes: int = 200 * 1024 * 1024,
        max_redirects: int = 5,
        opener: urllib.request.OpenerDirector | None = None,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.user_agent = user_agent
        self.rate_limit = max(0.0, float(rate_limit))
        self.timeout = timeout
        self.max_bytes = max_bytes
        self.max_redirects = max_redirects
        self._opener = opener or urllib.request.build_opener(_NoRedirect)
        self._sleep = sleep
        self._clock = clock
        self._last: dict[str, float] = {}
        self._robots: dict[str, urllib.robotparser.RobotFileParser] = {}
        self._robots_note: dict[str, str] = {}
        self.requests = 0

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

    def robots_for(self, url: str) -> urllib.robotparser.RobotFileParser:
        """The parsed robots.txt of ``url``'s host (fetched once)."""
        key = _host_key(url)
        rp = self._robots.get(key)
        if rp is not None:
            return rp
        rp = urllib.robotparser.RobotFileParser(f"{key}/robots.txt")
        try:
            res = self._get(
                f"{key}/robots.txt", headers={}, check_robots=False, max_bytes=512 * 1024
            )
            text = (res.body or b"").decode("utf-8", errors="replace")
            rp.parse(text.splitlines())
        except FetchError as exc:
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

    def allowed(self, url: str) -> bool:
        """Whether robots.txt lets this user agent fetch ``url``."""
        return self.robots_for(url).can_fetch(self.user_agent, url)

    def robots_reason(self, url: str) -> str:
        key = _host_key(url)
        return self._robots_note.get(key, f"disallowed by {key}/robots.txt")

    # -- requests ----------------------------------------------------------------------

    def get(
        self,
        url: str,
        *,
        headers: dict[str, str] | None = None,
        to_file: Path | None = None,
        resume: bool = False,
        max_bytes: int | None = None,
    ) -> FetchResult:
        """GET ``url`` following redirects; raise :class:`FetchError` on failure.

        With ``to_file`` the body is streamed there (a ``.part`` file); with ``resume`` and
        an existing ``to_file`` the caller's headers should carry ``Range``/``If-Range`` and a
        206 answer is appended.
        """
        return self._get(
            url,
            headers=headers or {},
            check_robots=True,
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
        to_file: Path | None = None,
        resume: bool = False,
        max_bytes: int | None = None,
    ) -> FetchResult:
        limit = self.max_bytes if max_bytes is None else max_bytes
        redirects: list[str] = []
        current = url
        for _hop in range(self.max_redirects + 1):
            scheme = urlsplit(current).scheme.lower()
            if scheme not in ("http", "https") or not urlsplit(current).netloc:
                raise FetchError(
                    "bad-url", f"only http/https URLs are fetched: {current}", final_url=current
                )
            if check_robots and not self.allowed(current):
                raise FetchError(
                    "robots-disallowed", self.robots_reason(current), final_url=current
                )
            req = urllib.request.Request(
                current, headers={"User-Agent": self.user_agent, **headers}
            )
            self._wait_turn(current)
            self.requests += 1
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
            except TimeoutError as exc:
                raise FetchError(
                    "timeout", f"no answer within {self.timeout}s", final_url=current
                ) from exc
            except urllib.error.URLError as exc:
                if isinstance(exc.reason, TimeoutError):
                    raise FetchError(
                        "timeout", f"no answer within {self.timeout}s", final_url=current
                    ) from exc
                raise FetchError("network-error", str(exc.reason), final_url=current) from exc
            except (http.client.HTTPException, OSError, ValueError) as exc:
                raise FetchError(
                    "network-error", f"{type(exc).__name__}: {exc}", final_url=current
                ) from exc
            with resp:
                return self._read(resp, url, current, redirects, to_file, resume, limit)
        raise FetchError(
            "too-many-redirects", f"more than {self.max_redirects} redirects", final_url=current
        )

    def _read(
        self,
        resp: http.client.HTTPResponse,
        url: str,
        final_url: str,
        redirects: list[str],
        to_file: Path | None,
        resume: bool,
        limit: int,
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
        try:
            if to_file is None:
                chunks = []
                while True:
                    chunk = resp.read(_CHUNK)
                    if not chunk:
                        break
                    size += len(chunk)
                    if size > limit:
                        raise FetchError(
                            "too-large", f"over the {limit}-byte limit", status, final_url
                        )
                    chunks.append(chunk)
                body = b"".join(chunks)
                return FetchResult(
                    url, final_url, status, hdrs, body=body, size=size, redirects=redirects
                )
            to_file.parent.mkdir(parents=True, exist_ok=True)
            with to_file.open("ab" if offset else "wb") as fh:
                while True:
                    chunk = resp.read(_CHUNK)
                    if not chunk:
                        break
                    size += len(chunk)
                    if size > limit:
                        fh.close()
                        to_file.unlink(missing_ok=True)
                        raise FetchError(
                            "too-large", f"over the {limit}-byte limit", status, final_url
                        )
                    fh.write(chunk)
        except TimeoutError as exc:
            raise FetchError(
                "timeout",
                f"download stalled for {self.timeout}s after {size} bytes",
                status,
                final_url,
                hdrs,
            ) from exc
        except (http.client.HTTPException, OSError) as exc:
            raise FetchError(
                "network-error",
                f"download interrupted after {size} bytes ({type(exc).__name__})",
                status,
                final_url,
                hdrs,
            ) from exc
        if total_expected is not None and size < total_expected:
            raise FetchError(
                "network-error",
                f"download interrupted after {size} of {total_expected} bytes",
                status,
                final_url,
                hdrs,
            )
        return FetchResult(
            url, final_url, status, hdrs, path=to_file, size=size, redirects=redirects
        )
