"""HTTP edges Werkzeug leaves open: redirects built from the ``Host`` header, and conditional
requests (a failed ``If-Match`` answered 412 with the whole file, ``Range`` served before the
preconditions, ``If-Match: *`` refused).

Every file the site sends (documents and static files) goes through :func:`send_conditional`;
every response passes through :func:`finish_response`.
"""

from __future__ import annotations

import os
import zlib
from datetime import datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from flask import Response, request, send_file
from werkzeug.exceptions import RequestedRangeNotSatisfiable
from werkzeug.http import parse_date, parse_etags

#: headers a 304 carries over from the response it replaces (RFC 9110 section 15.4.5)
_NOT_MODIFIED_HEADERS = ("Cache-Control", "Content-Location", "ETag", "Expires", "Vary")
#: the request headers :func:`precondition_status` answers; Werkzeug only sees Range/If-Range
_PRECONDITION_KEYS = (
    "HTTP_IF_MATCH",
    "HTTP_IF_UNMODIFIED_SINCE",
    "HTTP_IF_NONE_MATCH",
    "HTTP_IF_MODIFIED_SINCE",
)


def relative_location(resp: Response) -> None:
    """Make a redirect to this site relative: ``Location: /path?query``.

    Werkzeug builds the URL of its own redirects (merging ``//`` in a path, strict slashes)
    from the request's ``Host`` header, so ``Host: evil.example`` would send the browser to
    evil.example. A relative ``Location`` stays on the host the browser asked for.
    """
    location = resp.headers.get("Location")
    if not location:
        return
    parts = urlsplit(location)
    if parts.scheme not in ("", "http", "https") or parts.netloc not in ("", request.host):
        return  # a deliberate link elsewhere (the site makes none today)
    # one leading slash: "//host/path" would be a link to another host
    path = "/" + parts.path.lstrip("/")
    resp.headers["Location"] = urlunsplit(("", "", path, parts.query, parts.fragment))


def precondition_status(etag: str | None, weak: bool, last_modified: datetime | None) -> int | None:
    """412, 304 or None (go on) for a GET/HEAD of a file with these validators, in the order
    of RFC 9110 section 13.2.2: If-Match, If-Unmodified-Since, If-None-Match,
    If-Modified-Since. Range comes after them."""
    headers = request.headers
    if_match = headers.get("If-Match")
    if if_match is not None:
        # strong comparison: a weak ETag never satisfies If-Match; "*" does (the file exists)
        tags = parse_etags(if_match)
        if not (tags.star_tag or (etag is not None and not weak and tags.contains(etag))):
            return 412
    else:
        since = parse_date(headers.get("If-Unmodified-Since"))
        if since is not None and last_modified is not None and last_modified > since:
            return 412
    if_none_match = headers.get("If-None-Match")
    if if_none_match is not None:
        tags = parse_etags(if_none_match)
        if tags.star_tag or (etag is not None and tags.contains_weak(etag)):
            return 304
    else:
        since = parse_date(headers.get("If-Modified-Since"))
        if since is not None and last_modified is not None and last_modified <= since:
            return 304
    return None


def _bodiless(resp: Response, status: int) -> Response:
    """``status`` with no body in place of ``resp`` (whose file is closed)."""
    out = Response(status=status)
    out.headers.remove("Content-Type")
    if status == 304:
        for name in _NOT_MODIFIED_HEADERS:
            if name in resp.headers:
                out.headers[name] = resp.headers[name]
    resp.close()
    return out


def _etag(path: Path) -> str:
    """Werkzeug's ETag (mtime, size, adler32 of the path), computed from the path's bytes:
    werkzeug encodes the path as UTF-8 text, which fails for a name that is not valid UTF-8."""
    st = os.stat(path)
    return f"{st.st_mtime}-{st.st_size}-{zlib.adler32(os.fsencode(path)) & 0xFFFFFFFF}"


def send_conditional(
    path: Path,
    *,
    mimetype: str | None = None,
    download_name: str | None = None,
    inline: bool = True,
    max_age: int | None = 3600,
) -> Response:
    """A file by its path with ETag and Last-Modified: preconditions first (412 and 304 have no
    body), then ``Range`` (206 with the bytes asked for, or 416 past the end)."""
    resp = send_file(
        path,
        mimetype=mimetype,
        as_attachment=not inline,
        download_name=download_name,
        conditional=False,
        etag=_etag(path),
        max_age=max_age,
    )
    etag, weak = resp.get_etag()
    status = precondition_status(etag, bool(weak), resp.last_modified)
    if status is not None:
        return _bodiless(resp, status)
    # Werkzeug gets Range and If-Range only: it answers If-Match: * with 412, and a failed
    # If-Match after serving a Range
    environ: dict[str, Any] = {
        k: v for k, v in request.environ.items() if k not in _PRECONDITION_KEYS
    }
    try:
        return resp.make_conditional(
            environ, accept_ranges=True, complete_length=os.stat(path).st_size
        )
    except RequestedRangeNotSatisfiable:
        resp.close()
        raise


def finish_response(resp: Response) -> Response:
    """Applied to every response: redirects made relative; a 412 never carries a body."""
    if 300 <= resp.status_code < 400:
        relative_location(resp)
    elif resp.status_code == 412 and request.method in ("GET", "HEAD"):
        return _bodiless(resp, 412)
    return resp
