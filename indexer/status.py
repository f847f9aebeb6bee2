"""``reviewlib status``: what the library holds, and drift between index, files, catalogue and cache.

:func:`library_status` returns data (:class:`LibraryStatus`); the CLI renders it as text or
prints ``to_dict()`` as JSON.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from indexer.cache import ExtractionCache
from indexer.catalogue_lookup import CATALOGUE_ROOT, load_catalogue_for
from indexer.discover import RefusedError, sha256_regular_file
from library import store
from library.catalogue import Catalogue, CatalogueError
from library.config import DataDir
from library.errors import IndexMissingError
from library.metadata import fingerprint
from library.models import DocumentRecord
from library.schema import SCHEMA_VERSION
from library.taxonomy import Taxonomy
from library.taxonomy_choice import TaxonomyInUse, generation_taxonomy
from library.writer import indexed_documents


@dataclass
class LibraryStatus:
    """The live index, its taxonomy, the last ingest, and (when checked) the problems found."""

    data_dir: str
    index: str  # the live generation's folder name
    schema_version: int | None
    documents: int
    pages: int
    cases: int
    cache_entries: int
    taxonomy: TaxonomyInUse
    checked: bool = False
    #: each ``{"doc", "problem", "detail"}``: file-missing, file-unreadable, file-changed,
    #: cache-missing, cache-unreadable, catalogue-error, stale-metadata, schema-old
    problems: list[dict[str, str]] = field(default_factory=list)
    #: started, seconds, statuses, actions of reports/latest.json (None: no readable report)
    last_ingest: dict[str, Any] | None = None

    @property
    def schema_current(self) -> bool:
        return self.schema_version == SCHEMA_VERSION

    def to_dict(self) -> dict[str, Any]:
        """What ``reviewlib status --json`` prints."""
        out: dict[str, Any] = {
            "data_dir": self.data_dir,
            "index": self.index,
            "schema_version": self.schema_version,
            "schema_current": self.schema_current,
            "documents": self.documents,
            "pages": self.pages,
            "cases": self.cases,
            "cache_entries": self.cache_entries,
            "taxonomy": self.taxonomy.to_dict(),
            "problems": self.problems,
        }
        if self.last_ingest is not None:
            out["last_ingest"] = self.last_ingest
        return out


def library_status(data_dir: Path, *, check: bool = False) -> LibraryStatus:
    """What the data directory's live index holds; with ``check``, the drift from the files,
    the catalogue and the cache (IndexMissingError when there is no index)."""
    data = DataDir(Path(data_dir))
    gen = store.current_generation(data)
    if gen is None:
        raise IndexMissingError(f"no index in {data.root}")
    docs = indexed_documents(store.open_generation_readonly(gen))  # the generation named above
    cache = ExtractionCache(data.cache)
    cached = cache.shas()
    status = LibraryStatus(
        data_dir=str(data.root),
        index=gen.name,
        schema_version=store.generation_version(gen),
        documents=len(docs),
        pages=sum(d.page_count for d in docs.values()),
        cases=len({d.case_id for d in docs.values() if d.case_id}),
        cache_entries=len(cached),
        taxonomy=generation_taxonomy(gen),  # the taxonomy the index was tagged with
        checked=check,
        last_ingest=_last_ingest(data),
    )
    if check:
        status.problems = _problems(docs, cache, cached, status.taxonomy.taxonomy)
        if not status.schema_current:
            status.problems.append(
                {"doc": "", "problem": "schema-old", "detail": "run reviewlib rebuild"}
            )
    return status


def _last_ingest(data: DataDir) -> dict[str, Any] | None:
    latest = data.reports / "latest.json"
    if not latest.is_file():
        return None
    try:
        rep = json.loads(latest.read_text())
    except ValueError:
        return None
    return {k: rep.get(k) for k in ("started", "seconds", "statuses", "actions")}


def _problems(
    docs: dict[str, DocumentRecord], cache: ExtractionCache, cached: set[str], taxonomy: Taxonomy
) -> list[dict[str, str]]:
    """Every document against its file, its cache entry and its catalogue row."""
    problems: list[dict[str, str]] = []
    catalogues: dict[str, Catalogue] = {}  # one per ingest root, as at ingest time
    for d in docs.values():
        found = _file_problem(d)
        if found is not None:
            problems.append(found)
            if found["problem"] == "file-missing":
                continue
        problems.extend(_cache_problems(d, cache, cached))
        # the same catalogue.csv lookup as the ingest that indexed the document
        catalogue = catalogues.setdefault(d.metadata_source.get(CATALOGUE_ROOT, ""), Catalogue())
        bad: list[CatalogueError] = []
        load_catalogue_for(catalogue, d, on_error=bad.append)
        for exc in bad:  # reported once: a catalogue is read once
            problems.append({"doc": d.id, "problem": "catalogue-error", "detail": str(exc)})
        if fingerprint(d.sha256, catalogue.row(d.file_path()), taxonomy) != d.fingerprint:
            problems.append(
                {
                    "doc": d.id,
                    "problem": "stale-metadata",
                    "detail": "catalogue or taxonomy changed",
                }
            )
    return problems


def _file_problem(d: DocumentRecord) -> dict[str, str] | None:
    """The document's file gone, unreadable or changed since it was indexed; None: as indexed."""
    p = d.file_path()
    if not p.exists():
        return {"doc": d.id, "problem": "file-missing", "detail": d.path}
    st = p.stat()
    if (st.st_size, st.st_mtime_ns) == (d.size, d.mtime_ns):
        return None
    try:
        changed = sha256_regular_file(p) != d.sha256
    except RefusedError as exc:  # never opened in a way that could block
        return {"doc": d.id, "problem": "file-unreadable", "detail": exc.reason}
    if changed:
        return {"doc": d.id, "problem": "file-changed", "detail": "re-ingest to update"}
    return None


def _cache_problems(
    d: DocumentRecord, cache: ExtractionCache, cached: set[str]
) -> list[dict[str, str]]:
    if d.sha256 not in cached:
        detail = f"{d.sha256}: reviewlib ingest restores it"
        return [{"doc": d.id, "problem": "cache-missing", "detail": detail}]
    if cache.get(d.sha256) is None:
        detail = f"{d.sha256}: damaged or from another extractor version"
        return [{"doc": d.id, "problem": "cache-unreadable", "detail": detail}]
    return []
