"""``reviewlib status``: what the library holds, and drift between index, files, catalogue and cache."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from indexer.cache import ExtractionCache, sha256_file
from indexer.catalogue_lookup import CATALOGUE_ROOT, load_catalogue_for
from indexer.discover import RefusedError
from library import store
from library.catalogue import Catalogue, CatalogueError
from library.config import DataDir
from library.errors import IndexMissingError
from library.metadata import fingerprint
from library.schema import SCHEMA_VERSION
from library.taxonomy_choice import generation_taxonomy
from library.writer import indexed_documents


def library_status(data_dir: Path, *, check: bool = False) -> dict[str, Any]:
    data = DataDir(Path(data_dir))
    gen = store.current_generation(data)
    if gen is None:
        raise IndexMissingError(f"no index in {data.root}")
    docs = indexed_documents(store.open_generation_readonly(gen))  # the generation named above
    in_use = generation_taxonomy(gen)  # the taxonomy the index was tagged with
    cache = ExtractionCache(data.cache)
    cached = cache.shas()
    info: dict[str, Any] = {
        "data_dir": str(data.root),
        "index": gen.name,
        "schema_version": store.generation_version(gen),
        "schema_current": store.generation_version(gen) == SCHEMA_VERSION,
        "documents": len(docs),
        "pages": sum(d.page_count for d in docs.values()),
        "cases": len({d.case_id for d in docs.values() if d.case_id}),
        "cache_entries": len(cached),
        "taxonomy": in_use.to_dict(),
        "problems": [],
    }
    latest = data.reports / "latest.json"
    if latest.is_file():
        try:
            rep = json.loads(latest.read_text())
            info["last_ingest"] = {
                k: rep.get(k) for k in ("started", "seconds", "statuses", "actions")
            }
        except ValueError:
            pass
    problems: list[dict[str, str]] = info["problems"]
    if check:
        taxonomy = in_use.taxonomy
        catalogues: dict[str, Catalogue] = {}  # one per ingest root, as at ingest time
        for d in docs.values():
            p = d.file_path()
            if not p.exists():
                problems.append({"doc": d.id, "problem": "file-missing", "detail": d.path})
                continue
            st = p.stat()
            if (st.st_size, st.st_mtime_ns) != (d.size, d.mtime_ns):
                try:
                    changed = sha256_file(p) != d.sha256
                except RefusedError as exc:  # never opened in a way that could block
                    problems.append(
                        {"doc": d.id, "problem": "file-unreadable", "detail": exc.reason}
                    )
                    changed = False
                if changed:
                    problems.append(
                        {"doc": d.id, "problem": "file-changed", "detail": "re-ingest to update"}
                    )
            if d.sha256 not in cached:
                problems.append(
                    {
                        "doc": d.id,
                        "problem": "cache-missing",
                        "detail": f"{d.sha256}: reviewlib ingest restores it",
                    }
                )
            elif cache.get(d.sha256) is None:
                problems.append(
                    {
                        "doc": d.id,
                        "problem": "cache-unreadable",
                        "detail": f"{d.sha256}: damaged or from another extractor version",
                    }
                )
            # the same catalogue.csv lookup as the ingest that indexed the document
            catalogue = catalogues.setdefault(
                d.metadata_source.get(CATALOGUE_ROOT, ""), Catalogue()
            )
            bad: list[CatalogueError] = []
            load_catalogue_for(catalogue, d, on_error=bad.append)
            for exc in bad:  # reported once: a catalogue is read once
                problems.append({"doc": d.id, "problem": "catalogue-error", "detail": str(exc)})
            if fingerprint(d.sha256, catalogue.row(p), taxonomy) != d.fingerprint:
                problems.append(
                    {
                        "doc": d.id,
                        "problem": "stale-metadata",
                        "detail": "catalogue or taxonomy changed",
                    }
                )
        if not info["schema_current"]:
            problems.append({"doc": "", "problem": "schema-old", "detail": "run reviewlib rebuild"})
    lines = [
        f"Data directory: {info['data_dir']}",
        f"Index: {info['index']} (schema v{info['schema_version']}"
        + ("" if info["schema_current"] else f", code expects v{SCHEMA_VERSION}")
        + ")",
        f"Documents: {info['documents']}  pages: {info['pages']:,}  cases: {info['cases']}  "
        f"cache entries: {info['cache_entries']}",
        *in_use.describe(),
    ]
    if "last_ingest" in info:
        li = info["last_ingest"]
        lines.append(
            f"Last ingest: {li.get('started')} ({li.get('seconds')} s) {li.get('statuses')}"
        )
    if check:
        if problems:
            lines.append(f"{len(problems)} problem(s):")
            lines.extend(f"  {p['problem']:15} {p['doc']} {p['detail']}" for p in problems)
        else:
            lines.append("Check: index, files, catalogue and cache agree.")
    info["lines"] = lines
    return info
