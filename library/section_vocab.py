"""The heading vocabulary of library.sections: the kinds of section a unit can stand in, which
of them carry a document's learning, and the words of a heading that name each kind (data: add
a phrasing here, not a rule in the code)."""

from __future__ import annotations

import re

#: the kinds of section a unit can stand in
SECTION_KINDS = (
    "front",  # before the first recognised heading (title page, opening paragraph)
    "summary",  # executive summary, key messages, overview
    "findings",  # findings, what the review found, analysis and findings
    "learning",  # learning, key learning, lessons, why it matters, implications for practice
    "recommendations",  # recommendations, actions, what to do, what good looks like
    "questions",  # questions for the Board, reflective questions
    "conclusions",
    "analysis",  # analysis, appraisal of practice, discussion
    "body",  # a section with a heading the module does not know
    "background",  # introduction, terms of reference, methodology, the family
    "chronology",  # chronology, what happened, summary of agency involvement, key episodes
    "contents",  # table of contents
    "references",  # glossary, references, further information, appendices
)
#: sections whose subject is the document's learning: a mention there is about the theme
KEY_SECTIONS = frozenset(
    {"summary", "findings", "learning", "recommendations", "questions", "conclusions"}
)

# Heading vocabulary, first match wins (so "summary of agency involvement" is a chronology
# before "summary" is a summary). Matched at the start of the heading's words, lower case,
# after its number ("4.", "Box 4", "Finding 2:") is taken off.
KINDS: list[tuple[str, str]] = [
    ("contents", r"(table of )?contents"),
    # training and workforce sections of annual reports are not the learning of a review
    ("body", r"learning and (workforce )?development|training\b|workforce"),
    (
        "chronology",
        r"chronology|timeline|summary of (agency |professional )?(involvement|events|contact)"
        r"|(key |significant )?(practice )?episodes?|key events|what happened|the case\b"
        r"|case (summary|history|background)|circumstances|narrative|events leading"
        r"|history of (involvement|agency)|agency involvement",
    ),
    (
        "questions",
        r"(reflective |key |some )?questions?|reflection|for reflection|points? (to|for) "
        r"(consider|reflect|discuss)|things to (think|consider)|(what|how) (do|would|could) you",
    ),
    (
        "recommendations",
        r"recommendations?|r\d+\b|actions?\b|agreed actions|what (you|we|practitioners|"
        r"professionals|managers|agencies) (should|must|can|need to|will) do|what to do"
        r"|what (good|best practice) looks like|what (we are|we have|has|have we|is) chang"
        r"|what needs to (happen|change)|next steps|improvement|priorit(y|ies) for"
        r"|(key )?messages for|practice (points|tips|guidance)|top tips|tips for|advice for"
        r"|remember\b|what (can|should) (you|practitioners|we) do|do(es)? differently"
        r"|what (the|this) (review|panel|report|rapid review) recommend"
        # "For health services" under a recommendations heading: whom they are addressed to
        r"|for (?!more\b|further\b|information\b|reflection\b|discussion\b|example\b)(the )?"
        r"[a-z]+( [a-z']+){0,6}$",
    ),
    (
        "learning",
        r"(key |the |main |practice |emerging |shared |what we |what was |areas of )?"
        r"(learning|learned|learnt|lessons?)\b|what we learn|why (it|this) matters"
        r"|what this means|implications (for|of)|the learning|learning points?|themes?\b"
        r"|key themes|learning themes|what (the review|we|it) (tells|told|teaches|shows)"
        r"|(areas of |examples of |notable )?good practice|what went well",
    ),
    (
        "findings",
        r"(key |main |summary of |overall |the review'?s? )?findings?\b|what (the review|"
        r"the panel|we|the rapid review|reviewers|the reviews) (found|identified|learned|"
        r"heard)|what we know|analysis and findings|areas for (improvement|development)"
        r"|(issues|concerns) (identified|for practice)|key issues|gaps",
    ),
    (
        "summary",
        r"(executive )?summary|overview\b|key messages|key points|in brief|at a glance"
        r"|the briefing in brief|headlines",
    ),
    ("conclusions", r"conclu(sion|sions|ding)|closing|final (remarks|thoughts)"),
    ("analysis", r"analysis|appraisal|discussion|evaluation of|assessment of practice"),
    (
        "background",
        r"background|introduction|intro\b|purpose|about (this|the)|reasons? for|terms of "
        r"reference|scope|methodology|method\b|the review process|review process|process of"
        r"|the family\b|family (members|composition|involvement|structure|background|views)"
        r"|the family'?s? (views|involvement|contribution)|pen picture|context|the child\b"
        r"|who (is|was)|why (we|this review)|governance|legal|statutory|definitions?"
        r"|acknowledgements?|foreword|preface|the (panel|reviewers?|author)|independent",
    ),
    (
        "references",
        r"glossary|references|bibliography|further (information|reading|resources|help)"
        r"|find out more|resources|useful (links|resources|contacts)|appendix|appendices"
        r"|annex|membership|(useful |key )?contacts?$|contact (details|us)|sources$"
        r"|abbreviations|where to get|(useful |web )links",
    ),
]
KIND_RX = [(kind, re.compile(rf"(?:{rx})", re.I)) for kind, rx in KINDS]
