"""Search latency at 1x, 4x and 16x the corpus, beside SQLite FTS5 over the same pages.

The Whoosh side is the library API the CLI and the web app call (``LibrarySearcher.search``:
document-level match, five facets counted over every matching document, the pages of the ten
documents shown, three highlighted snippets each). The FTS5 side does the same work its own way:
one page-level FTS5 table (porter stemmer), the matching pages aggregated per document with
bm25 into a temporary table, the total and five facet counts as GROUP BY queries over it, then
the pages of the top ten documents with ``snippet()``.
"""

from __future__ import annotations

import sqlite3
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bench.common import CpuWindow, dir_size, log, percentile, ratio


@dataclass(frozen=True)
class Query:
    kind: str  # term | phrase | boolean | faceted | browse
    q: str  # the library's syntax
    fts: str | None  # the same in FTS5 syntax (None: no words, list by date)
    themes: tuple[str, ...] = ()
    extra: dict[str, Any] = field(default_factory=dict)


QUERIES: list[Query] = [
    Query("term", "neglect", "neglect"),
    Query("term", "fostering", "fostering"),
    Query("term", "adoption", "adoption"),
    Query("phrase", '"private fostering"', '"private fostering"'),
    Query("phrase", '"care leavers"', '"care leavers"'),
    Query("phrase", '"corporate parenting"', '"corporate parenting"'),
    Query(
        "boolean",
        "(exploitation OR trafficking) NOT covid",
        "(exploitation OR trafficking) NOT covid",
    ),
    Query("boolean", "neglect AND housing", "neglect AND housing"),
    Query("boolean", "supervision OR caseloads", "supervision OR caseloads"),
    Query("faceted", "supervision", "supervision", ("domestic-abuse",)),
    Query("faceted", '"missing from home"', '"missing from home"', ("missing-children",)),
    Query("faceted", "housing", "housing", ("poverty-housing", "early-help")),
    Query("browse", "", None, ("neglect",)),
]

FACET_COLUMNS = ("review_type", "document_kind", "partnership", "year")


# ---- SQLite FTS5 reference -------------------------------------------------------------------


def build_fts(db: Path, data_dir: Path, factor: int) -> dict[str, Any]:
    """Page-level FTS5 table of the same documents and pages (``factor`` copies, ids -x<k>)."""
    from indexer.cache import ExtractionCache
    from library import naming
    from library.config import DataDir
    from library.store import open_index
    from library.writer import indexed_documents

    d = DataDir(data_dir)
    originals = indexed_documents(open_index(d))
    cache = ExtractionCache(d.cache)
    db.unlink(missing_ok=True)
    t = time.perf_counter()
    con = sqlite3.connect(db)
    con.executescript(
        """
        PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF;
        CREATE VIRTUAL TABLE pages USING fts5(
            text, doc_id UNINDEXED, page UNINDEXED, tokenize='porter unicode61');
        CREATE TABLE docs(doc_id TEXT PRIMARY KEY, review_type TEXT, document_kind TEXT,
                          partnership TEXT, year INTEGER, date TEXT);
        CREATE TABLE doc_themes(doc_id TEXT, theme TEXT);
        """
    )
    pages_n = 0
    for k in range(1, factor + 1):
        for rec in originals.values():
            entry = cache.get(rec.sha256)
            if not entry or not entry.get("pages"):
                continue
            did = rec.id if k == 1 else f"{rec.id}-x{k}"
            con.execute(
                "INSERT INTO docs VALUES (?,?,?,?,?,?)",
                (
                    did,
                    rec.review_type,
                    rec.document_kind,
                    naming.slugify(rec.partnership) if rec.partnership else "",
                    rec.year,
                    rec.date or "0000",
                ),
            )
            con.executemany("INSERT INTO doc_themes VALUES (?,?)", [(did, th) for th in rec.themes])
            con.executemany(
                "INSERT INTO pages(text, doc_id, page) VALUES (?,?,?)",
                [(text, did, n) for n, text in enumerate(entry["pages"], start=1)],
            )
            pages_n += len(entry["pages"])
    con.executescript(
        "CREATE INDEX doc_themes_theme ON doc_themes(theme, doc_id);"
        "CREATE INDEX doc_themes_doc ON doc_themes(doc_id);"
        "INSERT INTO pages(pages) VALUES('optimize');"
    )
    con.commit()
    con.close()
    wall = time.perf_counter() - t
    return {
        "pages": pages_n,
        "build_s": round(wall, 2),
        "pages_per_s": round(pages_n / wall, 1),
        "bytes": db.stat().st_size,
    }


class FtsSearcher:
    def __init__(self, db: Path) -> None:
        self.con = sqlite3.connect(db, check_same_thread=False)

    def search(self, q: Query, per_page: int = 10, snippets: int = 3) -> dict[str, Any]:
        con = self.con
        con.execute("DROP TABLE IF EXISTS temp.m")
        theme_sql = "".join(
            f" AND doc_id IN (SELECT doc_id FROM doc_themes WHERE theme = :t{i})"
            for i in range(len(q.themes))
        )
        params: dict[str, Any] = {f"t{i}": t for i, t in enumerate(q.themes)}
        if q.fts is None:
            con.execute(
                "CREATE TEMP TABLE m AS SELECT doc_id, 0.0 AS score, date FROM docs WHERE 1"
                + theme_sql,
                params,
            )
            order = "date DESC"
        else:
            params["q"] = q.fts
            con.execute(
                "CREATE TEMP TABLE m AS WITH h AS MATERIALIZED "
                "(SELECT doc_id, bm25(pages) AS r FROM pages WHERE pages MATCH :q) "
                "SELECT doc_id, SUM(r) AS score FROM h WHERE 1" + theme_sql + " GROUP BY doc_id",
                params,
            )
            order = "score"
        top = [
            r[0] for r in con.execute(f"SELECT doc_id FROM m ORDER BY {order} LIMIT ?", (per_page,))
        ]
        total = con.execute("SELECT COUNT(*) FROM m").fetchone()[0]
        facets: dict[str, list[tuple[Any, int]]] = {
            "theme": con.execute(
                "SELECT theme, COUNT(*) FROM m JOIN doc_themes USING(doc_id) GROUP BY theme"
            ).fetchall()
        }
        for col in FACET_COLUMNS:
            facets[col] = con.execute(
                f"SELECT docs.{col}, COUNT(*) FROM m JOIN docs USING(doc_id) GROUP BY docs.{col}"
            ).fetchall()
        hits: dict[str, dict[str, Any]] = {d: {"pages": [], "snippets": []} for d in top}
        if q.fts is not None and top:
            marks = ",".join("?" * len(top))
            rows = con.execute(
                "SELECT doc_id, page, snippet(pages, 0, '<mark>', '</mark>', ' … ', 24) "
                f"FROM pages WHERE pages MATCH ? AND doc_id IN ({marks}) ORDER BY rank",
                (q.fts, *top),
            )
            for doc_id, page, snip in rows:
                h = hits[doc_id]
                h["pages"].append(page)
                if len(h["snippets"]) < snippets:
                    h["snippets"].append(snip)
        con.execute("DROP TABLE temp.m")
        return {"total": total, "hits": hits, "facets": facets}


# ---- the library -----------------------------------------------------------------------------


def _request(q: Query, snippets: int = 3) -> Any:
    from library.models import SearchRequest

    return SearchRequest(q=q.q, themes=list(q.themes), snippets=snippets)


def measure_scale(data_dir: Path, db: Path, reps: int) -> dict[str, Any]:
    from library.search import Library

    lib = Library(data_dir)
    fts = FtsSearcher(db)
    out: dict[str, Any] = {}
    # the first search of a fresh searcher also reads every document's metadata
    t = time.perf_counter()
    with lib.searcher() as s:
        first = s.search(_request(QUERIES[0]))
    out["first_search_ms"] = round((time.perf_counter() - t) * 1000, 1)
    t = time.perf_counter()
    fts.search(QUERIES[0])
    out["fts_first_search_ms"] = round((time.perf_counter() - t) * 1000, 1)
    cpu = CpuWindow()
    totals: dict[str, list[int]] = {}
    lat: dict[str, dict[str, list[float]]] = {"whoosh": {}, "fts5": {}}
    # one warm-up round, then ``reps`` rounds; the engines alternate query by query so both
    # see the same moments of the shared machine
    for rnd in range(reps + 1):
        for q in QUERIES:
            with lib.searcher() as s:
                t = time.perf_counter()
                res = s.search(_request(q))
                w_ms = (time.perf_counter() - t) * 1000
            t = time.perf_counter()
            fres = fts.search(q)
            f_ms = (time.perf_counter() - t) * 1000
            if rnd == 0:
                totals[q.q or f"theme:{','.join(q.themes)}"] = [res.total, fres["total"]]
                continue
            lat["whoosh"].setdefault(q.kind, []).append(w_ms)
            lat["fts5"].setdefault(q.kind, []).append(f_ms)
    lib.close()
    out["others_cores"] = cpu.others_cores()
    for engine, by_kind in lat.items():
        allv = [v for vals in by_kind.values() for v in vals]
        out[engine] = {
            "p50_ms": round(percentile(allv, 50), 1),
            "p95_ms": round(percentile(allv, 95), 1),
            "by_kind": {
                k: {"p50_ms": round(percentile(v, 50), 1), "p95_ms": round(percentile(v, 95), 1)}
                for k, v in by_kind.items()
            },
        }
    out["ratios"] = {
        "whoosh_over_fts5_p50": ratio(out["whoosh"]["p50_ms"], out["fts5"]["p50_ms"]),
        "whoosh_over_fts5_p95": ratio(out["whoosh"]["p95_ms"], out["fts5"]["p95_ms"]),
    }
    out["totals_whoosh_fts5"] = totals
    out["first_total"] = first.total
    return out


def profile_scale(data_dir: Path, reps: int = 2) -> str:
    """pyinstrument's view of the query set (text), for docs/benchmarks.md."""
    from pyinstrument import Profiler

    from library.search import Library

    lib = Library(data_dir)
    with lib.searcher() as s:
        s.search(_request(QUERIES[0]))
        prof = Profiler(interval=0.001)
        prof.start()
        for _ in range(reps):
            for q in QUERIES:
                s.search(_request(q))
        prof.stop()
    lib.close()
    return prof.output_text(unicode=False, color=False, show_all=False)


def run(scales: dict[int, Path], work: Path, reps: int, profile: bool) -> dict[str, Any]:
    out: dict[str, Any] = {"queries": [q.__dict__ for q in QUERIES], "reps": reps, "scales": {}}
    for factor, data_dir in sorted(scales.items()):
        db = work / f"fts5-{factor}x.sqlite"
        log(f"search: FTS5 reference at {factor}x")
        fts_build = build_fts(db, scales[1], factor)
        from library.config import DataDir
        from library.store import current_generation

        gen = current_generation(DataDir(data_dir))
        log(f"search: latency at {factor}x ({len(QUERIES)} queries x {reps})")
        res = measure_scale(data_dir, db, reps)
        res["fts5_build"] = fts_build
        res["index_bytes"] = dir_size(gen) if gen else None
        res["pages"] = fts_build["pages"]
        if profile and factor == max(scales):
            res["profile"] = profile_scale(data_dir)
        out["scales"][factor] = res
    base = out["scales"][min(scales)]
    for res in out["scales"].values():
        res["growth"] = {
            "whoosh_p50": ratio(res["whoosh"]["p50_ms"], base["whoosh"]["p50_ms"]),
            "fts5_p50": ratio(res["fts5"]["p50_ms"], base["fts5"]["p50_ms"]),
        }
    return out
