"""``python -m evaluation learning``: are a review's findings, recommendations, questions,
learning points, good practice and action rows found, each with its kind, number and page?

The labelled set (``docs/*.txt``, fictional documents in the markup of
``corpus/samples/build.py``, truth in ``docs/*.truth.toml``) is rendered into real PDFs and
ingested by the real pipeline into a fresh index with no catalogue (pdfminer extraction in
worker processes, running headers stripped, metadata, learning items stored at ingest); each
document's items are read back from the index (``library.learning_query``) and matched to
the truth on (kind, number, page), as multisets. The expected page is where the truth's
``starts`` quote occurs in the indexed page texts (NFKC, whitespace collapsed; see
README.md). Precision and recall per kind and overall, for the ``dev`` part (the extractor
was tuned on it), the ``heldout`` part (never tuned on) and the whole set; every miss and
extra item is listed.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from evaluation import metrics
from evaluation.command import SetCommand
from evaluation.learning import score
from evaluation.samples import render_and_ingest

DOCS = score.DOCS


def extract_set(work: Path) -> dict[str, dict[str, Any]]:
    """Render the set into ``work/files``, ingest it into ``work/var`` and return, for each
    document, its indexed page texts and its stored items: {name: {"pages", "items"}}."""
    from library.learning_query import items_of
    from library.search import Library

    written = render_and_ingest(DOCS, work)
    by_path = {p.resolve(): name for name, p in written.items()}
    out: dict[str, dict[str, Any]] = {}
    with Library(work / "var").searcher() as s:
        for rec in s.documents().values():
            name = by_path.get(Path(rec.path).resolve()) or by_path.get(
                (work / "files" / Path(rec.path).name).resolve()
            )
            if name is None:
                continue
            pages = [s.page_text(rec.id, n) for n in range(1, rec.page_count + 1)]
            items = [it.to_dict() for _, it in items_of(s, rec.id)]
            out[name] = {"pages": pages, "items": items, "document_kind": rec.document_kind}
    return out


def evaluate(work: Path) -> tuple[score.Figures, list[score.DocScore]]:
    truth = score.load_truth()
    got = extract_set(work)
    missing = sorted(set(truth) - set(got))
    if missing:
        raise RuntimeError(f"no document read back for {missing}")
    scores = [score.score_document(t, got[n]["pages"], got[n]["items"]) for n, t in truth.items()]
    return score.figures(scores), scores


def _cell(s: metrics.ClassScore, what: str) -> str:
    if what == "p":
        return metrics.percent(s.precision) if s.tp + s.fp else "-"
    return metrics.percent(s.recall) if s.tp + s.fn else "-"


def report(figures: score.Figures, scores: list[score.DocScore], parts: tuple[str, ...]) -> str:
    d = figures.documents
    out = [
        f"Learning items on the labelled set: {d['all']} documents ({d['dev']} dev, "
        f"{d['heldout']} heldout), matched on (kind, number, page).",
        "",
    ]
    heads = ["kind"]
    for p in parts:
        heads += [f"{p} P", f"{p} R", f"{p} items"]
    rows = []
    for kind in score.KINDS:
        row: list[Any] = [kind]
        for p in parts:
            s = figures.per_kind[p][kind]
            row += [_cell(s, "p"), _cell(s, "r"), s.tp + s.fn]
        rows.append(row)
    row = ["overall"]
    for p in parts:
        s = figures.overall[p]
        row += [_cell(s, "p"), _cell(s, "r"), s.tp + s.fn]
    rows.append(row)
    out.append(metrics.table(heads, rows))
    shown = [s for s in scores if "all" in parts or s.split in parts]
    errors = sum(len(s.missed) + len(s.extra) for s in shown)
    out += ["", f"misses: {errors} (missed: in the truth, not found; extra: found, not in it)"]
    for s in shown:
        for kind, number, page, starts in s.missed:
            out.append(f"  [{s.split}] missed {s.name} {kind} {number!r} p{page}: {starts[:60]}")
        for kind, number, page, text in s.extra:
            out.append(f"  [{s.split}] extra  {s.name} {kind} {number!r} p{page}: {text[:60]}")
    return "\n".join(out)


def to_json(figures: score.Figures, scores: list[score.DocScore]) -> dict[str, Any]:
    out = figures.to_dict()
    out["misses"] = [
        {"document": s.name, "split": s.split, "kind": k, "number": n, "page": p, "starts": t}
        for s in scores
        for k, n, p, t in s.missed
    ]
    out["extra"] = [
        {"document": s.name, "split": s.split, "kind": k, "number": n, "page": p, "text": t}
        for s in scores
        for k, n, p, t in s.extra
    ]
    return out


Evaluated = tuple[Any, Any]  # (figures, scores) as evaluate returns them


def _below(result: Evaluated, floor: float) -> str | None:
    dev = result[0].overall["dev"]
    if min(dev.precision, dev.recall) < floor:
        return f"dev P {dev.precision:.3f}, R {dev.recall:.3f}"
    return None


COMMAND = SetCommand(
    name="learning",
    description=__doc__.splitlines()[0],
    splits=score.SPLITS,
    parts=score.PARTS,
    floor_help="exit 1 when the dev part's precision or recall is below this (0-1)",
    evaluate=evaluate,
    as_json=lambda r: to_json(*r),
    as_text=lambda r, parts: report(*r, parts),
    below=_below,
)
main = COMMAND.main


if __name__ == "__main__":
    sys.exit(main())
