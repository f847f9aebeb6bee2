"""Extraction throughput: the project's worker pool at 1 worker and at every core, beside
pypdfium2 and poppler's pdftotext on the same files (each also at 1 process and every core)."""

from __future__ import annotations

import multiprocessing as mp
import os
import shutil
import subprocess
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from bench.common import CpuWindow, log, page_rate, ratio


def _pdfium_file(path: str) -> int:
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(path)
    try:
        n = 0
        for i in range(len(pdf)):
            page = pdf[i]
            tp = page.get_textpage()
            tp.get_text_range()
            tp.close()
            page.close()
            n += 1
        return n
    finally:
        pdf.close()


def _pdftotext_file(path: str) -> int:
    out = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", path, "-"], capture_output=True, check=False
    ).stdout
    # one form feed after every page
    return out.count(b"\f")


def pdfium_rate(files: list[Path], procs: int) -> dict[str, Any]:
    paths = [str(f) for f in files]
    cpu = CpuWindow()
    t = time.perf_counter()
    if procs == 1:
        pages = sum(_pdfium_file(p) for p in paths)
    else:
        with mp.get_context("fork").Pool(procs) as pool:
            pages = sum(pool.imap_unordered(_pdfium_file, paths, chunksize=1))
    return page_rate(pages, time.perf_counter() - t, cpu)


def pdftotext_rate(files: list[Path], procs: int) -> dict[str, Any] | None:
    if not shutil.which("pdftotext"):
        return None
    paths = [str(f) for f in files]
    cpu = CpuWindow()
    t = time.perf_counter()
    with ThreadPoolExecutor(procs) as ex:
        pages = sum(ex.map(_pdftotext_file, paths))
    return page_rate(pages, time.perf_counter() - t, cpu)


def pipeline_rate(files: list[Path], workers: int) -> dict[str, Any]:
    """``indexer.pool.run_extractions``: the ingest's own workers (pdfminer.six, limits on)."""
    from indexer.pool import Limits, run_extractions

    # biggest first, as the ingest orders them
    tasks = sorted(((str(f), str(f)) for f in files), key=lambda kv: -os.path.getsize(kv[1]))
    pages = 0
    failed = 0
    worker_seconds = 0.0
    cpu = CpuWindow()
    t = time.perf_counter()
    for _key, result in run_extractions(tasks, workers=workers, limits=Limits()):
        if result.get("status") == "ok":
            pages += len(result.get("pages") or [])
        else:
            failed += 1
        worker_seconds += float(result.get("seconds") or 0.0)
    busy = round(worker_seconds, 1)
    wall = time.perf_counter() - t
    return page_rate(pages, wall, cpu, digits=2, failed_files=failed, worker_busy_s=busy)


def run(files: list[Path], cores: int) -> dict[str, Any]:
    n = len(files)
    out: dict[str, Any] = {"files": n, "cores": cores}
    log(f"extraction: pdftotext, 1 process, {n} files")
    out["pdftotext_1"] = pdftotext_rate(files, 1)
    log("extraction: pypdfium2, 1 process")
    out["pdfium_1"] = pdfium_rate(files, 1)
    log("extraction: pipeline (pdfminer.six), 1 worker")
    out["pipeline_1"] = pipeline_rate(files, 1)
    log(f"extraction: pipeline, {cores} workers")
    out["pipeline_n"] = pipeline_rate(files, cores)
    log(f"extraction: pdftotext and pypdfium2, {cores} processes")
    out["pdftotext_n"] = pdftotext_rate(files, cores)
    out["pdfium_n"] = pdfium_rate(files, cores)

    def rate(key: str) -> float | None:
        v = out.get(key)
        return v["pages_per_s"] if v else None

    out["ratios"] = {
        # the target: every core at least 1.7x one worker (2 cores)
        "pipeline_scaling": ratio(rate("pipeline_n"), rate("pipeline_1")),
        # what the machine allowed at the same moment: the same scaling for the references
        "pdftotext_scaling": ratio(rate("pdftotext_n"), rate("pdftotext_1")),
        "pdfium_scaling": ratio(rate("pdfium_n"), rate("pdfium_1")),
        # the pipeline's scaling over what the references got at the same time (1.0: as good
        # as the machine allowed)
        "pipeline_scaling_vs_references": ratio(
            ratio(rate("pipeline_n"), rate("pipeline_1")),
            max(
                ratio(rate("pdftotext_n"), rate("pdftotext_1")) or 0,
                ratio(rate("pdfium_n"), rate("pdfium_1")) or 0,
            )
            or None,
        ),
        "pipeline_vs_pdftotext_1": ratio(rate("pipeline_1"), rate("pdftotext_1")),
        "pipeline_vs_pdfium_1": ratio(rate("pipeline_1"), rate("pdfium_1")),
        "pipeline_vs_pdftotext_n": ratio(rate("pipeline_n"), rate("pdftotext_n")),
        "pipeline_vs_pdfium_n": ratio(rate("pipeline_n"), rate("pdfium_n")),
    }
    return out
