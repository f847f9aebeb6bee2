"""Worker processes for extraction, each task under a wall-clock limit and a memory cap.

``concurrent.futures`` cannot kill one hung task, and some PDFs make parsers spin for minutes, so
this keeps its own workers: a worker past its deadline is killed and replaced, and the file is
reported as ``timeout``. A worker that dies (segfault, OOM kill) costs one file, not the run.

With OCR on, a worker reads a PDF's scanned pages after its text layer (``indexer.ocr``) and
reports each page read; the limit then applies to each page in turn: the text layer gets
``timeout`` seconds, and so does every page OCR reads (a 200-page scan is not one unit of work).
"""

from __future__ import annotations

import contextlib
import multiprocessing as mp
import os
import resource
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from multiprocessing.connection import Connection, wait
from typing import Any

from indexer.extract import CORRUPT, TIMEOUT, extract_pdf, failure
from indexer.extract_docx import extract_docx
from indexer.ocr import OcrJob, read_scanned_pages

#: a worker is replaced after this many files so memory fragmentation cannot pile up
RECYCLE_AFTER = 40


@dataclass(frozen=True)
class Limits:
    timeout: float = 90.0  # seconds per file
    memory_bytes: int = 1 << 30  # address space per worker
    max_file_bytes: int = 300 * 1024 * 1024


def _die_with_parent(parent_pid: int | None) -> None:
    """Ask Linux to SIGKILL this worker when the ingest process dies (even by SIGKILL).

    Forked workers inherit the ingest lock's file descriptor (flock), so an orphan still busy
    with a slow file would keep every later ingest locked out.
    """
    try:
        import ctypes
        import signal

        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, signal.SIGKILL, 0, 0, 0)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        return
    if parent_pid is not None and os.getppid() != parent_pid:
        os._exit(0)  # the parent died before prctl took effect


#: first item of a progress message a worker sends before its result (a result is a dict)
PROGRESS = "progress"


def _extract(path: str, limits: Limits, ocr: OcrJob | None, conn: Connection) -> dict[str, Any]:
    if path.lower().endswith(".docx"):
        return extract_docx(path, max_bytes=limits.max_file_bytes)
    result = extract_pdf(path, max_bytes=limits.max_file_bytes)
    if ocr is not None and result.get("no_text_pages") and result.get("ocr_engine"):

        def on_page(page: int, done: int, total: int) -> None:
            conn.send((PROGRESS, {"stage": "ocr", "page": page, "done": done, "total": total}))

        # the text layer is read: the clock restarts for the first page OCR reads
        total = len(result["no_text_pages"])
        conn.send((PROGRESS, {"stage": "ocr", "page": 0, "done": 0, "total": total}))
        read_scanned_pages(path, result, ocr, on_page=on_page)
    return result


def _worker_main(
    conn: Connection,
    limits: Limits,
    parent_pid: int | None = None,
    ocr: OcrJob | None = None,
) -> None:
    _die_with_parent(parent_pid)
    if limits.memory_bytes:
        with contextlib.suppress(ValueError, OSError):
            resource.setrlimit(resource.RLIMIT_AS, (limits.memory_bytes, limits.memory_bytes))
    while True:
        try:
            task = conn.recv()
        except (EOFError, OSError):
            return
        if task is None:
            return
        try:
            result = _extract(task, limits, ocr, conn)
        except MemoryError:
            result = failure("too-large", "extraction went over the worker's memory cap")
        except BaseException as exc:  # keep the worker alive for the next file
            result = failure(CORRUPT, f"extractor failed: {type(exc).__name__}: {exc}"[:300])
        try:
            conn.send(result)
        except Exception as exc:  # e.g. unpicklable: report instead of dying
            conn.send(failure(CORRUPT, f"result could not be returned: {exc}"[:300]))


class _Worker:
    def __init__(self, ctx: Any, limits: Limits, ocr: OcrJob | None = None) -> None:
        self.conn, child = ctx.Pipe(duplex=True)
        self.proc = ctx.Process(
            target=_worker_main, args=(child, limits, os.getpid(), ocr), daemon=True
        )
        self.proc.start()
        child.close()
        self.task: Any = None
        self.started = 0.0
        self.done = 0
        self.stage: dict[str, Any] = {}  # the last progress message of the current task

    def submit(self, key: Any, path: str) -> None:
        self.task = key
        self.started = time.monotonic()
        self.stage = {}
        self.conn.send(path)

    def timeout_reason(self, limit: float) -> str:
        if self.stage.get("stage") != "ocr":
            return f"extraction took longer than {limit:g} s"
        done = int(self.stage.get("done") or 0)
        total = int(self.stage.get("total") or 0)
        where = f"after {done} of {total} scanned pages" if total else "reading scanned pages"
        return (
            f"OCR of a page took longer than {limit:g} s ({where}; the pages read are cached "
            "and not read again)"
        )

    def kill(self) -> None:
        try:
            self.proc.kill()
        finally:
            self.proc.join(5)
            self.conn.close()

    def stop(self) -> None:
        with contextlib.suppress(OSError):
            self.conn.send(None)
        self.proc.join(2)
        if self.proc.is_alive():
            self.proc.kill()
            self.proc.join(2)
        self.conn.close()


def run_extractions(
    tasks: Iterable[tuple[Any, str]],
    *,
    workers: int | None = None,
    limits: Limits | None = None,
    on_start: Callable[[Any], None] | None = None,
    ocr: OcrJob | None = None,
) -> Iterator[tuple[Any, dict[str, Any]]]:
    """Yield ``(key, result)`` for every ``(key, path)`` task, in completion order.

    With ``ocr``, the scanned pages of PDFs are read by OCR in the same workers.
    """
    limits = limits or Limits()
    queue = list(tasks)
    queue.reverse()  # pop() from the end keeps the caller's order
    if not queue:
        return
    n = max(1, min(workers or os.cpu_count() or 1, len(queue)))
    ctx = mp.get_context("fork")
    pool = [_Worker(ctx, limits, ocr) for _ in range(n)]
    try:
        for w in pool:
            if queue:
                key, path = queue.pop()
                w.submit(key, path)
                if on_start:
                    on_start(key)
        while any(w.task is not None for w in pool):
            busy = [w for w in pool if w.task is not None]
            now = time.monotonic()
            next_deadline = min(w.started + limits.timeout for w in busy)
            ready = wait([w.conn for w in busy], timeout=max(0.01, min(0.5, next_deadline - now)))
            for i, w in enumerate(pool):
                if w.task is None:
                    continue
                result: dict[str, Any] | None = None
                replace = False
                if w.conn in ready:
                    try:
                        message = w.conn.recv()
                        if isinstance(message, tuple) and message[0] == PROGRESS:
                            w.started = time.monotonic()  # a page read: its clock restarts
                            w.stage = message[1]
                            continue
                        result = message
                        w.done += 1
                        replace = w.done >= RECYCLE_AFTER
                    except (EOFError, OSError):
                        w.proc.join(1)
                        code = w.proc.exitcode
                        why = f"signal {-code}" if code and code < 0 else f"exit code {code}"
                        result = failure(CORRUPT, f"the extraction worker died ({why})")
                        replace = True
                elif time.monotonic() - w.started > limits.timeout:
                    result = failure(
                        TIMEOUT, w.timeout_reason(limits.timeout), timeout=limits.timeout
                    )
                    replace = True
                if result is None:
                    continue
                key = w.task
                w.task = None
                if replace:
                    w.kill() if result["status"] in (TIMEOUT, CORRUPT) else w.stop()
                    w = pool[i] = _Worker(ctx, limits, ocr)
                if queue:
                    nkey, npath = queue.pop()
                    w.submit(nkey, npath)
                    if on_start:
                        on_start(nkey)
                yield key, result
    finally:
        for w in pool:
            if w.task is not None:
                w.kill()
            else:
                w.stop()
