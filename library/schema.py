"""The Whoosh schema: one entry per document plus one entry per page.

Document entries carry the whole text (``content`` stemmed, ``content_exact`` as printed, for
quoted phrases, ``content_pairs`` every two adjacent printed words as one term, for fast
phrases) and the facet fields, so results and facet counts are per document; page entries carry one page's text (``page_text``, stored for
highlighting) so every hit names its page. Bump ``SCHEMA_VERSION`` whenever a field changes: the
next ingest rebuilds the index from the extraction cache.
"""

from __future__ import annotations

from whoosh.analysis import LowercaseFilter, RegexTokenizer, ShingleFilter, StemmingAnalyzer
from whoosh.columns import NumericColumn
from whoosh.fields import COLUMN, ID, KEYWORD, NUMERIC, STORED, TEXT, Schema

SCHEMA_VERSION = 10  # 3: content_pairs; 4: theme_mentioned; 5: learning; 6: age_band, outcome;
# 7: section, sections (library/section_paths.py); 8: words (library/counts.py); 9: ``added``
# in meta (the rebuild gives every record its date of arrival, indexer/added.py); 10: source
# (library/source.py)

WORDS_FIELD = "words"

PAIRS_FIELD = "content_pairs"
THEME_FIELD = "theme"  # a document's central themes
MENTIONED_FIELD = "theme_mentioned"  # the themes it only mentions
PAIR_SEP = " "  # never inside a token
LEVEL_DOC = "doc"
LEVEL_PAGE = "page"


def text_analyzer():  # -> whoosh Analyzer
    # stoplist=None keeps every word and its position, so "value for money" as a phrase does
    # not also match "value of money"; minsize=1 keeps single letters ("Child G").
    return StemmingAnalyzer(stoplist=None, minsize=1)


def exact_analyzer():  # -> whoosh Analyzer
    # Quoted phrases are matched on the words as printed (lowercased, not stemmed), so
    # "private fostering" does not also find "privately fostered".
    return RegexTokenizer() | LowercaseFilter()


def pairs_analyzer():  # -> whoosh Analyzer
    # Every two adjacent words of the document as one term ("care leavers"), at the position
    # of the first: a quoted phrase of two words is one term lookup, a longer one a phrase of
    # pairs, whose positions are few where those of its words ("from", "the") are many (common
    # words made phrases the slowest searches). Same tokens as exact_analyzer.
    return RegexTokenizer() | LowercaseFilter() | ShingleFilter(size=2, sep=PAIR_SEP)


#: the text analyzer's tokenizer, for :func:`word_count`
_TOKENS = text_analyzer().items[0].expression


def build_schema() -> Schema:
    ana = text_analyzer()
    exact = exact_analyzer()
    return Schema(
        key=ID(unique=True, stored=True),  # "d:<id>" or "p:<id>:<page>"
        level=ID(stored=True),
        doc_id=ID(stored=True, sortable=True),
        page=NUMERIC(int, stored=True, sortable=True),
        # document level
        title=TEXT(analyzer=ana, stored=True, field_boost=2.0, multitoken_query="phrase"),
        case=TEXT(analyzer=ana, stored=True, field_boost=2.0, multitoken_query="phrase"),
        content=TEXT(analyzer=ana, spelling=True, multitoken_query="phrase"),
        content_exact=TEXT(analyzer=exact, phrase=True),
        content_pairs=TEXT(analyzer=pairs_analyzer(), phrase=True),
        case_id=ID(stored=True),
        partnership=KEYWORD(lowercase=True, stored=True),
        review_type=KEYWORD(lowercase=True, stored=True),
        document_kind=KEYWORD(lowercase=True, stored=True),
        # central themes; theme_mentioned the themes only mentioned, so that a filter, a
        # facet or ``theme:`` counts central themes alone (the default) or both (issue 11)
        theme=KEYWORD(lowercase=True, stored=True, scorable=False),
        theme_mentioned=KEYWORD(lowercase=True, stored=True, scorable=False),
        # the case facts (library.case_facts): one id each, "unknown" when the text does not say
        age_band=KEYWORD(lowercase=True, stored=True, scorable=False),
        outcome=KEYWORD(lowercase=True, stored=True, scorable=False),
        # published or sample (library.source): a researcher's counts leave samples out
        source=KEYWORD(lowercase=True, stored=True, scorable=False),
        year=NUMERIC(int, stored=True, sortable=True),
        date=ID(stored=True, sortable=True),
        path=ID(stored=True),
        meta=STORED(),  # JSON of the DocumentRecord
        learning=STORED(),  # JSON list of the document's learning items (library.learning)
        # page level
        page_text=TEXT(analyzer=ana, stored=True, phrase=True, multitoken_query="phrase"),
        page_exact=TEXT(analyzer=exact, phrase=True),
        # both levels: the section kinds present (a page's, or every page's of a document)
        section=KEYWORD(lowercase=True, scorable=False),
        sections=STORED(),  # page level: JSON of library.section_paths.PageSections
        # both levels: the words of the page or the whole document, as the index's tokenizer
        # cuts them (:func:`word_count`); exact, where Whoosh keeps a field's length in one
        # byte: what mentions per 10,000 words divide by (library.counts)
        words=COLUMN(NumericColumn("I")),
    )


def word_count(text: str) -> int:
    """The words of ``text`` as the index counts them (the text analyzer's tokens)."""
    return sum(1 for _ in _TOKENS.finditer(text))


# Names a user may type before a colon, and the schema field each means.
USER_FIELDS: dict[str, str] = {
    "title": "title",
    "case": "case",
    "partnership": "partnership",
    "type": "review_type",
    "review_type": "review_type",
    "kind": "document_kind",
    "document_kind": "document_kind",
    "theme": "theme",
    "year": "year",
    "age_band": "age_band",
    "outcome": "outcome",
    "source": "source",
}
