"""Files on disk, the one way: written atomically, and hashed.

Every file the project writes for later (``CURRENT``, a cache entry, a report, a catalogue, the
taxonomy record, the harvester's state) goes through :func:`atomic_write`: the bytes go to a
temporary file beside the target, which is flushed and fsync'd, then renamed over the target,
so a reader, or the next run after a crash, finds the old file or the new one, never half of
one. The folder is fsync'd too unless the caller says a lost file costs nothing (a cache
entry is made again). On any failure the temporary file is removed and the target is left
as it was.
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any, BinaryIO

from library.errors import FileTooLargeError

#: bytes read at a time when hashing
HASH_CHUNK = 1 << 20


def fsync_dir(folder: Path) -> None:
    """Make a rename in ``folder`` durable (a file system that cannot fsync a folder is let be)."""
    try:
        fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError as exc:
        if exc.errno not in (errno.EINVAL, errno.ENOTSUP, errno.EBADF):
            raise
    finally:
        os.close(fd)


@contextlib.contextmanager
def atomic_write(
    path: Path,
    mode: str = "wb",
    *,
    encoding: str | None = None,
    errors: str | None = None,
    newline: str | None = None,
    prefix: str | None = None,
    suffix: str = "",
    permissions: int | None = None,
    sync_dir: bool = True,
) -> Iterator[IO[Any]]:
    """Yield a file open on a temporary file beside ``path``; on a clean exit it replaces
    ``path`` (flushed and fsync'd first; the folder fsync'd after when ``sync_dir``).

    ``prefix`` names the temporary file (default ``.<name>-``): the sweeps that remove what a
    killed run left behind look for it. ``permissions`` replaces mkstemp's 0600.
    """
    path = Path(path)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=prefix or f".{path.name}-", suffix=suffix)
    try:
        with os.fdopen(fd, mode, encoding=encoding, errors=errors, newline=newline) as fh:
            yield fh
            fh.flush()
            os.fsync(fh.fileno())
        if permissions is not None:
            os.chmod(tmp, permissions)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    if sync_dir:
        fsync_dir(path.parent)


def write_atomic(
    path: Path,
    data: bytes | str,
    *,
    encoding: str = "utf-8",
    errors: str = "strict",
    **options: Any,
) -> None:
    """Write ``data`` (text is encoded with ``encoding``) to ``path`` with :func:`atomic_write`."""
    if isinstance(data, str):
        data = data.encode(encoding, errors)
    with atomic_write(path, "wb", **options) as fh:
        fh.write(data)


def sha256_of(
    fh: BinaryIO, *, max_bytes: int | None = None, chunk: int = HASH_CHUNK, name: str = ""
) -> str:
    """The SHA-256 of what is left to read in ``fh``.

    Past ``max_bytes`` it stops with :class:`FileTooLargeError` (a file can grow after its
    size was checked, and some report a size of 0).
    """
    h = hashlib.sha256()
    total = 0
    while block := fh.read(chunk):
        total += len(block)
        if max_bytes is not None and total > max_bytes:
            raise FileTooLargeError(
                f"more than {max_bytes:,} bytes were read: over the limit", path=name
            )
        h.update(block)
    return h.hexdigest()


def sha256_file(path: Path, *, max_bytes: int | None = None) -> str:
    """The SHA-256 of a file's content, read in chunks (``indexer.discover.sha256_regular_file``
    is the ingest's version, which refuses pipes and devices first)."""
    with open(path, "rb") as fh:
        return sha256_of(fh, max_bytes=max_bytes, name=str(path))
