"""Batch terms (docs/workbench.md "Batch terms") on an existing index: the time of one
documents x terms matrix (with a groups matrix by year) for lists of 20, 100 and 200 terms taken
from the theme taxonomy's phrases and words (single words, two-word and longer phrases), beside a
plain search in the same run.

    .venv/bin/python -m bench.terms DATA_DIR [--repeat 5]

Prints one JSON object: per list size, p50 and p95 in milliseconds over ``--repeat`` runs (the
first run, which reads the postings from disk, included), and the documents and terms counted.
"""

from __future__ import annotations

import argparse
import json
import time
import tomllib
from pathlib import Path
from typing import Any

from bench.common import percentile
from library.batch_terms import TermsRequest, batch_terms
from library.models import SearchRequest
from library.search import Library
from library.term_list import parse_terms

TAXONOMY = Path(__file__).resolve().parent.parent / "library" / "data" / "themes.toml"


def taxonomy_terms() -> list[str]:
    """Every phrase and weak word of the taxonomy's themes, once each, in file order
    (those with @, a reference to a word list, and with * , a wildcard, left out)."""
    data = tomllib.loads(TAXONOMY.read_text(encoding="utf-8"))
    out: dict[str, None] = {}
    for theme in data.get("theme", []):
        for key in ("phrases", "weak"):
            for phrase in theme.get(key, []):
                if "@" not in phrase and "*" not in phrase:
                    out.setdefault(phrase.lower(), None)
    return list(out)


def _time(fn: Any, repeat: int) -> tuple[list[float], Any]:
    times, result = [], None
    for _ in range(repeat):
        t = time.perf_counter()
        result = fn()
        times.append((time.perf_counter() - t) * 1000)
    return times, result


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("data_dir", type=Path)
    ap.add_argument("--repeat", type=int, default=5)
    args = ap.parse_args()
    pool = taxonomy_terms()
    lib = Library(args.data_dir, budget=None)
    report: dict[str, Any] = {"data_dir": str(args.data_dir), "repeat": args.repeat, "runs": []}
    try:
        with lib.searcher() as s:
            plain, _ = _time(lambda: s.search(SearchRequest(q="neglect")), args.repeat)
            report["plain_search_ms"] = {"p50": round(percentile(plain, 50), 1)}
            for size in (20, 100, 200):
                terms = parse_terms("\n".join(pool[: size + 40]), max_terms=2000)
                terms.terms = terms.terms[:size]
                req = TermsRequest(SearchRequest(), terms, by="year")
                times, m = _time(lambda req=req: batch_terms(s, req, lib.deadline()), args.repeat)
                kinds = [t.kind for t in terms.terms]
                report["runs"].append(
                    {
                        "terms": len(terms.terms),
                        "phrases": kinds.count("phrase"),
                        "documents": m.documents,
                        "mentions": sum(m.mentions),
                        "p50_ms": round(percentile(times, 50), 1),
                        "p95_ms": round(percentile(times, 95), 1),
                    }
                )
    finally:
        lib.close()
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
