"""Ingest: find PDFs, extract what is new, tag themes, and update the index in one commit.

Unchanged files (same path, size and mtime, same catalogue row and taxonomy) cost a stat; changed
content is hashed and looked up in the extraction cache before any extraction; only content never
seen before goes to the worker processes.
"""

from __future__ import annotations

import hashlib
import os
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from indexer.cache import ExtractionCache, ocr_stale, sha256_file
from indexer.catalogue_lookup import (
    CATALOGUE_ROOT,
    CATALOGUE_ROOT_HEX,
    catalogue_reporter,
    load_catalogue_for,
    load_catalogues,
    report_row_errors,
)
from indexer.discover import RefusedError, discover
from indexer.extract import INDEXABLE, OK, TOO_LARGE, failure
from indexer.ocr import OcrJob, OcrPageCache, probe
from indexer.pool import Limits, run_extractions
from indexer.progress import Progress
from indexer.report import MISSING, NOT_A_FILE, UNREADABLE, FileOutcome, IngestReport
from library import store
from library.catalogue import Catalogue
from library.config import DataDir
from library.errors import TaxonomyError
from library.metadata import build_record, fingerprint
from library.models import DocumentRecord
from library.naming import slugify
from library.paths import display_path, stored_path
from library.taxonomy import Taxonomy
from library.taxonomy_choice import (
    TaxonomyInUse,
    choose_taxonomy,
    generation_taxonomy,
    remember_taxonomy,
)
from library.writer import IndexUpdater, indexed_documents, page_key

__all__ = ["IngestOptions", "discover", "ingest", "rebuild"]

_MB = 1024 * 1024


@dataclass
class IngestOptions:
    workers: int | None = None  # default: every core
    timeout: float = 90.0
    memory_mb: int = 1024
    max_file_mb: int = 300
    wait: bool = False  # wait for another ingest instead of refusing
    progress: bool = True
    prune: bool = True  # drop documents whose file is gone from an ingested folder
    #: a taxonomy file to use from now on, or "builtin"; None: the one the data dir remembers
    taxonomy_path: Path | str | None = None
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


def _assign_ids(items: list[_Item], existing: dict[str, DocumentRecord]) -> None:
    """Stable, readable ids: the file name's slug, made unique by a short hash of the path."""
    by_path = {str(rec.file_path()): rec.id for rec in existing.values()}
    taken = {rec.id: str(rec.file_path()) for rec in existing.values()}
    for it in items:
        known = by_path.get(str(it.path))
        if known:
            it.doc_id = known
            continue
        base = slugify(it.path.stem)[:60].strip("-") or "document"
        cand = base
        if cand in taken and taken[cand] != str(it.path):
            digest = hashlib.sha1(os.fsencode(str(it.path))).hexdigest()[:6]
            cand = f"{base}-{digest}"
        taken[cand] = str(it.path)
        it.doc_id = cand


def _under(path: str, roots: Sequence[Path]) -> bool:
    return any(path == str(r) or path.startswith(str(r) + os.sep) for r in roots)


def _taxonomy_for_run(
    live: Path | None, chosen: TaxonomyInUse | None, say: Callable[[str], None]
) -> tuple[TaxonomyInUse, bool]:
    """The taxonomy this run tags with, and whether every document must be re-tagged.

    A run uses the taxonomy remembered with the live index unless ``--taxonomy`` chose
    another; a different taxonomy (by digest) re-tags every indexed document, as a rebuild.
    """
    try:
        current: TaxonomyInUse | None = generation_taxonomy(live)
    except TaxonomyError:
        if chosen is None:
            raise
        current = None  # a damaged record is replaced by the new choice
    in_use = chosen or current
    assert in_use is not None
    retag = live is not None and (current is None or current.digest != in_use.digest)
    if retag:
        say("The theme taxonomy changed: every document is re-tagged (from the cache)")
    if chosen is None:
        for line in in_use.describe()[1:]:  # the remembered file changed or went away
            say(line.strip())
    return in_use, retag


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
    data = DataDir(Path(data_dir)).ensure_writable()
    report = IngestReport(paths=[display_path(p) for p in paths], data_dir=display_path(data.root))
    report.ocr = {"enabled": ocr_status.enabled, "note": ocr_status.note}
    # a new choice is loaded and checked before anything else happens
    chosen = choose_taxonomy(opts.taxonomy_path) if opts.taxonomy_path is not None else None
    cache = ExtractionCache(data.cache)
    say = log or (lambda _msg: None)

    with store.ingest_lock(data, wait=opts.wait):
        # Whatever a killed run left behind (temp files, a half-built generation) goes first.
        swept = store.sweep_leftovers(data) + cache.sweep_temp()
        swept += OcrPageCache(data.ocr_cache).sweep_temp()
        if swept:
            say(f"Removed {swept} leftover(s) of an interrupted run")
        live = store.current_generation(data)
        in_use, retag = _taxonomy_for_run(live, chosen, say)
        taxonomy = in_use.taxonomy
        rebuild = opts.rebuild or not store.live_is_current_schema(data) or retag
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
            why = " (schema changed)" if live and not retag else ""
            say(f"Building a new index in {target.name}" + why)
        else:
            target = live  # type: ignore[assignment]
        ix = store.open_generation(target)

        files, refused = discover(Path(p) for p in paths)
        report.files.extend(refused)
        catalogue = Catalogue()
        items: list[_Item] = []
        for path, root in files:
            try:
                st = path.stat()
            except OSError as exc:
                report.files.append(
                    FileOutcome(
                        display_path(path), MISSING, exc.strerror or str(exc), action="skipped"
                    )
                )
                continue
            load_catalogues(catalogue, path, root, on_error=catalogue_reporter(report))
            items.append(_Item(path, root, st.st_size, st.st_mtime_ns))
        _assign_ids(items, existing)
        report_row_errors(catalogue, [it.path for it in items], taxonomy.by_id, report)

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
                gone = not rec.file_path().exists()
                if gone and opts.prune and _under(str(rec.file_path()), roots):
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
                # the taxonomy switches with the generation that was tagged with it
                remember_taxonomy(target, in_use)
                store.activate(data, target)
            elif chosen is not None:
                remember_taxonomy(target, in_use)  # the same digest: a new source path
            report.committed = bool(changed)
        finally:
            if not committed:
                updater.cancel()
                if rebuild:
                    store.discard(target)
        report.rebuilt = rebuild
        report.taxonomy = in_use.to_dict()
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
                        display_path(it.path),
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
            display_path(it.path),
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
            root_shown, root_hex = stored_path(it.root)
            rec.metadata_source[CATALOGUE_ROOT] = root_shown
            if root_hex:
                rec.metadata_source[CATALOGUE_ROOT_HEX] = root_hex
            updater.upsert(rec, result["pages"])
            out.action = "updated" if it.known else "added"
        else:
            if it.known and result.get("keep_indexed"):
                out.reason += "; the version indexed before is kept"
            elif it.known:
                updater.delete(it.doc_id)  # the file changed into something unreadable
            out.action = "skipped"
        report.files.append(out)
        progress.advance(
            nbytes=it.size, pages=out.pages, ok=status in INDEXABLE, name=display_path(it.path.name)
        )

    max_bytes = opts.max_file_mb * _MB
    for it in todo:
        if it.size > max_bytes:  # before hashing: a huge file is not even read
            reason = (
                f"{it.size / _MB:,.1f} MB is over the --max-file-mb limit of {opts.max_file_mb}"
            )
            index_one(it, failure(TOO_LARGE, reason), extracted=False)
            continue
        if not it.sha:
            try:
                it.sha = sha256_file(it.path, max_bytes=max_bytes)
            except RefusedError as exc:
                # as when refused at discovery: an unreadable file may be readable again
                # tomorrow, a pipe may give way to the file; the indexed version stays
                keep = exc.status in (UNREADABLE, NOT_A_FILE)
                index_one(it, failure(exc.status, exc.reason, keep_indexed=keep), False)
                continue
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
    path = rec.file_path()
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
    for key in (CATALOGUE_ROOT, CATALOGUE_ROOT_HEX):
        if rec.metadata_source.get(key):
            new.metadata_source[key] = rec.metadata_source[key]
    updater.upsert(new, entry["pages"])
    return None


def rebuild(data_dir: Path | str, *, options: IngestOptions | None = None) -> IngestReport:
    """Recreate the index from the extraction cache, without extracting anything again."""
    opts = options or IngestOptions()
    opts.rebuild = True
    return ingest([], data_dir, options=opts)
