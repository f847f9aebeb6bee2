"""Finding the files an ingest reads, and refusing, with a reason, every entry it must not open.

Only regular files are read. A named pipe called ``x.pdf`` would block the first ``open()``
forever and a link to ``/dev/zero`` would never end, so every entry is classified with
``stat`` before anything opens it, and the one place that opens a file for the main process
(:func:`open_regular_file`) opens it non-blocking and checks again on the open descriptor, so
an entry swapped for a pipe in between cannot hang the run either.

Symbolic links: a link to a regular file is followed and the file is indexed under its real
path (so a file reached twice is one document); links to folders are not followed (a link to
a parent would loop), and are reported; looping and broken links are reported.
"""

from __future__ import annotations

import errno
import getpass
import os
import stat
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import BinaryIO

from indexer.report import MISSING, NOT_A_FILE, UNREADABLE, FileOutcome
from library.paths import display_path

#: file types ingest picks up in folders (indexer.pool extracts each by its suffix)
SUFFIXES = (".pdf", ".docx")


class RefusedError(Exception):
    """An entry the ingest will not read: its status and the reason for the report."""

    def __init__(self, status: str, reason: str) -> None:
        super().__init__(reason)
        self.status = status
        self.reason = reason


def _kind(mode: int) -> str:
    if stat.S_ISFIFO(mode):
        return "a named pipe (FIFO)"
    if stat.S_ISCHR(mode):
        return "a character device"
    if stat.S_ISBLK(mode):
        return "a block device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    if stat.S_ISDIR(mode):
        return "a folder"
    return "not a regular file"


def _link_target(path: Path) -> str:
    """Where a symbolic link points, as written in it ("?" when it cannot be read)."""
    try:
        return display_path(os.readlink(path))
    except OSError:
        return "?"


def _user() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return f"uid {os.getuid()}"


def refusal(path: Path, exc: OSError) -> RefusedError:
    """The status and reason for an entry that ``stat`` or ``open`` failed on."""
    code = exc.errno
    if code == errno.ELOOP:
        return RefusedError(NOT_A_FILE, "a symbolic link that loops back on itself")
    if code in (errno.ENOENT, errno.ENOTDIR):
        if path.is_symlink():
            return RefusedError(MISSING, f"a broken symbolic link to {_link_target(path)}")
        return RefusedError(MISSING, "no such file or folder")
    if code in (errno.EACCES, errno.EPERM):
        return RefusedError(UNREADABLE, f"permission denied: {_user()} may not read it")
    return RefusedError(UNREADABLE, f"cannot be read: {exc.strerror or exc}")


def check_regular(path: Path, mode: int) -> None:
    """Raise :class:`RefusedError` unless ``mode`` (of ``path``, links followed) is a regular
    file."""
    if not stat.S_ISREG(mode):
        note = f" (a symbolic link to {_link_target(path)})" if path.is_symlink() else ""
        raise RefusedError(NOT_A_FILE, f"{_kind(mode)}{note}: only regular files are read")


def open_regular_file(path: Path) -> BinaryIO:
    """Open ``path`` for reading if it is a regular file; :class:`RefusedError` otherwise.

    O_NONBLOCK: opening a pipe with no writer would otherwise wait for ever; it changes
    nothing for a regular file.
    """
    flags = os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_NOCTTY", 0) | getattr(os, "O_CLOEXEC", 0)
    try:
        fd = os.open(path, flags)
    except OSError as exc:
        raise refusal(path, exc) from exc
    try:
        check_regular(path, os.fstat(fd).st_mode)
    except BaseException:
        os.close(fd)
        raise
    return os.fdopen(fd, "rb")


def _outcome(path: Path, refused: RefusedError) -> FileOutcome:
    return FileOutcome(display_path(path), refused.status, refused.reason, action="skipped")


def discover(paths: Iterable[Path]) -> tuple[list[tuple[Path, Path]], list[FileOutcome]]:
    """(file, root) for every PDF and DOCX under the given files and folders, and an outcome
    for every entry refused (missing, not a regular file, unreadable).

    In folders, hidden files and Word's ``~$`` lock files are left out. The root of a file is
    the folder it was found under (for a file named on its own, or a link to a file outside
    that folder, the file's own folder): catalogue.csv files are looked for up to it.
    """
    found: dict[Path, Path] = {}
    refused: list[FileOutcome] = []

    def add(path: Path, root: Path | None) -> None:
        try:
            check_regular(path, path.stat().st_mode)
            real = path.resolve(strict=True)
        except OSError as exc:
            refused.append(_outcome(path, refusal(path, exc)))
            return
        except RuntimeError:  # Python < 3.13: a loop made between stat and resolve
            refused.append(_outcome(path, RefusedError(NOT_A_FILE, "a symbolic link loop")))
            return
        except RefusedError as exc:
            refused.append(_outcome(path, exc))
            return
        inside = root is not None and (real == root or root in real.parents)
        found.setdefault(real, root if inside and root is not None else real.parent)

    for raw in paths:
        p = Path(raw)
        try:
            is_dir = stat.S_ISDIR(p.stat().st_mode)
        except OSError as exc:
            refused.append(_outcome(p, refusal(p, exc)))
            continue
        if not is_dir:
            add(p, None)  # a file named on its own is read whatever its suffix
            continue
        root = p.resolve()
        for dirpath, dirnames, filenames in os.walk(root, onerror=_folder_error(refused)):
            here = Path(dirpath)
            kept = []
            for d in sorted(dirnames):
                if d.startswith("."):
                    continue
                if (here / d).is_symlink():
                    refused.append(
                        _outcome(
                            here / d,
                            RefusedError(
                                NOT_A_FILE,
                                "a symbolic link to a folder: not followed (it could loop); "
                                "ingest the folder itself",
                            ),
                        )
                    )
                    continue
                kept.append(d)
            dirnames[:] = kept
            for name in sorted(filenames):
                if name.lower().endswith(SUFFIXES) and not name.startswith((".", "~$")):
                    add(here / name, root)
    return sorted(found.items()), refused


def _folder_error(refused: list[FileOutcome]) -> Callable[[OSError], None]:
    """os.walk's ``onerror``: a folder that cannot be listed is reported, the walk goes on."""

    def record(exc: OSError) -> None:
        where = Path(exc.filename) if exc.filename else Path("?")
        why = refusal(where, exc)
        refused.append(
            FileOutcome(
                display_path(where),
                why.status,
                f"the folder could not be listed: {why.reason}",
                action="skipped",
            )
        )

    return record
