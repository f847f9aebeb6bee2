"""The package side of a .docx (a zip of XML parts), with the stdlib only: what the file is
(sniffed before unzipping), its parts found through their relationships, each parsed by expat
with DOCTYPE and entity declarations refused and the unpacked size capped, and the document
properties. indexer/extract_docx.py turns the main part into pages."""

from __future__ import annotations

import posixpath
import re
import zipfile
from typing import Any
from xml.parsers import expat

from indexer.extract import clean_text, failure
from indexer.statuses import FileStatus

#: the most a small part (relationships, document properties) may unpack to
MAX_SMALL_PART_BYTES = 1024 * 1024

_CHUNK = 64 * 1024
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ENCRYPTED_PACKAGE = "EncryptedPackage".encode("utf-16-le")
_OFFICE_DOCUMENT_REL = re.compile(r"/officeDocument$")


class Refused(Exception):
    """A part that must not be parsed (DOCTYPE / entity declarations)."""


class TooLarge(Exception):
    """A part that unpacks to more than its cap."""


# ----------------------------------------------------------------------------- reading


def find_part(zf: zipfile.ZipFile, name: str) -> zipfile.ZipInfo | None:
    """The member called ``name``; OPC part names are case-insensitive."""
    name = name.lstrip("/")
    try:
        return zf.getinfo(name)
    except KeyError:
        pass
    lowered = name.lower()
    for info in zf.infolist():
        if info.filename.lower() == lowered:
            return info
    return None


def parse_part(
    zf: zipfile.ZipFile, info: zipfile.ZipInfo, cap: int, handlers: dict[str, Any]
) -> None:
    """Stream one XML part through expat, at most ``cap`` unpacked bytes, refusing any DTD."""
    if info.file_size > cap:
        raise TooLarge(f"{info.filename} unpacks to {info.file_size:,} bytes (limit {cap:,})")
    parser = expat.ParserCreate(namespace_separator=" ")

    def refuse(*_args: Any) -> None:
        raise Refused(f"{info.filename} declares a DOCTYPE or entities (refused: XML bomb?)")

    parser.StartDoctypeDeclHandler = refuse
    parser.EntityDeclHandler = refuse
    parser.UnparsedEntityDeclHandler = refuse
    parser.ExternalEntityRefHandler = refuse
    parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
    parser.buffer_text = True
    for name, handler in handlers.items():
        setattr(parser, name, handler)
    total = 0
    with zf.open(info) as fh:
        while True:
            chunk = fh.read(_CHUNK)
            if not chunk:
                break
            total += len(chunk)
            if total > cap:  # the declared size lied: stop before reading more
                raise TooLarge(f"{info.filename} unpacks to more than {cap:,} bytes")
            parser.Parse(chunk, False)
    parser.Parse(b"", True)


def local_name(name: str) -> str:
    return name.rsplit(" ", 1)[-1]


def main_part(zf: zipfile.ZipFile) -> zipfile.ZipInfo | None:
    """The main document part named by ``_rels/.rels``, else ``word/document.xml``."""
    rels = find_part(zf, "_rels/.rels")
    targets: list[str] = []
    if rels is not None:

        def start(name: str, attrs: dict[str, str]) -> None:
            if local_name(name) == "Relationship" and _OFFICE_DOCUMENT_REL.search(
                attrs.get("Type", "")
            ):
                target = attrs.get("Target", "")
                if target and attrs.get("TargetMode") != "External":
                    targets.append(posixpath.normpath(target.lstrip("/")))

        parse_part(zf, rels, MAX_SMALL_PART_BYTES, {"StartElementHandler": start})
    for name in [*targets, "word/document.xml"]:
        info = find_part(zf, name)
        if info is not None:
            return info
    return None


def pdf_date(value: str) -> str:
    """W3C date-time ``2022-03-17T10:00:00Z`` in PDF form ``D:20220317100000Z``."""
    digits = re.match(r"\s*(\d{4})(?:-(\d\d)(?:-(\d\d)(?:T(\d\d):(\d\d)(?::(\d\d))?)?)?)?", value)
    if not digits:
        return ""
    return "D:" + "".join(p for p in digits.groups() if p) + ("Z" if value.endswith("Z") else "")


_CORE_KEYS = {
    "title": "title",
    "creator": "author",
    "subject": "subject",
    "keywords": "keywords",
    "created": "creationdate",
    "modified": "moddate",
}


def read_info(zf: zipfile.ZipFile, warnings: list[str]) -> dict[str, str]:
    """Document properties from ``docProps/core.xml``; a bad part only costs a warning."""
    part = find_part(zf, "docProps/core.xml")
    if part is None:
        return {}
    found: dict[str, list[str]] = {}
    stack: list[str] = []

    def start(name: str, _attrs: dict[str, str]) -> None:
        stack.append(local_name(name))

    def end(_name: str) -> None:
        stack.pop()

    def text(data: str) -> None:
        if len(stack) == 2 and stack[-1] in _CORE_KEYS:
            found.setdefault(stack[-1], []).append(data)

    try:
        parse_part(
            zf,
            part,
            MAX_SMALL_PART_BYTES,
            {"StartElementHandler": start, "EndElementHandler": end, "CharacterDataHandler": text},
        )
    except Exception as exc:  # metadata is a bonus: never fail a file over it
        warnings.append(f"document properties unreadable: {type(exc).__name__}: {exc}"[:300])
        return {}
    info: dict[str, str] = {}
    for key, parts in found.items():
        value = clean_text("".join(parts))
        if key in ("created", "modified"):
            value = pdf_date(value)
        if value:
            info[_CORE_KEYS[key]] = value[:500]
    return info


# ------------------------------------------------------------------------------- pages


#: tracked deletions and moves, and the fallback copy of text boxes (mc:Choice holds the same)


def sniff(head: bytes, path: str) -> dict[str, Any] | None:
    """A failure for files that are not zip archives at all, else None."""
    if head.startswith((b"PK\x03\x04", b"PK\x05\x06", b"PK\x07\x08")):
        return None
    if head.startswith(_OLE_MAGIC):
        if file_contains(path, _ENCRYPTED_PACKAGE):
            return failure(
                FileStatus.ENCRYPTED, "a password-protected Word document (encrypted package)"
            )
        return failure(
            FileStatus.NOT_A_DOCUMENT,
            "not a .docx file: it is a legacy Word .doc (or other OLE) file; "
            "save it as .docx or PDF",
        )
    sniff = head.lstrip()[:15].lower()
    if sniff.startswith((b"<!doctype", b"<html")):
        return failure(FileStatus.NOT_A_DOCUMENT, "not a .docx file: the file is an HTML page")
    if b"%PDF-" in head:
        return failure(
            FileStatus.NOT_A_DOCUMENT, "not a .docx file: the file is a PDF; rename it to .pdf"
        )
    if sniff.startswith(b"{\\rtf"):
        return failure(FileStatus.NOT_A_DOCUMENT, "not a .docx file: the file is RTF")
    return failure(FileStatus.CORRUPT, "not a readable .docx file: no zip archive header")


def file_contains(path: str, needle: bytes) -> bool:
    tail = b""
    with open(path, "rb") as fh:
        while chunk := fh.read(1 << 20):
            if needle in tail + chunk:
                return True
            tail = chunk[-len(needle) :]
    return False
