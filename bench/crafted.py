"""``python -m bench crafted``: what the costliest queries a user (or an attacker) can type cost,
beside a plain one-word query on the same index in the same run (issue 9, item 4).

Each query runs through the library (``LibrarySearcher.search``: the CLI's work) and through the
site (Flask's test client on ``/search`` with a theme filter: the HTML page, which also counts
the documents without the filter when none match), interleaved round by round with the plain
query so that all see the same moments of a shared machine. Reported: the median of each, and
its ratio to the plain query's. The target: the queries that cost per word of the query (the
99-word phrase of unknown words, many distinct unknown words, misspellings) under 3x; the
others grow with what they ask for and are bounded by a limit of the query parser, shown with
their ratio.

    python -m bench crafted                      # builds the shipped corpus into a temp dir
    python -m bench crafted --data-dir var       # an existing index (e.g. from make run)
"""

from __future__ import annotations

import argparse
import contextlib
import json
import shutil
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bench.common import REPO, RESULTS, log, median, ratio

PLAIN = "neglect"
TARGET = 3.0


@dataclass(frozen=True)
class Crafted:
    name: str
    q: str
    per_word: bool  # a cost per word of the query: held to the 3x target


def _fake(n: int) -> list[str]:
    """``n`` different made-up words no index holds."""
    return [f"zq{a}{b}x" for a in "bcdfghjkl" for b in "aeiouyklmn"][:n]


def crafted_queries(reader: Any) -> list[Crafted]:
    from library.query import MAX_DEPTH, MAX_WILDCARD_WORDS

    # wildcards: common two-letter beginnings, as many as the limit lets through, then one more
    prefixes = ["re", "co", "pr", "in", "st", "de", "ma", "pa", "ca", "su", "ba", "wa", "he"]
    within, words = [], 0
    for p in prefixes:
        n = sum(1 for _ in reader.expand_prefix("content", p))
        if words + n > MAX_WILDCARD_WORDS:
            break
        within.append(p)
        words += n
    beyond = prefixes[: len(within) + 1]
    nested = "(" * MAX_DEPTH + "neglect OR bruising" + ")" * MAX_DEPTH
    return [
        Crafted("phrase of 99 unknown words (395 chars)", '"' + " ".join(["abc"] * 99) + '"', True),
        Crafted("phrase of 60 different unknown words", '"' + " ".join(_fake(60)) + '"', True),
        Crafted("13 different unknown words", " ".join(_fake(13)), True),
        Crafted(
            "8 misspelt words",
            "brusing nelgect safegaurding interpretor proffesional curiousity assesment chronolgy",
            True,
        ),
        Crafted(
            "phrase of 65 known words (390 chars)",
            '"' + " ".join(["the local authority"] * 21)[:388] + '"',
            False,
        ),
        Crafted(
            "13 words OR'ed",
            " OR ".join(
                [
                    "neglect",
                    "abuse",
                    "child",
                    "family",
                    "school",
                    "police",
                    "health",
                    "mother",
                    "father",
                    "social",
                    "housing",
                    "nursery",
                    "baby",
                ]
            ),
            False,
        ),
        Crafted(
            f"wildcards up to the limit ({len(within)}, {words} words)",
            " OR ".join(p + "*" for p in within),
            False,
        ),
        Crafted(
            f"wildcards past the limit ({len(beyond)}: refused)",
            " OR ".join(p + "*" for p in beyond),
            False,
        ),
        Crafted(f"brackets {MAX_DEPTH} deep", nested, False),
        Crafted(f"brackets {MAX_DEPTH + 1} deep (refused)", "(" + nested + ")", False),
    ]


def _timed(fn: Callable[[], Any]) -> float:
    t = time.perf_counter()
    fn()
    return (time.perf_counter() - t) * 1000


def run(data_dir: Path, reps: int) -> dict[str, Any]:
    from library import spelling
    from library.errors import QueryError
    from library.models import SearchRequest
    from library.search import Library
    from web import create_app

    # no time budget: the figures are the full cost of each query
    lib = Library(data_dir, budget=None)
    client = create_app({"DATA_DIR": data_dir, "SEARCH_BUDGET_SECONDS": 0}).test_client()
    with lib.searcher() as s:
        queries = crafted_queries(s.raw.reader())
    plain = Crafted("plain word: " + PLAIN, PLAIN, False)

    def library_search(q: str) -> None:
        # a refused query raises QueryError: what it cost to refuse is the figure
        with lib.searcher() as s, contextlib.suppress(QueryError):
            s.search(SearchRequest(q=q))

    def site_search(q: str) -> None:
        resp = client.get("/search", query_string={"q": q, "theme": "neglect"})
        assert resp.status_code in (200, 400), (q, resp.status_code)

    # the first search that suggests reads the vocabulary (once per index state and process)
    with lib.searcher() as s:
        t = time.perf_counter()
        s.search(SearchRequest(q="brusingq"))
        first_suggestion_ms = (time.perf_counter() - t) * 1000
    before = spelling.COUNTERS.snapshot()
    lat: dict[str, dict[str, list[float]]] = {"library": {}, "site": {}}
    outcome: dict[str, str] = {}
    for rnd in range(reps + 1):  # a warm-up round, then ``reps``
        for c in [plain, *queries]:
            for where, fn in (("library", library_search), ("site", site_search)):
                ms = _timed(lambda fn=fn, c=c: fn(c.q))
                if rnd:
                    lat[where].setdefault(c.name, []).append(ms)
            if rnd == 0:
                with lib.searcher() as s:
                    try:
                        res = s.search(SearchRequest(q=c.q))
                        outcome[c.name] = f"{res.total} documents" + (
                            f", did you mean: {res.suggestion[:40]}" if res.suggestion else ""
                        )
                    except QueryError as exc:
                        outcome[c.name] = f"refused: {exc}"
    after = spelling.COUNTERS.snapshot()
    lib.close()
    rows = []
    base = {w: median(lat[w][plain.name]) for w in lat}
    for c in [plain, *queries]:
        lib_ms, site_ms = median(lat["library"][c.name]), median(lat["site"][c.name])
        rows.append(
            {
                "query": c.name,
                "chars": len(c.q),
                "per_word": c.per_word,
                "library_ms": round(lib_ms, 2),
                "library_ratio": round(ratio(lib_ms, base["library"]) or 0, 2),
                "site_ms": round(site_ms, 2),
                "site_ratio": round(ratio(site_ms, base["site"]) or 0, 2),
                "outcome": outcome[c.name],
            }
        )
    per_word = [r for r in rows if r["per_word"]]
    worst = max(per_word, key=lambda r: max(r["library_ratio"], r["site_ratio"]))
    return {
        "data_dir": str(data_dir),
        "reps": reps,
        "rows": rows,
        "first_suggestion_ms": round(first_suggestion_ms, 1),
        "spelling_work": {k: after[k] - before[k] for k in after},
        "worst_per_word": worst["query"],
        "worst_per_word_ratio": max(worst["library_ratio"], worst["site_ratio"]),
        "target": TARGET,
    }


def markdown(res: dict[str, Any]) -> str:
    lines = [
        "| query | chars | library ms | x plain | site /search ms | x plain | answer |",
        "|---|---:|---:|---:|---:|---:|---|",
    ]
    for r in res["rows"]:
        mark = " ‡" if r["per_word"] else ""
        lines.append(
            f"| {r['query']}{mark} | {r['chars']} | {r['library_ms']:.1f} | "
            f"{r['library_ratio']:.2f}x | {r['site_ms']:.1f} | {r['site_ratio']:.2f}x | "
            f"{r['outcome'][:70]} |"
        )
    met = "yes" if res["worst_per_word_ratio"] < res["target"] else "NO"
    lines.append("")
    lines.append(
        f"‡ per-word costs: worst {res['worst_per_word']} at "
        f"{res['worst_per_word_ratio']:.2f}x a plain search (target < {res['target']:g}x: {met}). "
        f"Medians of {res['reps']} rounds. First suggestion of the process (reads the "
        f"vocabulary): {res['first_suggestion_ms']:.0f} ms. Spelling work in all rounds: "
        f"{res['spelling_work']['lookups']} lookups, {res['spelling_work']['cached']} from the "
        "cache."
    )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(
        prog="python -m bench crafted", description=__doc__.splitlines()[0]
    )
    ap.add_argument("--data-dir", type=Path, default=None, help="an existing index")
    ap.add_argument("--reps", type=int, default=15)
    ap.add_argument("--out", type=Path, default=RESULTS / "crafted.json")
    args = ap.parse_args(argv)
    work = None
    data = args.data_dir
    if data is None:
        from indexer.pipeline import IngestOptions, ingest

        work = Path(tempfile.mkdtemp(prefix="reviewlib-crafted-"))
        data = work / "var"
        log(f"crafted: ingesting corpus/ into {data}")
        ingest([REPO / "corpus"], data, options=IngestOptions(progress=False))
    try:
        log(f"crafted: {args.reps} rounds on {data}")
        res = run(data, args.reps)
    finally:
        if work is not None:
            shutil.rmtree(work, ignore_errors=True)
    res["command"] = " ".join(["python -m bench crafted", *(argv or [])])
    table = markdown(res)
    res["table"] = table
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(res, indent=2) + "\n")
    print(table)
    return 0 if res["worst_per_word_ratio"] < res["target"] else 1


if __name__ == "__main__":
    sys.exit(main())
