"""The facts of a case that the national analyses count reviews by: the subject child's age band,
the outcome (death or serious harm) and the kinds of harm, each with the sentence that states
it (docs/case-facts.md has the rules).

Pure text in, facts out: ``extract_facts(pages, case)``. The subject child is found from the
document's case name ("Child N" is also "N"; "Baby V" also "V"; a name such as "Jordan") or
from phrases such as "the subject child"; a sentence that starts with "He"/"She" right after a
sentence about the child is about the child too. Only what the text states of that child
counts: a sibling's or a parent's age, guidance about "children under one", an earlier child's
death are not the child's facts, and where nothing is stated the fact is ``unknown``.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from library.ages import AGE_BANDS, NUMBER, UNIT, band_of_months, months_of
from library.case_dates import birth_and_incident
from library.case_subject import (
    POSSESSIVE_START,
    Sentence,
    about_child,
    refs,
    sentences,
    subject_pattern,
)

__all__ = [
    "AGE_BANDS",
    "HARMS",
    "OUTCOMES",
    "CaseFacts",
    "Evidence",
    "Sentence",
    "extract_facts",
    "sentences",
    "subject_pattern",
]

#: outcome id -> label ("unknown": the text does not say)
OUTCOMES: dict[str, str] = {
    "death": "Death",
    "serious-harm": "Serious harm",
    "unknown": "Outcome not stated",
}
#: harm category id -> label (the triennial analyses' categories of death and non-fatal harm)
HARMS: dict[str, str] = {
    "physical-abuse": "Physical abuse",
    "sexual-abuse": "Sexual abuse",
    "neglect": "Neglect",
    "emotional-abuse": "Emotional abuse",
    "exploitation": "Exploitation",
    "sudi": "Sudden unexpected death in infancy",
    "suicide": "Suicide",
    "homicide": "Homicide",
}
UNKNOWN = "unknown"


@dataclass
class Evidence:
    """What states one fact: its sentences (two for an age from a date of birth and a date of
    the incident), or the catalogue."""

    value: str
    sentences: list[Sentence] = field(default_factory=list)
    source: str = "text"  # "text", "catalogue", or "" for unknown

    def to_dict(self) -> dict[str, Any]:
        return {
            "value": self.value,
            "source": self.source,
            "evidence": [{"page": s.page, "sentence": s.text} for s in self.sentences],
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Evidence:
        sents = [
            Sentence(int(e.get("page") or 0), str(e.get("sentence") or ""))
            for e in data.get("evidence") or []
            if isinstance(e, dict)
        ]
        return cls(str(data.get("value") or UNKNOWN), sents, str(data.get("source") or ""))


@dataclass
class CaseFacts:
    age_band: Evidence = field(default_factory=lambda: Evidence(UNKNOWN, source=""))
    outcome: Evidence = field(default_factory=lambda: Evidence(UNKNOWN, source=""))
    harms: list[Evidence] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "age_band": self.age_band.to_dict(),
            "outcome": self.outcome.to_dict(),
            "harms": [h.to_dict() for h in self.harms],
        }


# ---- age ---------------------------------------------------------------------------------

# between the child's name and the age: "was", ", who was", ", aged", ", then aged", " (",
# ", an", "was a little girl aged", "died aged"
_LINK = (
    r"(?:'s)?(?:\s*\("
    r"|,?\s+(?:who|that)\s+(?:was|is)\s+(?:then\s+|only\s+|just\s+|now\s+)?(?:an?\s+|aged\s+)?"
    r"|,\s+(?:then\s+|now\s+)?aged\s+"
    r"|,\s+an?\s+(?:[a-z-]+\s+){0,3}?(?:aged\s+)?"
    r"|\s+(?:was|is)\s+(?:then\s+|only\s+|just\s+|now\s+)?(?:an?\s+(?:[a-z-]+\s+){0,3}?)?(?:aged\s+)?"
    r"|\s+(?:died|was\s+\w+)\s+aged\s+)"
)
_AGE = (
    rf"(?:(?P<n1>{NUMBER})[- ](?P<u1>{UNIT})[- ]old\b"
    rf"|(?P<n2>{NUMBER})\s+(?P<u2>{UNIT})(?:\s+and\s+(?P<m2>{NUMBER})\s+months?)?\b"
    rf"(?!\s+(?:ago|later|before|after|earlier|previously))"
    rf"|(?P<n3>{NUMBER})(?![.,]\d)(?=\s+when\b|\s*[,.;)]|\s+at\s+the\s+time\b|\s+and\s+(?:was|had|is)\b))"
)
_AGE_AFTER = re.compile(rf"{_LINK}{_AGE}", re.IGNORECASE)
# "a 16-year-old young woman, known in this report as S"
_AGE_BEFORE = re.compile(
    rf"\b(?P<n1>{NUMBER})[- ](?P<u1>{UNIT})[- ]old\s+(?:[a-z-]+\s+){{0,3}}?[a-z-]+,?\s+"
    r"(?:known|referred\s+to)\s+(?:in\s+this\s+(?:report|review|brief(?:ing)?)\s+)?as\s+$",
    re.IGNORECASE,
)
# the age at something that went before the incident, not at it
_EARLIER = re.compile(r"\b(?:from|since)\s+the\s+age\s+of\b|\bwhen\s+(?:he|she)\s+was\s*$", re.I)
# "Child A ... died suddenly in February 2015, at the age of ten weeks"; "Child G, a baby boy
# who was admitted to hospital in August 2018, aged 20 weeks": the age at the event
_AT_EVENT = re.compile(rf"[^.;:!?]{{0,120}}?\b(?:at\s+the\s+age\s+of|aged)\s+{_AGE}", re.IGNORECASE)
_EVENT_VERB = re.compile(
    r"\b(?:died|drowned|was\s+(?:killed|murdered|(?:seriously\s+)?(?:injured|harmed)|admitted|"
    r"taken|brought|found|stabbed|raped|assaulted|shot)|sustained|suffered)\b",
    re.IGNORECASE,
)
_SOMEONE_ELSE = re.compile(
    r"'s\b|\b(?:Mr|Mrs|Ms|Miss|Dr)\b|\b(?:his|her|their)\s+(?:\w+\s+)?(?:mother|father|"
    r"brother|sister|sibling|parent|partner|stepfather|stepmother|friend|cousin)"
)
# a sentence that introduces the review's child ("This review concerns Child K, a girl who ...")
_INTRODUCES = re.compile(
    r"\b(?:review|brief(?:ing)?|report|summary)\s+(?:is\s+about|concerns|about|into)\b|"
    r"\bsubject\s+of\s+(?:this|the)\b|\bincident\b",
    re.IGNORECASE,
)


def _months(m: re.Match[str]) -> int | None:
    if m.group("n1"):
        return months_of(m.group("n1"), m.group("u1"))
    if m.group("n2"):
        # "aged 14 years" / "2 years and 4 months": a unit without "old" only after "aged"
        if not re.search(r"(?:aged|age\s+of)\s+$", m.group(0)[: m.start("n2") - m.start()], re.I):
            return None
        return months_of(m.group("n2"), m.group("u2"), m.group("m2"))
    if m.group("n3"):
        # a bare number only right after "was", "aged" or "(": "was a baby weighing 2.9 kg"
        link = m.group(0)[: m.start("n3") - m.start()]
        if not re.search(r"(?:\bwas|\bis|\baged|\()\s*$", link, re.IGNORECASE):
            return None
        return months_of(m.group("n3"), None)
    return None


def _age_in(s: Sentence, subject: re.Pattern[str]) -> tuple[str, int] | None:
    """(band, position) of the child's age stated in ``s``, if any."""
    for start, end in refs(s.text, subject):
        if _EARLIER.search(s.text[max(0, start - 30) : start + 12]):
            continue
        m = _AGE_AFTER.match(s.text, end)
        if m:
            months = _months(m)
            band = band_of_months(months) if months is not None else None
            if band:
                return band, start
        m = _AT_EVENT.match(s.text, end)
        if m and _EVENT_VERB.search(m.group(0)) and not _SOMEONE_ELSE.search(m.group(0)):
            months = _months(m)
            band = band_of_months(months) if months is not None else None
            if band:
                return band, start
        before = _AGE_BEFORE.search(s.text[max(0, start - 120) : start])
        if before:
            months = months_of(before.group("n1"), before.group("u1"))
            band = band_of_months(months) if months is not None else None
            if band:
                return band, start
    return None


def _age_band(about: list[tuple[Sentence, bool]], subject: re.Pattern[str]) -> Evidence:
    found: list[tuple[tuple[int, int], str, Sentence]] = []
    for i, (s, on_child) in enumerate(about):
        if not on_child:
            continue
        got = _age_in(s, subject)
        if got:
            # the age at the incident is stated with it ("was seven weeks old when she died"),
            # or where the review introduces the child; an age at a visit comes last
            rank = 0 if _EVENT_VERB.search(s.text) else 1 if _INTRODUCES.search(s.text) else 2
            found.append(((rank, i), got[0], s))
    if found:
        _key, band, s = min(found, key=lambda f: f[0])
        return Evidence(band, [s])
    dated = birth_and_incident([s for s, on in about if on], subject)
    if dated:
        months, born, incident = dated
        band = band_of_months(months[0])
        if band and all(band_of_months(m) == band for m in months):
            return Evidence(band, [born, incident])
    return Evidence(UNKNOWN, source="")


# ---- outcome -----------------------------------------------------------------------------

_DEATH = re.compile(
    r"\b(?:died|was\s+killed|was\s+murdered|was\s+unlawfully\s+killed|drowned|was\s+found\s+dead|"
    r"took\s+(?:his|her|their)\s+own\s+life|lost\s+(?:his|her|their)\s+life)\b"
)
_HARMED = re.compile(
    r"\b(?:(?:was|were|had\s+been|has\s+been)\s+(?:seriously|severely|significantly|gravely)\s+"
    r"(?:injured|harmed|hurt)"
    r"|(?:sustained|suffered|received)\s+(?:a\s+)?(?:serious|significant|severe|life[- ]changing|"
    r"life[- ]threatening|catastrophic|grave)\s+(?:\w+\s+)?(?:injur(?:y|ies)|harm|brain\s+injury)"
    r"|(?:had\s+|has\s+)?suffered\s+significant\s+harm)\b",
    re.IGNORECASE,
)
# between the child and the verb: someone else's ("his brother", "V's father", "Ms W")
_OTHER = re.compile(r"'s\b|\b(?:his|her|their)\b|\b(?:Mr|Mrs|Ms|Miss|Dr)\b|[.;:!?]")
_NOT_SO = re.compile(
    r"\b(?:nearly|almost|could\s+have|would\s+have|might\s+have|may\s+have|not|never|risk\s+of|"
    r"likely\s+to)\s+(?:\w+\s+)?$",
    re.IGNORECASE,
)
_GAP = 90


def _states(s: Sentence, subject: re.Pattern[str], verb: re.Pattern[str]) -> bool:
    """Whether ``s`` states ``verb`` of the child: the child, then (in the same clause, with no
    one else named between) the verb."""
    spans = refs(s.text, subject)
    for m in verb.finditer(s.text):
        before = [end for start, end in spans if end <= m.start() and m.start() - end <= _GAP]
        if not before:
            continue
        gap = s.text[before[-1] : m.start()]
        if _OTHER.search(gap) or _NOT_SO.search(gap):
            continue
        return True
    return False


def _death_of(s: Sentence, subject: re.Pattern[str]) -> bool:
    """ "the death of Child R", "Baby V's death"."""
    for start, end in refs(s.text, subject):
        if re.search(r"\b(?:death|murder|killing)\s+of\s+$", s.text[max(0, start - 20) : start]):
            return True
        if re.match(r"'s\s+(?:\w+\s+)?(?:death|murder|killing)\b", s.text[end:]):
            return True
    return False


def _outcome(about: list[tuple[Sentence, bool]], subject: re.Pattern[str]) -> Evidence:
    harmed: Sentence | None = None
    death_of: Sentence | None = None  # "the death of Child R": a statement, not the account
    for s, on_child in about:
        if not on_child:
            continue
        if _states(s, subject, _DEATH):
            return Evidence("death", [s])
        if death_of is None and _death_of(s, subject):
            death_of = s
        if harmed is None and _states(s, subject, _HARMED):
            harmed = s
    if death_of is not None:
        return Evidence("death", [death_of])
    if harmed is not None:
        return Evidence("serious-harm", [harmed])
    return Evidence(UNKNOWN, source="")


# ---- harms -------------------------------------------------------------------------------

_HARM_RX: dict[str, re.Pattern[str]] = {
    "physical-abuse": re.compile(
        r"\bphysically\s+(?:abused|assaulted|harmed)\b|\bphysical\s+abuse\b|\bnon[- ]accidental\s+"
        r"injur|\binflicted\s+(?:\w+\s+)?injur|\binflicted\s+by\b|\bby\s+shaking\b|\bwas\s+shaken\b",
        re.IGNORECASE,
    ),
    "sexual-abuse": re.compile(
        r"\bsexually\s+(?:abused|assaulted)\b|\braped\b|\bsexual\s+(?:abuse|assault)\b",
        re.IGNORECASE,
    ),
    "neglect": re.compile(r"\bneglect(?:ed)?\b", re.IGNORECASE),
    "emotional-abuse": re.compile(r"\bemotional(?:ly)?\s+abuse[ds]?\b", re.IGNORECASE),
    "exploitation": re.compile(
        r"\b(?:criminally|sexually)\s+exploited\b|\b(?:was|were|been|being)\s+exploited\b|"
        r"\b(?:criminal|sexual)\s+exploitation\s+of\b|\bcounty\s+lines?\b",
        re.IGNORECASE,
    ),
    "sudi": re.compile(
        r"\bsudden\s+(?:and\s+)?unexpected\s+death\s+in\s+infancy\b|\bSUDI\b|\bSIDS\b|"
        r"\bsudden\s+infant\s+death\b|\bunsafe\s+sleep(?:ing)?\s+(?:environment|arrangement)",
        re.IGNORECASE,
    ),
    "suicide": re.compile(
        r"\bdied\s+by\s+suicide\b|\btook\s+(?:his|her|their)\s+own\s+life\b|\bsuicide\b(?!\s+risk)",
        re.IGNORECASE,
    ),
    "homicide": re.compile(
        r"\bwas\s+killed\b|\bwere\s+killed\b|\bmurder(?:ed)?\b|\bmanslaughter\b|"
        r"\bunlawfully\s+killed\b|\bstabbed\s+to\s+death\b",
        re.IGNORECASE,
    ),
}
#: what a sentence that starts "His ..."/"Her ..." states of the child itself
_OWN_HARM: dict[str, re.Pattern[str]] = {
    "homicide": re.compile(r"\b(?:his|her)\s+(?:murder|manslaughter|killing)\b", re.I),
    "physical-abuse": re.compile(
        r"\b(?:his|her)\s+(?:\w+\s+)?injur(?:y|ies)\b.*\b(?:inflicted|non[- ]accidental)\b", re.I
    ),
}
#: harms only a death can be
_FATAL = frozenset(["sudi", "suicide", "homicide"])
# "the risk of exploitation", "signs of neglect" are not harm stated as suffered
_HEDGED = re.compile(
    r"\b(?:risk|risks|signs?|indicators?|concerns?|vulnerable|prevent\w*|potential|possible|"
    r"whether|if)\b(?:\s+\w+){0,3}\s*$",
    re.IGNORECASE,
)
# a sentence about the children of a review of several ("All eleven had been neglected", "One
# concerned a girl who ...")
_GROUP = re.compile(
    r"\b(?:all|both|each|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|"
    r"several|the\s+others|of\s+them|the\s+(?:children|young\s+people|babies))\b",
    re.IGNORECASE,
)


# what happened to them, not what happens to children in general ("children who are exploited
# may go missing")
_PAST = re.compile(
    r"\b(?:had\s+been|have\s+been|were|was|died|concerned|suffered|experienced)\b", re.I
)


def _harm_in(text: str, rx: re.Pattern[str]) -> bool:
    return any(
        not _HEDGED.search(text[max(0, m.start() - 40) : m.start()]) for m in rx.finditer(text)
    )


def _harms(about: list[tuple[Sentence, bool]], outcome: str, several: bool) -> list[Evidence]:
    out: dict[str, Evidence] = {}
    for s, on_child in about:
        if not (on_child or (several and _GROUP.search(s.text) and _PAST.search(s.text))):
            continue
        # "His father then took his own life.": the sentence is about someone else of his
        rxs = _OWN_HARM if on_child and POSSESSIVE_START.match(s.text) else _HARM_RX
        for harm, rx in rxs.items():
            if harm in out or not _harm_in(s.text, rx):
                continue
            if harm in _FATAL and not several and outcome != "death":
                continue
            out[harm] = Evidence(harm, [s])
    return [out[h] for h in HARMS if h in out]


# ---- the whole -----------------------------------------------------------------------------


def extract_facts(pages: Sequence[str], case: str = "", *, several: bool = False) -> CaseFacts:
    """The facts ``pages`` state of the subject child of ``case``.

    ``several``: the document is about several children and no one of them (a thematic
    review, a briefing on several rapid reviews): age and outcome stay ``unknown`` and the
    harms are those stated of the children it is about.
    """
    sents = sentences(pages)
    subject = subject_pattern("" if several else case)
    about = list(about_child(sents, subject))
    if several:
        return CaseFacts(harms=_harms(about, UNKNOWN, True))
    age = _age_band(about, subject)
    outcome = _outcome(about, subject)
    return CaseFacts(age_band=age, outcome=outcome, harms=_harms(about, outcome.value, False))


#: reviews of children: a review of this type with no case name is about several children
_CHILD_REVIEWS = frozenset(
    [
        "scr",
        "cspr",
        "lcspr",
        "rapid-review",
        "learning-review",
        "thematic-review",
        "partnership-review",
        "national-review",
        "practice-review",
    ]
)
#: kinds that report on a review (not guidance, protocols, leaflets, annual reports)
_REVIEW_KINDS = frozenset(
    [
        "overview-report",
        "executive-summary",
        "action-plan",
        "response",
        "learning-briefing",
        "7-minute-briefing",
        "briefing-note",
    ]
)


def about_several(case: str, review_type: str, document_kind: str) -> bool:
    """Whether a document is about several children and no one of them: a review of children
    (or a briefing, summary or plan made from one) with no case name (a thematic review, a
    briefing on several rapid reviews). Guidance, protocols, leaflets and inspections are
    about no child at all."""
    return not case and review_type in _CHILD_REVIEWS and document_kind in _REVIEW_KINDS


#: the facts a catalogue row may set, and their values
CATALOGUE_FACTS: dict[str, dict[str, str]] = {"age_band": AGE_BANDS, "outcome": OUTCOMES}


def document_facts(
    pages: Sequence[str],
    case: str,
    review_type: str,
    document_kind: str,
    overrides: dict[str, str] | None = None,
) -> CaseFacts:
    """The facts of one document: from its text, then the catalogue's ``age_band`` and
    ``outcome`` where a curator gave them (a value not in the vocabulary is ignored: the
    catalogue check reports it)."""
    facts = extract_facts(pages, case, several=about_several(case, review_type, document_kind))
    for name, vocabulary in CATALOGUE_FACTS.items():
        value = (overrides or {}).get(name, "").strip().lower()
        if value in vocabulary:
            setattr(facts, name, Evidence(value, [], "catalogue"))
    return facts
