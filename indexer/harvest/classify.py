"""Classify listing-page lines: what looks like a review title, a heading, a non-review item.

The vocabulary the parser walks with: items that are not reviews (procedures, thresholds,
strategies, "National Learning", DHRs), generic words that are never pseudonyms, the
NSPCC-style ``2022 - Area - Name`` header, date-only lines, and small text predicates.
"""

from __future__ import annotations

import difflib
import re
from urllib.parse import urlsplit

from indexer.harvest.listing_model import Block


def wordset(text: str) -> frozenset[str]:
    """The words of ``text`` as a set (vocabularies are written as whitespace-separated words)."""
    return frozenset(text.split())


NON_REVIEW = re.compile(
    r"\b(?:procedures?|thresholds?|strateg(?:y|ies)|polic(?:y|ies)|protocols?|national\s+learning"
    r"|domestic\s+homicide|DHRs?|newsletters?|training|annual\s+reports?|terms\s+of\s+reference"
    r"|templates?|flowcharts?|appendix|complaints?|how\s+to|what\s+is|contents|referral|guidance"
    r"|search\s+results)\b",
    re.IGNORECASE,
)
NEGATIVE_PAGE = re.compile(
    r"\b(?:procedures?|protocols?|polic(?:y|ies)|strateg(?:y|ies)|thresholds?|guidance)\b",
    re.IGNORECASE,
)
LOCAL_TYPES = frozenset(
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
GENERIC_WORDS = wordset(
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
NAME_WORD = r"[A-Z][a-z][A-Za-z'-]*"
NAME_LINE = re.compile(rf"^(?P<names>{NAME_WORD}(?:\s+(?:and|&)\s+{NAME_WORD}){{0,2}})$")
PREFIX_NAME = re.compile(
    rf"^(?P<name>{NAME_WORD}(?:\s+(?:and|&)\s+{NAME_WORD})?)\s*:\s+(?P<rest>.+)$"
)
NSPCC_HEADER = re.compile(
    r"^(?P<date>(?:[A-Z][a-z]+\s+)?(?:19|20)\d\d)\s+-\s+(?P<area>[^-]{2,80}?)\s+-\s+(?P<name>[^-]{1,80})$"
)
DATE_LINE = re.compile(
    r"^(?:\d{1,2}(?:st|nd|rd|th)?\s+)?(?:January|February|March|April|May|June|July|August|September"
    r"|October|November|December|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept|Sep|Oct|Nov|Dec)\.?,?\s+"
    r"(?:19|20)\d\d\.?$|^\d{1,2}/\d{1,2}/(?:19|20)\d\d$|^(?:19|20)\d\d-\d\d-\d\d$",
    re.IGNORECASE,
)
_LABEL_VALUE = re.compile(r"^[A-Z][A-Za-z ]{0,30}:\s+[a-z(]")


def split_words(text: str) -> list[str]:
    return text.split()


def is_short(text: str) -> bool:
    return 0 < len(text) <= 150 and len(split_words(text)) <= 18


def is_heading_like(block: Block) -> bool:
    text = block.text
    if block.kind == "heading":
        return True
    if block.kind not in ("text", "bullet") or not is_short(text):
        return False
    if text.endswith((".", ",", ";", ":", "?", "!")) or _LABEL_VALUE.match(text):
        return False
    return text[0].isupper() or text[0].isdigit() or text[0] in "'\"("


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


def segments(text: str) -> list[str]:
    return [s.strip() for s in re.split(r"\s+-\s+|\s*\|\s*|(?<=\))\s*-\s*", text) if s.strip()]


def same_case(a: str | None, b: str | None) -> bool:
    if a is None or b is None:
        return a is b
    return a == b or a in b or b in a


def clean_title(text: str) -> str:
    return text.strip(" -|:")


def thematic_title(text: str) -> str | None:
    m = re.search(
        r"^(?P<title>.*?\b(?:Thematic|Partnership)\s+(?:Learning\s+)?Review)s?\b", text, re.I
    )
    if not m:
        return None
    title = clean_title(re.sub(r"^(?:CSPR|SCR|LCSPR)\s*[:-]?\s*", "", m.group("title")))
    if len(split_words(title)) < 3:  # "Thematic Review" alone is a section heading
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


def strip_type_and_date(text: str) -> str:
    return _ANY_DATE.sub(" ", _TYPE_WORDS.sub(" ", text))


def name_words_echoed(names: str, following: str) -> bool:
    """Whether a name in a pseudonym title reappears (capitalised) in the following text."""
    echoed = set(re.findall(r"\b[A-Z][a-z][A-Za-z'-]*", following))
    for word in re.findall(NAME_WORD, names):
        if word in GENERIC_WORDS:
            return False
    for word in re.findall(NAME_WORD, names):
        if word in echoed:
            return True
        if difflib.get_close_matches(word, echoed, n=1, cutoff=0.8):
            return True
    return False
