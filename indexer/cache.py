"""Extraction results keyed by the file's SHA-256, so unchanged content is never extracted twice.

Each entry is one gzip'd JSON file written to a temporary name and renamed into place: a
killed ingest leaves either the whole entry or none of it.
"""

from __future__ import annotations

import gzip
import json
from pathlib import Path
from typing import Any

from indexer.extract import EXTRACTOR_VERSION
from indexer.statuses import FileStatus
from library.files import atomic_write


def ocr_stale(read_by: str, ocr_engine: str | None) -> bool:
    """Whether a result (or document) whose scanned pages were read by ``read_by`` ("" when it
    has none, ``indexer.extract.OCR_NOT_RUN`` when they were not read) is out of date for ``ocr_engine``."""
    return bool(ocr_engine) and read_by not in ("", ocr_engine)


class ExtractionCache:
    def __init__(self, root: Path) -> None:
        self.root = root

    def _path(self, sha: str) -> Path:
        return self.root / sha[:2] / f"{sha}.json.gz"

    def get(
        self, sha: str, *, timeout: float | None = None, ocr_engine: str | None = None
    ) -> dict[str, Any] | None:
        """The cached result, or None when missing, unreadable or from another extractor.

        A cached timeout counts only while the new limit is not longer than the one that failed.
        With OCR on (``ocr_engine``, see ``indexer.ocr.OcrSettings.engine``), a result whose
        scanned pages were not read, or were read by another engine, is stale: the file is
        extracted again and its pages come from the OCR page cache where they are in it. With
        OCR off, a result is used as it is, text read by OCR included.
        """
        path = self._path(sha)
        try:
            with gzip.open(path, "rt", encoding="utf-8") as fh:
                entry = json.load(fh)
        except (OSError, ValueError, EOFError):
            return None
        if entry.get("extractor") != EXTRACTOR_VERSION:
            return None
        if ocr_stale(entry.get("ocr_engine", ""), ocr_engine):
            return None
        if (
            entry.get("status") == FileStatus.TIMEOUT
            and timeout is not None
            and timeout > float(entry.get("timeout") or 0)
        ):
            return None
        return entry

    def put(self, sha: str, result: dict[str, Any]) -> None:
        entry = dict(result, extractor=EXTRACTOR_VERSION, sha256=sha)
        path = self._path(sha)
        path.parent.mkdir(parents=True, exist_ok=True)
        # its temp file is .tmp-* (sweep_temp); the folder is not fsync'd: an entry lost to a
        # crash is extracted again
        with (
            atomic_write(path, prefix=".tmp-", suffix=".json.gz", sync_dir=False) as raw,
            gzip.GzipFile(fileobj=raw, mode="wb", mtime=0) as gz,
        ):
            gz.write(json.dumps(entry, ensure_ascii=False).encode("utf-8"))

    def entry_path(self, sha: str) -> Path:
        """The file of ``sha``'s entry (it may not exist); its mtime: when it was cached."""
        return self._path(sha)

    def has(self, sha: str) -> bool:
        return self._path(sha).is_file()

    def shas(self) -> set[str]:
        if not self.root.is_dir():
            return set()
        # pathlib's glob matches dot files: skip the temp files of an unfinished put()
        return {
            p.name.split(".")[0]
            for p in self.root.glob("*/*.json.gz")
            if not p.name.startswith(".")
        }

    def sweep_temp(self) -> int:
        """Remove temp files of puts that a killed ingest never finished (call under the lock)."""
        removed = 0
        if self.root.is_dir():
            for p in self.root.glob("*/.tmp-*"):
                p.unlink(missing_ok=True)
                removed += 1
        return removed
