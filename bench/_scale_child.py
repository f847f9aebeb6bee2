"""Grow an index to N times the corpus by re-indexing the cached pages under new ids.

    python -m bench._scale_child --source D1 --target DN --base DB --factor N

The target starts as a copy of the live generation of ``--base`` (a data dir already holding
``B`` copies of the corpus); copies ``B+1..N`` are then added with ``library.writer.IndexUpdater``
in one writer and one commit, into a generation made by ``library.store.create_generation`` and
made live with ``activate``. Ids of copy ``k`` end in ``-x<k>``. So a 16x index is the 4x one plus
one more segment, the shape of a library grown by ingests. Prints its figures as JSON.
"""

from __future__ import annotations

import argparse
import json
import resource
import shutil
import time
from pathlib import Path


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--source", required=True, help="data dir of the 1x ingest (index + cache)")
    ap.add_argument("--base", required=True, help="data dir holding --base-factor copies")
    ap.add_argument("--base-factor", type=int, required=True)
    ap.add_argument("--target", required=True)
    ap.add_argument("--factor", type=int, required=True)
    args = ap.parse_args()

    from indexer.cache import ExtractionCache
    from library import store
    from library.config import DataDir
    from library.models import DocumentRecord
    from library.writer import IndexUpdater, indexed_documents

    source = DataDir(Path(args.source))
    base = DataDir(Path(args.base))
    target = DataDir(Path(args.target)).ensure()
    base_gen = store.current_generation(base)
    if base_gen is None:
        raise SystemExit(f"no index in {base.root}")

    originals = indexed_documents(store.open_index(source))
    cache = ExtractionCache(source.cache)
    pages_by_sha: dict[str, list[str]] = {}
    for rec in originals.values():
        entry = cache.get(rec.sha256)
        if entry and entry.get("pages"):
            pages_by_sha[rec.sha256] = entry["pages"]

    gen = store.create_generation(target)
    t = time.perf_counter()
    # start from the base index's segments (the index files are copied, not rebuilt)
    for item in base_gen.iterdir():
        if item.is_file() and item.name != store.VERSION_FILE and "LOCK" not in item.name:
            shutil.copy2(item, gen / item.name)
    copy_s = time.perf_counter() - t

    ix = store.open_generation(gen)
    t = time.perf_counter()
    cpu = time.process_time()
    updater = IndexUpdater(ix)
    added_pages = 0
    for k in range(args.base_factor + 1, args.factor + 1):
        for rec in originals.values():
            pages = pages_by_sha.get(rec.sha256)
            if not pages:
                continue
            data = rec.to_dict()
            data["id"] = f"{rec.id}-x{k}"
            updater.upsert(DocumentRecord.from_dict(data), pages)
            added_pages += len(pages)
    add_s = time.perf_counter() - t
    updater.commit()
    build_s = time.perf_counter() - t
    build_cpu = time.process_time() - cpu
    store.activate(target, gen)

    with store.open_index(target).searcher() as s:
        docs = s.doc_count()
    segments = len(store.open_index(target)._segments())
    print(
        json.dumps(
            {
                "factor": args.factor,
                "added_pages": added_pages,
                "copy_s": round(copy_s, 2),
                "add_s": round(add_s, 2),
                "build_s": round(build_s, 2),
                "build_cpu_s": round(build_cpu, 2),
                "pages_per_s": round(added_pages / build_s, 1) if build_s else None,
                "whoosh_docs": docs,
                "segments": segments,
                "maxrss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
            }
        )
    )


if __name__ == "__main__":
    main()
