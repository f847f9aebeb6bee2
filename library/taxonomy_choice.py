"""Which theme taxonomy a data directory uses: remembered with its index, the one place that
resolves it for every command and the site.

``reviewlib ingest --taxonomy FILE`` chooses a taxonomy; from then on every command (ingest,
rebuild, status --check, search, themes, serve) uses it, until another ``--taxonomy FILE`` or
``--taxonomy builtin`` replaces it. The choice lives inside the live index generation, beside
the index it tagged:

    index-<gen>/taxonomy.toml    a byte-for-byte copy of the chosen file
    index-<gen>/taxonomy.json    {"source": the file chosen, "digest", "chosen": when}

No record means the built-in taxonomy (``library/data/themes.toml``). Keeping the choice in the
generation makes it switch with the index: a new taxonomy re-tags every document, which the
ingest does as a rebuild into a new generation that holds the new copy, and ``CURRENT`` then
names both at once, so a reader never sees tags of one taxonomy with the themes of another.
The site reads only the copy, never the file outside the data directory. A source file edited
after it was chosen is not picked up silently: the copy stays in use, and ``reviewlib status``
and ``ingest`` say that the file has changed and how to use the new version.
"""

from __future__ import annotations

import json
import os
import tempfile
import time
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from library.config import DataDir
from library.errors import IndexMissingError, TaxonomyError
from library.paths import display_path, restored_path, stored_path
from library.store import current_generation
from library.taxonomy import DEFAULT_TAXONOMY, Taxonomy

#: what ``--taxonomy`` takes for the built-in taxonomy (``./builtin`` for a file of that name)
BUILTIN = "builtin"
COPY_NAME = "taxonomy.toml"
RECORD_NAME = "taxonomy.json"

_CHOOSE_AGAIN = (
    "Choose the taxonomy again: reviewlib ingest --taxonomy FILE (or --taxonomy builtin) PATHS."
)


@dataclass(frozen=True)
class TaxonomyInUse:
    """A taxonomy with where it came from."""

    taxonomy: Taxonomy
    builtin: bool
    source: str  # the file chosen, for display (the built-in file for the built-in one)
    source_hex: str = ""  # its exact bytes when ``source`` had to be escaped (library.paths)
    chosen: str = ""  # when it was chosen (UTC, ISO); "" for the built-in one

    @property
    def digest(self) -> str:
        return self.taxonomy.digest

    def source_state(self) -> str:
        """``unchanged``, ``changed`` or ``missing``: the chosen file now, against the copy in
        use (always ``unchanged`` for the built-in taxonomy, which ships with the code)."""
        if self.builtin:
            return "unchanged"
        try:
            raw = restored_path(self.source, self.source_hex).read_bytes()
        except OSError:
            return "missing"
        return "unchanged" if Taxonomy.digest_of(raw) == self.digest else "changed"

    def to_dict(self) -> dict[str, Any]:
        return {
            "builtin": self.builtin,
            "source": self.source,
            "digest": self.digest,
            "themes": len(self.taxonomy.themes),
            "chosen": self.chosen,
            "source_state": self.source_state(),
        }

    def describe(self) -> list[str]:
        """Lines for ``reviewlib status`` and the ingest log."""
        n = len(self.taxonomy.themes)
        if self.builtin:
            return [f"Taxonomy: built-in ({n} themes, digest {self.digest})"]
        lines = [
            f"Taxonomy: {self.source} ({n} themes, digest {self.digest}, chosen {self.chosen}; "
            "a copy is kept in the data directory)"
        ]
        state = self.source_state()
        if state == "changed":
            lines.append(
                "  That file has changed since it was chosen; the copy is still used. To use the "
                f"new version: reviewlib ingest --taxonomy {self.source} PATHS"
            )
        elif state == "missing":
            lines.append("  That file is gone; the copy in the data directory is used.")
        return lines


def builtin_taxonomy() -> TaxonomyInUse:
    """The taxonomy that ships with the code (loaded once per process while unchanged)."""
    taxonomy = _load_cached(str(DEFAULT_TAXONOMY), _signature(DEFAULT_TAXONOMY))
    return TaxonomyInUse(taxonomy, True, str(DEFAULT_TAXONOMY))


def choose_taxonomy(choice: str | os.PathLike[str]) -> TaxonomyInUse:
    """What ``--taxonomy`` names: ``builtin``, or a TOML file (loaded and checked now)."""
    if os.fspath(choice) == BUILTIN:
        return builtin_taxonomy()
    path = Path(os.path.abspath(choice))
    if not path.is_file():
        what = "is not a file" if path.exists() else "not found"
        raise TaxonomyError(
            f"theme taxonomy {what}: {display_path(path)}",
            hint=f"Give the path of a TOML file, or '{BUILTIN}' for the built-in taxonomy.",
        )
    shown, exact = stored_path(path)
    chosen = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
    return TaxonomyInUse(Taxonomy.load(path), False, shown, exact, chosen)


def generation_taxonomy(gen: Path | None) -> TaxonomyInUse:
    """The taxonomy an index generation was tagged with (built-in when it records none).

    Cached per generation and record, so the site can ask on every request for one ``stat``.
    IndexMissingError when the generation was removed (by a rebuild) while being read: the
    caller reads ``CURRENT`` again.
    """
    if gen is None:
        return builtin_taxonomy()
    sig = _signature(gen / RECORD_NAME)
    if sig is None:
        if not gen.is_dir():
            raise IndexMissingError(f"the index folder {gen} is gone")
        return builtin_taxonomy()
    return _generation_cached(str(gen), sig)


@lru_cache(maxsize=16)
def _generation_cached(gen: str, _sig: tuple[int, int, int]) -> TaxonomyInUse:
    record_path = Path(gen) / RECORD_NAME
    try:
        record = json.loads(record_path.read_text(encoding="utf-8"))
        copy = Path(gen) / str(record.get("copy") or COPY_NAME)
        taxonomy = Taxonomy.load(copy)
    except (FileNotFoundError, TaxonomyError) as exc:
        if not Path(gen).is_dir():
            raise IndexMissingError(f"the index folder {gen} is gone") from exc
        raise TaxonomyError(
            f"the copy of the chosen taxonomy cannot be used: {exc}", hint=_CHOOSE_AGAIN
        ) from exc
    except (OSError, ValueError, AttributeError) as exc:
        raise TaxonomyError(
            f"the taxonomy record {record_path} cannot be read: {exc}", hint=_CHOOSE_AGAIN
        ) from exc
    if taxonomy.digest != record.get("digest"):
        raise TaxonomyError(
            f"the taxonomy copy in {gen} does not match its record (edited by hand?)",
            hint=_CHOOSE_AGAIN,
        )
    return TaxonomyInUse(
        taxonomy,
        False,
        str(record.get("source", "")),
        str(record.get("source_hex", "")),
        str(record.get("chosen", "")),
    )


def data_taxonomy(data: DataDir) -> TaxonomyInUse:
    """The taxonomy of a data directory's live index (built-in when there is none yet).

    The site asks for every theme label it shows, so the answer is kept while ``CURRENT`` is
    the same file (one ``stat``): a different taxonomy always comes with a new generation,
    hence a new ``CURRENT``. (``reviewlib status`` reads the record afresh, with
    ``generation_taxonomy``.)
    """
    for _ in range(10):
        sig = _signature(data.current_file)
        try:
            if sig is None:
                return generation_taxonomy(current_generation(data))
            return _data_cached(data, sig)
        except IndexMissingError:
            continue  # a rebuild swapped the generation while it was read: read CURRENT again
    return generation_taxonomy(current_generation(data))


@lru_cache(maxsize=16)
def _data_cached(data: DataDir, _sig: tuple[int, int, int]) -> TaxonomyInUse:
    return generation_taxonomy(current_generation(data))


def remember_taxonomy(gen: Path, in_use: TaxonomyInUse) -> None:
    """Record ``in_use`` as the taxonomy of ``gen`` (call under the ingest lock).

    The copy is written before the record, each atomically, so a reader finds either the old
    record or the new one with its copy in place.
    """
    record_path = gen / RECORD_NAME
    if in_use.builtin:
        record_path.unlink(missing_ok=True)
        (gen / COPY_NAME).unlink(missing_ok=True)
        return
    # the bytes loaded, not the file now: the documents were tagged with these
    if in_use.taxonomy.source != gen / COPY_NAME:
        _write_atomic(gen / COPY_NAME, in_use.taxonomy.raw)
    record = {
        "source": in_use.source,
        "source_hex": in_use.source_hex,
        "digest": in_use.digest,
        "chosen": in_use.chosen,
        "copy": COPY_NAME,
    }
    _write_atomic(record_path, json.dumps(record, indent=2, ensure_ascii=False).encode("utf-8"))


def _write_atomic(path: Path, data: bytes) -> None:
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}-")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _signature(path: Path) -> tuple[int, int, int] | None:
    try:
        st = path.stat()
    except OSError:
        return None
    return (st.st_ino, st.st_size, st.st_mtime_ns)


@lru_cache(maxsize=4)
def _load_cached(path: str, _sig: tuple[int, int, int] | None) -> Taxonomy:
    return Taxonomy.load(Path(path))
