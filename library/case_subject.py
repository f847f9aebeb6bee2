"""The sentences of a document and which of them are about its subject child, for
library.case_facts.

The child is named as the case is ("Child N", and "N" alone; "Baby V" and "V"; a name such as
"Jordan"), or as "the subject child" / "the subject of this review"; "X's sister" names someone
else. A sentence that starts "He"/"She"/"His"/"Her" right after one that names the child, and
names no one else, carries the child on ("She died aged five months.").
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

__all__ = [
    "POSSESSIVE_START",
    "PRONOUN_START",
    "Sentence",
    "about_child",
    "named",
    "refs",
    "sentences",
    "subject_pattern",
]


@dataclass(frozen=True)
class Sentence:
    page: int  # 1-based
    text: str  # as printed, whitespace runs as one space


# ---- sentences ---------------------------------------------------------------------------

_QUOTES = str.maketrans({"\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"'})
_SPLIT = re.compile(r"(?<=[.!?])[\"')\]]?\s+(?=[\"'(]?[A-Z0-9])")


#: a line this short with no closing punctuation is a heading, a label or a cell, not part of
#: the sentence that follows it (body lines wrap at 70 characters or more)
_SHORT_LINE = 55
_ENDS_OPEN = re.compile(
    r"[,;:(\-–—]$|\b(?:and|or|the|a|an|of|to|in|on|by|with|for|from|at|was|is)$"
)
_LEADERS = re.compile(r"(?:\.\s?){4,}|…{2,}|_{4,}")
_NUMBERING = re.compile(r"^(?:\d{1,2}(?:\.\d{1,2})*\.?\s+)+")


def _blocks(page: str) -> list[str]:
    """The page's text in runs that may hold sentences. A heading, label or table cell (a
    short line without closing punctuation, after a finished sentence or another such line,
    before a capital) stands apart; a wrapped line of a sentence never does."""
    # (blank lines say nothing: pdfminer sets every line of a paragraph apart with one)
    lines = [line for line in (" ".join(raw.split()) for raw in page.splitlines()) if line]
    # a contents list ("The night of Child A's death . . . . 4") states nothing
    lines = [line for line in lines if not _LEADERS.search(line)]
    blocks: list[list[str]] = [[]]
    after_end = True  # the previous line closed a sentence (or there is none)
    for i, line in enumerate(lines):
        nxt = next((x for x in lines[i + 1 :] if x), "")
        closed = bool(re.search(r"[.!?:\"')]$", line))
        heading = (
            after_end
            and len(line) < _SHORT_LINE
            and not closed
            and not _ENDS_OPEN.search(line)
            and bool(re.match(r"[\"'(]?[A-Z0-9]", nxt))
        )
        if heading:
            blocks += [[line], []]
        else:
            blocks[-1].append(line)
        after_end = closed or heading
    return [" ".join(b) for b in blocks if b]


def sentences(pages: Sequence[str]) -> list[Sentence]:
    """The sentences of every page, in order, without paragraph numbers ("1.1"); a sentence
    over a page break counts on both pages, in two parts (evidence names the page where each
    part is printed)."""
    out: list[Sentence] = []
    for number, page in enumerate(pages, start=1):
        text = unicodedata.normalize("NFKC", page or "").translate(_QUOTES)
        for block in _blocks(text):
            held = ""  # a paragraph number split off as if it were a sentence ("1.")
            for part in _SPLIT.split(block):
                part = f"{held} {part}".strip() if held else part.strip()
                held = part if re.fullmatch(r"\d{1,2}(?:\.\d{1,2})*\.?", part) else ""
                part = "" if held else _NUMBERING.sub("", part)
                if part:
                    out.append(Sentence(number, part))
    return out


# ---- the subject child -------------------------------------------------------------------

_CASE_FORM = re.compile(
    r"^(?P<word>Child|Baby|Infant|Young\s+Person)\s+(?P<id>[A-Z]{1,3}\d{0,2}|[A-Z][a-z][\w'-]*)"
    r"(?:\s+'(?P<pseudo>[^']+)')?$"
)
_NOT_CHILD = re.compile(r"^(?:Family|Adult|Sibling|Siblings|Mr|Mrs|Ms|Miss|Case)\b")
_NAME_FORM = re.compile(r"^[A-Z][a-z][\w'-]*$")
#: what may follow a one-letter name for it to be the child, not "A" the article or "I"
_LETTER_NEXT = (
    r"(?=\s*[,;:.)]|'s\b|\s+(?:was|is|had|has|did|does|would|could|told|said|says|died|"
    r"sustained|suffered|lived|lives|became|and|who|were|remained|survived|went|made|"
    r"disclosed|attended|moved|needed|spent|started|ran|came|felt|saw|wanted|being|also|then|"
    r"now|later|still|never|often|herself|himself)\b)"
)
_GENERIC = (
    r"[Tt]he\s+subject\s+(?:child|of\s+(?:this|the)\s+(?:review|report|brief(?:ing)?))"
    r"|[Tt]he\s+child\s+at\s+the\s+cent(?:re|er)\s+of\s+(?:this|the)\s+review"
    r"|[Tt]he\s+young\s+person\s+at\s+the\s+cent(?:re|er)\s+of\s+(?:this|the)\s+review"
)
PRONOUN_START = re.compile(r"^(?:He|She)\b")
POSSESSIVE_START = re.compile(r"^(?:His|Her)\b")


def _one_case(name: str) -> list[str]:
    m = _CASE_FORM.match(name)
    if m:
        ident = re.escape(m.group("id"))
        word = r"\s+".join(m.group("word").split())
        forms = [rf"\b{word}\s+{ident}(?![\w-])"]
        if len(m.group("id")) <= 3 and m.group("id").isupper():
            forms.append(
                rf"(?<![\w'-])(?<!Mr )(?<!Ms )(?<!Mrs )(?<!Dr ){ident}(?![\w-]){_LETTER_NEXT}"
            )
        else:
            forms.append(rf"\b{ident}(?![\w-])")
        if m.group("pseudo"):
            forms.append(rf"\b{re.escape(m.group('pseudo'))}\b")
        return forms
    if _NOT_CHILD.match(name):
        return []
    if _NAME_FORM.match(name):
        return [rf"\b{re.escape(name)}(?![\w-])"]
    return []


def subject_pattern(case: str) -> re.Pattern[str]:
    """How the text names the subject child of ``case`` ("Child N": "Child N" or "N"; "Leo and
    Finn": either), and "the subject child", "the subject of this review"."""
    case = " ".join((case or "").translate(_QUOTES).split())
    names = [p.strip() for p in re.split(r"\s+(?:&|and)\s+", case) if p.strip()] if case else []
    forms = [f for name in names for f in _one_case(name)]
    return re.compile("|".join([*forms, _GENERIC]))


def about_child(sents: list[Sentence], subject: re.Pattern[str]) -> Iterator[tuple[Sentence, bool]]:
    """Each sentence with whether it names the child or carries it on ("She died aged five
    months." after a sentence that names her)."""
    carried = 0
    for s in sents:
        if named(s.text, subject):
            # "Child R lived with his mother. She had been ...": "she" may be the mother
            carried = 0 if _PERSON.search(s.text) else 2
            yield s, True
        elif carried and (PRONOUN_START.match(s.text) or POSSESSIVE_START.match(s.text)):
            carried -= 1
            yield s, True
        else:
            carried = 0
            yield s, False


# "X's older half-sister", "V's father": someone else, named through the child
_KIN = re.compile(
    r"'s\s+(?:(?:older|younger|elder|baby|little|big|twin|late)\s+)*(?:half-|step-?)?"
    r"(?:sister|brother|sibling|mother|father|parent|carer|partner|friend|cousin|uncle|aunt|"
    r"grand\w+|family|siblings|brothers|sisters|parents|mum|dad)\b"
)
# someone else in a sentence: a pronoun in the next sentence may be theirs
_PERSON = re.compile(
    r"\b(?:mother|father|stepfather|stepmother|partner|brother|sister|sibling|grandmother|"
    r"grandfather|uncle|aunt|man|woman|Mr|Mrs|Ms|Miss|Dr)\b"
)


def named(text: str, subject: re.Pattern[str]) -> list[tuple[int, int]]:
    """Where ``text`` names the child (not "X's sister")."""
    return [(m.start(), m.end()) for m in subject.finditer(text) if not _KIN.match(text, m.end())]


def refs(text: str, subject: re.Pattern[str]) -> list[tuple[int, int]]:
    """Where ``text`` names the child, and a "He"/"She" that starts it."""
    spans = named(text, subject)
    m = PRONOUN_START.match(text)
    if m:
        spans.insert(0, (0, m.end()))
    return spans
