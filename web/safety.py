"""HTML safety: the only strings the templates mark safe pass through here first."""

from __future__ import annotations

import html
import re
from collections.abc import Iterable

from markupsafe import Markup, escape

# What library.search produces for a snippet: text escaped with html.escape, plus bare
# <mark>…</mark> around matched words. Anything else is escaped again, never trusted.
_MARK_TAG = re.compile(r"</?mark>")
_ENTITY = re.compile(r"&(?:amp|lt|gt|quot|apos|#x27|#39|#34|#x22|#\d{1,7}|#x[0-9a-fA-F]{1,6});")


def is_library_snippet(snippet: str) -> bool:
    """True if ``snippet`` is escaped text with balanced, unnested ``<mark>`` tags only."""
    depth = 0
    for m in _MARK_TAG.finditer(snippet):
        depth += -1 if m.group(0) == "</mark>" else 1
        if depth not in (0, 1):
            return False
    if depth != 0:
        return False
    rest = _MARK_TAG.sub("", snippet)
    if "<" in rest or ">" in rest:
        return False
    return "&" not in _ENTITY.sub("", rest)


def safe_snippet(snippet: str | None) -> Markup:
    """A library snippet as Markup once checked; anything unexpected is shown as text."""
    if not snippet:
        return Markup("")
    if is_library_snippet(snippet):
        return Markup(snippet)  # noqa: S704 - checked above: escaped text and <mark> only
    return escape(html.unescape(_MARK_TAG.sub("", snippet)))


def highlight_text(text: str, spans: Iterable[tuple[int, int]]) -> Markup:
    """Plain ``text`` escaped, with ``<mark>`` around each of ``spans``: the character spans
    the library marks for a query (``LibrarySearcher.highlights``), in order, not overlapping.
    What to mark is decided there, for the snippets and the page alike; here it is only
    escaped and wrapped."""
    out: list[str] = []
    last = 0
    for start, end in spans:
        if start < last or end <= start or end > len(text):
            continue  # not in order or not in the text: never mark what is not there
        out.append(str(escape(text[last:start])))
        out.append(f"<mark>{escape(text[start:end])}</mark>")
        last = end
    out.append(str(escape(text[last:])))
    return Markup("".join(out))  # noqa: S704 - every piece escaped above


def security_headers(csp: str) -> dict[str, str]:
    return {
        "Content-Security-Policy": csp,
        "X-Content-Type-Options": "nosniff",
        "X-Frame-Options": "DENY",
        "Referrer-Policy": "same-origin",
        "Cross-Origin-Opener-Policy": "same-origin",
        "Permissions-Policy": "camera=(), microphone=(), geolocation=()",
    }
