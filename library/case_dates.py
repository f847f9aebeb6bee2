"""The child's age from a printed date of birth and a printed date of the incident ("Child M
was born in May 2013." ... "The incident that led to this review happened on 14 October
2022"), for library.case_facts.

Both dates must be printed plainly; where their precision leaves the age in doubt (born "in
2013", the incident "in 2022": 8 or 9), every possible age is returned, and the caller counts
the band only when all of them fall in it.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from library.case_subject import Sentence
from library.naming_dates import _dates

__all__ = ["birth_and_incident", "possible_ages"]

_BORN = re.compile(r"\bwas\s+born\s+(?:on|in)\s+$", re.IGNORECASE)
_INCIDENT = re.compile(
    r"\b(?:incident\s+that\s+led\s+to\s+(?:this|the)\s+review|died|was\s+killed|"
    r"(?:was|were)\s+(?:seriously\s+)?injured|was\s+(?:admitted|taken|brought)\s+to\b)",
    re.IGNORECASE,
)


def _parts(iso: str) -> tuple[int, int | None, int | None]:
    bits = [int(b) for b in iso.split("-")]
    return bits[0], (bits[1] if len(bits) > 1 else None), (bits[2] if len(bits) > 2 else None)


def possible_ages(born: str, at: str) -> list[int]:
    """Every age in whole months a child born on ``born`` may have on ``at`` (ISO dates of any
    precision): one when both are precise enough, else each the unknown parts allow."""
    by, bm, bd = _parts(born)
    ay, am, ad = _parts(at)
    out: set[int] = set()
    for b_month in [bm] if bm else range(1, 13):
        for a_month in [am] if am else range(1, 13):
            months = (ay - by) * 12 + (a_month - b_month)
            if bd and ad and bm and am:
                out.add(months - (1 if ad < bd else 0))
            else:  # the days unknown: the month's birthday may or may not have come
                out.update({months, months - 1})
    return sorted(m for m in out if m >= 0)


def birth_and_incident(
    about: Sequence[Sentence], subject: re.Pattern[str]
) -> tuple[list[int], Sentence, Sentence] | None:
    """(possible ages in months, the sentence of the birth, that of the incident) from the
    sentences about the child, or None when either date is not printed."""
    born: tuple[str, Sentence] | None = None
    incident: tuple[str, Sentence] | None = None
    for s in about:
        for start, _end, iso in _dates(s.text):
            before = s.text[max(0, start - 80) : start]
            if born is None and _BORN.search(before) and subject.search(before):
                born = (iso, s)
            elif incident is None and _INCIDENT.search(s.text) and not _BORN.search(before):
                incident = (iso, s)
    if born is None or incident is None:
        return None
    ages = possible_ages(born[0], incident[0])
    return (ages, born[1], incident[1]) if ages else None
