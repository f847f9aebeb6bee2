"""Ingest: find PDFs, extract what is new, tag themes, and update the index in one commit.

Unchanged files (same path, size and mtime, same catalogue row and taxonomy) cost a stat; changed
content is hashed and looked up in the extraction cache before any extraction; only content never
seen before goes to the worker processes.

One run is an :class:`IngestRun`: it holds what its steps share (data directory, options,
report, taxonomy, cache, catalogue, index updater, OCR job), and :meth:`IngestRun.run` calls
the steps in the order they happen.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from indexer.added import AddedStamps
from indexer.cache import ExtractionCache, ocr_stale
from indexer.catalogue_lookup import (
    CATALOGUE_ROOT,
    CATALOGUE_ROOT_HEX,
    catalogue_reporter,
    load_catalogue_for,
    report_row_errors,
)
from indexer.discover import RefusedError, discover, sha256_regular_file
from indexer.extract import failure
from indexer.items import IngestItem, assign_ids
from indexer.ocr import OcrJob, OcrPageCache, probe
from indexer.pool import Limits, run_extractions
from indexer.progress import Progress
from indexer.report import FileOutcome, IngestReport
from indexer.statuses import INDEXABLE, FileStatus
from library import layout, learning, settings, store
from library.catalogue import Catalogue
from library.config import DataDir
from library.errors import TaxonomyError
from library.metadata import build_record, fingerprint
from library.models import DocumentRecord
from library.paths import display_path, stored_path
from library.taxonomy import Taxonomy
from library.taxonomy_choice import (
    TaxonomyInUse,
    choose_taxonomy,
    generation_taxonomy,
    remember_taxonomy,
)
from library.writer import IndexUpdater, indexed_documents, page_key

__all__ = ["IngestOptions", "IngestRun", "discover", "ingest", "rebuild"]

_MB = 1024 * 1024


@dataclass(frozen=True)
class IngestOptions:
    """How one ingest runs; the limits' defaults are those of ``library.settings``."""

    workers: int | None = settings.default("INGEST_WORKERS")  # None: every core
    timeout: float = settings.default("TIMEOUT")
    memory_mb: int = settings.default("MEMORY_MB")
    max_file_mb: int = settings.default("MAX_FILE_MB")
    wait: bool = False  # wait for another ingest instead of refusing
    progress: bool = True
    prune: bool = True  # drop documents whose file is gone from an ingested folder
    #: a taxonomy file to use from now on, or "builtin"; None: the one the data dir remembers
    taxonomy_path: Path | str | None = None
    rebuild: bool = False  # rebuild the whole index into a new generation
    ocr: bool = settings.default("OCR")  # read scanned pages with Tesseract, when installed
    #: Tesseract languages ("eng+fra"); None: settings OCR_LANG, and OCR is quietly off where
    #: Tesseract is missing (languages asked for without it are an error)
    ocr_lang: str | None = None

    @property
    def limits(self) -> Limits:
        """What one extraction worker may take."""
        return Limits(
            timeout=self.timeout,
            memory_bytes=self.memory_mb * _MB,
            max_file_bytes=self.max_file_mb * _MB,
        )


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


class IngestRun:
    """One ingest or rebuild of a data directory, from its checks to its report.

    Made, it has checked what can be checked before anything is touched (the OCR languages, the
    data directory, a new taxonomy); :meth:`run` does the rest under the ingest lock.
    """

    # set by the steps of run(), in this order
    in_use: TaxonomyInUse  # the taxonomy this run tags with
    target: Path  # the generation written: the live one, or a new one for a rebuild
    updater: IndexUpdater  # the changes of this run, committed at once
    progress: Progress

    def __init__(
        self,
        paths: Sequence[Path | str],
        data_dir: Path | str,
        options: IngestOptions,
        log: Callable[[str], None] | None = None,
    ) -> None:
        self.opts = options
        self.paths = [Path(p) for p in paths]
        self.say: Callable[[str], None] = log or (lambda _msg: None)
        # First: an unknown --ocr-lang is refused before anything is touched.
        self.ocr_status = probe(options.ocr_lang, enabled=options.ocr)
        self.data = DataDir(Path(data_dir)).ensure_writable()
        self.report = IngestReport(
            paths=[display_path(p) for p in self.paths], data_dir=display_path(self.data.root)
        )
        self.report.ocr = {"enabled": self.ocr_status.enabled, "note": self.ocr_status.note}
        # a new choice is loaded and checked before anything else happens
        self.chosen = (
            choose_taxonomy(options.taxonomy_path) if options.taxonomy_path is not None else None
        )
        self.cache = ExtractionCache(self.data.cache)
        self.catalogue = Catalogue()
        self.items: list[IngestItem] = []
        self.existing: dict[str, DocumentRecord] = {}  # the live index's documents by id
        self.old_ix: Any = None  # the live index, read for pages a rebuild cannot find cached
        self.rebuild = False
        self.committed = False

    @property
    def taxonomy(self) -> Taxonomy:
        return self.in_use.taxonomy

    @property
    def ocr_engine(self) -> str | None:
        settings_ = self.ocr_status.settings
        return settings_.engine if settings_ else None

    # ---- the run, in order ----------------------------------------------------------------
    def run(self) -> IngestReport:
        """Bring the index up to date; returns the report (also written to disk)."""
        with store.ingest_lock(self.data, wait=self.opts.wait):
            self._sweep()
            self._choose_generation()
            ix = store.open_generation(self.target)
            self._discover()
            self.updater = IndexUpdater(ix)
            self.stamps = AddedStamps(self.existing, self.cache.entry_path)
            try:
                self._extract_and_index(self._plan())
                self._prune_and_carry_over()
                self._commit()
            finally:
                if not self.committed:
                    self.updater.cancel()
                    if self.rebuild:
                        store.discard(self.target)
            self._finish()
        return self.report

    def _sweep(self) -> None:
        """Whatever a killed run left behind (temp files, a half-built generation) goes first."""
        swept = store.sweep_leftovers(self.data) + self.cache.sweep_temp()
        swept += OcrPageCache(self.data.ocr_cache).sweep_temp()
        if swept:
            self.say(f"Removed {swept} leftover(s) of an interrupted run")

    def _choose_generation(self) -> None:
        """The taxonomy, the documents indexed so far, and the generation to write: the live
        one, or a new one for a rebuild (asked for, a new schema or another taxonomy)."""
        live = store.current_generation(self.data)
        self.in_use, retag = _taxonomy_for_run(live, self.chosen, self.say)
        self.rebuild = self.opts.rebuild or not store.live_is_current_schema(self.data) or retag
        if live is not None:
            try:
                self.old_ix = store.open_generation(live)
                self.existing = indexed_documents(self.old_ix)
            except Exception:  # an unreadable old index is rebuilt from the cache
                self.existing, self.rebuild, self.old_ix = {}, True, None
        if self.rebuild:
            self.target = store.create_generation(self.data)
            why = " (schema changed)" if live and not retag else ""
            self.say(f"Building a new index in {self.target.name}" + why)
        else:
            assert live is not None
            self.target = live

    def _discover(self) -> None:
        """The files under the paths, their catalogue rows and their document ids."""
        files, refused = discover(self.paths)
        self.report.files.extend(refused)
        on_error = catalogue_reporter(self.report)
        for path, root in files:
            try:
                st = path.stat()
            except OSError as exc:
                why = exc.strerror or str(exc)
                self.report.files.append(
                    FileOutcome(display_path(path), FileStatus.MISSING, why, action="skipped")
                )
                continue
            self.catalogue.load_for(path, root, on_error=on_error)
            self.items.append(IngestItem(path, root, st.st_size, st.st_mtime_ns))
        assign_ids(self.items, self.existing)
        report_row_errors(
            self.catalogue, [it.path for it in self.items], self.taxonomy.by_id, self.report
        )

    def _plan(self) -> list[IngestItem]:
        """Settle unchanged files at once; return the ones that need the cache or an extraction.

        A document whose scanned pages OCR has not read (or another OCR engine read) is not
        unchanged while OCR is on: it goes back through the cache and, if need be, extraction.
        """
        todo: list[IngestItem] = []
        for it in self.items:
            old = self.existing.get(it.doc_id)
            it.known = old is not None
            if old and old.size == it.size and old.mtime_ns == it.mtime_ns:
                it.sha = old.sha256  # same size and mtime: trust the stored hash, skip reading
                if self._unchanged(it, old):
                    continue
            todo.append(it)
        return todo

    def _unchanged(self, it: IngestItem, old: DocumentRecord) -> bool:
        """Report ``it`` as unchanged if it is (same fingerprint and OCR engine, entry cached)."""
        same = old.fingerprint == fingerprint(it.sha, self.catalogue.row(it.path), self.taxonomy)
        same = same and not ocr_stale(old.ocr_engine, self.ocr_engine)
        # a lost cache entry is restored by extracting again (rebuilds need it)
        if self.rebuild or not same or not self.cache.has(it.sha):
            return False
        self.report.files.append(
            FileOutcome(
                display_path(it.path),
                FileStatus.OK,
                action="unchanged",
                doc_id=it.doc_id,
                pages=old.page_count,
                ocr_pages=list(old.ocr_pages),
                no_text_pages=list(old.no_text_pages),
            )
        )
        return True

    def _extract_and_index(self, todo: list[IngestItem]) -> None:
        """Index what the cache has; extract the rest in the workers and index it as it comes."""
        self.progress = Progress(len(todo), sum(it.size for it in todo), enabled=self.opts.progress)
        pending = [it for it in todo if not self._from_cache(it)]
        self._extract(pending)
        self.progress.finish()

    def _from_cache(self, it: IngestItem) -> bool:
        """Index ``it`` without a worker if it can be (refused, or its content cached)."""
        max_bytes = self.opts.max_file_mb * _MB
        if it.size > max_bytes:  # before hashing: a huge file is not even read
            mb = f"{it.size / _MB:,.1f} MB"
            reason = f"{mb} is over the --max-file-mb limit of {self.opts.max_file_mb}"
            self._index_one(it, failure(FileStatus.TOO_LARGE, reason), extracted=False)
            return True
        if not it.sha:
            try:
                it.sha = sha256_regular_file(it.path, max_bytes=max_bytes)
            except RefusedError as exc:
                # as when refused at discovery: an unreadable file may be readable again
                # tomorrow, a pipe may give way to the file; the indexed version stays
                keep = exc.status in (FileStatus.UNREADABLE, FileStatus.NOT_A_FILE)
                self._index_one(it, failure(exc.status, exc.reason, keep_indexed=keep), False)
                return True
        cached = self.cache.get(it.sha, timeout=self.opts.timeout, ocr_engine=self.ocr_engine)
        if cached is None:
            return False
        self._index_one(it, cached, extracted=False)
        return True

    def _extract(self, pending: list[IngestItem]) -> None:
        """Extract each content once in the worker processes, biggest files first (so the last
        worker is not left alone with a long file), caching every result."""
        pending.sort(key=lambda it: -it.size)
        by_sha: dict[str, list[IngestItem]] = {}
        tasks: list[tuple[str, str]] = []
        for it in pending:
            if it.sha not in by_sha:  # the same content under two names is extracted once
                tasks.append((it.sha, str(it.path)))
            by_sha.setdefault(it.sha, []).append(it)
        settings_ = self.ocr_status.settings
        ocr = (
            OcrJob(settings_, str(self.data.ocr_cache), page_timeout=2 * self.opts.timeout)
            if settings_
            else None
        )
        results = run_extractions(
            tasks, workers=self.opts.workers, limits=self.opts.limits, ocr=ocr
        )
        for sha, result in results:
            self.cache.put(sha, result)  # failures too: a timeout is retried only when longer
            for it in by_sha[sha]:
                self._index_one(it, result, extracted=True)

    def _index_one(self, it: IngestItem, result: dict[str, Any], extracted: bool) -> None:
        """Put one file's outcome in the index (or take it out) and in the report."""
        out = FileOutcome.from_result(display_path(it.path), it.doc_id, result, extracted)
        if out.status in INDEXABLE:
            self._upsert(self._record(it, result), result["pages"])
            out.action = "updated" if it.known else "added"
        else:
            if it.known and result.get("keep_indexed"):
                out.reason += "; the version indexed before is kept"
            elif it.known:
                self.updater.delete(it.doc_id)  # the file changed into something unreadable
            out.action = "skipped"
        self.report.files.append(out)
        ok = out.status in INDEXABLE
        name = display_path(it.path.name)
        self.progress.advance(nbytes=it.size, pages=out.pages, ok=ok, name=name)

    def _record(self, it: IngestItem, result: dict[str, Any]) -> DocumentRecord:
        rec = build_record(
            doc_id=it.doc_id,
            path=it.path,
            sha256=it.sha,
            size=it.size,
            mtime_ns=it.mtime_ns,
            extraction=result,
            row=self.catalogue.row(it.path),
            taxonomy=self.taxonomy,
        )
        root_shown, root_hex = stored_path(it.root)
        rec.metadata_source[CATALOGUE_ROOT] = root_shown
        if root_hex:
            rec.metadata_source[CATALOGUE_ROOT_HEX] = root_hex
        return rec

    def _prune_and_carry_over(self) -> None:
        """Documents this run did not see: dropped when their file is gone from a folder it
        ingested; re-added from the cache when the run builds a new generation."""
        seen_ids = {it.doc_id for it in self.items}
        roots = [p.resolve() for p in self.paths if p.exists()]
        for rec in self.existing.values():
            if rec.id in seen_ids:
                continue
            gone = not rec.file_path().exists()
            if gone and self.opts.prune and _under(str(rec.file_path()), roots):
                if not self.rebuild:
                    self.updater.delete(rec.id)
                self.report.removed.append(rec.path)
            elif self.rebuild:
                out = self._carry_over(rec)
                if out is not None:
                    self.report.files.append(out)

    def _carry_over(self, rec: DocumentRecord) -> FileOutcome | None:
        """Re-add a document that this run did not touch into a rebuilt index, from the cache.

        Without a usable cache entry the document keeps its old record and the page texts stored
        in the old index, so a rebuild never silently drops a document; None when all went
        normally.
        """
        entry = self.cache.get(rec.sha256)
        if entry is None or entry.get("status") not in INDEXABLE:
            return self._carry_over_old_pages(rec)
        path = rec.file_path()
        load_catalogue_for(self.catalogue, rec, on_error=lambda exc: None)  # reported by ingest
        new = build_record(
            doc_id=rec.id,
            path=path,
            sha256=rec.sha256,
            size=rec.size,
            mtime_ns=rec.mtime_ns,
            extraction=entry,
            row=self.catalogue.row(path),
            taxonomy=self.taxonomy,
        )
        for key in (CATALOGUE_ROOT, CATALOGUE_ROOT_HEX):
            if rec.metadata_source.get(key):
                new.metadata_source[key] = rec.metadata_source[key]
        self._upsert(new, entry["pages"])
        return None

    def _carry_over_old_pages(self, rec: DocumentRecord) -> FileOutcome:
        pages = _old_pages(self.old_ix, rec)
        if pages is None:
            return FileOutcome(
                rec.path,
                FileStatus.MISSING,
                "dropped by the rebuild: no cached extraction and no pages in the old index; "
                "re-ingest the file",
                action="removed",
                doc_id=rec.id,
            )
        # the record read back from ``meta`` has no learning items (stored apart): read again
        clean = layout.strip_pages(pages, rec.running_lines)
        rec.learning = learning.document_items(clean, rec.document_kind, self.taxonomy)
        self._upsert(rec, pages)
        return FileOutcome(
            rec.path,
            FileStatus.OK,
            action="unchanged",
            doc_id=rec.id,
            pages=len(pages),
            warnings=["no cached extraction: pages copied from the previous index"],
        )

    def _upsert(self, rec: DocumentRecord, pages: list[str]) -> None:
        """Write one document, with when it first entered the library (indexer/added.py)."""
        self.updater.upsert(self.stamps.stamp(rec), pages)

    def _commit(self) -> None:
        """Commit what changed (a rebuild always), then make a new generation live."""
        changed = bool(self.updater.upserted or self.updater.deleted or self.rebuild)
        if changed:
            self.say("Committing the index…")
            self.updater.commit()
        else:
            self.updater.cancel()
        self.committed = True
        if self.rebuild:
            # the taxonomy switches with the generation that was tagged with it
            remember_taxonomy(self.target, self.in_use)
            store.activate(self.data, self.target)
        elif self.chosen is not None:
            remember_taxonomy(self.target, self.in_use)  # the same digest: a new source path
        self.report.committed = changed

    def _finish(self) -> None:
        report = self.report
        report.rebuilt = self.rebuild
        report.taxonomy = self.in_use.to_dict()
        report.documents_in_index = len(indexed_documents(store.open_index(self.data)))
        report.finished = time.time()
        # Still under the lock: the next ingest's sweep removes temp report files it finds,
        # and must not find this one half-written.
        report.write(self.data.reports)


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


def ingest(
    paths: Sequence[Path | str],
    data_dir: Path | str,
    *,
    options: IngestOptions | None = None,
    log: Callable[[str], None] | None = None,
) -> IngestReport:
    """Bring the index up to date with the PDFs under ``paths``; returns the report (also on disk)."""
    return IngestRun(paths, data_dir, options or IngestOptions(), log).run()


def rebuild(data_dir: Path | str, *, options: IngestOptions | None = None) -> IngestReport:
    """Recreate the index from the extraction cache, without extracting anything again."""
    return ingest([], data_dir, options=replace(options or IngestOptions(), rebuild=True))
