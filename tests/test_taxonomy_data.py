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


KEYS = {
    "id",
    "label",
    "description",
    "group",
    "phrases",
    "weak",
    "context",
    "acronyms",
    "weak_acronyms",
    "exclude",
    "min_mentions",
}


def _terms(theme: dict) -> list[str]:
    return list(theme.get("phrases", [])) + list(theme.get("weak", []))


def test_shared_context_lists():
    shared = DATA["context"]
    assert {"child", "youth", "baby", "parent"} <= set(shared)
    for name, words in shared.items():
        assert words and all(isinstance(w, str) and w.strip() == w and w for w in words), name
        assert len(set(words)) == len(words), name


def test_ids_are_the_contract_in_order():
    ids = [t["id"] for t in THEMES]
    assert len(ids) == 42
    assert len(set(ids)) == 42
    assert ids == _contract_ids()


@pytest.mark.parametrize("theme", THEMES, ids=lambda t: t["id"])
def test_theme_fields(theme):
    assert set(theme) <= KEYS, set(theme) - KEYS
    for key in ("label", "description", "group"):
        assert isinstance(theme.get(key), str) and theme[key].strip(), f"{key} missing"
    assert theme["group"] in GROUPS
    # strong phrases name the theme on their own: every theme needs a few
    assert 3 <= len(theme["phrases"]) <= 40
    assert len(theme.get("weak", [])) <= 25
    for key in ("phrases", "weak", "context", "exclude"):
        values = theme.get(key, [])
        assert all(isinstance(p, str) and p.strip() == p and p for p in values), key


@pytest.mark.parametrize("theme", THEMES, ids=lambda t: t["id"])
def test_weak_phrases_have_context(theme):
    """A weak phrase counts only beside a context word (or a strong phrase of its theme):
    a theme with weak phrases must say what context makes them count."""
    if theme.get("weak") or theme.get("weak_acronyms"):
        assert theme.get("context"), "weak phrases without any context words"
    shared = set(DATA["context"])
    for word in theme.get("context", []):
        if word.startswith("@"):
            assert word[1:] in shared, word


@pytest.mark.parametrize("theme", THEMES, ids=lambda t: t["id"])
def test_no_duplicate_phrases(theme):
    seen: dict[str, str] = {}
    for p in _terms(theme):
        key = _norm(p)
        assert key not in seen, f"{p!r} duplicates {seen[key]!r} (matcher treats them alike)"
        seen[key] = p
    acronyms = theme.get("acronyms", []) + theme.get("weak_acronyms", [])
    assert len(set(acronyms)) == len(acronyms)


@pytest.mark.parametrize("theme", THEMES, ids=lambda t: t["id"])
def test_phrase_syntax(theme):
    for p in _terms(theme) + theme.get("exclude", []):
        # '*' only as a trailing word prefix, and not on a bare short stem
        assert "*" not in p[:-1], p
        assert len(p.rstrip("*")) >= 4, f"{p!r} is too short to be specific"


@pytest.mark.parametrize("theme", THEMES, ids=lambda t: t["id"])
def test_acronyms_look_like_acronyms(theme):
    for a in theme.get("acronyms", []) + theme.get("weak_acronyms", []):
        assert a and " " not in a, a
        assert any(c.isupper() for c in a), a
        # an acronym is matched case-sensitively, so it must not also be a lower-case phrase
        assert _norm(a) not in {_norm(p) for p in _terms(theme)}, a


@pytest.mark.parametrize("theme", THEMES, ids=lambda t: t["id"])
def test_every_phrase_is_credited_to_itself(theme):
    """A phrase listed after a shorter one that starts the same way would never be credited."""
    loaded = Taxonomy.load(THEMES_TOML).by_id[theme["id"]]
    for p in _terms(theme):
        text = f"and {p.rstrip('*')} and"
        found = loaded.find(text)
        assert found == {p: 1}, f"{p!r} in its own text is credited as {found}"
    for a in theme.get("acronyms", []) + theme.get("weak_acronyms", []):
        assert loaded.find(f"and {a} and").get(a) == 1, a


@pytest.mark.parametrize("theme", THEMES, ids=lambda t: t["id"])
def test_every_exclusion_covers_a_phrase(theme):
    """An exclude wording that holds none of the theme's phrases excludes nothing (a typo)."""
    from library.taxonomy import _normalise, _phrase_pattern

    plain = re.compile("|".join(_phrase_pattern(p) for p in _terms(theme)))
    for x in theme.get("exclude", []):
        assert plain.search(_normalise(x.rstrip("*"))), f"exclude {x!r} holds no phrase"
        # and the wording is in force: the phrase inside it is not a mention
        loaded = Taxonomy.load(THEMES_TOML).by_id[theme["id"]]
        assert loaded.find(f"and {x.rstrip('*')} and") == {}, x


def test_taxonomy_loads():
    loaded = Taxonomy.load(THEMES_TOML)
    assert [t.id for t in loaded.themes] == _contract_ids()


# Generic words must not count for a theme on their own (weak phrases need context).
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
        "Agencies worked together: a strategy discussion was held with police and health, and "
        "a section 47 enquiry followed.",
    ),
]


@pytest.mark.parametrize(("theme_id", "text"), GENERIC_ONLY, ids=[t for t, _ in GENERIC_ONLY])
def test_generic_words_alone_do_not_count(theme_id, text):
    tags = Taxonomy.load(THEMES_TOML).tag([text])
    assert theme_id not in tags, tags.get(theme_id)


@pytest.mark.parametrize(("theme_id", "text"), SPECIFIC, ids=[t for t, _ in SPECIFIC])
def test_specific_wording_counts(theme_id, text):
    tags = Taxonomy.load(THEMES_TOML).tag([text])
    assert theme_id in tags and tags[theme_id].mentions >= 2, tags.get(theme_id)


def _prose() -> str:
    texts = [p.read_text() for p in sorted((ROOT / "corpus/samples/src").glob("*.txt"))]
    return "\n".join(texts)


def test_fast_patterns_find_what_the_plain_patterns_find() -> None:
    """Each theme's alternation starts every branch with a literal and groups the branches by
    it (so the regex engine skips positions no phrase can start at, and tries only the phrases
    that start with the character found); over the sample reviews, and over every phrase
    planted at word edges and inside words, it finds exactly what the plain patterns find,
    the phrase listed first winning where several match at one place."""
    from library.taxonomy import Taxonomy, _normalise, _phrase_pattern

    tax = Taxonomy.load()
    planted = " ".join(
        f"{p.rstrip('*')} x{p.rstrip('*')} {p.rstrip('*')}s ({p.rstrip('*')})."
        for t in tax.themes
        for p in [*t.phrases, *t.weak]
    )
    for text in (_prose(), planted, planted.upper()):
        norm = _normalise(text)
        for theme in tax.themes:
            terms = [*theme.phrases, *theme.weak]
            plain = re.compile("|".join(f"({_phrase_pattern(p)})" for p in terms))
            expected: dict[str, int] = {}
            for m in plain.finditer(norm):
                if theme.exclude and theme._excluded(norm, m.start(), m.end()):
                    continue
                phrase = terms[m.lastindex - 1]
                expected[phrase] = expected.get(phrase, 0) + 1
            got = {k: v for k, v in theme.find(text).items() if k in terms}
            assert got == expected, theme.id
