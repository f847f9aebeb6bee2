"""``python -m evaluation themes``: is each document tagged with the themes a reader would give
it?

The labelled set (``docs/*.txt``, fictional documents in the markup of
``corpus/samples/build.py``, truth in their front matter) is rendered into real PDFs, ingested
by the real pipeline into a fresh index with no catalogue (pdfminer extraction in worker
processes, running headers stripped, tagging, index) and each document's central themes are
read back from the index and compared with the truth:

* ``themes`` (central) must be tagged central: a miss is a false negative;
* ``themes_mentioned`` and ``decoys`` must not be central: a central tag is a false positive
  (as is any other central tag the truth does not list);
* ``decoys`` must not be tagged at all: a decoy tagged ``mentioned`` is listed apart.

Precision and recall per theme and overall (macro: the mean over themes; micro: over all
tags), for the ``dev`` part (the tagger was tuned on it), the ``heldout`` part (never tuned
on) and the whole set. See README.md.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from evaluation import metrics
from evaluation.command import SetCommand
from evaluation.samples import load_build, render_and_ingest

HERE = Path(__file__).resolve().parent
DOCS = HERE / "docs"
ROOT = HERE.parents[1]
SPLITS = ("dev", "heldout")
PARTS = ("all", *SPLITS)


@dataclass
class Truth:
    """What a careful reader says one document of the set is about."""

    name: str
    central: set[str]
    mentioned: set[str]
    decoys: set[str]
    split: str
    shape: str


@dataclass
class Result:
    truth: dict[str, Truth]
    predicted: dict[str, dict[str, Any]]  # name -> central, mentioned, evidence
    scores: dict[str, list[metrics.ClassScore]] = field(default_factory=dict)  # part -> themes
    averages: dict[str, metrics.Averages] = field(default_factory=dict)
    misses: list[dict[str, Any]] = field(default_factory=list)
    decoys_tagged: list[dict[str, Any]] = field(default_factory=list)
    theme_ids: list[str] = field(default_factory=list)


def _ids(value: str) -> set[str]:
    return {t.strip() for t in (value or "").split(";") if t.strip()}


def load_truth(docs: Path = DOCS, known: set[str] | None = None) -> dict[str, Truth]:
    """The truth of every document, checked: known ids, a split and no id in two lists."""
    build = load_build()
    out: dict[str, Truth] = {}
    for path in sorted(docs.glob("*.txt")):
        meta = build.parse_source(path).meta
        t = Truth(
            name=path.stem,
            central=_ids(meta.get("themes", "")),
            mentioned=_ids(meta.get("themes_mentioned", "")),
            decoys=_ids(meta.get("decoys", "")),
            split=meta.get("split", ""),
            shape=meta.get("shape", ""),
        )
        if t.split not in SPLITS:
            raise ValueError(f"{path}: split must be one of {SPLITS}, not {t.split!r}")
        lists = (t.central, t.mentioned, t.decoys)
        if sum(len(x) for x in lists) != len(set().union(*lists)):
            raise ValueError(f"{path}: a theme id is in two of themes/themes_mentioned/decoys")
        unknown = set().union(*lists) - known if known is not None else set()
        if unknown:
            raise ValueError(f"{path}: unknown theme ids {sorted(unknown)}")
        out[t.name] = t
    if not out:
        raise ValueError(f"no documents in {docs}")
    return out


def tag_set(work: Path, names: list[str] | None = None) -> dict[str, dict[str, Any]]:
    """Render the set into ``work/files``, ingest it into ``work/var`` and return each
    document's themes as indexed: {name: {"central", "mentioned", "evidence"}}."""
    from library.search import Library

    written = render_and_ingest(DOCS, work, names)
    by_path = {p.resolve(): name for name, p in written.items()}
    out: dict[str, dict[str, Any]] = {}
    with Library(work / "var").searcher() as s:
        for rec in s.documents().values():
            name = by_path.get(Path(rec.path).resolve())
            if name is not None:
                out[name] = {
                    "central": list(rec.themes),
                    "mentioned": list(rec.themes_mentioned),
                    "evidence": rec.theme_evidence,
                }
    return out


def evaluate(work: Path) -> Result:
    """Score the whole set (fresh or incremental in ``work``)."""
    from library.taxonomy import Taxonomy

    theme_ids = [t.id for t in Taxonomy.load().themes]
    truth = load_truth(known=set(theme_ids))
    predicted = tag_set(work)
    missing = sorted(set(truth) - set(predicted))
    if missing:
        raise RuntimeError(f"no tags read back for {missing}")
    result = Result(truth=truth, predicted=predicted, theme_ids=theme_ids)
    for part in PARTS:
        names = [n for n, t in truth.items() if part == "all" or t.split == part]
        scores = metrics.multilabel(
            {n: truth[n].central for n in names},
            {n: predicted[n]["central"] for n in names},
            theme_ids,
        )
        result.scores[part] = scores
        result.averages[part] = metrics.averages(scores)
    for name, t in truth.items():
        got = predicted[name]
        evidence = got["evidence"]
        for theme in sorted(t.central - set(got["central"])):
            result.misses.append(_miss("missed", name, theme, t, evidence.get(theme)))
        for theme in sorted(set(got["central"]) - t.central):
            result.misses.append(_miss("wrong", name, theme, t, evidence.get(theme)))
        for theme in sorted(t.decoys & set(got["mentioned"])):
            result.decoys_tagged.append(_miss("decoy", name, theme, t, evidence.get(theme)))
    return result


def _miss(kind: str, name: str, theme: str, t: Truth, ev: dict[str, Any] | None) -> dict[str, Any]:
    label = (
        "central"
        if theme in t.central
        else "mentioned"
        if theme in t.mentioned
        else "decoy"
        if theme in t.decoys
        else "unlabelled"
    )
    out: dict[str, Any] = {"kind": kind, "document": name, "split": t.split, "theme": theme}
    out["truth"] = label
    out["tagged"] = ev.get("strength") if ev else None
    if ev:
        out["score"] = ev.get("score")
        out["threshold"] = ev.get("threshold")
        snippet = ev.get("snippet") or {}
        out["evidence"] = snippet.get("text", "")
        out["page"] = snippet.get("page")
    return out


def _cell(score: metrics.ClassScore, what: str) -> str:
    if what == "p":
        return metrics.percent(score.precision) if score.tp + score.fp else "-"
    return metrics.percent(score.recall) if score.tp + score.fn else "-"


def report(result: Result, parts: tuple[str, ...] = PARTS) -> str:
    """The figures as plain-text tables, then every miss."""
    docs = {p: sum(1 for t in result.truth.values() if p == "all" or t.split == p) for p in PARTS}
    out = [
        f"Theme tags on the labelled set: {docs['all']} documents ({docs['dev']} dev, "
        f"{docs['heldout']} heldout). Central tags against the truth's central themes; "
        "themes labelled mentioned or decoy count as negatives.",
        "",
    ]
    heads = ["theme"]
    for p in parts:
        heads += [f"{p} P", f"{p} R"]
    heads.append("central docs")
    by_part = {p: {s.label: s for s in result.scores[p]} for p in parts}
    rows = []
    for theme in result.theme_ids:
        row: list[Any] = [theme]
        for p in parts:
            s = by_part[p][theme]
            row += [_cell(s, "p"), _cell(s, "r")]
        s = by_part[parts[0]][theme]
        row.append(s.tp + s.fn)
        rows.append(row)
    out.append(metrics.table(heads, rows))
    out.append("")
    rows = []
    for p in parts:
        a = result.averages[p]
        sc = result.scores[p]
        rows.append(
            [
                p,
                docs[p],
                sum(s.tp + s.fn for s in sc),
                sum(s.tp + s.fp for s in sc),
                metrics.percent(a.macro_precision),
                metrics.percent(a.macro_recall),
                metrics.percent(a.micro_precision),
                metrics.percent(a.micro_recall),
            ]
        )
    out.append(
        metrics.table(
            ["part", "docs", "central", "tagged", "macro P", "macro R", "micro P", "micro R"],
            rows,
        )
    )
    shown = [m for m in result.misses if "all" in parts or m["split"] in parts]
    out += ["", f"misses: {len(shown)} (missed: central not tagged; wrong: tagged central)"]
    for m in shown:
        out.append("  " + _describe(m))
    decoys = [m for m in result.decoys_tagged if "all" in parts or m["split"] in parts]
    out += ["", f"decoys tagged mentioned (must not be tagged at all): {len(decoys)}"]
    for m in decoys:
        out.append("  " + _describe(m))
    return "\n".join(out)


def _describe(m: dict[str, Any]) -> str:
    text = f"[{m['split']}] {m['kind']:6} {m['document']} {m['theme']} (truth {m['truth']}"
    if m.get("tagged"):
        text += f"; tagged {m['tagged']}, {m['score']} against {m['threshold']}"
        if m.get("evidence"):
            text += f'; p{m["page"]}: "{m["evidence"][:100]}"'
    return text + ")"


def to_json(result: Result) -> dict[str, Any]:
    return {
        "documents": {
            p: sum(1 for t in result.truth.values() if p == "all" or t.split == p) for p in PARTS
        },
        "parts": {
            p: {
                "averages": result.averages[p].to_dict(),
                "themes": {
                    s.label: {
                        "tp": s.tp,
                        "fp": s.fp,
                        "fn": s.fn,
                        "precision": round(s.precision, 4) if s.tp + s.fp else None,
                        "recall": round(s.recall, 4) if s.tp + s.fn else None,
                    }
                    for s in result.scores[p]
                },
            }
            for p in PARTS
        },
        "misses": result.misses,
        "decoys_tagged": result.decoys_tagged,
        "predicted": {
            n: {"central": v["central"], "mentioned": v["mentioned"]}
            for n, v in sorted(result.predicted.items())
        },
    }


def _below(result: Result, floor: float) -> str | None:
    a = result.averages["all"]
    if min(a.macro_precision, a.macro_recall) < floor:
        return f"macro P {a.macro_precision:.3f}, R {a.macro_recall:.3f}"
    return None


COMMAND = SetCommand(
    name="themes",
    description=__doc__.splitlines()[0],
    splits=SPLITS,
    parts=PARTS,
    floor_help="exit 1 when the whole set's macro precision or recall is below this (0-1)",
    evaluate=evaluate,
    as_json=to_json,
    as_text=report,
    below=_below,
)
main = COMMAND.main
