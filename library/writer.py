"""Write documents and their pages into a Whoosh index: one writer, one commit per ingest run."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from whoosh import index as windex
from whoosh.writing import LockError

from library.errors import IndexLockedError
from library.models import DocumentRecord
from library.schema import LEVEL_DOC, LEVEL_PAGE, WORDS_FIELD, word_count
from library.section_paths import page_sections


def doc_key(doc_id: str) -> str:
    return f"d:{doc_id}"


def page_key(doc_id: str, page: int) -> str:
    return f"p:{doc_id}:{page}"


def indexed_documents(ix: windex.Index) -> dict[str, DocumentRecord]:
    """Every document entry in the index, by id (stored fields only, no text)."""
    out: dict[str, DocumentRecord] = {}
    with ix.searcher() as s:
        for docnum in s.document_numbers(level=LEVEL_DOC):
            stored = s.stored_fields(docnum)
            try:
                rec = DocumentRecord.from_dict(json.loads(stored["meta"]))
            except (KeyError, ValueError, TypeError):
                continue
            out[rec.id] = rec
    return out


class IndexUpdater:
    """Batch upserts and deletes; nothing is visible to readers until ``commit``."""

    def __init__(self, ix: windex.Index, *, limitmb: int = 128, lock_timeout: float = 0.0) -> None:
        try:
            # compound=False: whoosh3 reads a compound segment by copying its parts out of the
            # mmap into memory, so every reader (each web worker, this writer's delete lookups)
            # would hold the whole postings file; separate files are read from the page cache.
            # limitmb bounds the posting pool (its real size is about 1.2x; 128 MB: ~5% slower
            # builds than 256 MB, 150 MB less memory).
            self._w = ix.writer(limitmb=limitmb, timeout=lock_timeout, compound=False)
        except LockError as exc:
            raise IndexLockedError("the index is being written by another process") from exc
        self.upserted = 0
        self.deleted = 0

    def delete(self, doc_id: str) -> None:
        self._w.delete_by_term("doc_id", doc_id)
        self.deleted += 1

    def upsert(self, rec: DocumentRecord, pages: Sequence[str]) -> None:
        # Pages of the old version go first: a shorter new version must not keep old pages.
        self._w.delete_by_term("doc_id", rec.id)
        record = rec.to_dict()
        items = record.pop("learning", None) or []
        meta = json.dumps(record, ensure_ascii=False)
        full_text = "\n\n".join(pages)
        # the pages are joined by blank lines, which no token crosses: a document's words are
        # the sum of its pages'
        words = [word_count(text) for text in pages]
        fields: dict[str, Any] = {
            "key": doc_key(rec.id),
            "level": LEVEL_DOC,
            "doc_id": rec.id,
            "title": rec.title,
            "case": rec.case,
            "content": full_text,
            "content_exact": full_text,
            "content_pairs": full_text,
            "path": rec.path,
            "meta": meta,
            "learning": json.dumps(items, ensure_ascii=False),
            "date": rec.date or "0000",
            WORDS_FIELD: sum(words),
        }
        for name, value in (
            ("case_id", rec.case_id),
            ("partnership", _facet_value(rec.partnership)),
            ("review_type", rec.review_type),
            ("document_kind", rec.document_kind),
            ("age_band", rec.age_band),
            ("outcome", rec.outcome),
            ("source", rec.source),
        ):
            if value:
                fields[name] = value
        if rec.themes:
            fields["theme"] = " ".join(rec.themes)
        if rec.themes_mentioned:
            fields["theme_mentioned"] = " ".join(rec.themes_mentioned)
        if rec.year:
            fields["year"] = rec.year
        sections = page_sections(pages, rec.running_lines)
        kinds = list(dict.fromkeys(k for s in sections for k in s.kinds))
        if kinds:
            fields["section"] = " ".join(kinds)
        self._w.add_document(**fields)
        for number, (text, where, size) in enumerate(
            zip(pages, sections, words, strict=True), start=1
        ):
            page: dict[str, Any] = {WORDS_FIELD: size}
            if where.kinds:
                page["section"] = " ".join(where.kinds)
            self._w.add_document(
                key=page_key(rec.id, number),
                level=LEVEL_PAGE,
                doc_id=rec.id,
                page=number,
                page_text=text,
                page_exact=text,
                sections=json.dumps(where.to_json(), ensure_ascii=False),
                **page,
            )
        self.upserted += 1

    def commit(self, *, optimize: bool = False) -> None:
        self._w.commit(optimize=optimize)

    def cancel(self) -> None:
        self._w.cancel()


def _facet_value(label: str) -> str:
    """Facet values are slugs ("West Sussex" -> "west-sussex"); labels live in ``meta``."""
    from library.naming import slugify

    return slugify(label) if label else ""
