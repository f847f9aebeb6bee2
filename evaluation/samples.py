"""The labelled sets written in the markup of ``corpus/samples/build.py``, rendered to PDFs.

One loader of the builder (a script, not a package) and one renderer for every set that is
written in its markup (themes, learning items, sections, case facts).
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

ROOT = Path(__file__).resolve().parents[1]
BUILD = ROOT / "corpus" / "samples" / "build.py"


def load_build() -> ModuleType:
    """corpus/samples/build.py as a module (it is a script, not a package)."""
    spec = importlib.util.spec_from_file_location("corpus_samples_build", BUILD)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while the class is built
    keep, sys.dont_write_bytecode = sys.dont_write_bytecode, True  # no __pycache__ in corpus/
    try:
        spec.loader.exec_module(module)
    finally:
        sys.dont_write_bytecode = keep
    return module


def render_sources(docs: Path, files: Path, names: list[str] | None = None) -> dict[str, Path]:
    """Render each ``docs/*.txt`` (or only ``names``) as a PDF in ``files``: {name: pdf}. A
    file whose bytes would not change is left alone, so a reused work folder is ingested
    incrementally."""
    build = load_build()
    files.mkdir(parents=True, exist_ok=True)
    out: dict[str, Path] = {}
    for path in sorted(docs.glob("*.txt")):
        if names and path.stem not in names:
            continue
        pdf = files / f"{path.stem}.pdf"
        data = build.render(build.parse_source(path))
        if not pdf.is_file() or pdf.read_bytes() != data:
            pdf.write_bytes(data)
        out[path.stem] = pdf
    return out


def render_and_ingest(docs: Path, work: Path, names: list[str] | None = None) -> dict[str, Path]:
    """Render the set into ``work/files`` and ingest it into ``work/var`` with the real
    pipeline: {name: pdf}. A reused work folder is rebuilt from its extraction cache (the
    code under test may have changed since, and nothing in a document's fingerprint says
    so); nothing is extracted again. A file that does not ingest as ``ok`` is an error."""
    from indexer.pipeline import IngestOptions, ingest

    written = render_sources(docs, work / "files", names)
    options = IngestOptions(progress=False, rebuild=(work / "var").exists())
    report = ingest([work / "files"], work / "var", options=options)
    failed = [f for f in report.files if f.status != "ok"]
    if failed:
        raise RuntimeError(f"ingest failed: {[(f.path, f.status, f.reason) for f in failed]}")
    return written
