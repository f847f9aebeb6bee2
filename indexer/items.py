"""The files of one ingest, and the id of the document each becomes."""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass
from pathlib import Path

from library.models import DocumentRecord
from library.naming import slugify


@dataclass
class IngestItem:
    """One file of an ingest: where it is, what it is, and the document it becomes."""

    path: Path
    root: Path
    size: int
    mtime_ns: int
    doc_id: str = ""
    sha: str = ""
    known: bool = False  # the index already has a document for this path


def assign_ids(items: list[IngestItem], existing: dict[str, DocumentRecord]) -> None:
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
