"""How a file ends in an ingest: every status, with what a user can do about it beside it.

The one home of the statuses (``reviewlib ingest`` prints them, the report stores them, the
extraction cache keeps them). Not to be confused with ``indexer/status.py``, the
``reviewlib status`` command. A :class:`FileStatus` is a ``str``: it compares equal to, hashes
like and is written to JSON as its value (``"too-large"``), so cache entries and reports read
back as plain strings still match.
"""

from __future__ import annotations

from enum import StrEnum


class FileStatus(StrEnum):
    """A file's status after an ingest, and ``advice``: what to do about it (none for ``ok``)."""

    advice: str

    def __new__(cls, value: str, advice: str = "") -> FileStatus:
        member = str.__new__(cls, value)
        member._value_ = value
        member.advice = advice
        return member

    # ---- extraction (indexer.extract, indexer.extract_docx, indexer.ocr, indexer.pool) ----
    OK = "ok"
    ENCRYPTED = (
        "encrypted",
        "ask the publisher for an unprotected copy, or remove the password and re-ingest",
    )
    CORRUPT = "corrupt", "re-download the file; if it opens in a viewer, save it again as PDF"
    NOT_A_PDF = "not-a-pdf", "the download is probably an error page: fetch the real PDF"
    #: a file named .docx that is something else (an error page, a PDF, a .doc)
    NOT_A_DOCUMENT = (
        "not-a-document",
        "the .docx is something else (an error page, a .doc): fetch the real file",
    )
    EMPTY = "empty", "the file has no content: re-download it"
    TIMEOUT = "timeout", "re-run with a longer --timeout, or repair the file (e.g. qpdf --qdf)"
    TOO_LARGE = "too-large", "raise --max-file-mb / --memory-mb, or split the file"
    #: every page under ``indexer.extract.MIN_PAGE_CHARS`` characters, even after OCR; with OCR
    #: off, the line saying how to turn it on (``IngestReport.ocr["note"]``) replaces the advice
    NO_TEXT_LAYER = (
        "no-text-layer",
        "no text even after OCR: pictures, blank pages or a scan too faint to read",
    )
    # ---- discovery (indexer.discover) ------------------------------------------------------
    #: a path given, or a link found, that leads to nothing
    MISSING = "missing", "check the path"
    #: not a regular file (pipe, device, socket, looping link, link to a folder): never
    #: opened, since reading it could block for ever or never end
    NOT_A_FILE = (
        "not-a-file",
        "only regular files are read (not pipes, devices, looping links or links to "
        "folders): point the ingest at the real file or folder",
    )
    #: a regular file (or folder) the ingest's user may not read, or that fails when read
    UNREADABLE = (
        "unreadable",
        "give the user running the ingest read access (e.g. chmod a+r), or copy the file "
        "somewhere it can read",
    )
    # ---- the catalogue (indexer.catalogue_lookup) ------------------------------------------
    #: a catalogue.csv that could not be read: its rows are ignored, the ingest goes on
    BAD_CATALOGUE = (
        "bad-catalogue",
        "fix the catalogue.csv (UTF-8, a 'file' column, paths inside its folder, "
        "theme ids as `reviewlib themes` lists them)",
    )


#: what an extraction (of a PDF or a .docx, in a worker) can end with
EXTRACTION_STATUSES: tuple[FileStatus, ...] = (
    FileStatus.OK,
    FileStatus.ENCRYPTED,
    FileStatus.CORRUPT,
    FileStatus.NOT_A_PDF,
    FileStatus.NOT_A_DOCUMENT,
    FileStatus.EMPTY,
    FileStatus.TIMEOUT,
    FileStatus.TOO_LARGE,
    FileStatus.NO_TEXT_LAYER,
)
#: the statuses whose file goes into the index
INDEXABLE: tuple[FileStatus, ...] = (FileStatus.OK,)
