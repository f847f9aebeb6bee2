"""The catalogue: one CSV row of hand-checked metadata per document.

A ``catalogue.csv`` describes the files in its folder and below it (see docs/architecture.md).
"""

from __future__ import annotations

import csv
import os
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from library.errors import CatalogueError
from library.files import atomic_write

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
    "themes_add",
    "themes_remove",
    "age_band",
    "outcome",
    "source",  # published | sample (library.source); empty: inferred at ingest
    "sha256",
    "notes",
)
#: the columns that describe a document, ``title`` to ``attribution``: a catalogue value wins
#: over an inferred one (library.metadata); the harvester never overwrites one a person filled in
METADATA_COLUMNS: tuple[str, ...] = COLUMNS[
    COLUMNS.index("title") : COLUMNS.index("attribution") + 1
]

__all__ = ["CATALOGUE_NAME", "COLUMNS", "METADATA_COLUMNS", "Catalogue", "CatalogueError"]


@dataclass
class CatalogueRow:
    """One catalogue row; ``path`` is the absolute path of the file it describes, ``source``
    the catalogue.csv it comes from and ``line`` its line there (for error messages)."""

    path: Path
    fields: dict[str, str] = field(default_factory=dict)
    source: Path | None = None
    line: int = 0

    def get(self, name: str) -> str:
        return (self.fields.get(name) or "").strip()

    def ids(self, name: str) -> list[str]:
        """A ``;``-separated column as a list of ids (blanks dropped, order kept)."""
        return list(dict.fromkeys(t.strip() for t in self.get(name).split(";") if t.strip()))

    @property
    def themes_expected(self) -> list[str]:
        return self.ids("themes_expected")

    @property
    def themes_add(self) -> list[str]:
        """Theme ids a curator adds (tagged central, whatever the text says)."""
        return self.ids("themes_add")

    @property
    def themes_remove(self) -> list[str]:
        """Theme ids a curator removes (neither central nor mentioned)."""
        return self.ids("themes_remove")

    def fact_errors(self) -> list[str]:
        """What is wrong with the row's case facts (``age_band``, ``outcome``) and ``source``: a
        value not in the vocabulary. Each message names the row's line and file."""
        from library.case_facts import CATALOGUE_FACTS

        errors: list[str] = []
        for column, vocabulary in CATALOGUE_FACTS.items():
            value = self.get(column)
            if value and value.lower() not in vocabulary:
                errors.append(
                    f"{self.where}: unknown {column} {value!r} (one of: {', '.join(vocabulary)})"
                )
        source = self.get("source")
        if source:
            from library.source import check_source

            try:
                check_source(source)
            except ValueError as exc:
                errors.append(f"{self.where}: {exc}")
        return errors

    @property
    def where(self) -> str:
        """``line 4 (file "a.pdf")``: where the row is in its catalogue, for messages."""
        return f'line {self.line} (file "{self.get("file")}")'

    def theme_errors(self, known: Iterable[str]) -> list[str]:
        """What is wrong with the row's theme corrections: unknown ids, or an id both added
        and removed. Each message names the row's line and file."""
        ids = set(known)
        errors: list[str] = []
        for column in ("themes_add", "themes_remove"):
            unknown = [t for t in self.ids(column) if t not in ids]
            if unknown:
                listed = ", ".join(repr(t) for t in unknown)
                errors.append(f"{self.where}: unknown theme id {listed} in {column}")
        both = sorted(set(self.themes_add) & set(self.themes_remove))
        if both:
            errors.append(
                f"{self.where}: theme id {', '.join(repr(t) for t in both)} "
                "is in both themes_add and themes_remove"
            )
        return errors


def read_catalogue(csv_path: Path) -> dict[Path, CatalogueRow]:
    """Read one catalogue; keys are resolved absolute file paths."""
    base = csv_path.parent.resolve()
    rows: dict[Path, CatalogueRow] = {}
    try:
        with csv_path.open(newline="", encoding="utf-8-sig") as fh:
            reader = csv.DictReader(fh)
            if not reader.fieldnames or "file" not in reader.fieldnames:
                raise CatalogueError(csv_path, "the header row must have a 'file' column")
            for raw in reader:
                line_no = reader.line_num
                rel = (raw.get("file") or "").strip()
                if not rel:
                    continue
                if os.path.isabs(rel) or ".." in Path(rel).parts:
                    raise CatalogueError(
                        csv_path,
                        "'file' must be a path inside the catalogue's folder",
                        line=line_no,
                    )
                path = (base / rel).resolve()
                clean = {k: (v or "").strip() for k, v in raw.items() if k and isinstance(v, str)}
                rows[path] = CatalogueRow(path=path, fields=clean, source=csv_path, line=line_no)
    except UnicodeDecodeError as exc:
        raise CatalogueError(csv_path, f"not UTF-8 ({exc})") from exc
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

    def load_for(
        self,
        file_path: Path,
        root: Path | None = None,
        *,
        on_error: Callable[[CatalogueError], None] | None = None,
    ) -> None:
        """Load every catalogue.csv from the file's folder up to ``root`` (inclusive).

        With ``on_error``, a catalogue that cannot be read goes to it (as a CatalogueError
        naming the file) and the others are still read, so one bad file cannot stop an ingest.
        """
        for candidate in catalogue_files(file_path, root):
            try:
                self.load(candidate)
            except (CatalogueError, csv.Error, OSError) as exc:
                if on_error is None:
                    raise
                if not isinstance(exc, CatalogueError):
                    reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else exc
                    exc = CatalogueError(candidate, str(reason))
                on_error(exc)

    def row(self, file_path: Path) -> CatalogueRow | None:
        return self._rows.get(file_path.resolve())

    def __len__(self) -> int:
        return len(self._rows)

    def rows(self) -> Iterable[CatalogueRow]:
        return self._rows.values()


def catalogue_files(file_path: Path, root: Path | None = None) -> Iterator[Path]:
    """The catalogue.csv files that may describe ``file_path``, nearest first: in its folder,
    then in each parent up to ``root`` (inclusive; None: its own folder only)."""
    folder = Path(file_path).resolve().parent
    stop = root.resolve() if root else None
    while True:
        candidate = folder / CATALOGUE_NAME
        if candidate.is_file():
            yield candidate
        if stop is None or folder == stop or folder == folder.parent:
            return
        folder = folder.parent


def write_catalogue(csv_path: Path, rows: Iterable[dict[str, str]]) -> None:
    """Write rows atomically (temp file + rename), keeping unknown columns at the end."""
    rows = list(rows)
    extra = sorted({k for r in rows for k in r} - set(COLUMNS))
    header = list(COLUMNS) + extra
    csv_path.parent.mkdir(parents=True, exist_ok=True)
    # a catalogue is meant to be shared: 0644, not mkstemp's 0600
    with atomic_write(
        csv_path,
        "w",
        encoding="utf-8",
        newline="",
        prefix=".catalogue-",
        suffix=".tmp",
        permissions=0o644,
    ) as fh:
        writer = csv.DictWriter(fh, fieldnames=header, extrasaction="ignore")
        writer.writeheader()
        for r in rows:
            writer.writerow({k: r.get(k, "") for k in header})


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
