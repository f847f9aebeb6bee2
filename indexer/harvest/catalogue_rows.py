"""Catalogue rows for harvested files, merged into ``dest/catalogue.csv``.

One row per stored file (a duplicate only refreshes the notes of the row that owns the file).
Descriptive fields a person may have corrected by hand are never overwritten once filled.
"""

from __future__ import annotations

from pathlib import Path

from indexer.harvest.results import DocumentJob, HarvestReport, UrlStatus
from indexer.harvest.state import HarvestState
from library.catalogue import (
    CATALOGUE_NAME,
    METADATA_COLUMNS,
    CatalogueError,
    read_catalogue,
    upsert_rows,
)
from library.naming import DOCUMENT_KINDS, case_id

__all__ = ["LICENCE_UNKNOWN", "CatalogueRows"]

LICENCE_UNKNOWN = "Unknown - check publisher"
# catalogue fields a person may have corrected by hand: never overwritten once filled (the
# source URL is the harvester's own knowledge, refreshed on every run)
_DESCRIPTIVE = frozenset(METADATA_COLUMNS) - {"source_url"}


class CatalogueRows:
    """Rows waiting to be written to ``dest/catalogue.csv``, keyed by file path."""

    def __init__(self, dest: Path, state: HarvestState, report: HarvestReport) -> None:
        self.dest = dest
        self.state = state
        self.report = report
        self.rows: dict[str, dict[str, str]] = {}

    def record(self, job: DocumentJob, result: UrlStatus) -> None:
        """Add or refresh the row of the file ``result`` stored for ``job``."""
        rel = result.file or ""
        finfo = self.state.files.get(rel) or {}
        primary = finfo.get("url") == job.url
        notes = [f"Listed on {job.listing_url}."]
        uinfo = self.state.urls.get(finfo.get("url", job.url)) or {}
        final = uinfo.get("final_url")
        if final and final != finfo.get("url"):
            notes.append(f"Redirected to {final}.")
        if finfo.get("aliases"):
            notes.append("Also published at: " + ", ".join(finfo["aliases"]) + ".")
        if not primary:
            # a duplicate: only refresh the notes of the row that owns the file
            row = self.rows.setdefault(rel, {"file": rel})
            row["notes"] = " ".join(notes)
            return
        entry, kind = job.entry, job.doc.document_kind or "other"
        label = DOCUMENT_KINDS.get(kind, kind)
        self.rows[rel] = {
            "file": rel,
            "title": f"{entry.title}: {label}" if entry.title else label,
            "case": entry.case or "",
            "case_id": case_id(job.partnership, entry.case or entry.title),
            "partnership": job.partnership or "",
            "review_type": entry.review_type or "",
            "document_kind": kind,
            "date": entry.date or "",
            "source_url": job.url,
            "licence": LICENCE_UNKNOWN,
            "sha256": result.sha256 or finfo.get("sha256", ""),
            "notes": " ".join(notes),
        }

    def write(self) -> None:
        """Merge the pending rows into ``dest/catalogue.csv`` (hand-filled fields are kept)."""
        if not self.rows:
            return
        csv_path = self.dest / CATALOGUE_NAME
        try:
            existing = read_catalogue(csv_path) if csv_path.is_file() else {}
        except CatalogueError as exc:
            self.report.errors.append(f"{csv_path}: {exc.reason}; catalogue not updated")
            return
        rows = []
        for rel, row in self.rows.items():
            old = existing.get((self.dest / rel).resolve())
            if old is not None:
                row = {k: v for k, v in row.items() if k not in _DESCRIPTIVE or not old.get(k)}
            rows.append(row)
        upsert_rows(csv_path, rows)
        self.rows.clear()
