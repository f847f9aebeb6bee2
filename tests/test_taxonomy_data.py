"""The theme taxonomy data file library/data/themes.toml keeps to its contract."""

from __future__ import annotations

import re
import tomllib

import pytest
from helpers import ROOT

from library.taxonomy import Taxonomy

THEMES_TOML = ROOT / "library" / "data" / "themes.toml"
ARCHITECTURE = ROOT / "docs" / "architecture.md"

GROUPS = {
    "Presentations and harm types",
    "Parent and family factors",
    "Child characteristics",
    "Practice and system issues",
}


def _contract_ids() -> list[str]:
    """Theme ids in the order docs/architecture.md lists them."""
    text = ARCHITECTURE.read_text(encoding="utf-8")
    match = re.search(
        r"Theme ids \(taxonomy `library/data/themes\.toml`\):(.*?)(?:\n\n|\Z)", text, re.S
    )
    assert match, "theme id list not found in docs/architecture.md"
    return [t.strip().rstrip(".") for t in match.group(1).split(",") if t.strip()]


def _load() -> dict:
    with THEMES_TOML.open("rb") as fh:
        return tomllib.load(fh)


DATA = _load()
THEMES = DATA["theme"]


def _norm(phrase: str) -> str:
    """How the matcher sees a phrase: case, spaces and hyphens do not matter."""
    return re.sub(r"[\s\-\u2010-\u2015/]+", "", phrase.lower().replace("\u2019", "'"))


def test_defaults():
    assert int(DATA["defaults"]["min_mentions"]) >= 1


def test_ids_are_the_contract_in_order():
    ids = [t["id"] for t in THEMES]
    assert len(ids) == 42
    assert len(set(ids)) == 42
    assert ids == _contract_ids()


@pytest.mark.parametrize("theme", THEMES, ids=lambda t: t["id"])
def test_theme_fields(theme):
    for key in ("label", "description", "group"):
        assert isinstance(theme.get(key), str) and theme[key].strip(), f"{key} missing"
    assert theme["group"] in GROUPS
    phrases = theme["phrases"]
    assert 5 <= len(phrases) <= 20
    assert all(isinstance(p, str) and p.strip() == p and p for p in phrases)
    if "min_mentions" in theme:
        assert int(theme["min_mentions"]) >= 1


@pytest.mark.parametrize("theme", THEMES, ids=lambda t: t["id"])
def test_no_duplicate_phrases(theme):
    seen: dict[str, str] = {}
    for p in theme["phrases"]:
        key = _norm(p)
        assert key not in seen, f"{p!r} duplicates {seen[key]!r} (matcher treats them alike)"
        seen[key] = p
    acronyms = theme.get("acronyms", [])
    assert len(set(acronyms)) == len(acronyms)


@pytest.mark.parametrize("theme", THEMES, ids=lambda t: t["id"])
def test_phrase_syntax(theme):
    for p in theme["phrases"]:
        # '*' only as a trailing word prefix, and not on a bare short stem
        assert "*" not in p[:-1], p
        assert len(p.rstrip("*")) >= 4, f"{p!r} is too short to be specific"


@pytest.mark.parametrize("theme", THEMES, ids=lambda t: t["id"])
def test_acronyms_look_like_acronyms(theme):
    for a in theme.get("acronyms", []):
        assert a and " " not in a, a
        assert any(c.isupper() for c in a), a
        # an acronym is matched case-sensitively, so it must not also be a lower-case phrase
        assert _norm(a) not in {_norm(p) for p in theme["phrases"]}, a


@pytest.mark.parametrize("theme", THEMES, ids=lambda t: t["id"])
def test_anchors_are_phrases_or_acronyms(theme):
    anchors = theme.get("anchors")
    if anchors is None:
        return
    assert anchors, "anchors, when present, must not be empty"
    phrases = {p.lower() for p in theme["phrases"]}
    acronyms = set(theme.get("acronyms", []))
    for a in anchors:
        assert a.lower() in phrases or a in acronyms, f"anchor {a!r} is not a phrase or acronym"
    assert len(set(anchors)) == len(anchors)


@pytest.mark.parametrize("theme", THEMES, ids=lambda t: t["id"])
def test_every_phrase_is_credited_to_itself(theme):
    """A phrase listed after a shorter one that starts the same way would never be credited."""
    loaded = Taxonomy.load(THEMES_TOML).by_id[theme["id"]]
    for p in theme["phrases"]:
        text = f"and {p.rstrip('*')} and"
        found = loaded.find(text)
        assert found == {p: 1}, f"{p!r} in its own text is credited as {found}"
    for a in theme.get("acronyms", []):
        assert loaded.find(f"and {a} and").get(a) == 1, a


def test_taxonomy_loads():
    loaded = Taxonomy.load(THEMES_TOML)
    assert [t.id for t in loaded.themes] == _contract_ids()


# Generic words must not tag a theme on their own (anchors and specific phrases guard this).
GENERIC_ONLY = [
    ("bruising-non-mobile", "The 15-year-old had bruising to his arms after the assault. " * 5),
    ("unseen-men", "Both fathers attended the meeting with the mothers. " * 5),
    ("poverty-housing", "The housing officer visited. " * 5),
    ("thresholds", "The threshold of the front door was broken. " * 5),
    ("multi-agency-working", "Communication between the school and the family was good. " * 5),
    ("filicide-homicide", "The partnership carried out a domestic homicide review. " * 5),
    ("ethnicity-culture-faith", "The practitioner acted in good faith. " * 5),
    ("domestic-abuse", "The da and Data teams met. " * 5),
    ("adolescents", "Services for children and young people. " * 5),
    ("parental-substance-misuse", "The young person's substance misuse worker visited. " * 5),
]

SPECIFIC = [
    (
        "bruising-non-mobile",
        "A bruise was seen on the non-mobile baby; the bruising protocol applied. Bruising again.",
    ),
    (
        "unseen-men",
        "The mother's partner was one of the hidden men; the fathers were not seen. Fathers again.",
    ),
    (
        "domestic-abuse",
        "Police attended a domestic abuse incident; a DASH was completed and MARAC heard the DA case.",
    ),
    (
        "multi-agency-working",
        "A strategy discussion led to a section 47 enquiry and an initial child protection conference.",
    ),
]


@pytest.mark.parametrize(("theme_id", "text"), GENERIC_ONLY, ids=[t for t, _ in GENERIC_ONLY])
def test_generic_words_alone_do_not_tag(theme_id, text):
    evidence = Taxonomy.load(THEMES_TOML).tag([text])
    assert theme_id not in evidence or not evidence[theme_id].tagged, evidence.get(theme_id)


@pytest.mark.parametrize(("theme_id", "text"), SPECIFIC, ids=[t for t, _ in SPECIFIC])
def test_specific_wording_tags(theme_id, text):
    evidence = Taxonomy.load(THEMES_TOML).tag([text])
    assert evidence[theme_id].tagged, evidence.get(theme_id)


def _prose() -> str:
    texts = [p.read_text() for p in sorted((ROOT / "corpus/samples/src").glob("*.txt"))]
    return "\n".join(texts)


def test_fast_patterns_find_what_the_plain_patterns_find() -> None:
    """Each theme's alternation starts every branch with a literal (so the regex engine skips
    positions no phrase can start at); over the sample reviews, and over every phrase planted
    at word edges and inside words, it finds exactly what the plain patterns find."""
    from library.taxonomy import _normalise, _phrase_pattern

    tax = Taxonomy.load()
    planted = " ".join(
        f"{p.rstrip('*')} x{p.rstrip('*')} {p.rstrip('*')}s ({p.rstrip('*')})."
        for t in tax.themes
        for p in t.phrases
    )
    for text in (_prose(), planted, planted.upper()):
        norm = _normalise(text)
        for theme in tax.themes:
            plain = re.compile("|".join(f"({_phrase_pattern(p)})" for p in theme.phrases))
            expected: dict[str, int] = {}
            for m in plain.finditer(norm):
                phrase = theme.phrases[m.lastindex - 1]
                expected[phrase] = expected.get(phrase, 0) + 1
            got = {k: v for k, v in theme.find(text).items() if k in theme.phrases}
            assert got == expected, theme.id
