"""The section stage of a search (issue 12, item 1): which documents have a page that matches
the query *and* stands in a section of each kind, for the ``section`` filter and facet.

Sections are a property of pages (library.section_paths, stored on page entries as the
``section`` keyword), while results are documents: a document passes ``section:findings`` when
one of its pages matches the whole page query and carries ``findings``, not when it has the
words somewhere and a findings section somewhere else. The facet counts, for every kind, the
documents of the result set with such a page. Several chosen kinds widen (any of them), so the
facet is counted without its own filter, as review type and partnership are
(library.facets).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from whoosh import query as wq

from library.budget import Deadline
from library.facets import Bitmap
from library.highlight import mark_spans
from library.index_state import IndexState
from library.layout import strip_running
from library.query import ParsedQuery
from library.schema import LEVEL_PAGE
from library.section_paths import KINDS, check_section

FIELD = "section"
#: pages spanning several sections whose words are located for the facet alone, per search
#: (each costs a stored text read and a highlight): past it a spanning page counts for every
#: kind on it. The pages a chosen kind is decided on are always located.
REFINE_LIMIT = 50


@dataclass
class SectionScope:
    """The section kinds a search chose, and the documents with a matching page of each kind
    (document entries' docnums; every kind of the vocabulary, for the facet)."""

    chosen: list[str] = field(default_factory=list)
    docs: dict[str, Bitmap] = field(default_factory=dict)
    #: the page entries that match in a chosen kind (None: no words, every page of the kinds)
    pages: set[int] | None = None

    def allowed(self) -> Bitmap | None:
        """The documents the filter lets through (any chosen kind); None without a filter."""
        if not self.chosen:
            return None
        bits = [self.docs[k] for k in self.chosen if k in self.docs]
        if not bits:
            return None
        out = bits[0]
        for b in bits[1:]:
            out = out | b
        return out


def chosen_sections(req_sections: list[str], parsed: ParsedQuery) -> list[str]:
    """The kinds a request chose (``--section``, ``section=``) and its query named
    (``section:``), checked, once each."""
    kinds = [check_section(k) for k in req_sections] + list(parsed.sections)
    return list(dict.fromkeys(kinds))


def page_constraint(kinds: list[str]) -> wq.Query:
    """What a page must carry to stand in one of ``kinds``."""
    terms = [wq.Term(FIELD, k) for k in kinds]
    return terms[0] if len(terms) == 1 else wq.Or(terms)


def limit_pages(parsed: ParsedQuery, kinds: list[str]) -> ParsedQuery:
    """``parsed`` with its page queries limited to pages in ``kinds`` (a browse lists the pages
    of those sections)."""
    if not kinds:
        return parsed
    within = page_constraint(kinds)
    page_q = within if parsed.page_query is None else wq.And([parsed.page_query, within])
    any_q = None if parsed.page_query_any is None else wq.And([parsed.page_query_any, within])
    return ParsedQuery(
        parsed.text,
        parsed.doc_query,
        page_q,
        any_q,
        parsed.terms,
        parsed.marks,
        parsed.sections,
    )


def _kinds_of_matches(state: IndexState, docnum: int, parsed: ParsedQuery) -> set[str] | None:
    """The kinds of the sections where the query's words stand on a page that spans several
    sections (None when the highlighter marks nothing there: then every kind of the page)."""
    owner = state.page_owners()[docnum]
    doc_id = state.columns()[0][owner]
    doc = state.documents().get(doc_id)
    text = strip_running(state.stored_page_text(docnum), set(doc.running_lines if doc else ()))
    sections = state.page_sections(docnum)
    found: set[str] = set()
    for start, _end in mark_spans(text, parsed.marks):
        mark = sections.at(start)
        if mark is not None and mark.path:
            found.add(mark.kind)
    return found or None


def scope(
    state: IndexState, parsed: ParsedQuery, kinds: list[str], deadline: Deadline | None = None
) -> SectionScope:
    """For every section kind, the documents with a page of that kind that matches the whole
    page query (every page of the kind when the query has no words). On a page that spans
    several sections, a kind counts only when the query's words stand in it: the words of
    the findings above a recommendations heading do not make a recommendations match."""
    owner = state.page_owners()
    size = state.size
    if parsed.page_query is None:
        matching = None
    else:
        q = wq.And([wq.Term("level", LEVEL_PAGE), parsed.page_query])
        matching = set(state.raw.docs_for_query(q))
    if deadline is not None:
        if kinds:
            deadline.check("matching the sections")  # a chosen section is the answer itself
        elif deadline.skip("section_facet"):
            return SectionScope(kinds)  # the counts only add to the answer
    by_kind: dict[str, set[int]] = {}
    if matching is None:
        by_kind = {kind: state.section_pages(kind) for kind in KINDS}
    else:
        page_kinds = state.page_kinds()
        budget = REFINE_LIMIT
        counted: dict[int, set[str]] = {}  # document -> the kinds it is counted under already
        for docnum in sorted(matching):
            present = page_kinds.get(docnum, ())
            seen = counted.setdefault(owner[docnum], set())
            chosen_here = set(present) & set(kinds)
            # locating the words costs a text read and a highlight (~1 ms): only where it can
            # change an answer (a chosen kind) or a count (a kind not yet counted for the doc)
            if len(present) > 1 and (chosen_here or (budget > 0 and not seen.issuperset(present))):
                budget -= 0 if chosen_here else 1
                present = tuple(_kinds_of_matches(state, docnum, parsed) or present)
            seen.update(present)
            for kind in present:
                by_kind.setdefault(kind, set()).add(docnum)
    docs = {
        kind: Bitmap.of({owner[p] for p in by_kind.get(kind, ()) if owner[p] >= 0}, size)
        for kind in KINDS
    }
    pages = None
    if matching is not None and kinds:
        pages = set().union(*(by_kind.get(k, set()) for k in kinds))
    return SectionScope(kinds, docs, pages)
