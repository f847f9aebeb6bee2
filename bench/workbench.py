"""The corpus workbench at scale (issue 13, item 6): concordance, collocates and counts beside a
plain search of the same query, in the same run, at each scale built (1x and 16x).

Wall time and this process's CPU time are both kept: on a shared machine the wall time also
counts the time other processes held the cores. Each kind of request is the library call the CLI and the site make (what a web worker does
before rendering), on one searcher, with the site's time budget:

- ``search``: ``LibrarySearcher.search`` of the query and its filters (ten results, facets,
  three snippets each): the reference every ratio is to;
- ``concordance``: the first page of lines (library.concordance, document order, default
  page size and width): it reads every occurrence up to the cap, as the site's page does;
- ``concordance_csv``: the same request rendered as the CSV download (every line read, up to
  the cap WORKBENCH_MAX_OCCURRENCES);
- ``collocates``: ±5 words, log-likelihood, the first page (library.collocates);
- ``counts_year``, ``counts_partnership``, ``counts_theme``: counts by year, partnership and
  theme (library.counts: matching documents, documents within the filters, mentions from the
  postings, words from the stored column).

One warm-up round, then ``reps`` rounds in which the kinds alternate query by query, so every
kind sees the same moments of the shared machine. p50/p95 per kind over every query and
round, and each kind's p50 as a ratio to the search's p50.

    python -m bench --work DIR --keep --only workbench   # on DIR/data-1x, DIR/data-16x...
    python -m bench.workbench --data-dir DIR [--factor N] [--reps N]   # one index
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bench.common import CpuWindow, log, percentile, ratio


@dataclass(frozen=True)
class WorkbenchQuery:
    q: str
    label: str
    filters: dict[str, Any] = field(default_factory=dict)  # SearchRequest fields


#: what researchers ask (issue 13): two phrases, a word, a common word with filters
QUERIES: list[WorkbenchQuery] = [
    WorkbenchQuery('"professional curiosity"', "phrase"),
    WorkbenchQuery('"disguised compliance"', "rare phrase"),
    WorkbenchQuery("bruising", "word"),
    WorkbenchQuery("neglect", "common word, filtered", {"year_from": 2019}),
    WorkbenchQuery("supervision", "common word"),
]

KINDS: tuple[str, ...] = (
    "search",
    "concordance",
    "concordance_csv",
    "collocates",
    "counts_year",
    "counts_partnership",
    "counts_theme",
)


def _request(q: WorkbenchQuery, **extra: Any) -> Any:
    from library.models import SearchRequest

    return SearchRequest(q=q.q, **q.filters, **extra)


def _calls(searcher: Any, lib: Any) -> dict[str, Callable[[WorkbenchQuery], dict[str, Any]]]:
    """For each kind, a call answering one query: figures of the answer (sizes, completeness)."""
    from library import collocates as coll
    from library import concordance as conc

    try:  # counts come from i13-counts (library/counts.py)
        from library import counts as cnt
    except ImportError:  # pragma: no cover - a checkout without counts
        cnt = None

    def search(q: WorkbenchQuery) -> dict[str, Any]:
        res = searcher.search(_request(q))
        return {"total": res.total, "complete": not res.skipped}

    def concordance(q: WorkbenchQuery) -> dict[str, Any]:
        req = conc.ConcordanceRequest(_request(q))
        # the site's page and its JSON: one page of lines (library.concordance page_only)
        c = conc.concordance(searcher, req, lib.deadline(), page_only=True)
        return {"total": c.total, "documents": c.documents, "complete": c.complete}

    def concordance_csv(q: WorkbenchQuery) -> dict[str, Any]:
        c = conc.concordance(searcher, conc.ConcordanceRequest(_request(q)), lib.deadline())
        text = conc.concordance_csv(c)
        return {"total": c.total, "csv_bytes": len(text.encode()), "complete": c.complete}

    def collocates(q: WorkbenchQuery) -> dict[str, Any]:
        c = coll.collocates(searcher, coll.CollocatesRequest(_request(q)), lib.deadline())
        return {"total": c.total, "occurrences": c.occurrences, "complete": c.complete}

    def counts_by(by: str) -> Callable[[WorkbenchQuery], dict[str, Any]]:
        def run(q: WorkbenchQuery) -> dict[str, Any]:
            c = cnt.counts(searcher, cnt.CountsRequest(_request(q), by=(by,)), lib.deadline())
            return {"rows": len(c.rows), "mentions": c.mentions, "complete": c.complete}

        return run

    calls: dict[str, Callable[[WorkbenchQuery], dict[str, Any]]] = {
        "search": search,
        "concordance": concordance,
        "concordance_csv": concordance_csv,
        "collocates": collocates,
    }
    if cnt is not None:
        for by in ("year", "partnership", "theme"):
            calls[f"counts_{by}"] = counts_by(by)
    return calls


def measure(
    data_dir: Path,
    reps: int,
    queries: list[WorkbenchQuery] = QUERIES,
    budget: float | None = None,
) -> dict[str, Any]:
    """Latency of each kind of request over ``queries`` on the index in ``data_dir``, each
    with a time budget of ``budget`` seconds (None: none, so that every request does all its
    work and the figures measure it; the site's budget would cut the slowest short)."""
    from library.search import Library

    lib = Library(data_dir, budget=budget)
    out: dict[str, Any] = {}
    try:
        with lib.searcher() as s:
            t = time.perf_counter()
            s.search(_request(queries[0]))  # the first search reads every document's metadata
            out["first_search_ms"] = round((time.perf_counter() - t) * 1000, 1)
            out["documents"] = len(s.state.documents())
            calls = _calls(s, lib)
            lat: dict[str, list[float]] = {k: [] for k in calls}
            # CPU time of this process too: on a shared machine wall time also counts the
            # time other processes held the cores
            cpu_lat: dict[str, list[float]] = {k: [] for k in calls}
            by_query: dict[str, dict[str, list[float]]] = {
                q.q: {k: [] for k in calls} for q in queries
            }
            answers: dict[str, dict[str, Any]] = {q.q: {} for q in queries}
            incomplete: dict[str, int] = {k: 0 for k in calls}
            cpu = CpuWindow()
            for rnd in range(reps + 1):
                for q in queries:
                    for kind, call in calls.items():
                        t, c = time.perf_counter(), time.process_time()
                        answer = call(q)
                        ms = (time.perf_counter() - t) * 1000
                        cpu_ms = (time.process_time() - c) * 1000
                        if rnd == 0:  # warm-up: what each request answered
                            answers[q.q][kind] = answer
                            continue
                        lat[kind].append(ms)
                        cpu_lat[kind].append(cpu_ms)
                        by_query[q.q][kind].append(ms)
                        incomplete[kind] += not answer.get("complete", True)
            out["others_cores"] = cpu.others_cores()
    finally:
        lib.close()
    ref = percentile(lat["search"], 50)
    out["kinds"] = {
        kind: {
            "p50_ms": round(percentile(v, 50), 1),
            "p95_ms": round(percentile(v, 95), 1),
            "cpu_p50_ms": round(percentile(cpu_lat[kind], 50), 1),
            "cpu_p95_ms": round(percentile(cpu_lat[kind], 95), 1),
            "n": len(v),
            "incomplete": incomplete[kind],
            "p50_over_search": ratio(percentile(v, 50), ref),
        }
        for kind, v in lat.items()
    }
    out["by_query"] = {
        q: {k: round(percentile(v, 50), 1) for k, v in kinds.items()}
        for q, kinds in by_query.items()
    }
    out["answers"] = answers
    out["missing_kinds"] = [k for k in KINDS if k not in lat]
    return out


def run(scales: dict[int, Path], reps: int) -> dict[str, Any]:
    """The workbench figures at the smallest and the largest scale built."""
    from library.config import DataDir
    from library.store import current_generation

    built = {f: d for f, d in scales.items() if current_generation(DataDir(d)) is not None}
    if not built:
        return {"skipped": "no index built (run the ingest and scale sections first)"}
    chosen = sorted({min(built), max(built)})
    out: dict[str, Any] = {
        "queries": [q.__dict__ for q in QUERIES],
        "reps": reps,
        "scales": {},
    }
    for factor in chosen:
        log(f"workbench: {len(QUERIES)} queries x {len(KINDS)} kinds x {reps} at {factor}x")
        res = measure(built[factor], reps)
        res["pages"] = _pages(built[factor])
        out["scales"][factor] = res
    return out


def _pages(data_dir: Path) -> int:
    from library.search import Library

    lib = Library(data_dir)
    try:
        with lib.searcher() as s:
            return sum(d.page_count for d in s.state.documents().values())
    finally:
        lib.close()


def profile(data_dir: Path, kind: str, q: WorkbenchQuery) -> str:
    """cProfile of one request (after a warm one), the 25 costliest functions by own time."""
    import cProfile
    import io
    import pstats

    from library.search import Library

    lib = Library(data_dir, budget=None)
    try:
        with lib.searcher() as s:
            call = _calls(s, lib)[kind]
            call(q)
            prof = cProfile.Profile(time.process_time)  # CPU: the machine is shared
            prof.enable()
            call(q)
            prof.disable()
    finally:
        lib.close()
    buf = io.StringIO()
    pstats.Stats(prof, stream=buf).sort_stats("tottime").print_stats(25)
    return buf.getvalue()


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(
        prog="python -m bench.workbench", description=__doc__.splitlines()[0]
    )
    ap.add_argument("--data-dir", type=Path, required=True, help="a data dir with an index")
    ap.add_argument("--factor", type=int, default=1, help="what scale the index is (for the table)")
    ap.add_argument("--reps", type=int, default=5)
    ap.add_argument("--profile", default=None, help="KIND:QUERY: cProfile one request instead")
    ap.add_argument("--out", type=Path, default=None, help="write the JSON here too")
    args = ap.parse_args(argv)
    if args.profile:
        kind, _, text = args.profile.partition(":")
        match = [q for q in QUERIES if q.q == text] or [WorkbenchQuery(text, "given")]
        print(profile(args.data_dir, kind, match[0]))
        return 0
    from bench import report

    res = {"workbench": {"queries": [q.__dict__ for q in QUERIES], "reps": args.reps, "scales": {}}}
    scale = measure(args.data_dir, args.reps)
    scale["pages"] = _pages(args.data_dir)
    res["workbench"]["scales"][args.factor] = scale
    text = "\n".join(
        ["| Figure | Value | Reference, same run | Ratio | Target |", "|---|---|---|---|---|"]
    )
    text += "\n" + "\n".join(
        "| " + " | ".join(r) + " |" for r in report.workbench_rows(res["workbench"])
    )
    if args.out:
        args.out.write_text(json.dumps(res, indent=2, default=str) + "\n")
    print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
