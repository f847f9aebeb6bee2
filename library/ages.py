"""Ages as reviews print them ("seven weeks old", "a ten-week-old baby", "aged 2 years and 4
months", "14", "fourteen") and the national age bands of the triennial analyses.

Pure text: no knowledge of who the age belongs to (library.case_facts decides that).
"""

from __future__ import annotations

import re

__all__ = [
    "AGE_BANDS",
    "NUMBER",
    "UNIT",
    "age_band",
    "band_of_months",
    "months_of",
    "parse_number",
]

#: band id -> label, in order (the triennial analyses' bands; "unknown": the text does not say)
AGE_BANDS: dict[str, str] = {
    "under-1": "Under 1",
    "1-5": "1 to 5",
    "6-10": "6 to 10",
    "11-15": "11 to 15",
    "16-17": "16 to 17",
    "unknown": "Age not stated",
}

_UNITS = {
    "zero": 0,
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "thirteen": 13,
    "fourteen": 14,
    "fifteen": 15,
    "sixteen": 16,
    "seventeen": 17,
    "eighteen": 18,
    "nineteen": 19,
}
_TENS = {"twenty": 20, "thirty": 30, "forty": 40, "fifty": 50}

#: a number as printed: digits (up to 3), or words up to fifty-nine ("twenty-three", "a")
NUMBER = (
    r"(?:\d{1,3}|(?:twenty|thirty|forty|fifty)(?:[- ](?:one|two|three|four|five|six|seven|"
    r"eight|nine))?|eleven|twelve|thirteen|fourteen|fifteen|sixteen|seventeen|eighteen|"
    r"nineteen|ten|zero|one|two|three|four|five|six|seven|eight|nine)(?![A-Za-z])"
)
#: a unit of age ("weeks", "month", "yrs")
UNIT = r"(?:day|week|month|year|yr)s?"

_WORD_RX = re.compile(r"[a-z]+", re.IGNORECASE)


def parse_number(text: str) -> int | None:
    """``"14"`` -> 14, ``"fourteen"`` -> 14, ``"twenty-three"`` -> 23, ``"a"`` -> 1; None when
    it is not a number."""
    text = text.strip().lower()
    if text.isdigit():
        return int(text)
    if text in ("a", "an"):
        return 1
    total = 0
    words = _WORD_RX.findall(text)
    if not words:
        return None
    for i, word in enumerate(words):
        if word in _TENS and i == 0:
            total += _TENS[word]
        elif word in _UNITS and (i == 0 or (i == 1 and words[0] in _TENS and _UNITS[word] < 10)):
            total += _UNITS[word]
        else:
            return None
    return total


def months_of(number: str, unit: str | None, extra_months: str | None = None) -> int | None:
    """An age in whole months: ``("seven", "weeks")`` -> 1, ``("2", "years", "4")`` -> 28; a
    bare number is years. None when a part is not a number."""
    n = parse_number(number)
    if n is None:
        return None
    unit = (unit or "year").lower().rstrip("s")
    if unit in ("year", "yr"):
        months = n * 12
    elif unit == "month":
        months = n
    elif unit == "week":
        months = n * 7 // 30
    else:  # days
        months = n // 30
    if extra_months:
        more = parse_number(extra_months)
        if more is None:
            return None
        months += more
    return months


def band_of_months(months: int) -> str | None:
    """The national band of an age in months; None for an adult (18 or over)."""
    years = months // 12
    if years < 1:
        return "under-1"
    if years <= 5:
        return "1-5"
    if years <= 10:
        return "6-10"
    if years <= 15:
        return "11-15"
    if years <= 17:
        return "16-17"
    return None


def age_band(text: str) -> str | None:
    """The band of one age phrase on its own ("seven weeks old", "aged 14", "2 years and 4
    months", "15"); None when it is not an age of a child."""
    m = re.search(
        rf"(?P<n>{NUMBER}|an?)[- ](?P<u>{UNIT})(?:[- ]old)?(?:\s+and\s+(?P<m>{NUMBER})\s+months?)?"
        rf"|(?P<bare>{NUMBER})",
        text,
        re.IGNORECASE,
    )
    if m is None:
        return None
    months = (
        months_of(m.group("n"), m.group("u"), m.group("m"))
        if m.group("n")
        else months_of(m.group("bare"), None)
    )
    return None if months is None else band_of_months(months)
