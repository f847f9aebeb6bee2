"""Turn a listing page into a flat list of blocks: headings, bullets, paragraphs, link lines.

:func:`text_blocks` reads the text-only captures (first line may be the page URL; ``>`` lines
are link texts); :func:`html_blocks` walks real HTML with BeautifulSoup, keeping each block's
links made absolute. Both feed :mod:`indexer.harvest.listing_parser`.
"""

from __future__ import annotations

import re
from urllib.parse import urljoin

from indexer.harvest.classify import wordset
from indexer.harvest.listing_model import Block
from library.naming import normalise_text

__all__ = ["html_blocks", "text_blocks"]


_BULLET = re.compile(r"^\s*(?:[-*\u2022\u00b7\u25aa\u25cf\u2023\u2043>]|\d{1,3}[.)])\s+")


def text_blocks(text: str) -> tuple[str | None, list[Block]]:
    lines = text.splitlines()
    url = None
    if lines and re.match(r"^\s*https?://\S+\s*$", lines[0]):
        url = lines[0].strip()
        lines = lines[1:]
    blocks: list[Block] = []
    for raw in lines:
        if not raw.strip():
            continue
        if raw.lstrip().startswith(">"):
            blocks.append(Block("link", normalise_text(raw.lstrip()[1:])))
            continue
        m = _BULLET.match(raw)
        if m:
            body = normalise_text(raw[m.end() :])
            if body:
                blocks.append(Block("bullet", body))
            continue
        blocks.append(Block("text", normalise_text(raw)))
    return url, blocks


_BLOCK_TAGS = wordset(
    "p div li ul ol dl dt dd h1 h2 h3 h4 h5 h6 tr td th table thead tbody tfoot caption section "
    "article main header footer aside blockquote figure figcaption details summary address pre "
    "hr form fieldset center"
)
_SKIP_TAGS = wordset(
    "script style noscript template nav svg button select option iframe head input textarea "
    "label object embed canvas video audio map"
)
_HEADING_TAGS = wordset("h1 h2 h3 h4 h5 h6")


def html_blocks(html: str, base_url: str) -> tuple[str, list[Block]]:
    from bs4 import BeautifulSoup, Comment, Declaration, Doctype, NavigableString, Tag

    soup = BeautifulSoup(html, "html.parser")
    head_bits: list[str] = []
    if soup.title and soup.title.string:
        head_bits.append(soup.title.string)
    for meta in soup.find_all("meta"):
        if meta.get("property") in ("og:site_name", "og:title") and meta.get("content"):
            head_bits.append(str(meta["content"]))
    blocks: list[Block] = []
    pieces: list[tuple[str, bool]] = []
    links: list[tuple[str, str]] = []

    def flush(kind: str) -> None:
        text = normalise_text("".join(p for p, _ in pieces))
        if text:
            bold = normalise_text("".join(p for p, b in pieces if b))
            if kind == "text" and bold == text and len(text) <= 150:
                kind = "heading"
            blocks.append(Block(kind, text, list(links)))
        pieces.clear()
        links.clear()

    def walk(node: Tag, kind: str, bold: bool, in_row: bool = False) -> None:
        for child in node.children:
            if isinstance(child, (Comment, Doctype, Declaration)):
                continue
            if isinstance(child, NavigableString):
                pieces.append((str(child), bold))
                continue
            if not isinstance(child, Tag):
                continue
            name = (child.name or "").lower()
            if name in _SKIP_TAGS:
                continue
            if name == "br":
                if in_row:
                    pieces.append((" ", bold))
                else:
                    flush(kind)
                continue
            if name == "a":
                text = normalise_text(child.get_text(" ", strip=True))
                pieces.append((text, bold))
                href = (child.get("href") or "").strip()
                if href and not href.startswith("#"):
                    links.append((urljoin(base_url, href), text))
                continue
            if in_row and name not in ("tr", "table"):
                # a table row is one item: "Child X | 2019 | report"
                if name in ("td", "th") and pieces:
                    pieces.append((" | ", False))
                walk(child, kind, bold or name in ("strong", "b"), True)
                continue
            if name in _BLOCK_TAGS:
                flush(kind)
                if name in _HEADING_TAGS:
                    ckind = "heading"
                elif name in ("li", "dt", "tr"):
                    ckind = "bullet"
                elif name in ("p", "dd", "td", "th", "blockquote", "figcaption", "summary"):
                    ckind = "text"
                else:
                    ckind = kind
                walk(child, ckind, bold, name == "tr")
                flush(ckind)
                continue
            walk(child, kind, bold or name in ("strong", "b"), in_row)

    root = soup.body or soup
    walk(root, "text", False)
    flush("text")
    return " | ".join(normalise_text(b) for b in head_bits), blocks
