"""Run one ingest or rebuild in this process and print its figures as JSON (for memory sampling).

python -m bench._ingest_child --data-dir D [--workers N] [--rebuild] PATH...
"""

from __future__ import annotations

import argparse
import json
import resource
import time
from pathlib import Path


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--data-dir", required=True)
    ap.add_argument("--workers", type=int, default=None)
    ap.add_argument("--rebuild", action="store_true")
    ap.add_argument("paths", nargs="*")
    args = ap.parse_args()

    from indexer.pipeline import IngestOptions, ingest, rebuild

    opts = IngestOptions(workers=args.workers, progress=False)
    t = time.perf_counter()
    cpu = time.process_time()
    if args.rebuild:
        report = rebuild(Path(args.data_dir), options=opts)
    else:
        report = ingest([Path(p) for p in args.paths], Path(args.data_dir), options=opts)
    wall = time.perf_counter() - t
    d = report.to_dict()
    pages = sum(f.get("pages", 0) or 0 for f in d.get("files", []))
    if args.rebuild:  # a rebuild reports only what it could not carry over: count the index
        from library import store
        from library.config import DataDir
        from library.writer import indexed_documents

        docs = indexed_documents(store.open_index(DataDir(Path(args.data_dir))))
        pages = sum(rec.page_count for rec in docs.values())
    print(
        json.dumps(
            {
                "seconds": round(wall, 3),
                "main_cpu_s": round(time.process_time() - cpu, 2),
                "files": len(d.get("files", [])),
                "pages": pages,
                "actions": d.get("actions"),
                "statuses": d.get("statuses"),
                "documents_in_index": d.get("documents_in_index"),
                "files_extracted": d.get("files_extracted"),
                "maxrss_self_mb": round(
                    resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1
                ),
                "maxrss_children_mb": round(
                    resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024, 1
                ),
            }
        )
    )


if __name__ == "__main__":
    main()
