"""The catalogue: one CSV row of hand-checked metadata per document.

A ``catalogue.csv`` describes the files in its folder and below it (see docs/architecture.md).
"""

from __future__ import annotations

import csv
import os
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

CATALOGUE_NAME = "catalogue.csv"

COLUMNS: tuple[str, ...] = (
    "file",
    "title",
    "case",
    "case_id",
    "partnership",
    "review_type",
    "document_kind",
    "date",
    "source_url",
    "licence",
    "attribution",
    "themes_expected",
    "sha256",
    "notes",
)


class CatalogueError(ValueError):
    """A catalogue file that cannot be read (bad header, bad encoding)."""


@dataclass
class CatalogueRow:
    """One catalogue row; ``path`` is the absolute path of the file it describes."""

    path: Path
    fields: dict[str, str] = field(default_factory=dict)

    def get(self, name: str) -> str:
        return (self.fields.get(name) or "").strip()

    @property
    def themes_expected(self) -> list[str]:
        return [t.strip() for t in self.get("themes_expected").split(";") if t.strip()]


def read_catalogue(csv_path: Path) -> dict[Path, CatalogueRow]:
    """Read one catalogue; keys are resolved absolute file paths."""
    base = csv_path.parent.resolve()
    rows: dict[Path, CatalogueRow] = {}
    try:
        with csv_path.open(newline="", encoding="utf-8-sig") as fh:
            reader = csv.DictReader(fh)
            if not reader.fieldnames or "file" not in reader.fieldnames:
                raise CatalogueError(f"{csv_path}: the header row must have a 'file' column")
            for line_no, raw in enumerate(reader, start=2):
                rel = (raw.get("file") or "").strip()
                if not rel:
                    continue
                if os.path.isabs(rel) or ".." in Path(rel).parts:
                    raise CatalogueError(
                        f"{csv_path}:{line_no}: 'file' must be a path inside the catalogue's folder"
                    )
                path = (base / rel).resolve()
                clean = {k: (v or "").strip() for k, v in raw.items() if k}
                rows[path] = CatalogueRow(path=path, fields=clean)
    except UnicodeDecodeError as exc:
        raise CatalogueError(f"{csv_path}: not UTF-8 ({exc})") from exc
    return rows


class Catalogue:
    """All catalogue rows found for a set of files, looked up by absolute path."""

    def __init__(self) -> None:
        self._rows: dict[Path, CatalogueRow] = {}
        self._read: set[Path] = set()
        self.sources: list[Path] = []

    def load(self, csv_path: Path) -> None:
        csv_path = csv_path.resolve()
        if csv_path in self._read:
            return
        self._read.add(csv_path)
        self._rows.update(read_catalogue(csv_path))
        self.sources.append(csv_path)

    def load_for(self, file_path: Path, root: Path | None = None) -> None:
        """Load every catalogue.csv from the file's folder up to ``root`` (inclusive)."""
        file_path = file_path.resolve()
        stop = root.resolve() if root else None
        folder = file_path.parent
        while True:
            candidate = folder / CATALOGUE_NAME
            if candidate.is_file():
                self.load(candidate)
            if stop is None or folder == stop or folder == folder.parent:
                break
            folder = folder.parent

    def row(self, file_path: Path) -> CatalogueRow | None:
        return self._rows.get(file_path.resolve())

    def __len__(self) -> int:
        return len(self._rows)

    def rows(self) -> Iterable[CatalogueRow]:
        return self._rows.values()


def write_catalogue(csv_path: Path, rows: Iterable[dict[str, str]]) -> None:
    """Write rows atomically (temp file + rename), keeping unknown columns at the end."""
    rows = list(rows)
    extra = sorted({k for r in rows for k in r} - set(COLUMNS))
    header = list(COLUMNS) + extra
    csv_path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=csv_path.parent, prefix=".catalogue-", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", newline="", encoding="utf-8") as fh:
            writer = csv.DictWriter(fh, fieldnames=header, extrasaction="ignore")
            writer.writeheader()
            for r in rows:
                writer.writerow({k: r.get(k, "") for k in header})
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, 0o644)  # mkstemp makes it 0600; a catalogue is meant to be shared
        os.replace(tmp, csv_path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def upsert_rows(csv_path: Path, new_rows: Iterable[dict[str, str]]) -> None:
    """Add or replace rows (matched on ``file``) in a catalogue, creating it if needed."""
    existing: list[dict[str, str]] = []
    if csv_path.is_file():
        with csv_path.open(newline="", encoding="utf-8-sig") as fh:
            existing = [dict(r) for r in csv.DictReader(fh)]
    index = {r.get("file", ""): i for i, r in enumerate(existing)}
    for row in new_rows:
        key = row.get("file", "")
        if key in index:
            existing[index[key]].update(row)
        else:
            index[key] = len(existing)
            existing.append(dict(row))
    write_catalogue(csv_path, existing)
