"""``python -m evaluation sections``: is the section path shown where each learning item starts
the section a reader would name?

The labelled set is evaluation/learning/ (35 fictional documents; each item's truth names the
nearest heading above its start, ``section``). Its documents are rendered into real PDFs and
ingested by the real pipeline into a fresh index (no catalogue); for each item, its start
(``starts``) is found in the text of the page entry that holds it, as snippets quote it, and
the section path stored for that page in force at that point is read back from the index.

An item scores when the innermost heading of that path is the truth's section (compared with
whitespace collapsed, case ignored), or when both are empty; "in path" also counts the truth
anywhere on the path (a numbered item heading such as "6.2 Risk outside the home" nests under
"6. Findings"). Accuracy by model and by split (``dev``: tuned on; ``heldout``: never).
"""

from __future__ import annotations

import re
import tomllib
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from evaluation import metrics
from evaluation.command import SetCommand

HERE = Path(__file__).resolve().parent
DOCS = HERE.parent / "learning" / "docs"
SPLITS = ("dev", "heldout")
PARTS = ("all", *SPLITS)


@dataclass
class Item:
    document: str
    split: str
    model: str
    kind: str
    starts: str
    section: str
    number: str = ""


@dataclass
class Scored:
    item: Item
    page: int | None
    path: list[str]
    exact: bool
    in_path: bool


@dataclass
class Result:
    scored: list[Scored] = field(default_factory=list)

    def part(self, part: str) -> list[Scored]:
        return [s for s in self.scored if part == "all" or s.item.split == part]


def load_items(docs: Path = DOCS) -> list[Item]:
    """Every labelled item of the set, in document order."""
    out: list[Item] = []
    for path in sorted(docs.glob("*.truth.toml")):
        truth = tomllib.loads(path.read_text(encoding="utf-8"))
        name = path.name.removesuffix(".truth.toml")
        for it in truth.get("item", []):
            out.append(
                Item(
                    name,
                    truth["split"],
                    truth["model"],
                    it["kind"],
                    it["starts"],
                    it["section"],
                    str(it.get("number", "")),
                )
            )
    if not out:
        raise ValueError(f"no labelled items in {docs}")
    return out


def _norm(text: str) -> str:
    return " ".join(unicodedata.normalize("NFKC", text).split()).casefold()


def _finder(starts: str) -> re.Pattern[str]:
    words = unicodedata.normalize("NFKC", starts).split()
    return re.compile(r"\s+".join(re.escape(w) for w in words))


_LABEL = re.compile(
    r"^(?:findings?|recommendations?|learning(?: point)?|lessons?|questions?|r|l)\s*(\w+)$", re.I
)


def _own_label(heading: str, item: Item) -> bool:
    """Whether ``heading`` is the item's own bare label ("Finding 2" over finding 2): the
    truth's section is the one the label stands in."""
    m = _LABEL.match(" ".join(heading.split()))
    if not m or not item.number:
        return False
    number = item.number.upper().lstrip("RL") or item.number
    return m.group(1).upper() == number.upper()


def index_set(work: Path) -> dict[str, str]:
    """Render the set into ``work/files`` and ingest it into ``work/var``: document ids by name."""
    from evaluation.samples import render_and_ingest
    from library.search import Library

    render_and_ingest(DOCS, work)
    with Library(work / "var").searcher() as s:
        return {Path(d.path).stem: d.id for d in s.documents().values()}


def evaluate(work: Path) -> Result:
    """Score every item of the set (fresh or incremental in ``work``)."""
    from library.search import Library

    items = load_items()
    ids = index_set(work)
    result = Result()
    with Library(work / "var").searcher() as s:
        for item in items:
            doc_id = ids.get(item.document)
            if doc_id is None:
                raise RuntimeError(f"{item.document} was not indexed")
            doc = s.document(doc_id)
            rx = _finder(item.starts)
            page, path = None, []
            # (a heading on the line where the item starts is the item's own title, and a bare
            # label naming its number its own label: the item stands in the section above)
            for number in range(1, doc.page_count + 1):
                text = s.snippet_text(doc_id, number)
                m = rx.search(text)
                if m:
                    mark = s.page_sections(doc_id, number).at(m.start())
                    path = list(mark.path) if mark else []
                    same_line = mark is not None and "\n" not in text[mark.offset : m.start()]
                    if path and (same_line and mark.offset or _own_label(path[-1], item)):
                        path = path[:-1]
                    page = number
                    break
            truth = _norm(item.section)
            inner = _norm(path[-1]) if path else ""
            exact = inner == truth
            in_path = exact or (bool(truth) and truth in {_norm(p) for p in path})
            result.scored.append(Scored(item, page, path, exact, in_path))
    return result


def _acc(rows: list[Scored], attr: str) -> str:
    return metrics.percent(sum(getattr(r, attr) for r in rows) / len(rows)) if rows else "-"


def report(result: Result, parts: tuple[str, ...] = PARTS) -> str:
    """Accuracy by model and split, then every miss."""
    models = sorted({s.item.model for s in result.scored})
    heads = ["model"]
    for p in parts:
        heads += [f"{p} items", f"{p} exact", f"{p} in path"]
    rows: list[list[Any]] = []
    for model in [*models, "total"]:
        row: list[Any] = [model]
        for p in parts:
            got = [s for s in result.part(p) if model in ("total", s.item.model)]
            row += [len(got), _acc(got, "exact"), _acc(got, "in_path")]
        rows.append(row)
    out = [
        "Section path where each learning item starts, against the labelled section "
        "(exact: the innermost heading of the path; in path: anywhere on it).",
        "",
        metrics.table(heads, rows),
    ]
    misses = [s for s in result.scored if not s.exact and ("all" in parts or s.item.split in parts)]
    out += ["", f"misses: {len(misses)}"]
    for s in misses:
        shown = " \u203a ".join(s.path) or "(none)"
        out.append(
            f"  [{s.item.split}] {s.item.document} p{s.page} {s.item.kind} "
            f"{s.item.starts[:40]!r}: truth {s.item.section!r}, path {shown!r}"
        )
    return "\n".join(out)


def to_json(result: Result) -> dict[str, Any]:
    def figures(rows: list[Scored]) -> dict[str, Any]:
        n = len(rows)
        return {
            "items": n,
            "exact": round(sum(r.exact for r in rows) / n, 4) if n else None,
            "in_path": round(sum(r.in_path for r in rows) / n, 4) if n else None,
        }

    models = sorted({s.item.model for s in result.scored})
    return {
        "parts": {
            p: {
                "total": figures(result.part(p)),
                "models": {
                    m: figures([s for s in result.part(p) if s.item.model == m]) for m in models
                },
            }
            for p in PARTS
        },
        "misses": [
            {
                "document": s.item.document,
                "split": s.item.split,
                "page": s.page,
                "starts": s.item.starts,
                "truth": s.item.section,
                "path": s.path,
            }
            for s in result.scored
            if not s.exact
        ],
    }


def _below(result: Result, floor: float) -> str | None:
    rows = result.part("all")
    accuracy = sum(r.exact for r in rows) / len(rows)
    return f"exact accuracy {accuracy:.3f}" if accuracy < floor else None


COMMAND = SetCommand(
    name="sections",
    description=__doc__.splitlines()[0],
    splits=SPLITS,
    parts=PARTS,
    floor_help="exit 1 when the whole set's exact accuracy is below this (0-1)",
    evaluate=evaluate,
    as_json=to_json,
    as_text=report,
    below=_below,
)
main = COMMAND.main
