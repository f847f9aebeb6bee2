"""``python -m bench`` (``make bench``): benchmarks on the real documents of ../shared/bench-corpus.

Every figure is measured beside a reference in the same run and also reported as a ratio to it,
because the machine is shared and absolute timings drift. Prints a table and writes JSON
(default ``bench/results/latest.json``).

    python -m bench                 # the full run (about half an hour on 2 cores)
    python -m bench --quick         # 30 files, 1x and 4x, short load (a few minutes)
    python -m bench --out PATH --work DIR --keep --only search,web
    python -m bench crafted         # costliest crafted queries / a plain one (bench/crafted.py)
    python -m bench snippets --data-dir DIR   # what the snippets show (bench/snippets.py)
    python -m bench --only ocr      # OCR recall and speed alone (a few minutes; needs Tesseract)
    python -m bench --work DIR --keep --only workbench   # concordance, collocates, counts
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from bench import common, report

SECTIONS = ("extraction", "ingest", "scale", "search", "web", "workbench", "ocr")


def _args(argv: list[str] | None) -> argparse.Namespace:
    ap = argparse.ArgumentParser(prog="python -m bench", description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="30 files, 1x and 4x, short load")
    ap.add_argument("--out", type=Path, default=common.RESULTS / "latest.json")
    ap.add_argument(
        "--work", type=Path, default=None, help="scratch folder (default: a temporary one)"
    )
    ap.add_argument("--keep", action="store_true", help="keep the scratch folder")
    ap.add_argument(
        "--only",
        default=",".join(SECTIONS),
        help=f"comma-separated sections of {', '.join(SECTIONS)} (later ones reuse --work)",
    )
    ap.add_argument(
        "--extract-files",
        type=int,
        default=None,
        help="files for the extraction comparison (default: 30 quick, 96 full)",
    )
    ap.add_argument("--web-seconds", type=float, default=None)
    ap.add_argument("--reps", type=int, default=None, help="rounds of the query set per scale")
    return ap.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["crafted"]:  # a section of its own, on its own index: bench/crafted.py
        from bench import crafted

        return crafted.main(argv[1:])
    if argv[:1] == ["snippets"]:  # what snippets show, on an ingested index: bench/snippets.py
        from bench import snippets

        return snippets.main(argv[1:])
    args = _args(argv)
    only = [s.strip() for s in args.only.split(",") if s.strip()]
    unknown = set(only) - set(SECTIONS)
    if unknown:
        raise SystemExit(f"unknown section(s): {', '.join(sorted(unknown))}")
    quick = args.quick
    cores = os.cpu_count() or 1
    files_all = common.corpus_files()
    ingest_files = common.corpus_files(30) if quick else files_all
    extract_files = common.corpus_files(args.extract_files or (30 if quick else 96))
    factors = [1, 4] if quick else [1, 4, 16]
    reps = args.reps or (2 if quick else 5)
    web_seconds = args.web_seconds or (5.0 if quick else 20.0)

    work = args.work or Path(tempfile.mkdtemp(prefix="reviewlib-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    data = {f: work / f"data-{f}x" for f in factors}
    res: dict[str, Any] = {
        "started": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "mode": "quick" if quick else "full",
        "command": " ".join([Path(sys.executable).name, "-m", "bench", *(argv or sys.argv[1:])]),
        "machine": common.machine_info(),
        "corpus": {
            "path": str(common.CORPUS),
            "files": len(files_all),
            "ingested_files": len(ingest_files),
            "extraction_files": len(extract_files),
        },
        "section_seconds": {},
    }
    common.log(f"work folder {work}; sections {', '.join(only)}; mode {res['mode']}")
    t_all = time.perf_counter()
    try:
        if "extraction" in only:
            t = time.perf_counter()
            from bench import extraction

            res["extraction"] = extraction.run(extract_files, cores)
            res["section_seconds"]["extraction"] = round(time.perf_counter() - t, 1)
        if "ingest" in only:
            t = time.perf_counter()
            from bench import ingest

            shutil.rmtree(data[1], ignore_errors=True)
            res["ingest"] = ingest.run(
                ingest_files, data[1], whole_corpus=not quick, timeout=3 * 3600
            )
            res["section_seconds"]["ingest"] = round(time.perf_counter() - t, 1)
        if "scale" in only:
            t = time.perf_counter()
            res["scale"] = _scale(data, factors)
            res["section_seconds"]["scale"] = round(time.perf_counter() - t, 1)
        if "search" in only:
            t = time.perf_counter()
            from bench import searching

            res["search"] = searching.run(data, work, reps, profile=True)
            res["section_seconds"]["search"] = round(time.perf_counter() - t, 1)
        if "web" in only:
            t = time.perf_counter()
            from bench import web

            top = max(factors)
            res["web"] = web.run(data[top], top, web_seconds)
            res["section_seconds"]["web"] = round(time.perf_counter() - t, 1)
        if "workbench" in only:
            t = time.perf_counter()
            from bench import workbench

            res["workbench"] = workbench.run(data, reps)
            res["section_seconds"]["workbench"] = round(time.perf_counter() - t, 1)
        if "ocr" in only:
            t = time.perf_counter()
            from bench import ocr

            (work / "ocr").mkdir(exist_ok=True)
            res["ocr"] = ocr.run(work / "ocr")
            res["section_seconds"]["ocr"] = round(time.perf_counter() - t, 1)
    finally:
        res["total_seconds"] = round(time.perf_counter() - t_all, 1)
        res["loadavg_at_end"] = list(os.getloadavg())
        res["table"] = report.markdown(res)
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(json.dumps(res, indent=2, default=str) + "\n")
        if not args.keep and args.work is None:
            shutil.rmtree(work, ignore_errors=True)
    print(res["table"])
    print(f"\n{res['total_seconds']:.0f} s in all; JSON in {args.out}")
    return 0


def _scale(data: dict[int, Path], factors: list[int]) -> dict[int, Any]:
    """Grow the 1x index into 4x, then 16x (each starting from the one before)."""
    from library.config import DataDir
    from library.store import current_generation

    out: dict[int, Any] = {}
    base = 1
    for factor in factors:
        if factor == 1:
            continue
        common.log(f"scale: building {factor}x from {base}x")
        shutil.rmtree(data[factor], ignore_errors=True)
        figures, mem = common.run_json_child(
            [
                "bench._scale_child",
                "--source",
                str(data[1]),
                "--base",
                str(data[base]),
                "--base-factor",
                str(base),
                "--target",
                str(data[factor]),
                "--factor",
                str(factor),
            ],
            timeout=3 * 3600,
        )
        gen = current_generation(DataDir(data[factor]))
        figures["index_bytes"] = common.dir_size(gen) if gen else None
        figures["memory"] = mem
        out[factor] = figures
        base = factor
    return out


if __name__ == "__main__":
    sys.exit(main())
