"""The results table (Markdown: printed, and pasted into docs/benchmarks.md)."""

from __future__ import annotations

from typing import Any


def _x(v: float | None, digits: int = 2) -> str:
    return "n/a" if v is None else f"{v:.{digits}f}x"


def _n(v: float | None, unit: str = "", digits: int = 1) -> str:
    if v is None:
        return "n/a"
    return f"{v:,.{digits}f}{unit}"


def _mb(b: int | None) -> str:
    return "n/a" if b is None else f"{b / 1024 / 1024:,.1f} MB"


def _ok(flag: bool | None) -> str:
    return "" if flag is None else ("yes" if flag else "**no**")


def rows(res: dict[str, Any]) -> list[tuple[str, str, str, str, str]]:
    """(figure, value, reference measured in the same run, ratio, target met)."""
    out: list[tuple[str, str, str, str, str]] = []
    ex = res.get("extraction")
    if ex:
        r = ex["ratios"]
        p1, pn = ex["pipeline_1"], ex["pipeline_n"]
        t1, tn = ex.get("pdftotext_1") or {}, ex.get("pdftotext_n") or {}
        f1, fn = ex["pdfium_1"], ex["pdfium_n"]
        out.append((
            f"Extraction, pipeline, 1 worker ({ex['files']} files, {p1['pages']} pages)",
            _n(p1["pages_per_s"], " pages/s"),
            f"pdftotext {_n(t1.get('pages_per_s'), ' p/s')}; pypdfium2 {_n(f1['pages_per_s'], ' p/s')}",
            f"{_x(r['pipeline_vs_pdftotext_1'])} / {_x(r['pipeline_vs_pdfium_1'], 3)}",
            "",
        ))  # fmt: skip
        scaling = r["pipeline_scaling"]
        out.append((
            f"Extraction, pipeline, {ex['cores']} workers",
            _n(pn["pages_per_s"], " pages/s"),
            f"1 worker {_n(p1['pages_per_s'], ' p/s')} (pdftotext scaled "
            f"{_x(r['pdftotext_scaling'])}, pypdfium2 {_x(r['pdfium_scaling'])} at the same "
            f"time; other processes kept {_n(pn.get('others_cores'), ' cores', 2)} busy); "
            f"pdftotext {_n(tn.get('pages_per_s'), ' p/s')}, pypdfium2 {_n(fn['pages_per_s'], ' p/s')}",
            f"{_x(scaling)} of 1 worker",
            f"≥ 1.7x: {_ok(scaling is not None and scaling >= 1.7)}",
        ))  # fmt: skip
    ing = res.get("ingest")
    if ing:
        cold, warm, reb = ing["cold"], ing["unchanged"], ing["rebuild"]
        r = ing["ratios"]
        out.append((
            f"Cold ingest, every core ({cold['files']} files, {cold['pages']} pages)",
            f"{_n(cold['seconds'], ' s')} ({_n(cold['pages_per_s'], ' pages/s')})",
            "extraction alone, every core: "
            + (_n(ex["pipeline_n"]["pages_per_s"], " p/s") if ex else "n/a"),
            "",
            "",
        ))  # fmt: skip
        out.append((
            "Second ingest, nothing changed",
            _n(warm["seconds"], " s", 2),
            f"cold ingest {_n(cold['seconds'], ' s')}",
            f"{_x(r['cold_over_unchanged'], 0)} faster",
            f"≥ 50x: {_ok((r['cold_over_unchanged'] or 0) >= 50)}",
        ))  # fmt: skip
        fts1 = (res.get("search") or {}).get("scales", {}).get(1, {}).get("fts5_build")
        out.append((
            "Index build from cached text (`rebuild`, 1x)",
            f"{_n(reb['seconds'], ' s')} ({_n(reb['pages_per_s'], ' pages/s')})",
            f"SQLite FTS5 build {_n(fts1['build_s'], ' s') if fts1 else 'n/a'}",
            _x(reb["seconds"] / fts1["build_s"], 0) + " slower" if fts1 else "",
            "",
        ))  # fmt: skip
        out.append((
            "Index size on disk (1x)",
            _mb(ing["index_bytes"]),
            f"PDFs {_mb(ing['pdf_bytes'])}; FTS5 {_mb(fts1['bytes']) if fts1 else 'n/a'}; "
            f"extraction cache {_mb(ing['cache_bytes'])}",
            f"{_x(r['index_over_pdf_bytes'])} of the PDFs"
            + (f", {_x(ing['index_bytes'] / fts1['bytes'])} of FTS5" if fts1 else ""),
            "",
        ))  # fmt: skip
        mem = cold["memory"]
        out.append((
            "Ingest peak memory (main + workers, summed)",
            f"PSS {_n(mem['peak_tree_pss_mb'], ' MB', 0)} (RSS {_n(mem['peak_tree_rss_mb'], ' MB', 0)})",
            f"largest single process {_n(mem['peak_single_process_rss_mb'], ' MB', 0)}",
            "",
            f"< 1 GB: {_ok(mem['peak_tree_pss_mb'] < 1024)}",
        ))  # fmt: skip
    for factor, sc in sorted((res.get("scale") or {}).items(), key=lambda kv: int(kv[0])):
        mem = sc["memory"]
        out.append((
            f"Index build to {factor}x (adds {sc['added_pages']:,} pages, one writer)",
            f"{_n(sc['build_s'], ' s')} ({_n(sc['pages_per_s'], ' pages/s')}); "
            f"{_mb(sc.get('index_bytes'))}",
            f"peak memory {_n(mem['peak_tree_pss_mb'], ' MB', 0)} PSS",
            "",
            f"< 1 GB: {_ok(mem['peak_tree_pss_mb'] < 1024)}",
        ))  # fmt: skip
    se = res.get("search")
    if se:
        for factor, sc in sorted(se["scales"].items(), key=lambda kv: int(kv[0])):
            w, f = sc["whoosh"], sc["fts5"]
            out.append((
                f"Search p50 / p95, {factor}x ({sc['pages']:,} pages)",
                f"{_n(w['p50_ms'], ' ms')} / {_n(w['p95_ms'], ' ms')}",
                f"FTS5 {_n(f['p50_ms'], ' ms')} / {_n(f['p95_ms'], ' ms')}",
                f"{_x(sc['ratios']['whoosh_over_fts5_p50'], 1)} / "
                f"{_x(sc['ratios']['whoosh_over_fts5_p95'], 1)} of FTS5",
                "",
            ))  # fmt: skip
        top = max(se["scales"], key=int)
        g = se["scales"][top]["growth"]
        out.append((
            f"Search cost growth, {top}x over 1x (p50)",
            _x(g["whoosh_p50"], 1),
            f"FTS5 {_x(g['fts5_p50'], 1)}",
            "",
            "",
        ))  # fmt: skip
    web = res.get("web")
    if web and not web.get("skipped"):
        j, h, st, lib = web["search_json"], web["search_html"], web["static"], web["library"]
        jr, hr = web.get("search_json_rps") or j, web.get("search_html_rps") or h
        fx = web["factor"]
        out.append((
            f"Web: /search.json at {fx}x, one request at a time ({j['tool']})",
            f"p50 {_n(j['p50_ms'], ' ms')}, p95 {_n(j['p95_ms'], ' ms')}; "
            f"{_n(jr['rps'], ' req/s')}, p95 {_n(jr['p95_ms'], ' ms')} "
            f"with {jr['connections']} connections",
            f"library in-process p50 {_n(lib['p50_ms'], ' ms')}, p95 {_n(lib['p95_ms'], ' ms')}; "
            f"static file {_n(st['rps'], ' req/s')}",
            f"p50 {_x(web['ratios']['json_p50_over_library_p50'])} of in-process",
            f"p50 < 50 ms: {_ok(j['p50_ms'] < 50)}" if int(fx) >= 16 else "",
        ))  # fmt: skip
        out.append((
            f"Web: /search page at {fx}x, one request at a time",
            f"p50 {_n(h['p50_ms'], ' ms')}, p95 {_n(h['p95_ms'], ' ms')}; "
            f"{_n(hr['rps'], ' req/s')}, p95 {_n(hr['p95_ms'], ' ms')} "
            f"with {hr['connections']} connections",
            f"JSON twin p95 {_n(j['p95_ms'], ' ms')}",
            f"p95 {_x(web['ratios']['html_p95_over_json_p95'])} of JSON",
            f"p95 < 150 ms: {_ok(h['p95_ms'] < 150)}" if int(fx) >= 16 else "",
        ))  # fmt: skip
        peak = max(web["worker_peak_rss_mb"] or [0])
        out.append((
            f"Web worker peak RSS at {fx}x",
            _n(peak, " MB", 0),
            f"index {_mb((se or {}).get('scales', {}).get(fx, {}).get('index_bytes'))}",
            "",
            "",
        ))  # fmt: skip
    elif web:
        out.append(("Web", web["skipped"], "", "", ""))
    out.extend(workbench_rows(res.get("workbench")))
    out.extend(_ocr_rows(res.get("ocr")))
    return out


#: how each kind of workbench request is named in the table (bench/workbench.py)
WORKBENCH_LABELS = {
    "concordance": "concordance, first page of lines",
    "concordance_csv": "concordance as CSV (every line to the cap)",
    "collocates": "collocates (±5 words, first page)",
    "counts_year": "counts by year",
    "counts_partnership": "counts by partnership",
    "counts_theme": "counts by theme",
}


def workbench_rows(wb: dict[str, Any] | None) -> list[tuple[str, str, str, str, str]]:
    """One row per kind of workbench request and scale, beside the plain search of the same
    queries in the same run."""
    out: list[tuple[str, str, str, str, str]] = []
    if not wb:
        return out
    if wb.get("skipped"):
        return [("Workbench", wb["skipped"], "", "", "")]
    for factor, sc in sorted(wb["scales"].items(), key=lambda kv: int(kv[0])):
        kinds = sc["kinds"]
        ref = kinds["search"]
        pages = sc.get("pages")
        for kind, label in WORKBENCH_LABELS.items():
            k = kinds.get(kind)
            if k is None:
                out.append((f"Workbench {label}, {factor}x", "TODO: not measured", "", "", ""))
                continue
            note = f"; {k['incomplete']} of {k['n']} cut short" if k.get("incomplete") else ""
            out.append((
                f"Workbench {label}, {factor}x ({pages:,} pages)" if pages else
                f"Workbench {label}, {factor}x",
                f"p50 {_n(k['p50_ms'], ' ms')}, p95 {_n(k['p95_ms'], ' ms')} "
                f"(CPU {_n(k.get('cpu_p50_ms'), ' ms')} / {_n(k.get('cpu_p95_ms'), ' ms')}){note}",
                f"search p50 {_n(ref['p50_ms'], ' ms')}, p95 {_n(ref['p95_ms'], ' ms')} "
                f"(CPU {_n(ref.get('cpu_p50_ms'), ' ms')} / {_n(ref.get('cpu_p95_ms'), ' ms')})",
                f"p50 {_x(k['p50_over_search'], 1)} of search",
                f"p95 < 1 s: {_ok(k['p95_ms'] < 1000)}" if int(factor) >= 16 else "",
            ))  # fmt: skip
    return out


def _ocr_rows(ocr: dict[str, Any] | None) -> list[tuple[str, str, str, str, str]]:
    out: list[tuple[str, str, str, str, str]] = []
    if not ocr:
        return out
    for r in ocr["recall"].values():
        out.append((
            f"OCR word recall, {r['dpi']} dpi scans, {r['scans']} ({r['pages']} pages)",
            f"{r['recall']:.1%} (precision {r['precision']:.1%})",
            f"key phrase on its page {r['key_phrases_on_their_page']}/{r['pages']}",
            "",
            f"≥ 95%: {_ok(r['recall'] >= 0.95)}" if r["dpi"] == 200 and r["scans"] == "clean" else "",
        ))  # fmt: skip
    sp = ocr.get("speed")
    if sp:
        for w in (1, 2):
            o, p = sp[f"ocr_{w}"], sp[f"pdfminer_{w}"]
            out.append((
                f"OCR, {w} worker{'s' if w > 1 else ''} ({o['pages']} scanned pages)",
                _n(o["pages_per_s"], " pages/s", 2),
                f"pdfminer.six on the same pages as text {_n(p['pages_per_s'], ' p/s')}",
                f"{_x(sp['ratios'][f'pdfminer_over_ocr_{w}'], 0)} slower than pdfminer.six"
                + (f"; {_x(sp['ratios']['ocr_scaling'])} of 1 worker" if w > 1 else ""),
                "",
            ))  # fmt: skip
    return out


def markdown(res: dict[str, Any]) -> str:
    lines = [
        "| Figure | Value | Reference, same run | Ratio | Target |",
        "|---|---|---|---|---|",
    ]
    for r in rows(res):
        lines.append("| " + " | ".join(c.replace("|", "/") for c in r) + " |")
    return "\n".join(lines)
