"""Publication dates in a title or listing line: ``published 17th March 2022`` -> ``2022-03-17``.

Stdlib only; see :mod:`library.naming`.
"""

from __future__ import annotations

import calendar
import datetime as _dt
import re

from library.naming_text import normalise_text

__all__ = ["parse_date"]

_I = re.IGNORECASE
_MONTHS: dict[str, int] = {}
for _i in range(1, 13):
    _MONTHS[calendar.month_name[_i].lower()] = _i
    _MONTHS[calendar.month_abbr[_i].lower()] = _i
_MONTHS["sept"] = 9
_MONTH_RE = (
    r"(?P<month>January|February|March|April|May|June|July|August|September|October|November"
    r"|December|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept|Sep|Oct|Nov|Dec)\.?"
)
_YEAR_RE = r"(?P<year>(?:19[5-9]|20\d)\d)"
_DATE_PATTERNS: list[tuple[re.Pattern[str], str]] = [
    (re.compile(r"\b(?P<year>(?:19|20)\d\d)-(?P<mon>\d\d)-(?P<day>\d\d)\b"), "iso"),
    (re.compile(r"\b(?P<day>\d{1,2})[/.](?P<mon>\d{1,2})[/.](?P<year>(?:19|20)\d\d)\b"), "dmy"),
    (
        re.compile(
            rf"\b(?P<day>\d{{1,2}})(?:st|nd|rd|th)?(?:\s+of)?\s+{_MONTH_RE},?\s+{_YEAR_RE}\b",
            _I,
        ),
        "dmy-text",
    ),
    (
        re.compile(rf"\b{_MONTH_RE}\s+(?P<day>\d{{1,2}})(?:st|nd|rd|th)?,?\s+{_YEAR_RE}\b", _I),
        "mdy-text",
    ),
    (re.compile(rf"\b{_MONTH_RE},?\s+{_YEAR_RE}\b", _I), "my"),
    (re.compile(r"(?<![\d/.£$-])\b(?P<year>(?:19[5-9]|20\d)\d)\b(?![/.]?\d)"), "y"),
]
_PUBLISHED = re.compile(r"\bpublished\b|\bpublication\s+date\b", _I)


def _date_from_match(m: re.Match[str], form: str) -> str | None:
    year = int(m.group("year"))
    if form == "y":
        return f"{year:04d}"
    if form in ("iso", "dmy"):
        month = int(m.group("mon"))
    else:
        month = _MONTHS.get(m.group("month").lower().rstrip("."), 0)
    if not 1 <= month <= 12:
        return None
    if form == "my":
        return f"{year:04d}-{month:02d}"
    try:
        return _dt.date(year, month, int(m.group("day"))).isoformat()
    except ValueError:
        return None


def _dates(text: str) -> list[tuple[int, int, str]]:
    """All dates found: (start, end, iso), the most precise form winning where they overlap."""
    found: list[tuple[int, int, str]] = []
    taken: list[tuple[int, int]] = []
    for pattern, form in _DATE_PATTERNS:
        for m in pattern.finditer(text):
            if any(m.start() < e and s < m.end() for s, e in taken):
                continue
            iso = _date_from_match(m, form)
            if iso is None:
                continue
            found.append((m.start(), m.end(), iso))
            taken.append((m.start(), m.end()))
    found.sort()
    return found


def parse_date(text: str, *, published_only: bool = False) -> str | None:
    """Publication date in ``text`` as ISO ``YYYY-MM-DD``, ``YYYY-MM`` or ``YYYY``.

    A date that follows "published" wins; otherwise the first date in the text. Numeric
    dates are read day first (UK). With ``published_only`` only a date after "published"
    counts.
    """
    if not text:
        return None
    text = normalise_text(text)
    dates = _dates(text)
    if not dates:
        return None
    for p in _PUBLISHED.finditer(text):
        for start, _end, iso in dates:
            if start >= p.end() and start - p.end() <= 40:
                return iso
    if published_only:
        return None
    return dates[0][2]
