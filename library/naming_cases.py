"""Who and where a review is about: case names (``Child G``) and partnership areas (``Barnet``).

Stdlib only; see :mod:`library.naming`.
"""

from __future__ import annotations

import re

from library.naming_text import normalise_text

__all__ = ["find_partnership", "parse_case_name", "parse_partnership"]

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
_SUBJECT_WORDS = r"(?:Child|Baby|Infant|Young\s+Person|Family|Sibling|Siblings|Adult)"
_ID_LETTERS = r"[A-Z]{1,3}\d{0,2}"
_NAME = r"[A-Z][a-z][A-Za-z'-]*"
_SUBJECT = re.compile(
    rf"\b(?P<subject>{_SUBJECT_WORDS})\s+"
    rf"(?:(?P<qid>[{_LQ}](?P<qval>{_ID_LETTERS}|{_NAME})[{_LQ}])"
    rf"|(?P<id>{_ID_LETTERS}|{_NAME})(?:'s)?(?![A-Za-z0-9']))"  # "Child G's", "Baby Theo's"
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
    if ident.endswith("'s") and len(ident) > 3:  # a possessive: "Baby Theo's review"
        ident = ident[:-2]
    if ident in _NOT_NAMES:
        return None
    subject = re.sub(r"\s+", " ", m.group("subject"))
    name = f"{subject} {ident}"
    if m.group("pseudo"):
        name += f" '{m.group('pseudo')}'"
    return name, m.end()


def parse_case_name(text: str) -> str | None:
    """Case name in a title or heading: ``Child G``, ``Baby Eva``, ``Carl & Max``, ``Case GN13``,
    ``Adult D``.

    Curly quotes are straightened ("Child M 'Vamp'"); quotes around a lone identifier are
    dropped ("Child 'L'" -> "Child L", "'Emily' & 'Jack'" -> "Emily & Jack"). Plain
    pseudonyms without a subject word ("Jason", "Grace and Georgina") are left to the caller.
    """
    if not text:
        return None
    text = normalise_text(text)
    found = _parse_case_name(text)
    if found is None and re.search(r"\b[A-Z]{4,}\b", text):
        found = _parse_case_name(_decapitalise(text))  # "SERIOUS CASE REVIEW: CHILD T"
    return found


# a subject in quotes ("Serious Case Review 'Child AB' Executive Summary")
_QUOTED_SUBJECT = re.compile(rf"[{_LQ}]({_SUBJECT_WORDS}\s+{_ID_LETTERS})[{_LQ}]")


def _parse_case_name(text: str) -> str | None:
    text = _QUOTED_SUBJECT.sub(r"\1", text)
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
_AREA = rf"(?P<area>{_AREA_WORD}(?:\s+(?:(?:and|&|upon|on|under|of)\s+)?{_AREA_WORD}){{0,5}})"
# who the partnership safeguards, between the area and "Partnership"/"Board"
_WHOM = (
    r"(?:(?:Children|Child)(?:'s)?(?:\s+and\s+(?:Young\s+People|Adults?)(?:'s)?)?"
    r"|Adults?|Young\s+People(?:'s)?)"
)
_PARTNERSHIP_PATTERNS: list[re.Pattern[str]] = [
    re.compile(
        _AREA + r"(?:'s)?\s+(?:Local\s+)?Safeguarding\s+" + _WHOM + r"(?:'s)?"
        r"\s+(?:Partnership|Part[a-z]*|Boards?|Partners)\b"
    ),
    # "Southmoor Children's Safeguarding Partnership", "Westmere Children and Young People's
    # Safeguarding Partnership": the area stops before whom it safeguards
    re.compile(
        _AREA + r"\s+(?:Children|Child)(?:'s)?(?:\s+and\s+Young\s+People(?:'s)?)?"
        r"\s+Safeguarding\s+(?:Partnership|Boards?|Partners)\b"
    ),
    re.compile(_AREA + r"\s+Safeguarding\s+Partners(?:hip)?\b"),
    # Wales: "North Wales Safeguarding Board", "Cwm Taf Morgannwg Regional Safeguarding Board"
    re.compile(_AREA + r"\s+(?:Regional\s+)?Safeguarding\s+Board\b"),
    re.compile(r"\bSafeguarding\s+Board\s+for\s+" + _AREA),  # Northern Ireland (SBNI)
    re.compile(_AREA + r"\s+Child\s+Protection\s+Committee\b"),  # Scotland
    re.compile(_AREA + r"\s+Community\s+Safety\s+Partnership\b"),  # DHRs
    re.compile(r"\bSafer\s+" + _AREA + r"\s+Partnership\b"),
    re.compile(_AREA + r"\s+(?:L?SCPs?|L?SCBs?|CSCP|LCSB|SSCB)\b"),
    re.compile(r"\bSafeguarding\s+Children\s+in\s+" + _AREA),
    re.compile(r"\b(?:London|Royal|Metropolitan)\s+Borough\s+(?:Council\s+)?of\s+" + _AREA),
    re.compile(r"\b(?:City|County|Borough)\s+of\s+" + _AREA + r"\s+Council\b"),
    re.compile(_AREA + r"\s+(?:City\s+|County\s+|Borough\s+|Metropolitan\s+Borough\s+)?Council\b"),
]
# Titles that name an area without naming an organisation: inspections of its services.
_AREA_PATTERNS: list[re.Pattern[str]] = [
    re.compile(r"^\W*" + _AREA + r"\s*:\s*(?i:inspection\s+of)\b"),  # "Bedford Borough: ..."
    re.compile(
        r"\b(?i:inspection\s+of)\s+(?:the\s+)?"
        + _AREA
        + r"\s+(?i:(?:city|county|borough)\s+)?(?i:council\s+)?(?i:local\s+authority\s+)?"
        r"(?i:children'?s\s+)"
        r"(?i:social\s+care\s+)?(?i:services)\b"
    ),
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
    "County",
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
        "Children's",
        "Childrens",
        "Child's",
        "Young",
        "People",
        "People's",
        "Adults",
        "Adult",
        # a title or running header run into the name ("... Practice Review Westmere SCP")
        "Review",
        "Reviews",
        "Practice",
        "Serious",
        "Case",
        "Report",
        "Summary",
        "Executive",
        "Overview",
        "Learning",
        "Briefing",
        "Action",
        "Plan",
        "Rapid",
        "Thematic",
        "National",
        "Published",
        "Final",
        "Annual",
        "Protection",
        "Community",
        "Safety",
        "Regional",
        # councils that are not a place: "Children in Care Council", "Youth Council"
        "Services",
        "Service",
        "Care",
        "Youth",
        "Parish",
        "Town",
    ]
)
# Acronyms that stay in capitals when a line in capitals is read (see _decapitalise).
_KEEP_UPPER = frozenset(["LSCB", "LSCBS", "LSCP", "SCP", "CSCP", "SSCB", "LCSB", "SCB", "UK"])


def _clean_area(area: str) -> str | None:
    words = area.split()
    while words and words[-1] in _AREA_NOISE:  # "Brent Local" -> "Brent"
        words = words[:-1]
    # keep only what follows the last noise word ("Logo The Barnet" -> "Barnet")
    for i in range(len(words) - 1, -1, -1):
        if words[i] in _AREA_NOISE:
            words = words[i + 1 :]
            break
    while words and words[0] in ("and", "&", "upon", "on", "under", "of"):
        words = words[1:]
    cleaned = " ".join(words).strip(" .'-")
    # "City of Wolverhampton" -> "Wolverhampton" (but the City of London keeps its name)
    prefix = re.match(
        r"^(?:(?:Royal|London|Metropolitan)\s+)?(?:City|County|Borough)\s+of\s+", cleaned
    )
    if prefix and cleaned[prefix.end() :] not in ("London", ""):
        cleaned = cleaned[prefix.end() :]
    for suffix in _COUNCIL_SUFFIXES:
        if cleaned.endswith(" " + suffix) and len(cleaned) > len(suffix) + 3:
            cleaned = cleaned[: -len(suffix) - 1].strip()
            break
    if len(cleaned) < 3 or cleaned.isupper() and len(cleaned) <= 5:
        return None
    return cleaned


def _decapitalise(text: str) -> str:
    """Words in capitals as capitalised words ("WESTMERE SAFEGUARDING CHILDREN PARTNERSHIP"
    -> "Westmere Safeguarding Children Partnership"); short acronyms stay."""

    def fix(m: re.Match[str]) -> str:
        word = m.group()
        if word in _KEEP_UPPER or len(re.sub(r"[^A-Z]", "", word)) < 4:
            return word
        return word[0] + word[1:].lower()

    return re.sub(r"\b[A-Z][A-Z'\u2019.-]+\b", fix, text)


def parse_partnership(text: str) -> str | None:
    """Short area name of the partnership, board or council named in ``text``, or None.

    "Barnet Safeguarding Children Partnership" -> "Barnet", "London Borough of Croydon" ->
    "Croydon", "Merton SCP" -> "Merton", "Southmoor Children's Safeguarding Partnership" ->
    "Southmoor". The earliest mention wins. Names printed in capitals are read too.
    """
    found = find_partnership(text)
    return found[2] if found else None


def find_partnership(text: str, *, names_only: bool = False) -> tuple[int, int, str] | None:
    """The earliest partnership named in ``text`` as (start, end, area): the span of its whole
    name in ``normalise_text(text)`` and its short area name, or None. With ``names_only``,
    only the names of organisations count (not "Inspection of Brent children's services")."""
    if not text:
        return None
    text = normalise_text(text)
    patterns = _PARTNERSHIP_PATTERNS if names_only else _PARTNERSHIP_PATTERNS + _AREA_PATTERNS
    found = _find_partnership(text, patterns)
    if found is None and re.search(r"\b[A-Z]{4,}\b", text):
        found = _find_partnership(_decapitalise(text), patterns)  # same length: span holds
    return found


def _find_partnership(text: str, patterns: list[re.Pattern[str]]) -> tuple[int, int, str] | None:
    best: tuple[int, int, str] | None = None
    for pattern in patterns:
        for m in pattern.finditer(text):
            area = _clean_area(m.group("area"))
            if area is None:
                continue
            if m.start() < m.start("area"):  # "London Borough of X", "Safeguarding ... in X"
                start = m.start()
            else:  # the name starts where its area does ("The Barnet ..." at "Barnet")
                start = m.start("area") + max(0, m.group("area").rfind(area.split()[0]))
            if best is None or start < best[0]:
                best = (start, m.end(), area)
            break
    return best
