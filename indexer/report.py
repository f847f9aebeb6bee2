"""The ingest report: every file with its status and reason, as JSON and as a terminal summary."""

from __future__ import annotations

import json
import os
import tempfile
import time
from collections import Counter
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

# What to do about each failed status: shown in the summary.
ADVICE = {
    "encrypted": "ask the publisher for an unprotected copy, or remove the password and re-ingest",
    "corrupt": "re-download the file; if it opens in a viewer, save it again as PDF",
    "not-a-pdf": "the download is probably an error page: fetch the real PDF",
    "not-a-document": "the .docx is something else (an error page, a .doc): fetch the real file",
    "empty": "the file has no content: re-download it",
    "timeout": "re-run with a longer --timeout, or repair the file (e.g. qpdf --qdf)",
    "too-large": "raise --max-file-mb / --memory-mb, or split the file",
    # with OCR off, the line saying how to turn it on (IngestReport.ocr["note"]) replaces this
    "no-text-layer": "no text even after OCR: pictures, blank pages or a scan too faint to read",
    "missing": "check the path",
    "bad-catalogue": "fix the catalogue.csv (UTF-8, a 'file' column, paths inside its folder, "
    "theme ids as `reviewlib themes` lists them)",
    "not-a-file": "only regular files are read (not pipes, devices, looping links or links to "
    "folders): point the ingest at the real file or folder",
    "unreadable": "give the user running the ingest read access (e.g. chmod a+r), or copy the "
    "file somewhere it can read",
}
#: status of a catalogue.csv that could not be read (its rows are ignored, the ingest goes on)
BAD_CATALOGUE = "bad-catalogue"
#: a path given, or a link found, that leads to nothing
MISSING = "missing"
#: an entry that is not a regular file (pipe, device, socket, looping link, link to a folder):
#: never opened, since reading it could block for ever or never end
NOT_A_FILE = "not-a-file"
#: a regular file (or folder) the ingest's user may not read, or that fails when read
UNREADABLE = "unreadable"


@dataclass
class FileOutcome:
    path: str
    #: ok | encrypted | corrupt | not-a-pdf | not-a-document | empty | timeout | too-large |
    #: no-text-layer | missing | not-a-file | unreadable | bad-catalogue
    status: str
    reason: str = ""
    action: str = ""  # added | updated | unchanged | removed | skipped
    doc_id: str = ""
    pages: int = 0
    extracted: bool = False  # False when the cache or the index already had it
    seconds: float = 0.0
    ocr_pages: list[int] = field(default_factory=list)  # pages whose text was read by OCR
    no_text_pages: list[int] = field(default_factory=list)  # pages left without text
    ocr_run: int = 0  # pages Tesseract read during this ingest (0: from a cache, or none)
    warnings: list[str] = field(default_factory=list)


@dataclass
class IngestReport:
    paths: list[str]
    data_dir: str
    started: float = field(default_factory=time.time)
    finished: float = 0.0
    files: list[FileOutcome] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    rebuilt: bool = False
    committed: bool = False
    documents_in_index: int = 0
    report_path: str = ""
    #: the theme taxonomy the run tagged with (library.taxonomy_choice.TaxonomyInUse.to_dict)
    taxonomy: dict[str, Any] = field(default_factory=dict)
    ocr: dict[str, Any] = field(default_factory=dict)  # enabled, note (set by the ingest)

    @property
    def seconds(self) -> float:
        return round((self.finished or time.time()) - self.started, 2)

    def counts(self) -> dict[str, int]:
        return dict(Counter(f.status for f in self.files))

    def actions(self) -> dict[str, int]:
        c = Counter(f.action for f in self.files if f.action)
        if self.removed:
            c["removed"] = len(self.removed)
        return dict(c)

    @property
    def failed(self) -> list[FileOutcome]:
        return [f for f in self.files if f.status != "ok"]

    @property
    def extracted(self) -> int:
        return sum(1 for f in self.files if f.extracted)

    @property
    def pages(self) -> int:
        return sum(f.pages for f in self.files if f.status == "ok")

    def ocr_counts(self) -> dict[str, Any]:
        """OCR figures of this run: pages read by OCR in the files ingested, how many of them
        Tesseract read now (the others came from a cache), and files with such pages."""
        ok = [f for f in self.files if f.status == "ok"]
        return {
            **self.ocr,
            "pages_read_by_ocr": sum(len(f.ocr_pages) for f in ok),
            "pages_ocr_run": sum(f.ocr_run for f in self.files),
            "files_with_ocr_pages": sum(1 for f in ok if f.ocr_pages),
        }

    def to_dict(self) -> dict[str, Any]:
        return {
            "paths": self.paths,
            "data_dir": self.data_dir,
            "started": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(self.started)),
            "seconds": self.seconds,
            "files_total": len(self.files),
            "files_extracted": self.extracted,
            "pages_indexed": self.pages,
            "statuses": self.counts(),
            "actions": self.actions(),
            "removed": self.removed,
            "rebuilt": self.rebuilt,
            "committed": self.committed,
            "documents_in_index": self.documents_in_index,
            "taxonomy": self.taxonomy,
            "ocr": self.ocr_counts(),
            "files": [asdict(f) for f in self.files],
        }

    def write(self, reports_dir: Path) -> Path:
        reports_dir.mkdir(parents=True, exist_ok=True)
        stamp = time.strftime("%Y%m%dT%H%M%SZ", time.gmtime(self.started))
        path = reports_dir / f"ingest-{stamp}-{os.getpid()}.json"
        self.report_path = str(path)
        text = json.dumps(self.to_dict(), indent=2, ensure_ascii=False)
        for target in (path, reports_dir / "latest.json"):
            fd, tmp = tempfile.mkstemp(dir=reports_dir, prefix=".report-")
            # paths are stored displayable (library.paths); should a lone surrogate still slip
            # into a reason, it is written as the JSON escape it stands for, not a crash
            with os.fdopen(fd, "w", encoding="utf-8", errors="backslashreplace") as fh:
                fh.write(text)
            os.replace(tmp, target)
        return path

    def summary(self) -> str:
        lines = []
        acts = self.actions()
        act_text = ", ".join(f"{n} {a}" for a, n in sorted(acts.items())) or "nothing changed"
        lines.append(
            f"Ingested {len(self.files)} files in {self.seconds:.1f} s: {act_text}. "
            f"{self.extracted} extracted, {len(self.files) - self.extracted} from cache or unchanged; "
            f"{self.pages:,} pages; {self.documents_in_index} documents in the index."
        )
        counts = self.counts()
        lines.append("Status: " + ", ".join(f"{s} {n}" for s, n in sorted(counts.items())))
        failed = self.failed
        if failed:
            lines.append(f"{len(failed)} file(s) not indexed:")
            for f in failed[:25]:
                lines.append(f"  {f.status:14} {f.path}: {f.reason}")
            if len(failed) > 25:
                lines.append(f"  … and {len(failed) - 25} more (see the report)")
            for status in sorted({f.status for f in failed}):
                if status == "no-text-layer" and not self.ocr.get("enabled", True):
                    continue  # the OCR line below says how to read them
                if status in ADVICE:
                    lines.append(f"  {status}: {ADVICE[status]}")
        if self.taxonomy and not self.taxonomy.get("builtin"):
            lines.append(f"Themes from the taxonomy {self.taxonomy.get('source')}.")
        oc = self.ocr_counts()
        if oc["pages_read_by_ocr"] or oc["pages_ocr_run"]:
            n = oc["pages_read_by_ocr"]
            lines.append(
                f"OCR: {n:,} page{'s' if n != 1 else ''} of {oc['files_with_ocr_pages']} "
                f"indexed file(s) read by OCR; Tesseract read {oc['pages_ocr_run']:,} page(s) "
                "in this run (the others came from the cache)."
            )
        partial = [f for f in self.files if f.status == "ok" and f.no_text_pages]
        if partial:
            lines.append(f"{len(partial)} indexed file(s) have pages without text.")
        if self.ocr and not self.ocr.get("enabled"):
            lines.append(str(self.ocr.get("note", "")))  # once per ingest: how to turn it on
        if self.report_path:
            lines.append(f"Report: {self.report_path}")
        return "\n".join(lines)
