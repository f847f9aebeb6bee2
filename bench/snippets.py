"""``python -m bench snippets --data-dir DIR``: what the snippets of a set of searches show.

Counts, over the first ten results of each query (the bench search set and the help page's
examples), the snippets a reader cannot use: a span of text said twice, a run of bare numbers
(table debris), a running header or footer (its words where the page's own text has none), a whole table-debris line of three words or more,
and contents pages shown ahead of a body page of the same document. The contents pages and
debris lines are found here with library.layout on the stored page text, so an index built
before they were recorded (the "before" figure) is measured the same way. Figures and the
command are in docs/search.md.
"""

from __future__ import annotations

import argparse
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from library import layout
from library.models import SearchRequest
from library.search import Library

#: the bench search set (bench/searching.py), the help page's examples, the Child G and
#: table-header cases, and three heading words
QUERIES: list[tuple[str, tuple[str, ...]]] = [
    ("neglect", ()),
    ("fostering", ()),
    ("adoption", ()),
    ('"private fostering"', ()),
    ('"care leavers"', ()),
    ('"corporate parenting"', ()),
    ("(exploitation OR trafficking) NOT covid", ()),
    ("neglect AND housing", ()),
    ("supervision OR caseloads", ()),
    ("supervision", ("domestic-abuse",)),
    ('"missing from home"', ("missing-children",)),
    ("housing", ("poverty-housing", "early-help")),
    ("bruising baby", ()),
    ('"not independently mobile"', ()),
    ("bruise OR bruising OR mark", ()),
    ("neglect NOT housing", ()),
    ("(bruise OR fracture) AND baby", ()),
    ("safeguard*", ()),
    ("non-mobile", ()),
    ('"what you must do"', ()),
    # words of headings, which a contents page lists too
    ("recommendations", ()),
    ("glossary", ()),
    ('"terms of reference"', ()),
]

REPEAT_WORDS = 6  # a span of this many words said twice in one snippet
_WORD = re.compile(r"\w+")
_NUMBER_RUN = re.compile(r"(?<![\w.,])\d{1,3}(?:\s+\d{1,3}){3,}(?![\w.,])")


@dataclass
class Tally:
    snippets: int = 0
    repeated: int = 0
    said_twice: int = 0
    number_runs: int = 0
    debris_lines: int = 0
    running: int = 0
    documents: int = 0
    contents_in_top3: int = 0
    contents_ahead: int = 0  # a contents page shown before (or instead of) a body page
    contents_only_docs: int = 0
    examples: list[str] = field(default_factory=list)


def repeated_span(text: str, n: int = REPEAT_WORDS) -> str | None:
    """The first run of ``n`` words that occurs twice (not overlapping itself), or None."""
    words = [w.lower() for w in _WORD.findall(text)]
    seen: dict[tuple[str, ...], int] = {}
    for i in range(len(words) - n + 1):
        gram = tuple(words[i : i + n])
        if gram in seen and i - seen[gram] >= n:
            return " ".join(gram)
        seen.setdefault(gram, i)
    return None


def said_twice(snippet: str, page: str, n: int = REPEAT_WORDS) -> str | None:
    """A run of ``n`` words the snippet says more often than the page does (text the snippet
    repeated, not the page), or None."""
    words = [w.lower() for w in _WORD.findall(snippet)]
    grams = Counter(tuple(words[i : i + n]) for i in range(len(words) - n + 1))
    repeated = {g for g, k in grams.items() if k > 1}
    if not repeated:
        return None
    pw = [w.lower() for w in _WORD.findall(page)]
    in_page = Counter(g for i in range(len(pw) - n + 1) if (g := tuple(pw[i : i + n])) in repeated)
    return next((" ".join(g) for g in repeated if grams[g] > in_page[g]), None)


def measure(data_dir: Path, per_page: int = 10) -> Tally:
    t = Tally()
    lib = Library(data_dir, budget=None)
    with lib.searcher() as s:
        contents: dict[str, set[int]] = {}
        for q, themes in QUERIES:
            res = s.search(SearchRequest(q=q, themes=list(themes), per_page=per_page))
            for hit in res.hits:
                doc = hit.document
                if doc.id not in contents:
                    pages = [s.page_text(doc.id, n) for n in range(1, doc.page_count + 1)]
                    contents[doc.id] = set(layout.contents_pages(layout.strip_pages(pages)))
                toc = contents[doc.id]
                t.documents += 1
                body = [p for p in hit.pages if p not in toc]
                if hit.pages and not body:
                    t.contents_only_docs += 1
                shown = [h.page for h in hit.hits]
                t.contents_in_top3 += sum(1 for p in shown[:3] if p in toc)
                if body and any(p in toc for p in shown[:3]):
                    first_toc = next(i for i, p in enumerate(shown) if p in toc)
                    if not any(p not in toc for p in shown[:first_toc]):
                        t.contents_ahead += 1
                running = [
                    r
                    for r in layout.running_texts(
                        [s.page_text(doc.id, h.page) for h in hit.hits], doc.running_lines
                    )
                    if len(r.split()) >= 3
                ]
                for h in hit.hits:
                    t.snippets += 1
                    text = " ".join(h.text.split())
                    page = layout.strip_running(s.page_text(doc.id, h.page), doc.running_lines)
                    twice = said_twice(text, page)
                    if twice:
                        t.said_twice += 1
                        t.examples.append(f"twice   {q!r} {doc.id} p.{h.page}: …{twice}…")
                    rep = repeated_span(text)
                    if rep:
                        t.repeated += 1
                        t.examples.append(f"repeat  {q!r} {doc.id} p.{h.page}: …{rep}…")
                    if _NUMBER_RUN.search(text):
                        t.number_runs += 1
                        t.examples.append(f"numbers {q!r} {doc.id} p.{h.page}: {text[:120]}")
                    lines = [" ".join(page[a:b].split()) for a, b in layout.debris_spans(page)]
                    if any(len(ln.split()) >= 3 and ln in text for ln in lines):
                        t.debris_lines += 1
                    # a running line's words in the snippet that the page's own text lacks
                    own = " ".join(page.split())
                    if any(r in text and r not in own for r in running):
                        t.running += 1
                        t.examples.append(f"running {q!r} {doc.id} p.{h.page}")
    lib.close()
    return t


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m bench snippets", description=__doc__)
    ap.add_argument("--data-dir", type=Path, required=True, help="an ingested data directory")
    ap.add_argument("--examples", action="store_true", help="list the snippets counted")
    args = ap.parse_args(argv)
    t = measure(args.data_dir)
    print(f"queries: {len(QUERIES)}  results: {t.documents}  snippets: {t.snippets}")
    print(f"snippets with a repeated span of {REPEAT_WORDS} words: {t.repeated}")
    print(f"  of which the snippet repeats (the page says it once): {t.said_twice}")
    print(f"snippets with a run of bare numbers: {t.number_runs}")
    print(f"snippets with a table-debris line of 3+ words: {t.debris_lines}")
    print(f"snippets with a running header or footer: {t.running}")
    print(f"contents-page snippets among a result's first 3: {t.contents_in_top3}")
    print(f"results showing a contents page before any body page: {t.contents_ahead}")
    print(f"results matching on contents pages only: {t.contents_only_docs}")
    if args.examples:
        print("\n".join(t.examples))
    return 0
