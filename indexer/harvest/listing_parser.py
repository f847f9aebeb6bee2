"""The listing-page walker shared by the HTML and text entry points.

A page's blocks are walked once. Review entries start at headings / bullets / date lines that
name a case, a plain pseudonym title that the following paragraph repeats, an NSPCC-style
header, a thematic review title, or a dated review paragraph; the lines that follow add
documents and summary text to the current entry.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import unquote, urlsplit

from indexer.harvest.classify import (
    DATE_LINE,
    GENERIC_WORDS,
    LOCAL_TYPES,
    NAME_LINE,
    NAME_WORD,
    NEGATIVE_PAGE,
    NON_REVIEW,
    NSPCC_HEADER,
    PREFIX_NAME,
    clean_title,
    is_heading_like,
    is_short,
    name_words_echoed,
    partnership_from_url,
    same_case,
    segments,
    split_words,
    strip_type_and_date,
    thematic_title,
)
from indexer.harvest.listing_docs import (
    FILE_MARKER,
    docs_from_links,
    docs_from_text,
    document_line,
    file_type,
)
from indexer.harvest.listing_model import Block, LinkedDocument, ReviewEntry
from library.naming import (
    REVIEW_TYPES,
    find_review_types,
    parse_case_name,
    parse_date,
    parse_document_kind,
    parse_partnership,
    parse_review_type,
)

__all__ = ["ListingParser"]

_LINK_PHRASE = re.compile(
    r"\s*(?P<link>(?:(?:read|view|download|see|open)\s+(?:the\s+)?)?"
    r"(?:full\s+|overview\s+|executive\s+|learning\s+|7[\s-]*minute\s+|seven[\s-]*minute\s+)?"
    r"(?:review|report|briefing|summary|action\s+plan|brief|learnings?)s?)\b",
    re.IGNORECASE,
)
_INLINE_ENTRY = re.compile(
    rf"(?P<name>(?:(?:Child|Baby)\s+)?(?:{NAME_WORD}|[A-Z]{{1,3}}\d?)"
    rf"(?:\s+(?:&|and)\s+(?:(?:Child|Baby)\s+)?{NAME_WORD})?)"
    r"\s*\((?P<year>(?:19|20)\d\d)\)\s*-\s*"
)


@dataclass
class _Candidate:
    case: str | None
    title: str
    review_type: str | None
    date: str | None
    own_area: bool = False  # the item names its own area (NSPCC lists), even "Anonymous"
    partnership: str | None = None


class ListingParser:
    """One walk over a page's blocks, collecting :class:`ReviewEntry` items."""

    def __init__(self, *, url: str | None, head: str, blocks: list[Block], html: bool) -> None:
        self.url = url
        self.blocks = blocks
        self.html = html
        self.entries: list[ReviewEntry] = []
        self.current: ReviewEntry | None = None
        self.current_explicit_type = False
        self.section_type: str | None = None
        self.pending_date: str | None = None
        self.current_from_bullet = False
        first_lines = [b.text for b in blocks[:3]]
        title = head or (blocks[0].text if blocks else "")
        slug = re.sub(r"[-_/]+", " ", unquote(urlsplit(url).path)) if url else ""
        lead = " ".join(b.text for b in blocks)[:1500]
        self.page_partnership = (
            parse_partnership(head) or parse_partnership(lead) or partnership_from_url(url)
        )
        opening = find_review_types(" ".join(first_lines)[:600])
        self.page_type = (
            parse_review_type(slug)
            or parse_review_type(title)
            or (opening[0] if len(opening) == 1 else None)
        )
        self.page_kind = (
            "7-minute-briefing"
            if re.search(r"\b(?:7|seven)[\s-]*minute", f"{slug} {title}", re.I)
            else None
        )
        heading_title = next((b.text for b in blocks if b.kind == "heading"), "") if html else title
        self.negative = bool(NEGATIVE_PAGE.search(f"{slug} {heading_title} {head}"))

    # -- helpers ---------------------------------------------------------------------

    def _next_text(self, i: int) -> str:
        for block in self.blocks[i + 1 : i + 3]:
            if block.kind == "text" and not is_heading_like(block):
                return block.text
            if block.kind == "text":
                continue
            return ""
        return ""

    def _candidate(self, i: int, block: Block) -> _Candidate | None:
        text = block.text
        if (
            block.kind not in ("heading", "bullet")
            and not is_heading_like(block)
            and not (block.kind == "text" and is_short(text) and text.endswith(":"))
        ):
            return None
        if not is_short(text) or text.endswith("?"):
            return None
        m = NSPCC_HEADER.match(text)
        if m:
            area = m.group("area").strip()
            name = m.group("name").strip()
            case = parse_case_name(name) or clean_title(name)
            partnership = None
            if not re.search(r"\banonymous\b|\bunnamed\b", area, re.I):
                partnership = parse_partnership(area) or area
            return _Candidate(
                case,
                text,
                parse_review_type(text),
                parse_date(m.group("date")),
                own_area=True,
                partnership=partnership,
            )
        rtype = parse_review_type(text)
        date = parse_date(text)
        case = parse_case_name(text)
        excluded = bool(NON_REVIEW.search(text))
        if case is None and not excluded:
            pm = PREFIX_NAME.match(text)
            if (
                pm
                and parse_review_type(pm.group("rest")) in LOCAL_TYPES
                and pm.group("name") not in GENERIC_WORDS
            ):
                case = pm.group("name")
        if case is None and not excluded:
            segs = segments(text)
            first = re.sub(r"\s*\((?:19|20)\d\d\)$", "", segs[0]) if segs else ""
            if (
                (len(segs) > 1 or first != segs[0])
                and NAME_LINE.match(first)
                and (rtype or date)
                and first.split()[0] not in GENERIC_WORDS
            ):
                case = first
        if case is None and not excluded and not self.negative:
            nm = NAME_LINE.match(text)
            if (
                nm
                and (self.page_type or self.page_kind or self.section_type)
                and block.kind != "bullet"
                or (nm and block.kind == "bullet" and self._next_is_paragraph(i))
            ):
                following = self._next_text(i)
                if following and name_words_echoed(text, following):
                    case = text
        if excluded and case is None:
            return None
        if case is not None:
            if rtype in ("dhr", "sar") and excluded:
                return None
            return _Candidate(case, text, rtype, date)
        if self.negative:
            return None
        if rtype in ("thematic-review", "partnership-review"):
            title = thematic_title(text)
            if title:
                return _Candidate(title, text, rtype, date)
        if rtype in LOCAL_TYPES and date and block.kind != "bullet":
            rest = strip_type_and_date(text)
            if len([w for w in rest.split() if w[:1].isalpha()]) <= 2:
                return _Candidate(None, text, rtype, date)
        return None

    def _next_is_paragraph(self, i: int) -> bool:
        nxt = self.blocks[i + 1] if i + 1 < len(self.blocks) else None
        return nxt is not None and nxt.kind == "text" and not is_heading_like(nxt)

    # -- entries ---------------------------------------------------------------------

    def _start(self, cand: _Candidate, block: Block) -> ReviewEntry:
        entry = ReviewEntry(
            case=cand.case,
            title=clean_title(cand.title),
            review_type=cand.review_type or self.section_type or self.page_type,
            date=cand.date or self.pending_date,
            partnership=cand.partnership if cand.own_area else self.page_partnership,
            listing_kind=self.page_kind,
        )
        self.current_explicit_type = cand.review_type is not None
        self.pending_date = None
        self.entries.append(entry)
        self.current = entry
        if self.html:
            entry.documents.extend(docs_from_links(block, entry.listing_kind))
            pages = [
                u
                for u, _t in block.links
                if not file_type(u, "") and u.startswith(("http://", "https://"))
            ]
            if pages and not entry.documents:
                entry.detail_url = pages[0]
        else:
            segs = segments(block.text)
            parts = segs[1:] if len(segs) > 1 else segs
            for seg in parts:
                kind = parse_document_kind(seg)
                if kind and not DATE_LINE.match(seg):
                    entry.documents.append(LinkedDocument(None, seg, kind, file_type(None, seg)))
            if not entry.documents and FILE_MARKER.search(block.text):
                entry.documents.extend(docs_from_text(block.text, entry.listing_kind))
        return entry

    def _add_summary(self, entry: ReviewEntry, block: Block) -> None:
        text = block.text
        kw = re.match(r"^Keywords?\s*:\s*(?P<k>.+)$", text, re.I)
        if kw:
            entry.keywords.extend(k.strip(" .") for k in kw.group("k").split(",") if k.strip(" ."))
            return
        line = f"- {text}" if block.kind == "bullet" else text
        if len(entry.summary) < 2000:
            entry.summary = f"{entry.summary}\n{line}".strip()
        if entry.date is None:
            entry.date = parse_date(text, published_only=True)
        docs = (
            docs_from_links(block, entry.listing_kind)
            if self.html
            else (docs_from_text(text, entry.listing_kind) if FILE_MARKER.search(text) else [])
        )
        self._add_docs(entry, docs)

    @staticmethod
    def _add_docs(entry: ReviewEntry, docs: list[LinkedDocument]) -> None:
        seen = {(d.url, d.link_text) for d in entry.documents}
        for doc in docs:
            if (doc.url, doc.link_text) not in seen:
                entry.documents.append(doc)
                seen.add((doc.url, doc.link_text))

    def _inline_entries(self, block: Block) -> bool:
        """Reviews mentioned inside a run-on paragraph: ``Ben (2022)– 7-Minute Briefing | Read …``."""
        text = block.text
        found = False
        matches = list(_INLINE_ENTRY.finditer(text))
        for n, m in enumerate(matches):
            name = m.group("name")
            if name.split()[0] in GENERIC_WORDS and not parse_case_name(name):
                continue
            rest = text[m.end() : matches[n + 1].start() if n + 1 < len(matches) else len(text)]
            docs: list[LinkedDocument] = []
            pos = 0
            while True:
                lm = _LINK_PHRASE.match(rest, pos)
                if not lm:
                    break
                link = lm.group("link").strip()
                docs.append(
                    LinkedDocument(None, link, parse_document_kind(link) or "overview-report", None)
                )
                pos = lm.end()
                sep = re.match(r"\s*\|\s*", rest[pos:])
                if not sep:
                    break
                pos += sep.end()
            if not docs:
                continue
            preceding = text[: m.start()]
            types = [parse_review_type(s) for s in re.split(r"(?<=[.!?])\s+", preceding)]
            rtype = next((t for t in reversed(types) if t), None)
            entry = ReviewEntry(
                case=parse_case_name(name) or name,
                title=clean_title(text[m.start() : m.end() + pos]),
                review_type=rtype or self.section_type or self.page_type,
                date=parse_date(m.group("year")),
                partnership=self.page_partnership,
                summary=rest[pos:].strip()[:2000],
                documents=docs,
                listing_kind=self.page_kind,
            )
            self.entries.append(entry)
            self.current = None
            found = True
        return found

    # -- main loop -------------------------------------------------------------------

    def parse(self) -> list[ReviewEntry]:
        for i, block in enumerate(self.blocks):
            text = block.text
            if block.kind != "link" and DATE_LINE.match(text):
                self.pending_date = parse_date(text)
                self.current = None
                continue
            cand = self._candidate(i, block) if block.kind != "link" else None
            cur = self.current
            if cur is not None and (
                cand is None or (cand.case is not None and same_case(cand.case, cur.case))
            ):
                docs = document_line(block, cur, html=self.html)
                if docs:
                    self._add_docs(cur, docs)
                    if cur.date is None:
                        cur.date = parse_date(text, published_only=True)
                    continue
            if (
                cur is not None
                and cand is not None
                and cand.case is not None
                and same_case(cand.case, cur.case)
                and cand.date is None
                and cand.review_type is None
                and not NSPCC_HEADER.match(text)
            ):
                # another mention of the same review ("Child S" linking to its own page)
                pages = [u for u, _t in block.links if u.startswith(("http://", "https://"))]
                if pages and cur.detail_url is None and not cur.documents:
                    cur.detail_url = pages[0]
                continue
            if cand is not None:
                self._start(cand, block)
                self.current_from_bullet = block.kind == "bullet"
                continue
            if (
                cur is not None
                and self.current_from_bullet
                and block.kind == "bullet"
                and is_short(text)
            ):
                # a sibling list item that is not a review ("National Learning") ends the entry
                self.current = None
                continue
            if (
                self.pending_date
                and self.current is None
                and not self.negative
                and block.kind == "text"
                and not is_heading_like(block)
            ):
                rtype = parse_review_type(text)
                has_docs = bool(FILE_MARKER.search(text)) or any(
                    file_type(u, t) for u, t in block.links
                )
                if rtype in LOCAL_TYPES and has_docs:
                    label = re.sub(r"\s*\([^)]*\)$", "", REVIEW_TYPES[rtype])
                    cand = _Candidate(
                        None, f"{label}, {self._pending_label()}", rtype, self.pending_date
                    )
                    entry = self._start(cand, Block("text", "", []))
                    self._add_summary(entry, block)
                    continue
            if is_heading_like(block) and block.kind != "bullet":
                rtype = parse_review_type(text)
                cur = self.current
                if (
                    cur is not None
                    and rtype
                    and not self.current_explicit_type
                    and not cur.summary
                    and len(split_words(text)) <= 5
                ):
                    cur.review_type = rtype
                    self.current_explicit_type = True
                    continue
                self.current = None
                self.pending_date = None
                if rtype and not NON_REVIEW.search(text):
                    self.section_type = rtype
                continue
            if self.current is not None:
                self._add_summary(self.current, block)
                continue
            if block.kind == "text" and len(text) > 150:
                self._inline_entries(block)
        return self.entries

    def _pending_label(self) -> str:
        iso = self.pending_date or ""
        parts = iso.split("-")
        if len(parts) >= 2:
            import calendar

            month = calendar.month_name[int(parts[1])]
            return (
                f"{int(parts[2])} {month} {parts[0]}" if len(parts) == 3 else f"{month} {parts[0]}"
            )
        return iso
