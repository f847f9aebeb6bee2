"""Who and where a review is about: case names (``Child G``) and partnership areas (``Barnet``).

Stdlib only; see :mod:`library.naming`.
"""

from __future__ import annotations

import re

from library.naming_text import normalise_text

__all__ = ["parse_case_name", "parse_partnership"]

# Capitalised words that follow "Child"/"Baby" in ordinary prose and are not pseudonyms.
_NOT_NAMES = frozenset(
    [
        "Safeguarding",
        "Protection",
        "Practice",
        "Practitioner",
        "Death",
        "Deaths",
        "Sexual",
        "Criminal",
        "Abuse",
        "Exploitation",
        "Care",
        "Health",
        "Mental",
        "Social",
        "Services",
        "Service",
        "Neglect",
        "Poverty",
        "Exploited",
        "Development",
        "Review",
        "Reviews",
        "In",
        "Is",
        "Was",
        "Were",
        "Has",
        "Had",
        "And",
        "Or",
        "The",
        "Of",
        "On",
        "At",
        "To",
        "For",
        "With",
        "From",
        "By",
        "Who",
        "Whose",
        "Which",
        "That",
        "This",
        "Panel",
        "Board",
        "Partnership",
        "Partnerships",
        "Centre",
        "Centres",
        "Friendly",
        "Trafficking",
        "Sleep",
        "Loss",
        "Bank",
        "Unit",
        "Boxes",
        "Box",
        "Benefit",
        "Benefits",
        "Arrangements",
        "Line",
        "Lines",
        "Poverty",
        "Safety",
        "Safe",
        "Welfare",
        "Wellbeing",
        "Placement",
        "Placements",
        "Looked",
        "Missing",
        "Online",
        "Injury",
        "Injuries",
        "Concern",
        "Concerns",
        "Plan",
        "Plans",
        "Level",
        "Levels",
        "Support",
        "Seat",
        "Seats",
        "Minding",
        "Minder",
        "Minders",
        "Carers",
        "Carer",
        "Mortality",
        "Development",
        "Trust",
        "Guidance",
        "Procedures",
        "Procedure",
        "Policy",
        "Policies",
        "Strategy",
        "Strategies",
        "Exploitation",
        "Deaths",
        "Deprivation",
        "Act",
        "Acts",
        "Commissioner",
        "Commission",
        "Poverty",
        "Action",
        "Group",
        "Groups",
        "Matters",
        "First",
        "Focused",
        "Centred",
        "Court",
        "Courts",
        "Hub",
        "Hubs",
        "Help",
        "Justice",
        "Nurse",
        "Nurses",
        "Drug",
        "Drugs",
        "Intervention",
        "Liaison",
        "Law",
        "Overview",
        "Serious",
        "Practice",
        "Local",
        "National",
        "Summary",
        "Report",
        "Reports",
        "Learning",
        "Thematic",
        "Rapid",
        "SCR",
        "SCRs",
        "SPR",
        "CSPR",
        "LCSPR",
        "LSCPR",
        "DHR",
        "SAR",
        "NAI",
        "LA",
        "UK",
        "CP",
        "CIN",
        "LAC",
        "CLA",
        "CSE",
        "CCE",
        "FGM",
        "SUDI",
        "SIDS",
    ]
)

_LQ = "'\""  # after normalise_text all quotes are straight
_SUBJECT_WORDS = r"(?:Child|Baby|Infant|Young\s+Person|Family|Sibling|Siblings)"
_ID_LETTERS = r"[A-Z]{1,3}\d{0,2}"
_NAME = r"[A-Z][a-z][A-Za-z'-]*"
_SUBJECT = re.compile(
    rf"\b(?P<subject>{_SUBJECT_WORDS})\s+"
    rf"(?:(?P<qid>[{_LQ}](?P<qval>{_ID_LETTERS}|{_NAME})[{_LQ}])"
    rf"|(?P<id>{_ID_LETTERS}|{_NAME})(?![A-Za-z0-9']))"
    rf"(?:\s+[{_LQ}](?P<pseudo>{_NAME}(?:\s{_NAME})?)[{_LQ}])?"
)
_JOINER = re.compile(r"\s*(?P<j>&|\band\b)\s*")
_QUOTED_PAIR = re.compile(
    rf"[{_LQ}](?P<a>{_NAME})[{_LQ}]\s*(?P<j>&|and)\s*[{_LQ}](?P<b>{_NAME})[{_LQ}]"
)
_PLAIN_PAIR = re.compile(rf"^\W*(?P<a>{_NAME})\s*&\s*(?P<b>{_NAME})(?=$|[\s:,;(-])(?!\s+{_NAME}\b)")
_LEADING_QUOTED = re.compile(rf"^\W*?[{_LQ}](?P<a>{_NAME})[{_LQ}](?=$|[\s:,;(-])")
_CODED = re.compile(r"\b(?P<prefix>Case|SCR|CSPR|LCSPR|SPR)\s+(?P<code>[A-Z]{1,3}\d{1,4})\b")


def _subject_at(text: str, pos: int) -> tuple[str, int] | None:
    """A subject label ("Child G", "Baby Eva", "Child M 'Vamp'") starting exactly at ``pos``."""
    m = _SUBJECT.match(text, pos)
    if m is None:
        return None
    ident = m.group("qval") or m.group("id")
    if ident in _NOT_NAMES:
        return None
    subject = re.sub(r"\s+", " ", m.group("subject"))
    name = f"{subject} {ident}"
    if m.group("pseudo"):
        name += f" '{m.group('pseudo')}'"
    return name, m.end()


def parse_case_name(text: str) -> str | None:
    """Case name in a title or heading: ``Child G``, ``Baby Eva``, ``Carl & Max``, ``Case GN13``.

    Curly quotes are straightened ("Child M 'Vamp'"); quotes around a lone identifier are
    dropped ("Child 'L'" -> "Child L", "'Emily' & 'Jack'" -> "Emily & Jack"). Plain
    pseudonyms without a subject word ("Jason", "Grace and Georgina") are left to the caller.
    """
    if not text:
        return None
    text = normalise_text(text)
    for m in _SUBJECT.finditer(text):
        first = _subject_at(text, m.start())
        if first is None:
            continue
        name, end = first
        j = _JOINER.match(text, end)
        if j:
            second = _subject_at(text, j.end())
            if second is not None:
                joiner = "&" if j.group("j") == "&" else "and"
                name = f"{name} {joiner} {second[0]}"
        return name
    m = _QUOTED_PAIR.search(text)
    if m:
        joiner = "&" if m.group("j") == "&" else "and"
        return f"{m.group('a')} {joiner} {m.group('b')}"
    m = _PLAIN_PAIR.match(text)
    if m and m.group("a") not in _NOT_NAMES and m.group("b") not in _NOT_NAMES:
        return f"{m.group('a')} & {m.group('b')}"
    m = _CODED.search(text)
    if m:
        return f"Case {m.group('code')}" if m.group("prefix") == "Case" else m.group("code")
    m = _LEADING_QUOTED.match(text)
    if m and m.group("a") not in _NOT_NAMES:
        return m.group("a")
    return None


# --------------------------------------------------------------------------- partnerships

_AREA_WORD = r"[A-Z][A-Za-z'.-]*"
_AREA = rf"(?P<area>{_AREA_WORD}(?:\s+(?:(?:and|&|upon|on|under)\s+)?{_AREA_WORD}){{0,5}})"
_PARTNERSHIP_PATTERNS: list[re.Pattern[str]] = [
    re.compile(
        _AREA + r"(?:'s)?\s+(?:Local\s+)?Safeguarding\s+(?:Children|Child)(?:'s)?"
        r"(?:\s+and\s+Young\s+People(?:'s)?)?\s+(?:Partnership|Part[a-z]*|Boards?|Partners)\b"
    ),
    re.compile(_AREA + r"\s+Safeguarding\s+Partners(?:hip)?\b"),
    re.compile(_AREA + r"\s+(?:L?SCPs?|L?SCBs?|CSCP|LCSB|SSCB)\b"),
    re.compile(r"\bSafeguarding\s+Children\s+in\s+" + _AREA),
    re.compile(r"\b(?:London|Royal|Metropolitan)\s+Borough\s+(?:Council\s+)?of\s+" + _AREA),
    re.compile(r"\b(?:City|County|Borough)\s+of\s+" + _AREA + r"\s+Council\b"),
    re.compile(
        r"\b(?i:inspection\s+of)\s+" + _AREA + r"\s+(?i:local\s+authority\s+)?(?i:children'?s\s+)"
        r"(?i:social\s+care\s+)?(?i:services)\b"
    ),
    re.compile(_AREA + r"\s+(?:City\s+|County\s+|Borough\s+|Metropolitan\s+Borough\s+)?Council\b"),
    # Ofsted 2018-2020 cover pages: "Barnsley Inspection of children's social care services"
    re.compile(_AREA + r"\s+(?i:inspection\s+of\s+children'?s\s+(?:social\s+care\s+)?services)\b"),
]
# Council words that are not part of an area's short name ("Bedford Borough" -> "Bedford").
_COUNCIL_SUFFIXES = (
    "City Council",
    "County Council",
    "Borough Council",
    "Council",
    "Borough",
    "City",
)
_AREA_NOISE = frozenset(
    [
        "The",
        "Logo",
        "Home",
        "Welcome",
        "About",
        "Menu",
        "Search",
        "Skip",
        "Image",
        "Page",
        "Header",
        "Our",
        "Your",
        "New",
        "Local",
        "Safeguarding",
        "Children",
        "Child",
        "Partnership",
        "Board",
        "Contact",
        "Us",
        "Inspection",
        "Of",
        "In",
        "Who",
        "We",
        "Are",
    ]
)


def _clean_area(area: str) -> str | None:
    words = area.split()
    while words and words[-1] in _AREA_NOISE:  # "Brent Local" -> "Brent"
        words = words[:-1]
    # keep only what follows the last noise word ("Logo The Barnet" -> "Barnet")
    for i in range(len(words) - 1, -1, -1):
        if words[i] in _AREA_NOISE:
            words = words[i + 1 :]
            break
    while words and words[0] in ("and", "&", "upon", "on", "under"):
        words = words[1:]
    cleaned = " ".join(words).strip(" .'-")
    for suffix in _COUNCIL_SUFFIXES:
        if cleaned.endswith(" " + suffix) and len(cleaned) > len(suffix) + 3:
            cleaned = cleaned[: -len(suffix) - 1].strip()
            break
    if len(cleaned) < 3 or cleaned.isupper() and len(cleaned) <= 5:
        return None
    return cleaned


def parse_partnership(text: str) -> str | None:
    """Short area name of the partnership, board or council named in ``text``, or None.

    "Barnet Safeguarding Children Partnership" -> "Barnet", "London Borough of Croydon" ->
    "Croydon", "Merton SCP" -> "Merton". The earliest mention wins.
    """
    if not text:
        return None
    text = normalise_text(text)
    best: tuple[int, str] | None = None
    for pattern in _PARTNERSHIP_PATTERNS:
        for m in pattern.finditer(text):
            area = _clean_area(m.group("area"))
            if area is None:
                continue
            if best is None or m.start("area") < best[0]:
                best = (m.start("area"), area)
            break
    return best[1] if best else None
