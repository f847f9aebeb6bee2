"""A document's stated publication date.

In order: a date the document labels as its publication ("Published: 12 May 2022",
"SCR published 26th February 2018", "Date of issue: May 2023", "This report was published by
the partnership on 19 April 2022") on its title page, running lines, first or last page; a
date printed on its own on the title page or at the foot of a one-page document ("March
2022", "Final version 2.3 - 14/02/2017"), unless labelled as something else ("Date of death",
"Inspection dates", "Review date"); a date in a running line; a year in the title; a date in
the file name; the PDF's creation date. Dates in sentences of the body (events of the case)
never count.
"""

from __future__ import annotations

import re

from library.docview import DocumentView
from library.naming_dates import _dates, parse_date
from library.naming_text import normalise_text

__all__ = ["infer_date", "pdf_date", "published_date"]

_KEYWORD = re.compile(
    r"\b(?:published|publication(?:\s+date)?|date\s+of\s+publication|date\s+of\s+issue|"
    r"issue\s+date|issued|effective\s+from|produced)\b",
    re.IGNORECASE,
)
# What may come right before the keyword when it states this document's publication: nothing,
# a separator, a word naming the document, or "this report was".
_CONTEXT = re.compile(
    r"(?:^|[|:;,(\u00b7\u2022-]\s*|\b(?:report|review|summary|briefing|brief|plan|document|"
    r"leaflet|protocol|pathway|guidance|scr|spr|cspr|lcspr|dhr|sar|first|date|version)\s+|"
    r"\bthis\s+[a-z-]+(?:\s+[a-z-]+)?\s+(?:was|is|has\s+been)\s+(?:first\s+)?)$",
    re.IGNORECASE,
)
# A date line labelled as something other than publication.
_NOT_PUBLICATION = re.compile(
    r"\b(?:incident|death|died|birth|born|murder|killed|admitted|admission|referral|"
    r"commissioned|meeting|event|inspection\s+dates?|dates?\s+of\s+inspection|review\s+date|"
    r"next\s+review|due|period|from\s+\S+\s+to|between|until|panel|strategy|hearing|"
    r"conviction|sentenc\w*|trial|deadline|expires?|valid)\b",
    re.IGNORECASE,
)
# "20 to 24 February 2023", "6-17 March", "July to September 2019": dates of an inspection
# or an event, not of publication
_RANGE = re.compile(
    r"\d\s*(?:to|and|until)\s+\d|\b\d{1,2}\s*[-\u2013]\s*\d{1,2}\s+[A-Za-z]"
    r"|\b(?:to|until)\s+\d{1,2}(?:st|nd|rd|th)?\s+[A-Za-z]"
    r"|\b(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?\s+(?:\d{4}\s+)?"
    r"(?:to|-|\u2013)\s+(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)",
    re.IGNORECASE,
)
_SENTENCES = re.compile(r"(?<=[.!?])\s+(?=[A-Z0-9\"'(])|\n{2,}")


def published_date(text: str) -> str | None:
    """A date that ``text`` labels as the document's publication, or None."""
    for part in _SENTENCES.split(text or ""):
        part = normalise_text(part)
        for m in _KEYWORD.finditer(part):
            if not _CONTEXT.search(part[max(0, m.start() - 60) : m.start()]):
                continue
            found = parse_date(part[m.end() : m.end() + 100])
            if found:
                return found
    return None


def _date_line(line: str) -> str | None:
    """The date of a short line that is (mostly) a date: "March 2022", "Final version 2.3 -
    14/02/2017", "For practitioners and managers - November 2021"."""
    line = normalise_text(line)
    if len(line) > 90:
        return None
    label = _NOT_PUBLICATION.search(line)
    if label:  # "Version 3 - July 2019 - Review date July 2021": what comes before the label
        line = line[: label.start()]
    if _RANGE.search(line) or len(_dates(line)) > 1:
        return None
    return parse_date(line)


def pdf_date(value: str) -> str:
    """``D:20220317...`` (a PDF or DOCX creation date) as ISO, "" when unreadable."""
    m = re.match(r"D?:?(\d{4})(\d{2})?(\d{2})?", value or "")
    if not m:
        return ""
    y, mo, d = m.groups()
    if not 1990 <= int(y) <= 2100:
        return ""
    if mo and not 1 <= int(mo) <= 12 or d and not 1 <= int(d) <= 31:
        return ""
    return "-".join(p for p in (y, mo, d) if p)


def _edge_lines(text: str, n: int = 3) -> list[str]:
    lines = [ln for ln in text.splitlines() if ln.strip()]
    return lines[:n] + lines[-n:]


def infer_date(view: DocumentView, title: str) -> tuple[str | None, str]:
    """(ISO date or None, source: ``text``, ``filename`` or ``pdf``)."""
    title_area = view.title_area_text
    labelled = [
        title_area,
        "\n".join(view.running_titles),
        view.front,
        view.last,
    ]
    for text in labelled:
        found = published_date(text)
        if found:
            return found, "text"
    lines = [ln.text for ln in view.title_area]
    lines += view.running_titles
    if len(view.pages) <= 2:  # a one- or two-page document: its footer is on its only pages
        lines += _edge_lines(view.pages[0]) + _edge_lines(view.pages[-1])
    for line in lines:
        if line.strip() and line.strip() in title:
            continue  # a year in the title ("Annual Report 2022-23") is weaker: below
        found = _date_line(line)
        if found:
            return found, "text"
    found = parse_date(title)
    if found:
        return found, "text"
    found = parse_date(view.filename)
    if found:
        return found, "filename"
    created = pdf_date(view.info.get("creationdate", ""))
    if created:
        return created, "pdf"
    return None, ""
