"""Extraction results keyed by the file's SHA-256, so unchanged content is never extracted twice.

Each entry is one gzip'd JSON file written to a temporary name and renamed into place: a
killed ingest leaves either the whole entry or none of it.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import os
import tempfile
from pathlib import Path
from typing import Any

from indexer.discover import RefusedError, open_regular_file
from indexer.extract import EXTRACTOR_VERSION, TIMEOUT, TOO_LARGE
from indexer.report import UNREADABLE


def sha256_file(path: Path, *, max_bytes: int | None = None, bufsize: int = 1 << 20) -> str:
    """The content hash of a regular file.

    Raises :class:`RefusedError` for anything else (never opened in a way that could block),
    for a file that cannot be read, and for one that turns out longer than ``max_bytes``
    (the size was checked before, but a file can grow, and some report a size of 0).
    """
    h = hashlib.sha256()
    total = 0
    with open_regular_file(path) as fh:
        try:
            while chunk := fh.read(bufsize):
                total += len(chunk)
                if max_bytes is not None and total > max_bytes:
                    raise RefusedError(
                        TOO_LARGE, f"more than {max_bytes:,} bytes were read: over the limit"
                    )
                h.update(chunk)
        except OSError as exc:
            raise RefusedError(UNREADABLE, f"reading failed: {exc.strerror or exc}") from exc
    return h.hexdigest()


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
            entry.get("status") == TIMEOUT
            and timeout is not None
            and timeout > float(entry.get("timeout") or 0)
        ):
            return None
        return entry

    def put(self, sha: str, result: dict[str, Any]) -> None:
        entry = dict(result, extractor=EXTRACTOR_VERSION, sha256=sha)
        path = self._path(sha)
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-", suffix=".json.gz")
        try:
            with os.fdopen(fd, "wb") as raw, gzip.GzipFile(fileobj=raw, mode="wb", mtime=0) as gz:
                gz.write(json.dumps(entry, ensure_ascii=False).encode("utf-8"))
            with open(tmp, "rb+") as fh:
                os.fsync(fh.fileno())
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise

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
