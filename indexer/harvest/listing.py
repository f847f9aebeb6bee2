"""Parse the web pages on which safeguarding partnerships list their published reviews.

Two entry points share one classifier:

* :func:`parse_listing_html` reads a real page (links become :class:`LinkedDocument` URLs);
* :func:`parse_listing_text` reads the text-only captures in ``shared/listing-pages`` (first
  line may be the page URL); documents are then known by their link text only.

A page is turned into a flat list of blocks (headings, bullets, paragraphs, each with its
links) and walked once. Review entries start at headings / bullets / date lines that name a
case (``Child G``, ``Baby Eva``, ``Carl & Max``, ``Case GN13``), a plain pseudonym title that
the following paragraph repeats (``Grace and Georgina``), an NSPCC-style header
(``2022 – Anonymous – Adam``), a thematic review title, or a dated review paragraph.
Procedures, thresholds, strategies, "National Learning" and DHR links are left out.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field
from urllib.parse import unquote, urljoin, urlsplit

from library.naming import (
    REVIEW_TYPES,
    find_review_types,
    normalise_text,
    parse_case_name,
    parse_date,
    parse_document_kind,
    parse_partnership,
    parse_review_type,
)

__all__ = [
    "LinkedDocument",
    "ReviewEntry",
    "document_links_html",
    "parse_listing_html",
    "parse_listing_text",
    "partnership_from_url",
]


@dataclass
class LinkedDocument:
    """A document linked from a review entry (``url`` is None for text-only captures)."""

    url: str | None
    link_text: str
    document_kind: str | None
    file_type: str | None  # "pdf", "docx" or None when unknown


@dataclass
class ReviewEntry:
    """One published review as listed on a page."""

    case: str | None  # case name, or the title of a thematic review
    title: str  # the heading / list item as published
    review_type: str | None = None
    date: str | None = None
    partnership: str | None = None
    summary: str = ""
    documents: list[LinkedDocument] = field(default_factory=list)
    keywords: list[str] = field(default_factory=list)
    listing_kind: str | None = None  # what the listed item itself is, e.g. "7-minute-briefing"
    detail_url: str | None = None  # an HTML page about this review (entry title link)

    @property
    def name(self) -> str:
        """Case name if known, else the title."""
        return self.case or self.title


# ------------------------------------------------------------------------------ blocks


@dataclass
class _Block:
    kind: str  # "heading", "bullet" or "text"
    text: str
    links: list[tuple[str, str]] = field(default_factory=list)  # (absolute url, link text)


_BULLET = re.compile(r"^\s*(?:[-*\u2022\u00b7\u25aa\u25cf\u2023\u2043>]|\d{1,3}[.)])\s+")


def _text_blocks(text: str) -> tuple[str | None, list[_Block]]:
    lines = text.splitlines()
    url = None
    if lines and re.match(r"^\s*https?://\S+\s*$", lines[0]):
        url = lines[0].strip()
        lines = lines[1:]
    blocks: list[_Block] = []
    for raw in lines:
        if not raw.strip():
            continue
        if raw.lstrip().startswith(">"):
            blocks.append(_Block("link", normalise_text(raw.lstrip()[1:])))
            continue
        m = _BULLET.match(raw)
        if m:
            body = normalise_text(raw[m.end() :])
            if body:
                blocks.append(_Block("bullet", body))
            continue
        blocks.append(_Block("text", normalise_text(raw)))
    return url, blocks


def _wordset(text: str) -> frozenset[str]:
    return frozenset(text.split())


_BLOCK_TAGS = _wordset(
    "p div li ul ol dl dt dd h1 h2 h3 h4 h5 h6 tr td th table thead tbody tfoot caption section "
    "article main header footer aside blockquote figure figcaption details summary address pre "
    "hr form fieldset center"
)
_SKIP_TAGS = _wordset(
    "script style noscript template nav svg button select option iframe head input textarea "
    "label object embed canvas video audio map"
)
_HEADING_TAGS = _wordset("h1 h2 h3 h4 h5 h6")


def _html_blocks(html: str, base_url: str) -> tuple[str, list[_Block]]:
    from bs4 import BeautifulSoup, Comment, Declaration, Doctype, NavigableString, Tag

    soup = BeautifulSoup(html, "html.parser")
    head_bits: list[str] = []
    if soup.title and soup.title.string:
        head_bits.append(soup.title.string)
    for meta in soup.find_all("meta"):
        if meta.get("property") in ("og:site_name", "og:title") and meta.get("content"):
            head_bits.append(str(meta["content"]))
    blocks: list[_Block] = []
    pieces: list[tuple[str, bool]] = []
    links: list[tuple[str, str]] = []

    def flush(kind: str) -> None:
        text = normalise_text("".join(p for p, _ in pieces))
        if text:
            bold = normalise_text("".join(p for p, b in pieces if b))
            if kind == "text" and bold == text and len(text) <= 150:
                kind = "heading"
            blocks.append(_Block(kind, text, list(links)))
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


# ------------------------------------------------------------------------- vocabulary

_NON_REVIEW = re.compile(
    r"\b(?:procedures?|thresholds?|strateg(?:y|ies)|polic(?:y|ies)|protocols?|national\s+learning"
    r"|domestic\s+homicide|DHRs?|newsletters?|training|annual\s+reports?|terms\s+of\s+reference"
    r"|templates?|flowcharts?|appendix|complaints?|how\s+to|what\s+is|contents|referral|guidance"
    r"|search\s+results)\b",
    re.IGNORECASE,
)
_NEGATIVE_PAGE = re.compile(
    r"\b(?:procedures?|protocols?|polic(?:y|ies)|strateg(?:y|ies)|thresholds?|guidance)\b",
    re.IGNORECASE,
)
_LOCAL_TYPES = frozenset(
    {
        "scr",
        "cspr",
        "lcspr",
        "rapid-review",
        "learning-review",
        "thematic-review",
        "partnership-review",
        "practice-review",
    }
)
_GENERIC_WORDS = _wordset(
    """
    Purpose Introduction Background Briefings Briefing Contents Home Summary Summaries Resources
    Learning Guidance Procedure Procedures Strategy National Local Safeguarding Children Child
    Partnership Board Policy Policies Training Contact About Reports Report Reviews Review Published
    Thresholds Further Information Comments Domestic Homicide Archive Archived News Events Menu
    Search Results Help Support Overview Key Themes Findings Recommendations Conclusion Conclusions
    Case Cases Documents Downloads Download Links Useful Related Practitioners Professionals Parents
    Carers Families Family Young People Share Print Feedback Keywords Next Previous Page Top More
    Read View Tools Toolkit Toolkits Publications Library Welcome Consultancy Online Self Services
    Blog Podcast Newsletter Courses Safer Recruitment Neglect Abuse Exploitation Thematic Practice
    Serious Rapid Panel Why When What Where How Who Introduction Glossary Terms Accessibility
    Source Sources Note Notes Update Updated Date Dates
    """
)
_NAME_WORD = r"[A-Z][a-z][A-Za-z'-]*"
_NAME_LINE = re.compile(rf"^(?P<names>{_NAME_WORD}(?:\s+(?:and|&)\s+{_NAME_WORD}){{0,2}})$")
_PREFIX_NAME = re.compile(
    rf"^(?P<name>{_NAME_WORD}(?:\s+(?:and|&)\s+{_NAME_WORD})?)\s*:\s+(?P<rest>.+)$"
)
_NSPCC_HEADER = re.compile(
    r"^(?P<date>(?:[A-Z][a-z]+\s+)?(?:19|20)\d\d)\s+-\s+(?P<area>[^-]{2,80}?)\s+-\s+(?P<name>[^-]{1,80})$"
)
_DATE_LINE = re.compile(
    r"^(?:\d{1,2}(?:st|nd|rd|th)?\s+)?(?:January|February|March|April|May|June|July|August|September"
    r"|October|November|December|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept|Sep|Oct|Nov|Dec)\.?,?\s+"
    r"(?:19|20)\d\d\.?$|^\d{1,2}/\d{1,2}/(?:19|20)\d\d$|^(?:19|20)\d\d-\d\d-\d\d$",
    re.IGNORECASE,
)
_LABEL_VALUE = re.compile(r"^[A-Z][A-Za-z ]{0,30}:\s+[a-z(]")
_FILE_MARKER = re.compile(
    r"(?P<marker>\((?:PDF|DOCX?|Word)\b[^)]{0,40}\)|\[(?:PDF|DOCX?|Word)\b[^\]]{0,40}\])",
    re.IGNORECASE,
)
_FILENAME = re.compile(r"(?P<name>[^\s/][^/\n]{0,120}?\.(?P<ext>pdf|docx?))\b", re.IGNORECASE)
_PHRASE_STOP = _wordset(
    "this that these a an the of to and or by for with in on at is are was has have set out see our "
    "their its there's there"
)
_INLINE_DOC_PHRASES = re.compile(
    r"\b(?:action\s+plan|executive\s+summary|overview\s+report|learning\s+brief(?:ing)?"
    r"|7[\s-]*minute\s+briefing)\b",
    re.IGNORECASE,
)
_CLICK_HERE = re.compile(r"\b(?:click|tap)\s+here\b", re.IGNORECASE)
_NOT_A_DOCUMENT_LINK = re.compile(
    r"\b(?:request|submit|contact|form|procedure|feedback|subscribe|sign\s+up|register|email)\b",
    re.IGNORECASE,
)
_LINK_PHRASE = re.compile(
    r"\s*(?P<link>(?:(?:read|view|download|see|open)\s+(?:the\s+)?)?"
    r"(?:full\s+|overview\s+|executive\s+|learning\s+|7[\s-]*minute\s+|seven[\s-]*minute\s+)?"
    r"(?:review|report|briefing|summary|action\s+plan|brief|learnings?)s?)\b",
    re.IGNORECASE,
)
_INLINE_ENTRY = re.compile(
    rf"(?P<name>(?:(?:Child|Baby)\s+)?(?:{_NAME_WORD}|[A-Z]{{1,3}}\d?)"
    rf"(?:\s+(?:&|and)\s+(?:(?:Child|Baby)\s+)?{_NAME_WORD})?)"
    r"\s*\((?P<year>(?:19|20)\d\d)\)\s*-\s*"
)
_DOC_EXT = re.compile(r"\.(pdf|docx)$", re.IGNORECASE)
_DOC_TEXT = re.compile(r"\b(pdf|docx|word\s+document)\b", re.IGNORECASE)


def _words(text: str) -> list[str]:
    return text.split()


def _is_short(text: str) -> bool:
    return 0 < len(text) <= 150 and len(_words(text)) <= 18


def _is_heading_like(block: _Block) -> bool:
    text = block.text
    if block.kind == "heading":
        return True
    if block.kind not in ("text", "bullet") or not _is_short(text):
        return False
    if text.endswith((".", ",", ";", ":", "?", "!")) or _LABEL_VALUE.match(text):
        return False
    return text[0].isupper() or text[0].isdigit() or text[0] in "'\"("


def _file_type(url: str | None, text: str) -> str | None:
    if url:
        m = _DOC_EXT.search(unquote(urlsplit(url).path))
        if m:
            return m.group(1).lower()
    m = _DOC_EXT.search(text.strip().rstrip(")]. "))
    if m:
        return m.group(1).lower()
    m = _DOC_TEXT.search(text)
    if m:
        return "pdf" if m.group(1).lower() == "pdf" else "docx"
    return None


def partnership_from_url(url: str | None) -> str | None:
    """Area name guessed from a partnership web address (``mertonscp.org.uk`` -> ``Merton``)."""
    if not url:
        return None
    host = (urlsplit(url).hostname or "").lower()
    labels = [x for x in host.split(".") if x and x != "www"]
    if not labels:
        return None
    if host.endswith(".gov.uk") and len(labels) >= 3:
        name = labels[-3]
    else:
        name = labels[0]
        for suffix in (
            "safeguardingchildren",
            "saferchildren",
            "safeguarding",
            "cscp",
            "lscb",
            "lcsb",
            "lscp",
            "scb",
            "scp",
        ):
            if name.endswith(suffix) and len(name) - len(suffix) >= 4:
                name = name[: -len(suffix)]
                break
        else:
            return None
    name = name.replace("-", " ").strip()
    if len(name) < 4 or not name.replace(" ", "").isalpha():
        return None
    return name.title()


# ---------------------------------------------------------------------------- parser


@dataclass
class _Candidate:
    case: str | None
    title: str
    review_type: str | None
    date: str | None
    own_area: bool = False  # the item names its own area (NSPCC lists), even "Anonymous"
    partnership: str | None = None


def _segments(text: str) -> list[str]:
    return [s.strip() for s in re.split(r"\s+-\s+|\s*\|\s*|(?<=\))\s*-\s*", text) if s.strip()]


def _same_case(a: str | None, b: str | None) -> bool:
    if a is None or b is None:
        return a is b
    return a == b or a in b or b in a


def _clean_title(text: str) -> str:
    return text.strip(" -|:")


def _thematic_title(text: str) -> str | None:
    m = re.search(
        r"^(?P<title>.*?\b(?:Thematic|Partnership)\s+(?:Learning\s+)?Review)s?\b", text, re.I
    )
    if not m:
        return None
    title = _clean_title(re.sub(r"^(?:CSPR|SCR|LCSPR)\s*[:-]?\s*", "", m.group("title")))
    if len(_words(title)) < 3:  # "Thematic Review" alone is a section heading
        return None
    return title


_TYPE_WORDS = re.compile(
    r"\b(?:local|child|children|safeguarding|practice|serious|case|learning|rapid|reviews?|reports?"
    r"|published|SCR|SPR|CSPR|LCSPR|LSCPR|on|in|of|the)\b",
    re.IGNORECASE,
)
_ANY_DATE = re.compile(
    r"\b\d{1,2}(?:st|nd|rd|th)?\b|\b(?:January|February|March|April|May|June|July|August|September"
    r"|October|November|December|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept|Sep|Oct|Nov|Dec)\b|\b(?:19|20)\d\d\b",
    re.IGNORECASE,
)


def _strip_type_and_date(text: str) -> str:
    return _ANY_DATE.sub(" ", _TYPE_WORDS.sub(" ", text))


def _name_words_echoed(names: str, following: str) -> bool:
    """Whether a name in a pseudonym title reappears (capitalised) in the following text."""
    echoed = set(re.findall(r"\b[A-Z][a-z][A-Za-z'-]*", following))
    for word in re.findall(_NAME_WORD, names):
        if word in _GENERIC_WORDS:
            return False
    for word in re.findall(_NAME_WORD, names):
        if word in echoed:
            return True
        if difflib.get_close_matches(word, echoed, n=1, cutoff=0.8):
            return True
    return False


class _Parser:
    def __init__(self, *, url: str | None, head: str, blocks: list[_Block], html: bool) -> None:
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
        self.negative = bool(_NEGATIVE_PAGE.search(f"{slug} {heading_title} {head}"))

    # -- helpers ---------------------------------------------------------------------

    def _next_text(self, i: int) -> str:
        for block in self.blocks[i + 1 : i + 3]:
            if block.kind == "text" and not _is_heading_like(block):
                return block.text
            if block.kind == "text":
                continue
            return ""
        return ""

    def _docs_from_links(self, block: _Block, entry_kind: str | None) -> list[LinkedDocument]:
        docs = []
        doc_links = [(u, t) for u, t in block.links if _file_type(u, t)]
        for url, text in doc_links:
            kind = parse_document_kind(text)
            if kind is None and len(doc_links) == 1:
                kind = parse_document_kind(block.text)
            docs.append(
                LinkedDocument(
                    url, text, kind or entry_kind or "overview-report", _file_type(url, text)
                )
            )
        return docs

    def _docs_from_text(self, text: str, entry_kind: str | None) -> list[LinkedDocument]:
        """Documents named by link text inside a text-only paragraph."""
        docs: list[LinkedDocument] = []
        spans: list[tuple[int, int]] = []
        for m in _FILE_MARKER.finditer(text):
            before = text[: m.start()].rstrip()
            words = before.split()[-5:]
            for j in range(len(words) - 1, -1, -1):
                if words[j].lower() in _PHRASE_STOP:
                    words = words[j + 1 :]
                    break
            phrase = " ".join(words).strip(" ,;:")
            link_text = f"{phrase} {m.group('marker')}".strip()
            start = m.start() - (len(before) - len(before.rstrip())) - len(phrase)
            spans.append((max(start, 0), m.end()))
            kind = parse_document_kind(phrase) or entry_kind or "overview-report"
            docs.append(LinkedDocument(None, link_text, kind, _file_type(None, m.group("marker"))))
        if not docs:
            m = _FILENAME.search(text)
            if m and len(text) <= 200:
                name = m.group("name").strip()
                kind = parse_document_kind(name) or entry_kind or "overview-report"
                docs.append(LinkedDocument(None, name, kind, m.group("ext").lower()))
                spans.append((m.start(), m.end()))
        if docs:
            for m in _INLINE_DOC_PHRASES.finditer(text):
                if any(s <= m.start() < e for s, e in spans):
                    continue
                docs.append(LinkedDocument(None, m.group(0), parse_document_kind(m.group(0)), None))
        return docs

    def _is_document_line(self, block: _Block, entry: ReviewEntry) -> list[LinkedDocument] | None:
        text = block.text
        kind_default = entry.listing_kind
        if self.html:
            docs = self._docs_from_links(block, kind_default)
            if not docs:
                return None
            case = parse_case_name(text)
            if case is None or case == entry.case or (entry.case and case in entry.case):
                return docs
            return None
        if block.kind == "link":
            return [
                LinkedDocument(
                    None,
                    text,
                    parse_document_kind(text) or kind_default or "overview-report",
                    _file_type(None, text),
                )
            ]
        if _CLICK_HERE.search(text):
            if _NOT_A_DOCUMENT_LINK.search(text):
                return None
            kind = (
                parse_document_kind(_CLICK_HERE.sub("", text)) or kind_default or "overview-report"
            )
            return [
                LinkedDocument(
                    None, _CLICK_HERE.search(text).group(0), kind, _file_type(None, text)
                )
            ]
        if (
            not _is_short(text)
            or _DATE_LINE.match(text)
            or (text.endswith(".") and not text.endswith("..."))
        ):
            marked = self._docs_from_text(text, kind_default) if _FILE_MARKER.search(text) else []
            return marked or None
        kind = parse_document_kind(text)
        if kind is None and not _FILE_MARKER.search(text) and not _FILENAME.search(text):
            return None
        case = parse_case_name(text)
        if case is not None and case != entry.case and not (entry.case and case in entry.case):
            return None
        if _NSPCC_HEADER.match(text):
            return None
        return [
            LinkedDocument(
                None, text, kind or kind_default or "overview-report", _file_type(None, text)
            )
        ]

    def _candidate(self, i: int, block: _Block) -> _Candidate | None:
        text = block.text
        if (
            block.kind not in ("heading", "bullet")
            and not _is_heading_like(block)
            and not (block.kind == "text" and _is_short(text) and text.endswith(":"))
        ):
            return None
        if not _is_short(text) or text.endswith("?"):
            return None
        m = _NSPCC_HEADER.match(text)
        if m:
            area = m.group("area").strip()
            name = m.group("name").strip()
            case = parse_case_name(name) or _clean_title(name)
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
        excluded = bool(_NON_REVIEW.search(text))
        if case is None and not excluded:
            pm = _PREFIX_NAME.match(text)
            if (
                pm
                and parse_review_type(pm.group("rest")) in _LOCAL_TYPES
                and pm.group("name") not in _GENERIC_WORDS
            ):
                case = pm.group("name")
        if case is None and not excluded:
            segs = _segments(text)
            first = re.sub(r"\s*\((?:19|20)\d\d\)$", "", segs[0]) if segs else ""
            if (
                (len(segs) > 1 or first != segs[0])
                and _NAME_LINE.match(first)
                and (rtype or date)
                and first.split()[0] not in _GENERIC_WORDS
            ):
                case = first
        if case is None and not excluded and not self.negative:
            nm = _NAME_LINE.match(text)
            if (
                nm
                and (self.page_type or self.page_kind or self.section_type)
                and block.kind != "bullet"
                or (nm and block.kind == "bullet" and self._next_is_paragraph(i))
            ):
                following = self._next_text(i)
                if following and _name_words_echoed(text, following):
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
            title = _thematic_title(text)
            if title:
                return _Candidate(title, text, rtype, date)
        if rtype in _LOCAL_TYPES and date and block.kind != "bullet":
            rest = _strip_type_and_date(text)
            if len([w for w in rest.split() if w[:1].isalpha()]) <= 2:
                return _Candidate(None, text, rtype, date)
        return None

    def _next_is_paragraph(self, i: int) -> bool:
        nxt = self.blocks[i + 1] if i + 1 < len(self.blocks) else None
        return nxt is not None and nxt.kind == "text" and not _is_heading_like(nxt)

    # -- entries ---------------------------------------------------------------------

    def _start(self, cand: _Candidate, block: _Block) -> ReviewEntry:
        entry = ReviewEntry(
            case=cand.case,
            title=_clean_title(cand.title),
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
            entry.documents.extend(self._docs_from_links(block, entry.listing_kind))
            pages = [
                u
                for u, _t in block.links
                if not _file_type(u, "") and u.startswith(("http://", "https://"))
            ]
            if pages and not entry.documents:
                entry.detail_url = pages[0]
        else:
            segs = _segments(block.text)
            parts = segs[1:] if len(segs) > 1 else segs
            for seg in parts:
                kind = parse_document_kind(seg)
                if kind and not _DATE_LINE.match(seg):
                    entry.documents.append(LinkedDocument(None, seg, kind, _file_type(None, seg)))
            if not entry.documents and _FILE_MARKER.search(block.text):
                entry.documents.extend(self._docs_from_text(block.text, entry.listing_kind))
        return entry

    def _add_summary(self, entry: ReviewEntry, block: _Block) -> None:
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
            self._docs_from_links(block, entry.listing_kind)
            if self.html
            else (
                self._docs_from_text(text, entry.listing_kind) if _FILE_MARKER.search(text) else []
            )
        )
        self._add_docs(entry, docs)

    @staticmethod
    def _add_docs(entry: ReviewEntry, docs: list[LinkedDocument]) -> None:
        seen = {(d.url, d.link_text) for d in entry.documents}
        for doc in docs:
            if (doc.url, doc.link_text) not in seen:
                entry.documents.append(doc)
                seen.add((doc.url, doc.link_text))

    def _inline_entries(self, block: _Block) -> bool:
        """Reviews mentioned inside a run-on paragraph: ``Ben (2022)– 7-Minute Briefing | Read …``."""
        text = block.text
        found = False
        matches = list(_INLINE_ENTRY.finditer(text))
        for n, m in enumerate(matches):
            name = m.group("name")
            if name.split()[0] in _GENERIC_WORDS and not parse_case_name(name):
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
                title=_clean_title(text[m.start() : m.end() + pos]),
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
            if block.kind != "link" and _DATE_LINE.match(text):
                self.pending_date = parse_date(text)
                self.current = None
                continue
            cand = self._candidate(i, block) if block.kind != "link" else None
            cur = self.current
            if cur is not None and (
                cand is None or (cand.case is not None and _same_case(cand.case, cur.case))
            ):
                docs = self._is_document_line(block, cur)
                if docs:
                    self._add_docs(cur, docs)
                    if cur.date is None:
                        cur.date = parse_date(text, published_only=True)
                    continue
            if (
                cur is not None
                and cand is not None
                and cand.case is not None
                and _same_case(cand.case, cur.case)
                and cand.date is None
                and cand.review_type is None
                and not _NSPCC_HEADER.match(text)
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
                and _is_short(text)
            ):
                # a sibling list item that is not a review ("National Learning") ends the entry
                self.current = None
                continue
            if (
                self.pending_date
                and self.current is None
                and not self.negative
                and block.kind == "text"
                and not _is_heading_like(block)
            ):
                rtype = parse_review_type(text)
                has_docs = bool(_FILE_MARKER.search(text)) or any(
                    _file_type(u, t) for u, t in block.links
                )
                if rtype in _LOCAL_TYPES and has_docs:
                    label = re.sub(r"\s*\([^)]*\)$", "", REVIEW_TYPES[rtype])
                    cand = _Candidate(
                        None, f"{label}, {self._pending_label()}", rtype, self.pending_date
                    )
                    entry = self._start(cand, _Block("text", "", []))
                    self._add_summary(entry, block)
                    continue
            if _is_heading_like(block) and block.kind != "bullet":
                rtype = parse_review_type(text)
                cur = self.current
                if (
                    cur is not None
                    and rtype
                    and not self.current_explicit_type
                    and not cur.summary
                    and len(_words(text)) <= 5
                ):
                    cur.review_type = rtype
                    self.current_explicit_type = True
                    continue
                self.current = None
                self.pending_date = None
                if rtype and not _NON_REVIEW.search(text):
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


def document_links_html(
    html: str, base_url: str, *, default_kind: str | None = None
) -> list[LinkedDocument]:
    """Every PDF/DOCX link on a page (used for a review's own detail page)."""
    _head, blocks = _html_blocks(html, base_url)
    docs: list[LinkedDocument] = []
    seen: set[str] = set()
    for block in blocks:
        doc_links = [(u, t) for u, t in block.links if _file_type(u, t)]
        for url, text in doc_links:
            if url in seen:
                continue
            seen.add(url)
            kind = parse_document_kind(text)
            if kind is None and len(doc_links) == 1:
                kind = parse_document_kind(block.text)
            docs.append(
                LinkedDocument(
                    url, text, kind or default_kind or "overview-report", _file_type(url, text)
                )
            )
    return docs


def parse_listing_text(text: str) -> list[ReviewEntry]:
    """Review entries in the text of a listing page (first line may be the page URL)."""
    url, blocks = _text_blocks(text)
    return _Parser(url=url, head="", blocks=blocks, html=False).parse()


def parse_listing_html(html: str, base_url: str) -> list[ReviewEntry]:
    """Review entries in a listing page's HTML; document links are made absolute."""
    head, blocks = _html_blocks(html, base_url)
    return _Parser(url=base_url, head=head, blocks=blocks, html=True).parse()
