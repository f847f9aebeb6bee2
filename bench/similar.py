"""What "Similar reviews" (library/similar.py) costs a document page the first time it is
shown for an index state (later views are kept): every document of an existing index, cold
(the memo cleared), beside a plain search as the reference, medians of a few rounds.

python -m bench.similar --data-dir var [--rounds 3]
"""

from __future__ import annotations

import argparse
import statistics
import time
from pathlib import Path

from library.models import SearchRequest
from library.search import Library
from library.similar import similar_reviews


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m bench.similar", description=__doc__)
    ap.add_argument("--data-dir", type=Path, required=True)
    ap.add_argument("--rounds", type=int, default=3)
    args = ap.parse_args(argv)
    lib = Library(args.data_dir, budget=None)
    times: dict[str, list[float]] = {}
    search: list[float] = []
    with lib.searcher() as s:
        docs = s.documents()
        for _ in range(args.rounds):
            for doc_id in docs:
                s.state.memo.clear()
                t = time.perf_counter()
                similar_reviews(s.state, doc_id)
                times.setdefault(doc_id, []).append((time.perf_counter() - t) * 1000)
                t = time.perf_counter()
                s.search(SearchRequest(q="neglect"))
                search.append((time.perf_counter() - t) * 1000)
        medians = {d: statistics.median(v) for d, v in times.items()}
        pages = {d: docs[d].page_count for d in medians}
    ordered = sorted(medians.values())
    worst = max(medians, key=medians.__getitem__)
    ref = statistics.median(search)
    print(f"{len(medians)} documents, {sum(pages.values())} pages")
    print(
        f"similar reviews, cold: median {statistics.median(ordered):.0f} ms, "
        f"90th percentile {ordered[int(0.9 * (len(ordered) - 1))]:.0f} ms, "
        f"max {medians[worst]:.0f} ms ({worst}, {pages[worst]} pages)"
    )
    print(
        f"reference, search 'neglect': median {ref:.1f} ms; "
        f"similar/search median ratio {statistics.median(ordered) / ref:.1f}"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
