"""Vocabularies and pure-text parsers for how case reviews are named.

Shared by the indexer's metadata inference and the harvester's listing-page parser.
Everything here is stdlib only and works on plain text (one title, heading or link text).
See docs/architecture.md for the vocabulary ids.
"""

from __future__ import annotations

import calendar
import datetime as _dt
import re
import unicodedata

REVIEW_TYPES: dict[str, str] = {
    "scr": "Serious Case Review (SCR)",
    "cspr": "Child Safeguarding Practice Review (CSPR)",
    "lcspr": "Local Child Safeguarding Practice Review (LCSPR)",
    "rapid-review": "Rapid Review",
    "learning-review": "Learning Review",
    "thematic-review": "Thematic Review",
    "partnership-review": "Partnership Review",
    "national-review": "National Review (Child Safeguarding Practice Review Panel)",
    "dhr": "Domestic Homicide Review (DHR)",
    "sar": "Safeguarding Adults Review (SAR)",
    "practice-review": "Child Practice Review (Wales / other UK)",
    "inspection": "Inspection",
    "guidance": "Guidance",
    "other": "Other",
}

DOCUMENT_KINDS: dict[str, str] = {
    "overview-report": "Overview report",
    "executive-summary": "Executive summary",
    "action-plan": "Action plan",
    "response": "Response",
    "learning-briefing": "Learning briefing",
    "7-minute-briefing": "7-minute briefing",
    "briefing-note": "Briefing note",
    "protocol": "Protocol",
    "pathway": "Pathway",
    "leaflet": "Leaflet",
    "inspection-report": "Inspection report",
    "guidance": "Guidance",
    "annual-report": "Annual report",
    "other": "Other",
}

_QUOTES = str.maketrans(
    {
        "\u2018": "'",
        "\u2019": "'",
        "\u201a": "'",
        "\u201b": "'",
        "\u2032": "'",
        "`": "'",
        "\u201c": '"',
        "\u201d": '"',
        "\u201e": '"',
        "\u2033": '"',
        "\u00a0": " ",
        "\u2013": "-",
        "\u2014": "-",
        "\u2012": "-",
        "\u2212": "-",
    }
)


def normalise_text(text: str) -> str:
    """Straighten curly quotes, turn en/em dashes into hyphens and collapse whitespace."""
    return re.sub(r"\s+", " ", text.translate(_QUOTES)).strip()


# --------------------------------------------------------------------------- review types

# (pattern, id, case-sensitive?).  All patterns are searched; the earliest match in the
# text wins, and at one position the longest match wins (so "Local Child Safeguarding
# Practice Review" beats "Child Safeguarding Practice Review").
_I = re.IGNORECASE
_REVIEW_TYPE_PATTERNS: list[tuple[re.Pattern[str], str]] = [
    # national reviews and the Panel
    (
        re.compile(
            r"\bnational\s+(?:child\s+safeguarding\s+practice\s+|panel\s+|case\s+)?reviews?\b", _I
        ),
        "national-review",
    ),
    (
        re.compile(r"\b(?:child\s+safeguarding\s+practice\s+)?review\s+panel\b", _I),
        "national-review",
    ),
    (re.compile(r"\bpanel(?:'s)?\s+(?:review|report|briefing)s?\b", _I), "national-review"),
    # local CSPRs (LSCPR is a common misspelling)
    (
        re.compile(
            r"\blocal\s+(?:child\s+)?safeguarding\s+(?:children\s+)?practice\s+reviews?\b", _I
        ),
        "lcspr",
    ),
    (re.compile(r"\bL(?:CSPR|SCPR|SPR)s?\b"), "lcspr"),
    # CSPR / SPR
    (
        re.compile(r"\b(?:child\s+)?safeguarding\s+(?:children\s+)?practice\s+reviews?\b", _I),
        "cspr",
    ),
    (re.compile(r"\bC?SPRs?\b"), "cspr"),
    # SCR
    (re.compile(r"\bserious\s+case\s+reviews?\b", _I), "scr"),
    (re.compile(r"\bSCRs?\b"), "scr"),
    # other local review kinds
    (re.compile(r"\brapid\s+reviews?\b", _I), "rapid-review"),
    (re.compile(r"\b(?:local\s+)?learning\s+(?:lessons\s+)?reviews?\b", _I), "learning-review"),
    (
        re.compile(r"\bsignificant\s+incident\s+learning\s+process\b|\bSILP\b", _I),
        "learning-review",
    ),
    (re.compile(r"\bthematic\s+(?:learning\s+)?reviews?\b", _I), "thematic-review"),
    (re.compile(r"\bpartnership\s+reviews?\b", _I), "partnership-review"),
    (re.compile(r"\bdomestic\s+homicide\s+reviews?\b", _I), "dhr"),
    (re.compile(r"\bDHRs?\b"), "dhr"),
    (re.compile(r"\bsafeguarding\s+adults?\s+reviews?\b", _I), "sar"),
    (re.compile(r"\bSARs?\b"), "sar"),
    # Wales, Scotland, Northern Ireland
    (
        re.compile(
            r"\b(?:(?:concise|extended)\s+)?(?:multi-agency\s+)?(?:child|adult)\s+practice\s+reviews?\b",
            _I,
        ),
        "practice-review",
    ),
    (
        re.compile(r"\bsignificant\s+case\s+reviews?\b|\bcase\s+management\s+reviews?\b", _I),
        "practice-review",
    ),
    # inspections
    (
        re.compile(
            r"\binspection\s+of\b[^.]{0,80}?\bchildren'?s\s+(?:social\s+care\s+)?services\b", _I
        ),
        "inspection",
    ),
    (
        re.compile(
            r"\bofsted\s+(?:inspection|report)s?\b|\bjoint\s+targeted\s+area\s+inspections?\b", _I
        ),
        "inspection",
    ),
    (re.compile(r"\bILACS\b|\bJTAI\b"), "inspection"),
    (re.compile(r"\binspection\s+of\s+services\s+for\s+children\b", _I), "inspection"),
    # guidance
    (re.compile(r"\b(?:statutory|non-statutory|practice)\s+guidance\b", _I), "guidance"),
    (
        re.compile(
            r"\bworking\s+together\s+to\s+safeguard\s+children\b|\bworking\s+together\s+(?:19|20)\d\d\b",
            _I,
        ),
        "guidance",
    ),
    (re.compile(r"\bkeeping\s+children\s+safe\s+in\s+education\b", _I), "guidance"),
]


def _earliest(patterns: list[tuple[re.Pattern[str], str]], text: str) -> str | None:
    best: tuple[int, int, str] | None = None
    for pattern, value in patterns:
        m = pattern.search(text)
        if m is None:
            continue
        key = (m.start(), -(m.end() - m.start()), value)
        if best is None or key[:2] < best[:2]:
            best = key
    return best[2] if best else None


def parse_review_type(text: str) -> str | None:
    """Review type id named in ``text`` (earliest mention wins), or None."""
    if not text:
        return None
    return _earliest(_REVIEW_TYPE_PATTERNS, normalise_text(text))


def find_review_types(text: str) -> list[str]:
    """Every distinct review type id named in ``text``, in order of first mention."""
    if not text:
        return []
    text = normalise_text(text)
    hits: list[tuple[int, int, str]] = []
    for pattern, value in _REVIEW_TYPE_PATTERNS:
        for m in pattern.finditer(text):
            hits.append((m.start(), -(m.end() - m.start()), value))
    hits.sort()
    found: list[str] = []
    covered_to = -1
    for start, neg_len, value in hits:
        if start < covered_to:  # inside a longer match ("Local Child ... Review")
            continue
        covered_to = start - neg_len
        if value not in found:
            found.append(value)
    return found


# ------------------------------------------------------------------------ document kinds

# Checked in order: the first kind whose pattern matches wins.
_DOCUMENT_KIND_PATTERNS: list[tuple[re.Pattern[str], str]] = [
    (re.compile(r"\b(?:7|seven)[\s-]*min(?:ute)?s?\b", _I), "7-minute-briefing"),
    (re.compile(r"\bexec(?:utive)?\.?\s+summar(?:y|ies)\b", _I), "executive-summary"),
    (re.compile(r"\baction\s+plans?\b", _I), "action-plan"),
    (re.compile(r"\bannual\s+reports?\b", _I), "annual-report"),
    (
        re.compile(r"\binspection\s+reports?\b|\binspection\s+of\b|\bofsted\s+reports?\b", _I),
        "inspection-report",
    ),
    (re.compile(r"\bbriefing\s+notes?\b", _I), "briefing-note"),
    (
        re.compile(
            r"\blearning\s+(?:brief|briefing|summary|points|bulletin)s?\b|\bbriefings?\b|\bkey\s+messages\b"
            r"|\bknowledge\s+bite\b|\bpractitioner\s+guide\b|\bbriefing\s+paper\b",
            _I,
        ),
        "learning-briefing",
    ),
    (
        re.compile(
            r"\bleaflets?\b|\binformation\s+for\s+parents\b|\bfor\s+parents\s+and\s+carers\b", _I
        ),
        "leaflet",
    ),
    (re.compile(r"\bpathways?\b", _I), "pathway"),
    (re.compile(r"\bprotocols?\b", _I), "protocol"),
    (re.compile(r"\bresponses?\b", _I), "response"),
    (
        re.compile(
            r"\b(?:statutory|non-statutory|practice)\s+guidance\b|\bguidance\b|\bworking\s+together\b",
            _I,
        ),
        "guidance",
    ),
    (
        re.compile(
            r"\boverview\b|\bfull\s+(?:report|review)\b|\breview\s+report\b|\bfinal\s+report\b"
            r"|\breports?\b",
            _I,
        ),
        "overview-report",
    ),
]


def parse_document_kind(text: str) -> str | None:
    """Document kind id named in ``text`` (e.g. link text ``Child E action plan``), or None."""
    if not text:
        return None
    text = normalise_text(text)
    for pattern, kind in _DOCUMENT_KIND_PATTERNS:
        if pattern.search(text):
            return kind
    return None


# ----------------------------------------------------------------------------- case names

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


# ----------------------------------------------------------------------------------- dates

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
]
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


# ------------------------------------------------------------------------------- slugs/ids


def slugify(text: str) -> str:
    """Lowercase ASCII slug with hyphens: ``Child M 'Vamp'`` -> ``child-m-vamp``."""
    text = unicodedata.normalize("NFKD", text or "").encode("ascii", "ignore").decode("ascii")
    text = text.replace("&", " and ").replace("'", "")
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def case_id(partnership: str | None, case: str | None) -> str:
    """Default case id: slug of partnership + case (``barnet-child-g``)."""
    return "-".join(s for s in (slugify(partnership or ""), slugify(case or "")) if s)
