"""Parse a user's query safely into a document-level and a page-level Whoosh query.

Syntax (documented on the help page): words are ANDed; "quoted phrases"; OR, NOT, AND,
parentheses; ``+must`` and ``-exclude``; ``prefix*`` wildcards; ``field:value`` for title, case,
partnership, type, kind, theme and year (``year:[2018 TO 2020]``); ``section:KIND`` limits the
whole search to pages in sections of that kind (lifted out of the query: see :func:`lift_sections`).
"""

from __future__ import annotations

import copy
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from itertools import accumulate, repeat
from operator import sub
from pickle import loads
from typing import Any

from whoosh import matching
from whoosh import query as wq
from whoosh.fields import Schema
from whoosh.formats import Positions
from whoosh.qparser import (
    AndGroup,
    FieldAliasPlugin,
    MultifieldParser,
    PhrasePlugin,
    PlusMinusPlugin,
    QueryParser,
)
from whoosh.system import _INT_SIZE

from library.errors import QueryError
from library.highlight import Marks
from library.schema import MENTIONED_FIELD, PAIR_SEP, PAIRS_FIELD, THEME_FIELD, USER_FIELDS
from library.section_paths import check_section

MAX_QUERY_CHARS = 400
MAX_CLAUSES = 40
MIN_WILDCARD_PREFIX = 2
#: words the wildcards of one query may stand for in the index: each costs a term lookup and a
#: matcher (Lucene's clause limit, for the same reason)
MAX_WILDCARD_WORDS = 256
#: brackets inside brackets (each level costs the parser a pass; people nest 2 or 3)
MAX_DEPTH = 10

DOC_TEXT_FIELDS = ("title", "case", "content")
#: fields that choose documents by a facet value: no words to rank by
FACET_FIELDS = {
    "partnership",
    "review_type",
    "document_kind",
    "year",
    "age_band",
    "outcome",
    "source",
    THEME_FIELD,
    MENTIONED_FIELD,
}
META_FIELDS = FACET_FIELDS | {"title", "case"}
ALLOWED_FIELDS = set(USER_FIELDS.values()) | {"content", "page_text", "content_exact", "page_exact"}
#: quoted phrases search these unstemmed twins of the text fields
EXACT_FIELDS = {"content": "content_exact", "page_text": "page_exact"}
PAGE_FIELDS = ("page_text", "page_exact")

_FIELD_RX = re.compile(r"(?<![\w:/])([a-z_]+):(?=\S)")
_QUOTED = re.compile(r'"[^"]*"')
_ALIASES = {"review_type": ["type"], "document_kind": ["kind"]}


@dataclass
class ParsedQuery:
    text: str
    doc_query: wq.Query | None  # None: no words, browse the whole library
    page_query: wq.Query | None  # what a page must match to be listed as a hit
    page_query_any: wq.Query | None  # any one term: fallback when no page matches it all
    terms: list[tuple[str, str]] = field(default_factory=list)  # (field, text) of positive terms
    marks: Marks = field(default_factory=Marks)  # what to mark in a page (library.highlight)
    themes: list[str] = field(default_factory=list)  # theme ids a positive ``theme:`` names
    has_words: bool = False  # any clause on the text (not only field:value clauses)
    sections: tuple[str, ...] = ()  # section kinds from ``section:`` (library.section_paths)


def with_mentioned_themes(q: wq.Query) -> wq.Query:
    """``q`` with each ``theme:`` clause matching a central or a mentioned theme (the
    ``include_mentioned`` switch): ``theme:x`` becomes ``theme:x OR theme_mentioned:x``."""

    def widen(node: wq.Query) -> wq.Query:
        if node.is_leaf() and getattr(node, "fieldname", None) == THEME_FIELD:
            twin = copy.copy(node)
            twin.fieldname = MENTIONED_FIELD
            return wq.Or([node, twin])
        return node

    return q.accept(widen)


def _positions(m: matching.Matcher) -> Iterable[int]:
    """The current posting's positions (``Positions.decode_positions``, without a Python loop)."""
    if type(getattr(m, "format", None)) is Positions:
        value = m.value()
        if not value.endswith(b"."):
            value += b"."
        return accumulate(loads(value[_INT_SIZE:]))
    return m.value_as("positions")


class _AdjacentSpansMatcher(wq.SpanNear2.SpanNear2Matcher):
    """SpanNear2's matcher for an exact phrase (slop 1, in order, as ``Phrase`` builds it), with
    the word positions intersected as sets instead of walked as Span objects: the same spans,
    a fraction of the time on common words in long documents."""

    def _get_spans(self):  # type: ignore[no-untyped-def]
        # The start positions (a set, empty when the phrase is not here); spans() makes the
        # Span objects only if a caller asks for them.
        ms = self.ms
        starts = set(_positions(ms[0]))
        for offset in range(1, len(ms)):
            if not starts:
                break
            starts.intersection_update(map(sub, _positions(ms[offset]), repeat(offset)))
        return starts

    def spans(self):  # type: ignore[no-untyped-def]
        last = len(self.ms) - 1
        return [wq.Span(s, s + last) for s in sorted(self._spans or ())]


class FastPhrase(wq.Phrase):
    """``Phrase`` whose matcher is :class:`_AdjacentSpansMatcher` (same matches and scores)."""

    def matcher(self, searcher, context=None):  # type: ignore[no-untyped-def]
        name = self.fieldname
        fmt = searcher.schema[name].format if name in searcher.schema else None
        if self.slop != 1 or not fmt or not fmt.supports("positions") or fmt.supports("characters"):
            return super().matcher(searcher, context)
        field_obj = searcher.schema[name]
        reader = searcher.reader()
        terms = []
        for word in self.words:
            try:
                btext = field_obj.to_bytes(word)
            except ValueError:
                return matching.NullMatcher()
            if (name, btext) not in reader:
                return matching.NullMatcher()
            terms.append(wq.Term(name, btext))
        context = wq.SpanNear2._span_context(context)
        m = _AdjacentSpansMatcher([t.matcher(searcher, context) for t in terms])
        if self.boost != 1.0:
            m = matching.WrappingMatcher(m, boost=self.boost)
        return m


def _fast_phrase(q: wq.Query) -> wq.Query:
    if type(q) is wq.Phrase:
        q = copy.copy(q)
        q.__class__ = FastPhrase
    return q


def _pairs_phrase(q: wq.Query) -> wq.Query:
    """An exact phrase on the whole document as word pairs of ``content_pairs``: two words are
    one term, more words a phrase of their consecutive pairs (the same documents; the pairs'
    positions are far fewer to read and compare than those of common words)."""
    if not isinstance(q, wq.Phrase) or q.fieldname != "content_exact" or q.slop != 1:
        return q
    words = [str(w) for w in q.words]
    if len(words) < 2:
        return q
    pairs = [f"{a}{PAIR_SEP}{b}" for a, b in zip(words, words[1:], strict=False)]
    if len(pairs) == 1:
        return wq.Term(PAIRS_FIELD, pairs[0], boost=q.boost)
    return FastPhrase(PAIRS_FIELD, pairs, slop=1, boost=q.boost)


class _ExactPhraseNode(PhrasePlugin.PhraseNode):
    def query(self, parser):  # type: ignore[no-untyped-def]
        name = self.fieldname or parser.fieldname
        if name in EXACT_FIELDS:
            self.fieldname = EXACT_FIELDS[name]
        return super().query(parser)


class _ExactPhraseTagger(PhrasePlugin.PhraseTagger):
    def create(self, parser, match):  # type: ignore[no-untyped-def]
        slop = int(match.group("slop")) if match.group("slop") else 1
        node = _ExactPhraseNode(match.group("text"), match.start("text"), slop)
        node.degrade = self.degrade
        return node


class ExactPhrasePlugin(PhrasePlugin):
    """Quoted phrases match the words as printed, on the unstemmed fields."""

    def taggers(self, parser):  # type: ignore[no-untyped-def]
        return [(_ExactPhraseTagger(self.expr, degrade=self.degrade), 0)]


def _check_fields(text: str) -> None:
    unquoted = _QUOTED.sub(" ", text)
    for m in _FIELD_RX.finditer(unquoted):
        name = m.group(1)
        if name not in USER_FIELDS and name not in ("content",):
            known = ", ".join(
                sorted(
                    k
                    for k in USER_FIELDS
                    if k in {"title", "case", "partnership", "type", "kind", "theme", "year"}
                )
                + ["section"]
            )
            raise QueryError(
                f"Unknown field {name!r} in the query. Fields you can use: {known}.",
            )


_SECTION_RX = re.compile(r'(?<![\w:/])section:(?:"([^"]*)"|(\S+))', re.I)


def lift_sections(text: str) -> tuple[str, tuple[str, ...]]:
    """The query without its ``section:KIND`` clauses, and their kinds. A section clause limits
    the whole search (the pages must stand in a section of one of the kinds, several widen),
    so it may not be negated, OR-ed or put in brackets: those are refused with a message."""
    kinds: list[str] = []
    out: list[str] = []
    pos = 0
    quoted = [(m.start(), m.end()) for m in _QUOTED.finditer(text)]
    for m in _SECTION_RX.finditer(text):
        if any(a <= m.start() < b for a, b in quoted):
            continue
        before = text[: m.start()]
        depth = _QUOTED.sub("", before).count("(") - _QUOTED.sub("", before).count(")")
        prev = before.rstrip().rsplit(None, 1)[-1] if before.strip() else ""
        after = text[m.end() :].lstrip().split(None, 1)
        if (
            depth > 0
            or before.endswith(("-", "+"))
            or prev in ("NOT", "OR", "AND")
            or (after and after[0] == "OR")
        ):
            raise QueryError(
                "section: limits the whole search: it cannot be negated, OR-ed or put in "
                "brackets (give several section: clauses for any of them)."
            )
        kinds.append(check_section(m.group(1) if m.group(1) is not None else m.group(2)))
        out.append(text[pos : m.start()])
        pos = m.end()
    if not kinds:
        return text, ()
    out.append(text[pos:])
    return " ".join("".join(out).split()), tuple(dict.fromkeys(kinds))


def _check_syntax(text: str) -> None:
    """Refuse what Whoosh would silently guess at: unbalanced brackets, empty fields, ``*:*``."""
    if text.strip() == "*:*":
        raise QueryError("To list every document, leave the search box empty.")
    unquoted = _QUOTED.sub("Q", text)  # a quoted value still counts as a value
    depth = 0
    for ch in unquoted:
        if ch == "(":
            depth += 1
            if depth > MAX_DEPTH:
                raise QueryError(
                    f"The query nests brackets more than {MAX_DEPTH} deep: simplify it."
                )
        elif ch == ")":
            depth -= 1
            if depth < 0:
                raise QueryError("The query has a ')' without a matching '('.")
    if depth:
        raise QueryError(f"The query has {depth} unclosed '(': close it or remove it.")
    if unquoted.count("[") != unquoted.count("]") or unquoted.count("{") != unquoted.count("}"):
        raise QueryError("A range needs both brackets, for example year:[2018 TO 2020].")
    m = re.search(r"(?<![\w:/])([a-z_]+):(?=\s|$)", unquoted)
    if m:
        raise QueryError(
            f"'{m.group(1)}:' needs a value after the colon, for example theme:neglect."
        )


def _leaves(q: wq.Query) -> list[wq.Query]:
    return [q] if q.is_leaf() else [leaf for c in q.children() for leaf in _leaves(c)]


def _validate(q: wq.Query) -> None:
    leaves = _leaves(q)
    if len(leaves) > MAX_CLAUSES:
        raise QueryError(
            f"The query has {len(leaves)} terms; the most a search can take is {MAX_CLAUSES}."
        )
    for leaf in leaves:
        fname = getattr(leaf, "fieldname", None)
        if fname and fname not in ALLOWED_FIELDS and fname != "spell_content":
            raise QueryError(f"Searching the field {fname!r} is not supported.")
        if isinstance(leaf, wq.Wildcard | wq.Prefix):
            text = str(getattr(leaf, "text", ""))
            head = re.split(r"[*?]", text, maxsplit=1)[0]
            if len(head) < MIN_WILDCARD_PREFIX:
                raise QueryError(
                    f"The wildcard {text!r} needs at least {MIN_WILDCARD_PREFIX} letters before "
                    "the * or ? (for example safeguard*)."
                )
        if isinstance(leaf, wq.Regex):
            raise QueryError("Regular expressions are not supported in queries.")


def check_expansions(parsed: ParsedQuery, reader: Any) -> None:
    """Refuse a query whose wildcards stand for more than ``MAX_WILDCARD_WORDS`` words of the
    index (counting stops there: the check costs at most that many steps of the term list)."""
    if parsed.doc_query is None:
        return
    total = 0
    seen: set[tuple[str, str]] = set()
    for leaf in _leaves(parsed.doc_query):
        if not isinstance(leaf, wq.Prefix | wq.Wildcard):
            continue
        key = (leaf.fieldname, str(leaf.text))
        if key in seen:
            continue
        seen.add(key)
        for _ in leaf.expanded_terms(reader):
            total += 1
            if total > MAX_WILDCARD_WORDS:
                raise QueryError(
                    f"The wildcards in the query stand for more than {MAX_WILDCARD_WORDS} "
                    "different words: put more letters before the * (for example safeguard*)."
                )


def _strip_meta(q: wq.Query) -> wq.Query | None:
    """Page-level form of a query: metadata clauses removed (None means: no constraint)."""
    if q.is_leaf():
        fname = getattr(q, "fieldname", None)
        return None if fname in META_FIELDS or isinstance(q, wq.Every) else q
    if isinstance(q, wq.AndNot):
        return _strip_meta(q.a)
    if isinstance(q, wq.Not):
        inner = _strip_meta(q.query)
        return wq.Not(inner) if inner is not None else None
    if isinstance(q, wq.Or | wq.DisjunctionMax):
        kids = [_strip_meta(c) for c in q.children()]
        if any(k is None for k in kids):
            return None
        return wq.Or(kids)
    if isinstance(q, wq.And | wq.Require | wq.AndMaybe | wq.Ordered):
        kids = [k for k in (_strip_meta(c) for c in q.children()) if k is not None]
        if isinstance(q, wq.AndMaybe):
            kids = kids[:1]
        if not kids:
            return None
        return kids[0] if len(kids) == 1 else wq.And(kids)
    if isinstance(q, wq.BinaryQuery):
        return _strip_meta(q.a)
    if hasattr(q, "child"):
        return _strip_meta(q.child)
    return q


def _positive_leaves(q: wq.Query) -> list[wq.Query]:
    if q.is_leaf():
        return [] if isinstance(q, wq.Every | wq.NullQuery.__class__) else [q]
    if isinstance(q, wq.Not):
        return []
    if isinstance(q, wq.AndNot):
        return _positive_leaves(q.a)
    out: list[wq.Query] = []
    for c in q.children():
        out.extend(_positive_leaves(c))
    return out


def _marks(leaves: list[wq.Query]) -> Marks:
    """What the positive page-level ``leaves`` of a query mark in a page's text."""
    stems: set[str] = set()
    phrases: set[tuple[bool, tuple[str, ...]]] = set()
    patterns: set[str] = set()
    for leaf in leaves:
        stemmed = leaf.fieldname != "page_exact"  # page_text: stems; page_exact: as printed
        if isinstance(leaf, wq.Prefix | wq.Wildcard):
            patterns.add(str(leaf.text).lower() + ("*" if isinstance(leaf, wq.Prefix) else ""))
        elif isinstance(leaf, wq.Phrase) and leaf.slop <= 1 and len(leaf.words) > 1:
            phrases.add((stemmed, tuple(str(w) for w in leaf.words)))
        elif isinstance(leaf, wq.Phrase | wq.Term):
            words = leaf.words if isinstance(leaf, wq.Phrase) else [leaf.text]
            for word in map(str, words):  # a sloppy phrase: its words wherever they are
                if stemmed:
                    stems.add(word)
                else:
                    phrases.add((False, (word,)))
    return Marks(frozenset(stems), frozenset(phrases), frozenset(patterns))


class QueryBuilder:
    """Parsers built once per schema (they are not cheap) and reused for every query."""

    def __init__(self, schema: Schema) -> None:
        self.schema = schema
        self.doc_parser = MultifieldParser(list(DOC_TEXT_FIELDS), schema, group=AndGroup)
        self.page_parser = QueryParser("page_text", schema, group=AndGroup)
        for p in (self.doc_parser, self.page_parser):
            p.remove_plugin_class(PhrasePlugin)
            p.add_plugin(ExactPhrasePlugin())
            p.add_plugin(FieldAliasPlugin(_ALIASES))
            # +/- count only at the start of a word: "theme:domestic-abuse" is one value.
            p.add_plugin(PlusMinusPlugin(r"(?<![^\s(])\+", r"(?<![^\s(])-"))

    def parse(self, text: str) -> ParsedQuery:
        text = (text or "").strip()
        if len(text) > MAX_QUERY_CHARS:
            raise QueryError(
                f"The query is {len(text)} characters long; the limit is {MAX_QUERY_CHARS}. "
                "Shorten it or use the filters instead."
            )
        if re.search(r"[\x00-\x08\x0b-\x1f\x7f]", text):
            raise QueryError("The query contains control characters.")
        full, (text, sections) = text, lift_sections(text)
        if not text or text == "*":
            return ParsedQuery(full, None, None, None, sections=sections)
        _check_syntax(text)
        _check_fields(text)
        try:
            doc_q = self.doc_parser.parse(text)
            page_q = self.page_parser.parse(text)
        except QueryError:
            raise
        except Exception as exc:  # the parser is lenient, but never let it escape as a 500
            raise QueryError(f"The query could not be understood: {exc}") from exc
        if doc_q is wq.NullQuery or isinstance(doc_q, type(wq.NullQuery)):
            raise QueryError("The query has no words to search for.")
        _validate(doc_q)
        _validate(page_q)
        doc_q, page_q = doc_q.accept(_fast_phrase), page_q.accept(_fast_phrase)
        if PAIRS_FIELD in self.schema:
            doc_q = doc_q.accept(_pairs_phrase)
        page_only = _strip_meta(page_q)
        positives = [
            leaf
            for leaf in (_positive_leaves(page_only) if page_only is not None else [])
            if getattr(leaf, "fieldname", None) in PAGE_FIELDS
        ]
        any_q = wq.Or(positives) if positives else None
        terms: list[tuple[str, str]] = []
        for leaf in positives:
            if isinstance(leaf, wq.Term):
                terms.append((leaf.fieldname, str(leaf.text)))
            elif isinstance(leaf, wq.Phrase):
                terms.extend((leaf.fieldname, str(w)) for w in leaf.words)
        marks = _marks(positives)
        doc_leaves = _positive_leaves(doc_q)
        themes = [
            str(leaf.text)
            for leaf in doc_leaves
            if isinstance(leaf, wq.Term) and leaf.fieldname == THEME_FIELD
        ]
        has_words = any(getattr(leaf, "fieldname", None) not in FACET_FIELDS for leaf in doc_leaves)
        return ParsedQuery(
            full,
            doc_q,
            page_only,
            any_q,
            terms,
            marks,
            list(dict.fromkeys(themes)),
            has_words,
            sections,
        )
