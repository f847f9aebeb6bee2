"""``python -m bench.tagging --data DIR``: theme tagging time on cached page texts, this tree's
tagger beside the tagger of another commit, in the same run.

Tagging runs for every document at every ingest, rebuild and taxonomy edit, so it must stay
cheap. DIR is a data directory whose extraction cache holds the pages (for instance after
``reviewlib --data-dir DIR ingest ../shared/bench-corpus``, or ``python -m bench --work DIR
--keep``). The reference is ``library/taxonomy.py`` and ``library/data/themes.toml`` as they
were at ``--against`` (default: the commit before the evidence-weighted tagger), loaded from
git into a temporary module: the same pages, the same process, alternating rounds.

    python -m bench.tagging --data /tmp/bench-var              # every cached document
    python -m bench.tagging --data /tmp/bench-var --files 60 --rounds 3
"""

from __future__ import annotations

import argparse
import gzip
import importlib.util
import json
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from bench.common import REPO
from library import layout
from library.taxonomy import Taxonomy

#: the last commit with the flat-count tagger ("3 mentions anywhere")
FLAT_COUNT = "90398e6"


def cached_pages(data: Path, limit: int | None = None) -> list[list[str]]:
    """The page texts of every successful extraction in ``data``'s cache, in a fixed order."""
    out: list[list[str]] = []
    for entry in sorted((data / "cache").rglob("*.json.gz")):
        result = json.loads(gzip.decompress(entry.read_bytes()))
        if result.get("status") == "ok" and result.get("pages"):
            out.append(result["pages"])
    if not out:
        raise SystemExit(f"no cached extractions under {data / 'cache'}: ingest a corpus first")
    if limit and limit < len(out):
        step = len(out) / limit
        out = [out[int(i * step)] for i in range(limit)]
    return out


def reference_tagger(rev: str) -> Callable[[list[str]], Any]:
    """The tagger at ``rev``: its taxonomy module and data, from git."""
    tmp = Path(tempfile.mkdtemp(prefix="bench-tagging-"))
    for src, dest in (
        ("library/taxonomy.py", "ref_taxonomy.py"),
        ("library/data/themes.toml", "themes.toml"),
    ):
        text = subprocess.run(
            ["git", "show", f"{rev}:{src}"], cwd=REPO, capture_output=True, check=True
        ).stdout
        (tmp / dest).write_bytes(text)
    spec = importlib.util.spec_from_file_location("ref_taxonomy", tmp / "ref_taxonomy.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    taxonomy = module.Taxonomy.load(tmp / "themes.toml")
    return taxonomy.tag


def current_tagger() -> Callable[[list[str]], Any]:
    """This tree's tagging as ingest runs it: running lines found and stripped, then tagged."""
    taxonomy = Taxonomy.load()

    def run(pages: list[str]) -> Any:
        running = layout.find_running_lines(pages)
        return taxonomy.tag([layout.strip_running(p, running) for p in pages])

    return run


def timed(tag: Callable[[list[str]], Any], docs: Sequence[list[str]]) -> float:
    start = time.perf_counter()
    for pages in docs:
        tag(pages)
    return time.perf_counter() - start


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m bench.tagging", description=__doc__.split("\n")[0])
    ap.add_argument("--data", type=Path, required=True, help="data directory with a cache")
    ap.add_argument("--against", default=FLAT_COUNT, help="the reference commit")
    ap.add_argument("--files", type=int, default=None, help="an even spread of N documents")
    ap.add_argument("--rounds", type=int, default=3, help="alternating rounds; best is kept")
    args = ap.parse_args(argv)
    docs = cached_pages(args.data, args.files)
    pages = sum(len(d) for d in docs)
    ref, cur = reference_tagger(args.against), current_tagger()
    best_ref = best_cur = float("inf")
    for _ in range(args.rounds):  # alternate, so a burst of load hits both
        best_ref = min(best_ref, timed(ref, docs))
        best_cur = min(best_cur, timed(cur, docs))
    result = {
        "documents": len(docs),
        "pages": pages,
        "reference": args.against,
        "reference_s": round(best_ref, 2),
        "current_s": round(best_cur, 2),
        "reference_ms_per_page": round(1000 * best_ref / pages, 2),
        "current_ms_per_page": round(1000 * best_cur / pages, 2),
        "ratio": round(best_cur / best_ref, 2),
    }
    print(json.dumps(result, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
