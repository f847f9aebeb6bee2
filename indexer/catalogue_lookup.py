"""Which catalogue.csv files describe a file: the same lookup for ingest, rebuild and
``status --check``.

A catalogue.csv describes the files in its folder and below; ingest looks in the file's folder
and every parent up to the ingest root, and records that root with the document so that later
lookups repeat the same walk.
"""

from __future__ import annotations

import contextlib
import csv
from collections.abc import Callable, Iterable
from pathlib import Path

from indexer.report import BAD_CATALOGUE, FileOutcome, IngestReport
from library.catalogue import CATALOGUE_NAME, Catalogue, CatalogueError
from library.models import DocumentRecord
from library.paths import display_path, restored_path

#: key in ``DocumentRecord.metadata_source``: the folder up to which ingest looked for
#: catalogue.csv files (the ingest root), so rebuild and ``status --check`` repeat the same lookup
CATALOGUE_ROOT = "catalogue_root"
#: the root's exact bytes (hex) when its name had to be escaped for display (library.paths)
CATALOGUE_ROOT_HEX = "catalogue_root_hex"


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


def catalogue_reporter(report: IngestReport) -> Callable[[CatalogueError], None]:
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
    path = rec.file_path()
    root = rec.metadata_source.get(CATALOGUE_ROOT)
    if root:
        root_path = restored_path(root, rec.metadata_source.get(CATALOGUE_ROOT_HEX, ""))
        load_catalogues(catalogue, path, root_path, on_error=on_error)
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


def report_row_errors(
    catalogue: Catalogue, paths: Iterable[Path], known_themes: Iterable[str], report: IngestReport
) -> None:
    """Catalogue rows of the files being ingested whose theme corrections name an unknown
    theme id (or add and remove one id): one ``bad-catalogue`` entry per problem, naming the
    catalogue, the line and the file. The rest of the row is used and the ingest goes on."""
    known = set(known_themes)
    seen: set[str] = set()
    for path in paths:
        row = catalogue.row(path)
        if row is None:
            continue
        for error in row.theme_errors(known):
            if error in seen:
                continue
            seen.add(error)
            where = display_path(row.source) if row.source else display_path(path)
            reason = f"{error}; ignored, the rest of the row was used"
            report.files.append(
                FileOutcome(where, BAD_CATALOGUE, reason[:400], action="partly used")
            )
