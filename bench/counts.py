"""What counts and trends cost (library.counts), beside a plain search and the concordance
(which reads every page holding the words) in the same run, and whether the mentions counted
from the index equal the concordance's occurrences.

    .venv/bin/reviewlib --data-dir /tmp/benchcounts ingest corpus/
    .venv/bin/python -m bench.counts --data-dir /tmp/benchcounts --rounds 5
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from library.budget import Deadline
from library.concordance import ConcordanceRequest, concordance
from library.counts import CountsRequest, counts, select, tabulate
from library.models import SearchRequest
from library.search import Library

QUERIES = ("children", "neglect", '"child protection"', "safeguard*", "multi-agency")


def _median_ms(work: Callable[[], Any], rounds: int) -> tuple[float, Any]:
    times, out = [], None
    for _ in range(rounds):
        t = time.perf_counter()
        out = work()
        times.append(time.perf_counter() - t)
    return statistics.median(times) * 1000, out


def _three(s: Any, req: SearchRequest) -> None:
    """The site's default page: one selection, three tables."""
    sel = select(s, req, Deadline(None))
    for by in (("year",), ("theme", "year"), ("partnership",)):
        tabulate(sel, by)


def _row(s: Any, q: str, rounds: int) -> str:
    req = SearchRequest(q=q)
    search_ms, _ = _median_ms(lambda: s.search(req, Deadline(None)), rounds)
    count_ms, c = _median_ms(
        lambda: counts(s, CountsRequest(req, ("year",)), Deadline(None)), rounds
    )
    tables_ms, _ = _median_ms(lambda: _three(s, req), rounds)
    conc_ms, k = _median_ms(
        lambda: concordance(s, ConcordanceRequest(req, max_lines=1_000_000), Deadline(None)),
        rounds,
    )
    return (
        f"{q:22} {c.documents:>5} {c.mentions:>8} {search_ms:>10.1f} {count_ms:>10.1f} "
        f"{tables_ms:>11.1f} {conc_ms:>15.1f} {str(c.mentions == k.total):>6}"
    )


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m bench.counts", description=__doc__.splitlines()[0])
    ap.add_argument("--data-dir", type=Path, required=True)
    ap.add_argument("--rounds", type=int, default=5)
    args = ap.parse_args(argv)
    lib = Library(args.data_dir)
    try:
        with lib.searcher() as s:
            pages = sum(d.page_count for d in s.documents().values())
            print(f"{len(s.documents())} documents, {pages} pages; medians of {args.rounds} rounds")
            print(
                f"{'query':22} {'docs':>5} {'mentions':>8} {'search ms':>10} {'counts ms':>10} "
                f"{'3 tables ms':>11} {'concordance ms':>15} {'equal':>6}"
            )
            for q in QUERIES:
                print(_row(s, q, args.rounds))
    finally:
        lib.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
