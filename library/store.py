"""Index generations on disk, switched atomically.

``var/CURRENT`` names the live index folder. Incremental ingests write into it with Whoosh's own
commit, which renames its table of contents into place, so readers see the old state or the new
one, never half. A schema change or ``reviewlib rebuild`` builds a whole new folder beside it and
only then swaps ``CURRENT`` with ``os.replace``.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import shutil
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

from whoosh import index as windex
from whoosh.filedb.filestore import FileStorage

from library.config import DataDir, data_dir_error
from library.errors import IndexLockedError, IndexMissingError
from library.schema import SCHEMA_VERSION, build_schema

VERSION_FILE = "SCHEMA_VERSION"

#: What a reader sees when the generation it resolved changes under it: a commit deleted segment
#: files (OSError), a rebuild deleted the whole folder (FileNotFoundError, IndexMissingError) or
#: only its table of contents so far (Whoosh's EmptyIndexError). Retry on the new ``CURRENT``.
GENERATION_GONE: tuple[type[Exception], ...] = (
    OSError,
    IndexMissingError,
    windex.EmptyIndexError,
)


def _write_atomic(path: Path, text: str) -> None:
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}-")
    with os.fdopen(fd, "w") as fh:
        fh.write(text)
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, path)


def current_generation(data: DataDir) -> Path | None:
    """The live index folder; None when there is none yet."""
    try:
        name = data.current_file.read_text().strip()
    except FileNotFoundError:
        return None
    except NotADirectoryError as exc:
        raise data_dir_error(data.root, "it is a file, not a folder") from exc
    except OSError as exc:
        why = f"cannot read {data.current_file}: {exc.strerror or exc}"
        raise data_dir_error(data.root, why) from exc
    path = data.root / name
    return path if name and path.is_dir() else None


def generation_version(gen: Path) -> int | None:
    try:
        return int((gen / VERSION_FILE).read_text().strip())
    except (OSError, ValueError):
        return None


def create_generation(data: DataDir) -> Path:
    """A new, empty index folder (not yet live)."""
    data.ensure()
    stamp = time.strftime("%Y%m%dT%H%M%S", time.gmtime())
    gen = Path(tempfile.mkdtemp(dir=data.root, prefix=f"index-v{SCHEMA_VERSION}-{stamp}-"))
    windex.create_in(str(gen), build_schema())
    (gen / VERSION_FILE).write_text(str(SCHEMA_VERSION))
    return gen


def activate(data: DataDir, gen: Path) -> None:
    """Make ``gen`` the live index, then remove older generations."""
    _write_atomic(data.current_file, gen.name)
    for old in data.root.glob("index-*"):
        if old.is_dir() and old != gen:
            shutil.rmtree(old, ignore_errors=True)


def discard(gen: Path) -> None:
    shutil.rmtree(gen, ignore_errors=True)


def sweep_leftovers(data: DataDir) -> int:
    """Remove what a killed ingest or rebuild left behind; call only under ``ingest_lock``.

    That is: generations that never went live (a rebuild killed before ``activate``), temp files
    of ``CURRENT`` and of reports, and in the live generation Whoosh's temp storages
    (``*.tmp``), temp tables of contents (``_MAIN_<n>.toc.<time>``) and temp files of the
    taxonomy record (``.taxonomy.*``, see library.taxonomy_choice). Segment files of an
    unfinished commit are removed by Whoosh itself at the next commit. Returns the count.
    """
    removed = 0
    live = current_generation(data)
    if not data.root.is_dir():
        return 0
    for entry in data.root.iterdir():
        if entry.name.startswith("index-") and entry.is_dir() and entry != live:
            shutil.rmtree(entry, ignore_errors=True)
            removed += 1
        elif entry.name.startswith(f".{data.current_file.name}-") and entry.is_file():
            entry.unlink(missing_ok=True)
            removed += 1
    if data.reports.is_dir():
        for entry in data.reports.glob(".report-*"):
            entry.unlink(missing_ok=True)
            removed += 1
    if live is not None:
        for entry in live.iterdir():
            if entry.is_dir() and entry.name.endswith(".tmp"):
                shutil.rmtree(entry, ignore_errors=True)
                removed += 1
            elif entry.is_file() and entry.name.startswith("_") and ".toc." in entry.name:
                entry.unlink(missing_ok=True)
                removed += 1
            elif entry.is_file() and entry.name.startswith(".taxonomy."):
                entry.unlink(missing_ok=True)  # half-written copy or record of the taxonomy
                removed += 1
    return removed


def open_index(data: DataDir, *, readonly: bool = True) -> windex.Index:
    gen = current_generation(data)
    if gen is None:
        raise IndexMissingError(f"no index in {data.root}")
    storage = FileStorage(str(gen), readonly=readonly)
    try:
        return storage.open_index()
    except windex.EmptyIndexError as exc:
        raise IndexMissingError(f"the index in {gen} is empty or damaged") from exc


def open_generation_readonly(gen: Path) -> windex.Index:
    """Open one generation for searching (raises IndexMissingError if it is gone or empty)."""
    if not gen.is_dir():
        raise IndexMissingError(f"the index folder {gen} is gone")
    try:
        return FileStorage(str(gen), readonly=True).open_index()
    except windex.EmptyIndexError as exc:
        raise IndexMissingError(f"the index in {gen} is empty or damaged") from exc


def open_generation(gen: Path) -> windex.Index:
    return FileStorage(str(gen)).open_index()


def live_is_current_schema(data: DataDir) -> bool:
    gen = current_generation(data)
    return gen is not None and generation_version(gen) == SCHEMA_VERSION


@contextlib.contextmanager
def ingest_lock(data: DataDir, *, wait: bool = False) -> Iterator[None]:
    """Only one ingest per data directory; the lock dies with its process (flock)."""
    data.ensure()
    try:
        fh = open(data.lock_file, "a+")  # noqa: SIM115 - held for the whole block
    except OSError as exc:
        why = f"cannot open its lock file {data.lock_file}: {exc.strerror or exc}"
        raise data_dir_error(data.root, why) from exc
    try:
        flags = fcntl.LOCK_EX | (0 if wait else fcntl.LOCK_NB)
        try:
            fcntl.flock(fh.fileno(), flags)
        except BlockingIOError as exc:
            fh.seek(0)
            holder = fh.read().strip()
            raise IndexLockedError(
                f"another ingest is running on {data.root}: its lock {data.lock_file} is held"
                + (f" by {holder}" if holder else "")
            ) from exc
        fh.seek(0)
        fh.truncate()
        fh.write(f"pid {os.getpid()} since {time.strftime('%H:%M:%S')}")
        fh.flush()
        yield
    finally:
        with contextlib.suppress(OSError):
            fcntl.flock(fh.fileno(), fcntl.LOCK_UN)
        fh.close()
