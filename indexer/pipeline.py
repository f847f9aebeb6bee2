"""Ingest: find PDFs, extract what is new, tag themes, and update the index in one commit.

Unchanged files (same path, size and mtime, same catalogue row and taxonomy) cost a stat; changed
content is hashed and looked up in the extraction cache before any extraction; only content never
seen before goes to the worker processes.
"""

from __future__ import annotations

import contextlib
import csv
import hashlib
import os
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from indexer.cache import ExtractionCache, ocr_stale, sha256_file
from indexer.extract import INDEXABLE, OK
from indexer.ocr import OcrJob, OcrPageCache, probe
from indexer.pool import Limits, run_extractions
from indexer.progress import Progress
from indexer.report import BAD_CATALOGUE, FileOutcome, IngestReport
from library import store
from library.catalogue import CATALOGUE_NAME, Catalogue, CatalogueError
from library.config import DataDir
from library.metadata import build_record, fingerprint
from library.models import DocumentRecord
from library.naming import slugify
from library.taxonomy import Taxonomy
from library.writer import IndexUpdater, indexed_documents, page_key

#: key in ``DocumentRecord.metadata_source``: the folder up to which ingest looked for
#: catalogue.csv files (the ingest root), so rebuild and ``status --check`` repeat the same lookup
CATALOGUE_ROOT = "catalogue_root"
#: file types ingest picks up in folders (indexer.pool extracts each by its suffix)
_SUFFIXES = (".pdf", ".docx")


@dataclass
class IngestOptions:
    workers: int | None = None  # default: every core
    timeout: float = 90.0
    memory_mb: int = 1024
    max_file_mb: int = 300
    wait: bool = False  # wait for another ingest instead of refusing
    progress: bool = True
    prune: bool = True  # drop documents whose file is gone from an ingested folder
    taxonomy_path: Path | None = None
    rebuild: bool = False  # rebuild the whole index into a new generation
    ocr: bool = True  # read pages without a text layer with Tesseract, when it is installed
    ocr_lang: str | None = None  # Tesseract languages ("eng+fra"); None: English


@dataclass
class _Item:
    path: Path
    root: Path
    size: int
    mtime_ns: int
    doc_id: str = ""
    sha: str = ""
    known: bool = False  # the index already has a document for this path


def discover(paths: Iterable[Path]) -> tuple[list[tuple[Path, Path]], list[FileOutcome]]:
    """(file, root) for every PDF and DOCX under the given files and folders; missing reported.

    In folders, hidden files and Word's ``~$`` lock files are left out.
    """
    found: dict[Path, Path] = {}
    missing: list[FileOutcome] = []
    for raw in paths:
        p = Path(raw)
        if p.is_file():
            found.setdefault(p.resolve(), p.resolve().parent)
        elif p.is_dir():
            root = p.resolve()
            for dirpath, dirnames, filenames in os.walk(root):
                dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
                for name in sorted(filenames):
                    if name.lower().endswith(_SUFFIXES) and not name.startswith((".", "~$")):
                        found.setdefault((Path(dirpath) / name).resolve(), root)
        else:
            missing.append(
                FileOutcome(str(p), "missing", "no such file or folder", action="skipped")
            )
    return sorted(found.items()), missing


def _assign_ids(items: list[_Item], existing: dict[str, DocumentRecord]) -> None:
    """Stable, readable ids: the file name's slug, made unique by a short hash of the path."""
    by_path = {rec.path: rec.id for rec in existing.values()}
    taken = {rec.id: rec.path for rec in existing.values()}
    for it in items:
        known = by_path.get(str(it.path))
        if known:
            it.doc_id = known
            continue
        base = slugify(it.path.stem)[:60].strip("-") or "document"
        cand = base
        if cand in taken and taken[cand] != str(it.path):
            cand = f"{base}-{hashlib.sha1(str(it.path).encode()).hexdigest()[:6]}"
        taken[cand] = str(it.path)
        it.doc_id = cand


def _under(path: str, roots: Sequence[Path]) -> bool:
    return any(path == str(r) or path.startswith(str(r) + os.sep) for r in roots)


def ingest(
    paths: Sequence[Path | str],
    data_dir: Path | str,
    *,
    options: IngestOptions | None = None,
    log: Callable[[str], None] | None = None,
) -> IngestReport:
    """Bring the index up to date with the PDFs under ``paths``; returns the report (also on disk)."""
    opts = options or IngestOptions()
    # First: an unknown --ocr-lang is refused before anything is touched.
    ocr_status = probe(opts.ocr_lang, enabled=opts.ocr)
    data = DataDir(Path(data_dir)).ensure()
    report = IngestReport(paths=[str(p) for p in paths], data_dir=str(data.root))
    report.ocr = {"enabled": ocr_status.enabled, "note": ocr_status.note}
    taxonomy = Taxonomy.load(opts.taxonomy_path)
    cache = ExtractionCache(data.cache)
    say = log or (lambda _msg: None)

    with store.ingest_lock(data, wait=opts.wait):
        # Whatever a killed run left behind (temp files, a half-built generation) goes first.
        swept = store.sweep_leftovers(data) + cache.sweep_temp()
        swept += OcrPageCache(data.ocr_cache).sweep_temp()
        if swept:
            say(f"Removed {swept} leftover(s) of an interrupted run")
        rebuild = opts.rebuild or not store.live_is_current_schema(data)
        live = store.current_generation(data)
        existing: dict[str, DocumentRecord] = {}
        old_ix = None
        if live is not None:
            try:
                old_ix = store.open_generation(live)
                existing = indexed_documents(old_ix)
            except Exception:  # an unreadable old index is rebuilt from the cache
                existing, rebuild, old_ix = {}, True, None
        if rebuild:
            target = store.create_generation(data)
            say(f"Building a new index in {target.name}" + (" (schema changed)" if live else ""))
        else:
            target = live  # type: ignore[assignment]
        ix = store.open_generation(target)

        files, missing = discover(Path(p) for p in paths)
        report.files.extend(missing)
        catalogue = Catalogue()
        items: list[_Item] = []
        for path, root in files:
            try:
                st = path.stat()
            except OSError as exc:
                report.files.append(FileOutcome(str(path), "missing", str(exc), action="skipped"))
                continue
            load_catalogues(catalogue, path, root, on_error=_catalogue_reporter(report))
            items.append(_Item(path, root, st.st_size, st.st_mtime_ns))
        _assign_ids(items, existing)

        updater = IndexUpdater(ix)
        committed = False
        try:
            engine = ocr_status.settings.engine if ocr_status.settings else None
            todo = _plan(items, existing, catalogue, taxonomy, cache, rebuild, report, engine)
            ocr_job = (
                OcrJob(ocr_status.settings, str(data.ocr_cache), page_timeout=2 * opts.timeout)
                if ocr_status.settings
                else None
            )
            _extract_and_index(todo, updater, catalogue, taxonomy, cache, opts, report, ocr_job)
            seen_ids = {it.doc_id for it in items}
            roots = [Path(p).resolve() for p in paths if Path(p).exists()]
            for rec in existing.values():
                if rec.id in seen_ids:
                    continue
                gone = not Path(rec.path).exists()
                if gone and opts.prune and _under(rec.path, roots):
                    if not rebuild:
                        updater.delete(rec.id)
                    report.removed.append(rec.path)
                elif rebuild:
                    out = _carry_over(rec, updater, cache, taxonomy, catalogue, old_ix)
                    if out is not None:
                        report.files.append(out)
            changed = updater.upserted or updater.deleted or rebuild
            if changed:
                say("Committing the index…")
                updater.commit()
            else:
                updater.cancel()
            committed = True
            if rebuild:
                store.activate(data, target)
            report.committed = bool(changed)
        finally:
            if not committed:
                updater.cancel()
                if rebuild:
                    store.discard(target)
        report.rebuilt = rebuild
        report.documents_in_index = len(indexed_documents(store.open_index(data)))
        report.finished = time.time()
        # Still under the lock: the next ingest's sweep removes temp report files it finds,
        # and must not find this one half-written.
        report.write(data.reports)
    return report


def _plan(
    items: list[_Item],
    existing: dict[str, DocumentRecord],
    catalogue: Catalogue,
    taxonomy: Taxonomy,
    cache: ExtractionCache,
    rebuild: bool,
    report: IngestReport,
    ocr_engine: str | None,
) -> list[_Item]:
    """Settle unchanged files at once; return the ones that need the cache or an extraction.

    A document whose scanned pages OCR has not read (or another OCR engine read) is not
    unchanged while OCR is on: it goes back through the cache and, if need be, extraction.
    """
    todo: list[_Item] = []
    for it in items:
        old = existing.get(it.doc_id)
        it.known = old is not None
        row = catalogue.row(it.path)
        if old and old.size == it.size and old.mtime_ns == it.mtime_ns:
            it.sha = old.sha256  # same size and mtime: trust the stored hash, skip reading
            unchanged = old.fingerprint == fingerprint(it.sha, row, taxonomy)
            unchanged = unchanged and not ocr_stale(old.ocr_engine, ocr_engine)
            # a lost cache entry is restored by extracting again (rebuilds need it)
            if not rebuild and unchanged and cache.has(it.sha):
                report.files.append(
                    FileOutcome(
                        str(it.path),
                        OK,
                        action="unchanged",
                        doc_id=it.doc_id,
                        pages=old.page_count,
                        ocr_pages=list(old.ocr_pages),
                        no_text_pages=list(old.no_text_pages),
                    )
                )
                continue
        todo.append(it)
    return todo


def _extract_and_index(
    todo: list[_Item],
    updater: IndexUpdater,
    catalogue: Catalogue,
    taxonomy: Taxonomy,
    cache: ExtractionCache,
    opts: IngestOptions,
    report: IngestReport,
    ocr: OcrJob | None = None,
) -> None:
    progress = Progress(len(todo), sum(it.size for it in todo), enabled=opts.progress)
    pending: list[_Item] = []

    def index_one(it: _Item, result: dict[str, Any], extracted: bool) -> None:
        status = result.get("status", "corrupt")
        out = FileOutcome(
            str(it.path),
            status,
            result.get("reason", ""),
            doc_id=it.doc_id,
            pages=len(result.get("pages") or []),
            extracted=extracted,
            seconds=float(result.get("seconds") or 0.0),
            ocr_pages=list(result.get("ocr_pages") or []),
            no_text_pages=list(result.get("no_text_pages") or []),
            # pages Tesseract read in this run (a cached result's count is of an earlier run)
            ocr_run=int(result.get("ocr_run") or 0) if extracted else 0,
            warnings=list(result.get("warnings") or [])[:20],
        )
        if status in INDEXABLE:
            rec = build_record(
                doc_id=it.doc_id,
                path=it.path,
                sha256=it.sha,
                size=it.size,
                mtime_ns=it.mtime_ns,
                extraction=result,
                row=catalogue.row(it.path),
                taxonomy=taxonomy,
            )
            rec.metadata_source[CATALOGUE_ROOT] = str(it.root)
            updater.upsert(rec, result["pages"])
            out.action = "updated" if it.known else "added"
        else:
            if it.known:
                updater.delete(it.doc_id)  # the file changed into something unreadable
            out.action = "skipped"
        report.files.append(out)
        progress.advance(nbytes=it.size, pages=out.pages, ok=status in INDEXABLE, name=it.path.name)

    for it in todo:
        if not it.sha:
            it.sha = sha256_file(it.path)
        cached = cache.get(
            it.sha, timeout=opts.timeout, ocr_engine=ocr.settings.engine if ocr else None
        )
        if cached is not None:
            index_one(it, cached, extracted=False)
        else:
            pending.append(it)

    # Biggest files first, so the last worker is not left alone with a long file.
    pending.sort(key=lambda it: -it.size)
    seen_sha: dict[str, list[_Item]] = {}
    tasks: list[tuple[str, str]] = []
    for it in pending:
        if it.sha in seen_sha:
            seen_sha[it.sha].append(it)  # the same content under two names is extracted once
        else:
            seen_sha[it.sha] = [it]
            tasks.append((it.sha, str(it.path)))
    limits = Limits(
        timeout=opts.timeout,
        memory_bytes=opts.memory_mb * 1024 * 1024,
        max_file_bytes=opts.max_file_mb * 1024 * 1024,
    )
    for sha, result in run_extractions(tasks, workers=opts.workers, limits=limits, ocr=ocr):
        cache.put(sha, result)  # failures too: a timeout is retried only with a longer limit
        for it in seen_sha[sha]:
            index_one(it, result, extracted=True)
    progress.finish()


def load_catalogues(
    catalogue: Catalogue,
    path: Path,
    root: Path | None,
    *,
    on_error: Callable[[CatalogueError], None] | None = None,
) -> None:
    """``Catalogue.load_for``, but a broken catalogue.csv goes to ``on_error`` (when given)
    and the lookup goes on with the others, so one bad file cannot stop an ingest."""
    folder = path.resolve().parent
    stop = root.resolve() if root else None
    while True:
        candidate = folder / CATALOGUE_NAME
        if candidate.is_file():
            try:
                catalogue.load(candidate)
            except (CatalogueError, csv.Error, OSError) as exc:
                if on_error is None:
                    raise
                bad = (
                    exc
                    if isinstance(exc, CatalogueError)
                    else CatalogueError(f"{candidate}: {exc}")
                )
                on_error(bad)
        if stop is None or folder == stop or folder == folder.parent:
            break
        folder = folder.parent


def _catalogue_reporter(report: IngestReport) -> Callable[[CatalogueError], None]:
    def record(exc: CatalogueError) -> None:
        where, _, detail = str(exc).partition(": ")
        where = where.rsplit(":", 1)[0] if where.rsplit(":", 1)[-1].isdigit() else where
        if not any(f.path == where for f in report.files):
            reason = f"its rows were ignored: {detail or exc}"[:300]
            report.files.append(FileOutcome(where, BAD_CATALOGUE, reason, action="skipped"))

    return record


def load_catalogue_for(
    catalogue: Catalogue,
    rec: DocumentRecord,
    *,
    on_error: Callable[[CatalogueError], None] | None = None,
) -> None:
    """Load the catalogue files the ingest of ``rec`` looked at (its recorded ingest root).

    Records indexed before the root was recorded: walk up to the nearest catalogue.csv that has
    a row for the file.
    """
    path = Path(rec.path)
    root = rec.metadata_source.get(CATALOGUE_ROOT)
    if root:
        load_catalogues(catalogue, path, Path(root), on_error=on_error)
        return
    folder = path.resolve().parent
    while catalogue.row(path) is None:
        candidate = folder / "catalogue.csv"
        if candidate.is_file():
            with contextlib.suppress(ValueError, OSError):
                catalogue.load(candidate)
        if folder == folder.parent:
            break
        folder = folder.parent


def _old_pages(old_ix: Any, rec: DocumentRecord) -> list[str] | None:
    """A document's page texts as stored in the previous index generation."""
    if old_ix is None or rec.page_count < 1:
        return None
    try:
        with old_ix.searcher() as s:
            pages: list[str] = []
            for number in range(1, rec.page_count + 1):
                docnum = s.document_number(key=page_key(rec.id, number))
                if docnum is None:
                    return None
                pages.append(s.stored_fields(docnum).get("page_text", ""))
            return pages
    except Exception:
        return None


def _carry_over(
    rec: DocumentRecord,
    updater: IndexUpdater,
    cache: ExtractionCache,
    taxonomy: Taxonomy,
    catalogue: Catalogue,
    old_ix: Any = None,
) -> FileOutcome | None:
    """Re-add a document that this run did not touch into a rebuilt index, from the cache.

    Without a usable cache entry the document keeps its old record and the page texts stored in
    the old index, so a rebuild never silently drops a document; None when all went normally.
    """
    entry = cache.get(rec.sha256)
    if entry is None or entry.get("status") not in INDEXABLE:
        pages = _old_pages(old_ix, rec)
        if pages is None:
            return FileOutcome(
                rec.path,
                "missing",
                "dropped by the rebuild: no cached extraction and no pages in the old index; "
                "re-ingest the file",
                action="removed",
                doc_id=rec.id,
            )
        updater.upsert(rec, pages)
        return FileOutcome(
            rec.path,
            OK,
            action="unchanged",
            doc_id=rec.id,
            pages=len(pages),
            warnings=["no cached extraction: pages copied from the previous index"],
        )
    path = Path(rec.path)
    load_catalogue_for(catalogue, rec, on_error=lambda exc: None)  # reported by its ingest
    row = catalogue.row(path)
    new = build_record(
        doc_id=rec.id,
        path=path,
        sha256=rec.sha256,
        size=rec.size,
        mtime_ns=rec.mtime_ns,
        extraction=entry,
        row=row,
        taxonomy=taxonomy,
    )
    if rec.metadata_source.get(CATALOGUE_ROOT):
        new.metadata_source[CATALOGUE_ROOT] = rec.metadata_source[CATALOGUE_ROOT]
    updater.upsert(new, entry["pages"])
    return None


def rebuild(data_dir: Path | str, *, options: IngestOptions | None = None) -> IngestReport:
    """Recreate the index from the extraction cache, without extracting anything again."""
    opts = options or IngestOptions()
    opts.rebuild = True
    return ingest([], data_dir, options=opts)
