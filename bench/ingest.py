"""Ingest: a cold ingest into a fresh data dir, a second ingest of the unchanged files, a rebuild
of the index from the extraction cache; index size; peak memory of the ingest's process tree."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from bench.common import dir_size, log, ratio, run_json_child


def _paths(files: list[Path], whole_corpus: bool) -> list[str]:
    # The whole corpus is ingested as its folder (as a user would); a subset file by file.
    return [str(files[0].parent)] if whole_corpus else [str(f) for f in files]


def run(files: list[Path], data_dir: Path, *, whole_corpus: bool, timeout: float) -> dict[str, Any]:
    from library.config import DataDir
    from library.store import current_generation

    paths = _paths(files, whole_corpus)
    out: dict[str, Any] = {"files": len(files), "data_dir": str(data_dir)}

    log(f"ingest: cold, every core, {len(files)} files into {data_dir}")
    cold, cold_mem = run_json_child(
        ["bench._ingest_child", "--data-dir", str(data_dir), *paths], timeout=timeout
    )
    out["cold"] = {**cold, "memory": cold_mem}
    out["cold"]["pages_per_s"] = round(cold["pages"] / cold["seconds"], 2)

    log("ingest: again, nothing changed")
    warm, warm_mem = run_json_child(
        ["bench._ingest_child", "--data-dir", str(data_dir), *paths], timeout=timeout
    )
    out["unchanged"] = {**warm, "memory": warm_mem}

    log("ingest: rebuild the index from the extraction cache")
    rebuilt, rebuild_mem = run_json_child(
        ["bench._ingest_child", "--data-dir", str(data_dir), "--rebuild"], timeout=timeout
    )
    out["rebuild"] = {**rebuilt, "memory": rebuild_mem}
    out["rebuild"]["pages_per_s"] = round(rebuilt["pages"] / max(rebuilt["seconds"], 1e-9), 1)

    gen = current_generation(DataDir(data_dir))
    out["index_bytes"] = dir_size(gen) if gen else None
    out["cache_bytes"] = dir_size(data_dir / "cache")
    out["pdf_bytes"] = sum(f.stat().st_size for f in files)
    out["ratios"] = {
        # the target: an unchanged re-ingest at least 50x faster than the cold one
        "cold_over_unchanged": ratio(cold["seconds"], warm["seconds"]),
        "cold_over_rebuild": ratio(cold["seconds"], rebuilt["seconds"]),
        "index_over_pdf_bytes": ratio(out["index_bytes"], out["pdf_bytes"]),
    }
    return out
