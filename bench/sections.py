"""What the section stage (library/section_filter.py) costs one search: the full search beside
the stage alone, medians of interleaved rounds, on an existing index.

python -m bench.sections --data-dir var [--rounds 15]
"""

from __future__ import annotations

import argparse
import statistics
import time
from pathlib import Path

from library.models import SearchRequest
from library.search import Library
from library.section_filter import chosen_sections, scope

QUERIES: list[tuple[str, list[str]]] = [
    ("neglect", []),
    ('"safer sleep"', []),
    ("child", []),
    ("neglect section:recommendations", []),
    ("", ["recommendations"]),
    ("re*", []),
]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m bench.sections", description=__doc__)
    ap.add_argument("--data-dir", type=Path, required=True)
    ap.add_argument("--rounds", type=int, default=15)
    args = ap.parse_args(argv)
    lib = Library(args.data_dir, budget=None)
    full: dict[str, list[float]] = {q: [] for q, _ in QUERIES}
    stage: dict[str, list[float]] = {q: [] for q, _ in QUERIES}
    totals: dict[str, int] = {}
    with lib.searcher() as s:
        pages = s.stats()["pages"]
        for _ in range(args.rounds):
            for q, sections in QUERIES:
                req = SearchRequest(q=q, sections=sections)
                t = time.perf_counter()
                res = s.search(req)
                full[q].append((time.perf_counter() - t) * 1000)
                totals[q] = res.total
                parsed = s.parse(q)
                kinds = chosen_sections(sections, parsed)
                t = time.perf_counter()
                scope(s.state, parsed, kinds)
                stage[q].append((time.perf_counter() - t) * 1000)
    print(f"{len(s.documents())} documents, {pages} pages; medians of {args.rounds} rounds")
    print("| query | documents | search ms | section stage ms | share |")
    print("|---|---:|---:|---:|---:|")
    for q, sections in QUERIES:
        a, b = statistics.median(full[q]), statistics.median(stage[q])
        label = q or "(browse)"
        if sections:
            label += f" --section {','.join(sections)}"
        print(f"| `{label}` | {totals[q]} | {a:.1f} | {b:.1f} | {b / a:.0%} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
