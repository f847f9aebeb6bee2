"""The catalogue lookup of a document already indexed, for rebuild and ``status --check``.

A catalogue.csv describes the files in its folder and below; ingest looks in the file's folder
and every parent up to the ingest root (``library.catalogue.Catalogue.load_for``, the one walk)
and records that root with the document, so that later lookups repeat the same walk.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterable
from pathlib import Path

from indexer.report import FileOutcome, IngestReport
from indexer.statuses import FileStatus
from library.catalogue import Catalogue, CatalogueError, catalogue_files
from library.models import DocumentRecord
from library.paths import display_path, restored_path

#: key in ``DocumentRecord.metadata_source``: the folder up to which ingest looked for
#: catalogue.csv files (the ingest root), so rebuild and ``status --check`` repeat the same lookup
CATALOGUE_ROOT = "catalogue_root"
#: the root's exact bytes (hex) when its name had to be escaped for display (library.paths)
CATALOGUE_ROOT_HEX = "catalogue_root_hex"


def catalogue_reporter(report: IngestReport) -> Callable[[CatalogueError], None]:
    """An ``on_error`` for ``Catalogue.load_for`` that records each unreadable catalogue once
    in the report (``bad-catalogue``, its rows ignored)."""

    def record(exc: CatalogueError) -> None:
        where = display_path(exc.path) if exc.path is not None else ""
        if not any(f.path == where for f in report.files):
            reason = f"its rows were ignored: {exc.reason}"[:300]
            report.files.append(
                FileOutcome(where, FileStatus.BAD_CATALOGUE, reason, action="skipped")
            )

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
    path = rec.file_path()
    root = rec.metadata_source.get(CATALOGUE_ROOT)
    if root:
        root_path = restored_path(root, rec.metadata_source.get(CATALOGUE_ROOT_HEX, ""))
        catalogue.load_for(path, root_path, on_error=on_error)
        return
    for candidate in catalogue_files(path, Path(path.anchor or "/")):
        if catalogue.row(path) is not None:
            break
        with contextlib.suppress(ValueError, OSError):
            catalogue.load(candidate)


def report_row_errors(
    catalogue: Catalogue, paths: Iterable[Path], known_themes: Iterable[str], report: IngestReport
) -> None:
    """Catalogue rows of the files being ingested whose theme corrections name an unknown
    theme id (or add and remove one id), or whose case facts are not in their vocabulary: one ``bad-catalogue`` entry per problem, naming the
    catalogue, the line and the file. The rest of the row is used and the ingest goes on."""
    known = set(known_themes)
    seen: set[str] = set()
    for path in paths:
        row = catalogue.row(path)
        if row is None:
            continue
        for error in [*row.theme_errors(known), *row.fact_errors()]:
            if error in seen:
                continue
            seen.add(error)
            where = display_path(row.source) if row.source else display_path(path)
            reason = f"{error}; ignored, the rest of the row was used"
            report.files.append(
                FileOutcome(where, FileStatus.BAD_CATALOGUE, reason[:400], action="partly used")
            )
