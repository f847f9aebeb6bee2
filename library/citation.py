"""How the library cites a document: one home for the plain-text reference, the quote with its
reference, and the RIS and BibTeX records (docs/web.md, "Citing and quoting").

The site's "Cite this" box, its "Copy quote with reference" buttons, the exports of a search
(library.export: ``/search.ris``, ``/search.bib``, ``reviewlib search --format ris|bibtex``)
and a document's own ``.ris`` and ``.bib`` all build a :class:`Reference` here, so a reference
reads the same wherever it is copied from.

The style is Harvard-like (the author-date style most UK social-work courses teach, as in
"Cite Them Right" for reports): the partnership is the corporate author; the year; the title;
what the document is (review type, and the kind when it is not the report itself); the
address. No "accessed" date: the reference is the same whenever it is made, and the reader
adds the date they looked.

RIS follows the RIS specification (``TY  - `` first, ``ER  - `` last, CRLF line ends, UTF-8)
with the tags Zotero, EndNote and Mendeley read; BibTeX escapes the characters TeX treats as
commands, keeps other text as UTF-8 (biber, Zotero, JabRef read it) and gives each entry a key
unique within its file.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from urllib.parse import quote

from library import naming
from library.models import DocumentRecord

__all__ = [
    "Reference",
    "bibtex",
    "bibtex_entry",
    "citation_keys",
    "document_link",
    "page_link",
    "plain_reference",
    "quote_with_reference",
    "reference",
    "ris",
    "ris_record",
    "ris_type",
]

#: RIS types by document kind: reports of every kind are RPRT (Zotero, EndNote and Mendeley
#: import them as a report); guidance, protocols and pathways are government documents
#: (GOVDOC: EndNote's "Government Document", a report in Zotero); a leaflet is a pamphlet.
RIS_TYPES: dict[str, str] = {
    "guidance": "GOVDOC",
    "protocol": "GOVDOC",
    "pathway": "GOVDOC",
    "leaflet": "PAMP",
}
#: review types that make a document guidance whatever its kind
_GUIDANCE_TYPES = {"guidance"}
#: what a reference to a sample written for the project says, wherever it is pasted
FICTIONAL_NOTE = "Fictional sample written for Case Review Library"
#: RIS line ends: the specification's (CR LF), which every importer reads
CRLF = "\r\n"
#: words a citation key skips when it takes the first word of a title
_KEY_STOPWORDS = {
    "a",
    "an",
    "the",
    "of",
    "for",
    "in",
    "on",
    "and",
    "to",
    "into",
    "review",
    "serious",
    "case",
    "local",
    "child",
    "safeguarding",
    "practice",
    "executive",
    "summary",
}
#: characters TeX reads as commands, and what prints them
_TEX_ESCAPES = {
    "\\": r"\textbackslash{}",
    "{": r"\{",
    "}": r"\}",
    "&": r"\&",
    "%": r"\%",
    "$": r"\$",
    "#": r"\#",
    "_": r"\_",
    "~": r"\textasciitilde{}",
    "^": r"\textasciicircum{}",
}
_TEX_RX = re.compile("|".join(re.escape(c) for c in _TEX_ESCAPES))
_SENTENCE_END_RX = re.compile(r"[.?!:;)\]\"'\u2019\u201d]$")
_CONTROL_RX = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


@dataclass(frozen=True)
class Reference:
    """What a reference says about one document (labels, not ids; an absolute ``url``)."""

    doc_id: str
    title: str
    author: str  # the corporate author (see _publisher_author); "" if none is known
    publisher: str
    fictional: bool
    year: int | None
    date: str  # ISO: YYYY-MM-DD, YYYY-MM or YYYY ("" if unknown)
    review_type: str  # label without its abbreviation ("Serious Case Review")
    kind: str  # label ("Executive summary")
    kind_id: str
    review_type_id: str
    case: str
    url: str
    themes: tuple[str, ...] = field(default_factory=tuple)  # labels of the central themes

    @property
    def description(self) -> str:
        """What the document is: "Serious Case Review", "Serious Case Review: executive
        summary", or the kind alone ("Guidance") when there is no review type."""
        review = "" if self.review_type_id in ("", "other") else self.review_type
        kind = "" if self.kind_id in ("", "other", "overview-report") else self.kind
        if review and kind and kind.lower() != review.lower():
            return f"{review}: {kind[:1].lower()}{kind[1:]}"
        return review or kind

    @property
    def year_text(self) -> str:
        return str(self.year) if self.year else "n.d."


def document_link(base: str, doc_id: str) -> str:
    """The absolute address of a document's page on the site at ``base``."""
    return f"{base.rstrip('/')}/documents/{quote(doc_id, safe='')}"


def page_link(base: str, doc_id: str, page: int) -> str:
    """The absolute address of one page's text on the site at ``base``."""
    return f"{document_link(base, doc_id)}/pages/{int(page)}"


def _clean(text: str) -> str:
    """One line of text: control characters out, runs of white space as one space."""
    return " ".join(_CONTROL_RX.sub(" ", text or "").split())


def _type_label(review_type: str) -> str:
    label = naming.REVIEW_TYPES.get(review_type, review_type)
    # "Serious Case Review (SCR)" -> "Serious Case Review": the abbreviation is not its name
    return re.sub(r"\s*\([^)]*\)\s*$", "", label)


def _fictional(doc: DocumentRecord) -> bool:
    """A sample written for the project (catalogued with a "fictional" licence or
    attribution): its reference says so, wherever it is pasted."""
    return "fictional" in f"{doc.licence} {doc.attribution}".lower()


def _publisher_author(doc: DocumentRecord) -> tuple[str, str]:
    """(publisher, corporate author). The publisher is the organisation an attribution
    names first ("Ofsted, London Borough of ...: Inspection of ..., © Crown copyright"), else
    the partnership. The author is the partnership of a local document; the publisher for an
    inspection or national guidance (Ofsted inspected Hackney; Hackney did not write it)."""
    partnership = _clean(doc.partnership)
    if partnership.lower() in ("national", "unknown"):
        partnership = ""  # a placeholder for "no local partnership", not a name
    attributed = ""
    if doc.attribution and not _fictional(doc):
        attributed = _clean(doc.attribution.split(",")[0].split(";")[0])
    publisher = attributed or partnership
    national = doc.review_type in ("inspection", "guidance", "national-review")
    author = (attributed or partnership) if national else (partnership or attributed)
    return publisher, author


def reference(
    doc: DocumentRecord, base: str, theme_labels: Mapping[str, str] | None = None
) -> Reference:
    """The reference of ``doc`` on the site at ``base`` (e.g. ``https://reviews.example``)."""
    labels = theme_labels or {}
    publisher, author = _publisher_author(doc)
    return Reference(
        doc_id=doc.id,
        title=_clean(doc.title) or doc.id,
        author=author,
        publisher=publisher,
        fictional=_fictional(doc),
        year=doc.year,
        date=doc.date,
        review_type=_type_label(doc.review_type) if doc.review_type else "",
        kind=naming.DOCUMENT_KINDS.get(doc.document_kind, doc.document_kind),
        kind_id=doc.document_kind,
        review_type_id=doc.review_type,
        case=_clean(doc.case),
        url=document_link(base, doc.id),
        themes=tuple(_clean(labels.get(t, t)) for t in doc.themes),
    )


def plain_reference(ref: Reference, *, page: int | None = None, url: str = "") -> str:
    """The Harvard-like reference as one line of plain text:

    ``Barnet Safeguarding Children Partnership (2021) Child G. Serious Case Review. Available
    at: https://.../documents/child-g``

    With ``page``, ", p. N" after what the document is and ``url`` (the page's address) as the
    address. Without an author the title leads (Harvard's rule for anonymous works)."""
    what = ref.description
    where = f"p. {page}" if page is not None else ""
    tail = ", ".join(x for x in (what, where) if x)
    title = ref.title.rstrip(".")
    lead = (
        f"{ref.author} ({ref.year_text}) {title}." if ref.author else f"{title} ({ref.year_text})."
    )
    parts = [lead]
    if tail:
        parts.append(f"{tail}.")
    if ref.fictional:
        parts.append(f"{FICTIONAL_NOTE}.")
    parts.append(f"Available at: {url or ref.url}")
    return " ".join(parts)


def quote_with_reference(passage: str, ref: Reference, page: int, page_url: str) -> str:
    """A passage in quotation marks, then its reference with the page and the page's address
    (what "Copy quote with reference" copies)::

        “Professionals did not ask how the bruise happened.”

        Barnet ... (2021) Child G. Serious Case Review, p. 12. Available at: https://...
    """
    text = _clean(passage).strip('"“”')
    # a passage cut from its sentence says so: "…" where it starts or stops mid-sentence
    if text and (text[0].islower() or text[0] in ",;") and not text.startswith("…"):
        text = "…" + text
    if text and not _SENTENCE_END_RX.search(text) and not text.endswith("…"):
        text += "…"
    return f"“{text}”\n\n{plain_reference(ref, page=page, url=page_url)}"


# ---------------------------------------------------------------------------------- RIS


def ris_type(ref: Reference) -> str:
    """The RIS type of a document (:data:`RIS_TYPES`; RPRT for every kind of report)."""
    if ref.review_type_id in _GUIDANCE_TYPES and ref.kind_id in ("", "other", "guidance"):
        return "GOVDOC"
    return RIS_TYPES.get(ref.kind_id, "RPRT")


def _ris_author(author: str) -> str:
    # A corporate author: RIS readers split AU at the first comma into last and first names,
    # and EndNote reads a trailing comma as "a corporate name, keep it whole".
    return author.replace(",", " ").strip() + ","


def _ris_date(date: str) -> str:
    """``2021-03-04`` -> ``2021/03/04``; ``2021-03`` -> ``2021/03/``; ``2021`` -> ``2021///``:
    the specification's YYYY/MM/DD/other form."""
    parts = (date.split("-") + ["", ""])[:3]
    return "/".join(parts) + "/"


def ris_record(ref: Reference, notes: Sequence[str] = ()) -> list[tuple[str, str]]:
    """One document's RIS record as (tag, value) pairs, ``TY`` first and ``ER`` last."""
    rows: list[tuple[str, str]] = [("TY", ris_type(ref)), ("TI", ref.title)]
    if ref.author:
        rows.append(("AU", _ris_author(ref.author)))
    if ref.year:
        rows.append(("PY", str(ref.year)))
    if ref.date:
        rows.append(("DA", _ris_date(ref.date)))
    if ref.publisher:
        rows.append(("PB", ref.publisher))
    if ref.description:
        rows.append(("M3", ref.description))  # Zotero's report type, EndNote's type of work
    rows.append(("UR", ref.url))
    rows.extend(("KW", t) for t in ref.themes)
    rows.extend(("N1", n) for n in _notes(ref, notes))
    rows.append(("ID", ref.doc_id))
    rows.append(("ER", ""))
    return rows


def _notes(ref: Reference, notes: Sequence[str]) -> list[str]:
    """The notes of a record: the case, then ``notes`` (e.g. the pages that match a search)."""
    out = [f"Case: {ref.case}"] if ref.case else []
    if ref.fictional:
        out.append(FICTIONAL_NOTE)
    return out + [c for n in notes if (c := _clean(n))]


def _ris_line(tag: str, value: str) -> str:
    # "TY  - value": two characters, two spaces, a hyphen, a space (ER's value is empty: the
    # line is "ER  - " with its space, as the specification prints it)
    return f"{tag}  - {_clean(value)}"


def ris(refs: Iterable[Reference], notes: Mapping[str, Sequence[str]] | None = None) -> str:
    """RIS records of ``refs``, each ended by ``ER  - `` and a blank line, CRLF line ends;
    ``notes``: more N1 notes by document id."""
    lines: list[str] = []
    for ref in refs:
        lines.extend(_ris_line(t, v) for t, v in ris_record(ref, (notes or {}).get(ref.doc_id, ())))
        lines.append("")
    return CRLF.join(lines) + (CRLF if lines else "")


# ------------------------------------------------------------------------------- BibTeX


def tex_escape(text: str) -> str:
    """``text`` as a BibTeX field value: TeX's special characters escaped, the rest kept."""
    return _TEX_RX.sub(lambda m: _TEX_ESCAPES[m.group(0)], _clean(text))


def _key_word(text: str, skip: set[str] | None = None) -> str:
    # "Non-mobile" is one word ("nonmobile"), not "non"
    joined = re.sub(r"(?<=\w)[-\u2010\u2011](?=\w)", "", text)
    words = re.findall(r"[a-z0-9]+", naming.slugify(joined).replace("-", " "))
    chosen = [w for w in words if w not in (skip or set())]
    return (chosen or words or [""])[0]


def base_key(ref: Reference) -> str:
    """``partnership + year + first word of the title``: ``barnet2021childg`` style keys
    (ASCII letters and digits only, which every BibTeX reads)."""
    author = _key_word(ref.author, {"the", "city", "of", "county", "royal", "borough"})
    word = _key_word(ref.title, _KEY_STOPWORDS)
    # a case name ("Child G") is more telling than a title word
    if ref.case:
        word = naming.slugify(ref.case).replace("-", "") or word
    key = f"{author or 'anon'}{ref.year or 'nd'}{word}"
    return key[:60]


def citation_keys(refs: Sequence[Reference]) -> list[str]:
    """One key per reference, unique within the list: a key made twice gets ``b``, ``c`` ...
    from its second use, in list order (as Better BibTeX and JabRef do)."""
    seen: dict[str, int] = {}
    used: set[str] = set()
    out = []
    for ref in refs:
        key = base_key(ref)
        n = seen.get(key, 0)
        candidate = key
        while candidate in used:
            n += 1
            candidate = key + _suffix(n)
        seen[key] = n
        used.add(candidate)
        out.append(candidate)
    return out


def _suffix(n: int) -> str:
    """1 -> b, 2 -> c, ..., 25 -> z, 26 -> aa: the letters of a key's later uses."""
    if n < 26:
        return chr(ord("a") + n)
    return _suffix(n // 26 - 1) + chr(ord("a") + n % 26)


def bibtex_entry(ref: Reference, key: str, notes: Sequence[str] = ()) -> str:
    """One ``@techreport`` (reports with an author and a year: BibTeX requires both and an
    institution) or ``@misc`` entry."""
    report = ris_type(ref) in ("RPRT", "GOVDOC") and bool(ref.publisher) and bool(ref.year)
    fields: list[tuple[str, str]] = [
        # double braces: a corporate author is one name, not "First Last"
        ("author", "{" + tex_escape(ref.author) + "}" if ref.author else ""),
        # braces keep the title's capitals ("Child G", "SCR") as printed
        ("title", "{" + tex_escape(ref.title) + "}"),
        ("year", str(ref.year) if ref.year else ""),
        ("month", str(int(ref.date[5:7])) if len(ref.date) >= 7 else ""),
        ("institution" if report else "publisher", tex_escape(ref.publisher)),
        ("type", tex_escape(ref.description) if report else ""),
        ("howpublished", "" if report else tex_escape(ref.description)),
        ("url", _clean(ref.url)),
        ("keywords", tex_escape(", ".join(ref.themes))),
        ("note", tex_escape("; ".join(n for n in _notes(ref, notes) if n))),
    ]
    body = ",\n".join(f"  {name} = {{{value}}}" for name, value in fields if value)
    kind = "techreport" if report else "misc"
    return f"@{kind}{{{key},\n{body}\n}}\n"


def bibtex(refs: Sequence[Reference], notes: Mapping[str, Sequence[str]] | None = None) -> str:
    """BibTeX entries of ``refs``, keys unique within the file, a blank line between."""
    keys = citation_keys(refs)
    return "\n".join(
        bibtex_entry(ref, key, (notes or {}).get(ref.doc_id, ()))
        for ref, key in zip(refs, keys, strict=True)
    )
