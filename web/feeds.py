"""Atom feeds (RFC 4287) of documents, written with feedgen (docs/feeds.md).

feedgen writes the XML with lxml, so every title and summary is escaped by the serializer, and
it refuses a feed without the elements RFC 4287 requires (id, title, updated). What lxml cannot
write at all, characters XML 1.0 forbids (control characters a PDF's text may hold), is taken
out here first.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from feedgen.feed import FeedGenerator

from library.feeds import entry_summary
from library.models import DocumentRecord

ATOM_MIMETYPE = "application/atom+xml"
#: characters XML 1.0 does not allow (C0 controls but tab, newline, return; surrogates;
#: U+FFFE and U+FFFF)
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
#: when a feed has no entry and the library no stamp: a fixed instant, not "now" (a feed
#: whose ``updated`` changes on every fetch looks new to a reader each time)
EPOCH = "1970-01-01T00:00:00Z"


def xml_text(text: str | None) -> str:
    """``text`` with the characters XML cannot hold removed (escaping is lxml's job)."""
    return _NOT_XML.sub("", text or "")


@dataclass(frozen=True)
class FeedInfo:
    """What describes a feed: its ``title``, its ``self_url`` (also its id: one URL per
    search), the HTML page it follows (``alternate_url``) and a ``subtitle``."""

    title: str
    self_url: str
    alternate_url: str
    subtitle: str = ""


def atom_feed(
    info: FeedInfo,
    docs: Sequence[DocumentRecord],
    *,
    doc_url: Mapping[str, str],
    theme_labels: Mapping[str, str],
    site_name: str,
    updated_fallback: str = "",
) -> bytes:
    """The Atom document of ``docs`` (newest added first, as given): each entry's id is the
    document page's absolute URL (``doc_url``), ``updated`` when the library added it, the
    partnership its author, a plain-text summary (library.feeds.entry_summary) and one
    category per central theme. The feed's ``updated`` is its newest entry's (or
    ``updated_fallback``, or :data:`EPOCH`)."""
    fg = FeedGenerator()
    fg.id(xml_text(info.self_url))
    fg.title(xml_text(info.title))
    if info.subtitle:
        fg.subtitle(xml_text(info.subtitle))
    fg.link(href=xml_text(info.self_url), rel="self", type=ATOM_MIMETYPE)
    fg.link(href=xml_text(info.alternate_url), rel="alternate", type="text/html")
    fg.author({"name": xml_text(site_name)})
    fg.generator(xml_text(site_name))
    fg.language("en-GB")
    stamps = [d.added for d in docs if d.added]
    fg.updated(max(stamps) if stamps else (updated_fallback or EPOCH))
    for d in docs:
        fe = fg.add_entry(order="append")  # feedgen prepends by default
        url = xml_text(doc_url[d.id])
        fe.id(url)
        fe.title(xml_text(d.title) or d.id)
        fe.updated(d.added or updated_fallback or EPOCH)
        fe.link(href=url, rel="alternate", type="text/html")
        fe.author({"name": xml_text(d.partnership) or xml_text(site_name)})
        fe.summary(xml_text(entry_summary(d, theme_labels)), type="text")
        for t in d.themes:
            fe.category(term=xml_text(t), label=xml_text(theme_labels.get(t, t)))
    return bytes(fg.atom_str(pretty=True))
