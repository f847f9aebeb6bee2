"""Similar reviews: the documents of other cases nearest to one document, each with why.

How it scores (docs/similar.md):

1. **The document's distinctive terms.** Its text (every page, running headers and footers
   left out) is analysed as the index's ``content`` field is (stemmed). Each term weighs
   ``tf/length x idf``, ``idf = ln((N+1)/(df+1))`` over the N documents of the library; a term
   is left out when it is a function word (library.collocates' list) or document furniture
   (months, "appendix", "paragraph": :data:`FURNITURE`), has fewer than 3 letters
   or any digit, names the document's own case or partnership, occurs once only, is in every
   document, or is in more than :data:`MAX_DF` of them (and more than three: "child", "social"
   and "review" describe every case review, not this one). The ``terms`` heaviest are kept.
2. **Text similarity.** For every other document, from the index's posting lists of those
   terms (no other document's text is read): the weighted overlap
   ``sum(min(w_doc, w_other)) / sum(w_doc)``, 0 to 1 (1: the other document uses every one of
   them at least as much).
3. **Theme overlap.** Weighted Jaccard of the two documents' themes, a central theme 1 and a
   mentioned one 0.5: ``sum(min) / sum(max)``, 0 to 1.
4. **Score** = ``TEXT_WEIGHT x text + THEME_WEIGHT x themes`` (0.6 and 0.4: the text tells
   the circumstances, the themes the learning; either alone lets a long report about
   everything or a two-line briefing with the right tags come first).

Documents of the same case (``case_id``) are never listed, and each other case appears once,
with its best document. A document is listed only with a reason to show: at least one
distinctive shared term or one shared central theme. Why: the shared central themes, and the
shared terms that are distinctive in both (in the document's key terms, and used at least
twice by the other), heaviest first, each in the form the document prints most.

Cost: one analysis of the document's own text, ``terms`` posting-list reads, and at most
``candidates`` documents scored in full; the answer is kept for the index state.
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from whoosh.reading import TermNotFound

from library import settings
from library.collocates import STOPWORDS
from library.highlight import STEM
from library.index_state import IndexState
from library.layout import strip_pages
from library.models import DocumentRecord

CONTENT = "content"
TEXT_WEIGHT = 0.6
THEME_WEIGHT = 0.4
MENTIONED_WEIGHT = 0.5  # a theme only mentioned counts half of a central one
#: a term in more than half of the documents is not distinctive; in a small library a term in
#: three (a case's report and briefing, and one other case) always may be
MAX_DF = 0.5
MIN_DF_CAP = 3
MIN_TF = 2  # a term must occur at least twice in the document, and twice in the other one
WHY_TERMS = 6  # shared terms shown per similar review
#: text analysed at most: a longer document gives each page an equal share (the first
#: characters of each), so a 200-page guidance costs what a 100-page review does
MAX_TEXT_CHARS = 300_000
#: words that say what a document is or when, not what happened: months and days, the parts
#: and headings of a document, the project's marking of its fictional samples, the prefixes a
#: hyphen leaves alone ("non-mobile": "non") and numbers in words (numbers in digits are left
#: out already) (matched by stem, as the function words)
FURNITURE = """january february march april may june july august september october november
    december jan feb mar apr jun jul aug sep sept oct nov dec monday tuesday wednesday
    thursday friday saturday sunday appendix appendices annex annexe paragraph paragraphs
    page pages section sections chapter chapters figure table contents report reports review
    reviews briefing briefings summary fictional sample samples project document documents
    introduction background finding findings conclusion conclusions recommendation
    recommendations point points non pre sub multi inter two three four five six seven eight
    nine ten eleven twelve twenty first second third fourth fifth"""
_STOP_STEMS = frozenset(map(STEM, STOPWORDS | set(FURNITURE.split())))


@dataclass
class SimilarReview:
    """One similar document: its ``score`` (0-1) from ``text`` and ``themes`` (each 0-1), the
    central themes both carry and the distinctive terms both use."""

    document: DocumentRecord
    score: float
    text: float
    themes: float
    shared_themes: list[str] = field(default_factory=list)
    shared_terms: list[str] = field(default_factory=list)


@dataclass
class KeyTerms:
    """A document's distinctive terms: weight by stem, the printed form of each stem."""

    weights: dict[str, float]
    forms: dict[str, str]
    idf: dict[str, float] = field(default_factory=dict)


def _name_stems(doc: DocumentRecord) -> set[str]:
    """The stems of the words of the document's case and partnership (a name is not a topic)."""
    words = f"{doc.case} {doc.partnership}".lower().replace("-", " ").split()
    return {STEM(w.strip(".,()'\"")) for w in words}


def key_terms(state: IndexState, doc: DocumentRecord, limit: int) -> KeyTerms:
    """The ``limit`` most distinctive terms of ``doc`` (see the module's step 1)."""
    span = state.page_span(doc.id)
    if span is None:
        return KeyTerms({}, {})
    pages = strip_pages([state.stored_page_text(n) for n in span], doc.running_lines)
    share = MAX_TEXT_CHARS // max(1, len(pages))
    text = "\n".join(p[:share] for p in pages)
    analyzer = state.raw.schema[CONTENT].analyzer
    # one Counter of (stem, printed form): a Counter per stem cost more than the analysis
    pairs = Counter((t.text, t.original) for t in analyzer(text, keeporiginal=True))
    counts: Counter[str] = Counter()
    forms: dict[str, Counter[str]] = {}
    for (stem, original), n in pairs.items():
        counts[stem] += n
        forms.setdefault(stem, Counter())[original.lower()] += n
    length = sum(counts.values())
    if not length:
        return KeyTerms({}, {})
    reader = state.raw.reader()
    n_docs = len(state.documents())
    names = _name_stems(doc)
    weights: dict[str, float] = {}
    idfs: dict[str, float] = {}
    for stem, tf in counts.items():
        if tf < MIN_TF or len(stem) < 3 or not stem.isalpha():
            continue
        if stem in _STOP_STEMS or stem in names:
            continue
        df = reader.doc_frequency(CONTENT, stem)
        if df >= n_docs or df > max(MIN_DF_CAP, MAX_DF * n_docs):
            continue
        idfs[stem] = math.log((n_docs + 1) / (df + 1))
        weights[stem] = tf / length * idfs[stem]
    top = sorted(weights.items(), key=lambda kv: (-kv[1], kv[0]))[:limit]
    return KeyTerms(
        dict(top),
        {stem: forms[stem].most_common(1)[0][0] for stem, _ in top},
        {stem: idfs[stem] for stem, _ in top},
    )


def _theme_weights(doc: DocumentRecord) -> dict[str, float]:
    out = dict.fromkeys(doc.themes_mentioned, MENTIONED_WEIGHT)
    out.update(dict.fromkeys(doc.themes, 1.0))
    return out


def theme_overlap(a: DocumentRecord, b: DocumentRecord) -> float:
    """Weighted Jaccard of two documents' themes (central 1, mentioned 0.5), 0 to 1."""
    wa, wb = _theme_weights(a), _theme_weights(b)
    keys = wa.keys() | wb.keys()
    top = sum(max(wa.get(k, 0.0), wb.get(k, 0.0)) for k in keys)
    if not top:
        return 0.0
    return sum(min(wa.get(k, 0.0), wb.get(k, 0.0)) for k in keys) / top


def _case_key(doc: DocumentRecord) -> str:
    return doc.case_id or f"doc:{doc.id}"


def similar_reviews(
    state: IndexState,
    doc_id: str,
    *,
    count: int = settings.default("SIMILAR_COUNT"),
    terms: int = settings.default("SIMILAR_TERMS"),
    candidates: int = settings.default("SIMILAR_CANDIDATES"),
    text_weight: float = TEXT_WEIGHT,
) -> list[SimilarReview]:
    """The ``count`` documents of other cases most similar to ``doc_id``, best first (an
    empty list when there is none: a library of one case, or nothing in common).
    ``text_weight``: the text's share of the score, the themes' the rest (the evaluation
    compares the text alone, the themes alone and the two)."""
    memo: dict[Any, list[SimilarReview]] = state.memo.setdefault("similar", {})
    key = (doc_id, count, terms, candidates, text_weight)
    if key in memo:
        return memo[key]
    docs = state.documents()
    doc = docs.get(doc_id)
    if doc is None or count <= 0:
        return []
    own_case = _case_key(doc)
    others = {i: d for i, d in docs.items() if _case_key(d) != own_case}
    if not others:
        memo[key] = []
        return []

    kt = key_terms(state, doc, terms)
    reader = state.raw.reader()
    doc_col = state.columns()[0]
    # tf of each key term in every other document, from the posting lists
    tfs: dict[str, dict[str, int]] = {}
    lengths: dict[str, int] = {}
    for stem in kt.weights:
        try:
            postings = reader.postings(CONTENT, stem)
        except TermNotFound:  # an index changed under an old record: nothing shares it
            continue
        while postings.is_active():
            docnum = postings.id()
            other = doc_col[docnum]
            if other in others and not reader.is_deleted(docnum):
                tfs.setdefault(other, {})[stem] = int(postings.weight())
                if other not in lengths:
                    lengths[other] = int(reader.doc_field_length(docnum, CONTENT) or 0)
            postings.next()
    total = sum(kt.weights.values()) or 1.0
    idf_of = kt.idf
    text_raw: dict[str, float] = {}
    for other, found in tfs.items():
        length = lengths.get(other) or 1
        text_raw[other] = (
            sum(min(kt.weights[s], tf / length * idf_of[s]) for s, tf in found.items()) / total
        )
    theme_raw = {i: theme_overlap(doc, d) for i, d in others.items()}
    # bounded: the best candidates by text and by themes are scored in full
    by_text = sorted(text_raw, key=lambda i: (-text_raw[i], i))[:candidates]
    by_theme = sorted((i for i, v in theme_raw.items() if v > 0), key=lambda i: (-theme_raw[i], i))[
        :candidates
    ]

    scored: list[SimilarReview] = []
    for other in dict.fromkeys([*by_text, *by_theme]):
        d = others[other]
        found = tfs.get(other, {})
        length = lengths.get(other) or 1
        shared = sorted(
            (s for s, tf in found.items() if tf >= MIN_TF),
            key=lambda s: (-min(kt.weights[s], found[s] / length * idf_of[s]), s),
        )
        shared_themes = [t for t in doc.themes if t in d.themes]
        if not shared and not shared_themes:
            continue  # nothing to say why
        text = text_raw.get(other, 0.0)
        score = text_weight * text + (1 - text_weight) * theme_raw[other]
        scored.append(
            SimilarReview(
                document=d,
                score=round(score, 4),
                text=round(text, 4),
                themes=round(theme_raw[other], 4),
                shared_themes=shared_themes,
                shared_terms=[kt.forms[s] for s in shared[:WHY_TERMS]],
            )
        )
    scored.sort(key=lambda r: (-r.score, r.document.title, r.document.id))
    out: list[SimilarReview] = []
    seen: set[str] = set()
    for r in scored:  # each other case once, with its best document
        case = _case_key(r.document)
        if case not in seen:
            seen.add(case)
            out.append(r)
        if len(out) == count:
            break
    memo[key] = out
    return out


def similar_json(
    items: list[SimilarReview], theme_labels: dict[str, str] | None = None
) -> list[dict[str, Any]]:
    """The similar reviews as the document's JSON gives them: the document's id, title, case,
    partnership, review type, kind, date and themes, its ``score``, ``text_similarity``,
    ``theme_overlap`` and why (``shared_themes`` with labels, ``shared_terms``)."""
    labels = theme_labels or {}
    out = []
    for r in items:
        d = r.document
        out.append(
            {
                "id": d.id,
                "title": d.title,
                "case": d.case,
                "case_id": d.case_id,
                "partnership": d.partnership,
                "review_type": d.review_type,
                "document_kind": d.document_kind,
                "date": d.date,
                "themes": list(d.themes),
                "score": r.score,
                "text_similarity": r.text,
                "theme_overlap": r.themes,
                "shared_themes": [{"id": t, "label": labels.get(t, t)} for t in r.shared_themes],
                "shared_terms": list(r.shared_terms),
            }
        )
    return out
