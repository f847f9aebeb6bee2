"""``python -m evaluation facts``: are the subject child's age band, the outcome and the harms
read right from each document?

The labelled set of issue 12 (``evaluation/learning/docs``: 35 fictional documents, truth in
``<name>.truth.toml``: ``[age_band]``, ``[outcome]``, ``[[harms]]``) is rendered into real PDFs
and ingested by the real pipeline into a fresh index with no catalogue (extraction in worker
processes, running headers stripped, metadata inferred, facts read); each document's facts are
read back from the index and compared with the truth:

* ``age_band`` and ``outcome``: accuracy over documents, and precision and recall per value
  (``unknown`` is a value: a guess where the text says nothing is a false positive);
* ``harms``: precision and recall per category (a document may state several, or none);
* evidence: for each fact found right, whether the sentence given as evidence holds the
  sentence the truth quotes.

Figures for the ``dev`` part (tuned on), the ``heldout`` part (never tuned on) and the whole
set. See docs/case-facts.md.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from evaluation import metrics
from evaluation.command import SetCommand
from evaluation.samples import render_and_ingest

HERE = Path(__file__).resolve().parent
DOCS = HERE.parent / "learning" / "docs"
SPLITS = ("dev", "heldout")
PARTS = ("dev", "heldout", "all")
SINGLE = ("age_band", "outcome")


@dataclass
class Truth:
    name: str
    split: str
    age_band: str
    outcome: str
    harms: set[str]
    evidence: dict[str, list[str]]  # fact ("age_band", "outcome", "harm:<id>") -> sentences


@dataclass
class Result:
    truth: dict[str, Truth]
    predicted: dict[str, dict[str, Any]]
    accuracy: dict[str, dict[str, tuple[int, int]]] = field(default_factory=dict)
    values: dict[str, dict[str, list[metrics.ClassScore]]] = field(default_factory=dict)
    harms: dict[str, list[metrics.ClassScore]] = field(default_factory=dict)
    evidence: dict[str, tuple[int, int]] = field(default_factory=dict)
    misses: list[dict[str, Any]] = field(default_factory=list)
    #: facts found right whose evidence is another sentence than the one the truth quotes
    other_evidence: list[dict[str, Any]] = field(default_factory=list)


def _sentences(value: Any) -> list[str]:
    items = value if isinstance(value, list) else [value]
    return [str(v) for v in items if v]


def load_truth(docs: Path = DOCS) -> dict[str, Truth]:
    """Every document's facts, checked against the vocabularies."""
    from library.case_facts import AGE_BANDS, HARMS, OUTCOMES

    out: dict[str, Truth] = {}
    for path in sorted(docs.glob("*.truth.toml")):
        data = tomllib.loads(path.read_text(encoding="utf-8"))
        name = path.name.removesuffix(".truth.toml")
        harms = data.get("harms") or []
        t = Truth(
            name=name,
            split=data.get("split", ""),
            age_band=data["age_band"]["value"],
            outcome=data["outcome"]["value"],
            harms={h["value"] for h in harms},
            evidence={
                "age_band": _sentences(data["age_band"].get("evidence")),
                "outcome": _sentences(data["outcome"].get("evidence")),
                **{f"harm:{h['value']}": _sentences(h.get("evidence")) for h in harms},
            },
        )
        if t.split not in SPLITS:
            raise ValueError(f"{path}: split must be one of {SPLITS}, not {t.split!r}")
        if t.age_band not in AGE_BANDS or t.outcome not in OUTCOMES or t.harms - set(HARMS):
            raise ValueError(f"{path}: a fact outside its vocabulary")
        out[name] = t
    if not out:
        raise ValueError(f"no documents in {docs}")
    return out


def read_set(work: Path) -> dict[str, dict[str, Any]]:
    """Render the set into ``work/files``, ingest it into ``work/var`` and return each
    document's facts as indexed."""
    from library.search import Library

    written = render_and_ingest(DOCS, work)
    by_path = {p.resolve(): name for name, p in written.items()}
    out: dict[str, dict[str, Any]] = {}
    with Library(work / "var").searcher() as s:
        for rec in s.documents().values():
            name = by_path.get(Path(rec.path).resolve())
            if name is not None:
                out[name] = {
                    "case": rec.case,
                    "age_band": rec.age_band,
                    "outcome": rec.outcome,
                    "harms": list(rec.harms),
                    "case_facts": rec.case_facts,
                }
    return out


def _flat(text: str) -> str:
    return " ".join(text.split())


def _evidence_of(got: dict[str, Any], fact: str) -> list[str]:
    facts = got.get("case_facts") or {}
    if fact.startswith("harm:"):
        entry = next((h for h in facts.get("harms") or [] if h.get("value") == fact[5:]), {})
    else:
        entry = facts.get(fact) or {}
    return [_flat(e.get("sentence", "")) for e in entry.get("evidence") or []]


def _holds(given: list[str], quoted: list[str]) -> bool:
    """Every quoted sentence is in (or holds) one of the sentences given."""
    return all(any(_flat(q) in g or (g and g in _flat(q)) for g in given) for q in quoted)


def evaluate(work: Path) -> Result:
    truth = load_truth()
    predicted = read_set(work)
    missing = sorted(set(truth) - set(predicted))
    if missing:
        raise RuntimeError(f"no facts read back for {missing}")
    result = Result(truth=truth, predicted=predicted)
    from library.case_facts import HARMS

    for part in PARTS:
        names = [n for n, t in truth.items() if part == "all" or t.split == part]
        result.accuracy[part] = {}
        result.values[part] = {}
        for fact in SINGLE:
            pairs = [(getattr(truth[n], fact), predicted[n][fact]) for n in names]
            right = sum(1 for want, have in pairs if want == have)
            result.accuracy[part][fact] = (right, len(pairs))
            result.values[part][fact] = metrics.per_class(pairs)
        result.harms[part] = metrics.multilabel(
            {n: truth[n].harms for n in names},
            {n: predicted[n]["harms"] for n in names},
            list(HARMS),
        )
        held = total = 0
        for n in names:
            facts = [f for f in SINGLE if getattr(truth[n], f) != "unknown"]
            facts += [f"harm:{h}" for h in truth[n].harms]
            for fact in facts:
                value = fact[5:] if fact.startswith("harm:") else getattr(truth[n], fact)
                found = (
                    value in predicted[n]["harms"]
                    if fact.startswith("harm:")
                    else predicted[n][fact] == value
                )
                if not found:
                    continue
                total += 1
                given = _evidence_of(predicted[n], fact)
                if _holds(given, truth[n].evidence[fact]):
                    held += 1
                elif part != "all":
                    result.other_evidence.append(
                        {"document": n, "split": part, "fact": fact, "given": given}
                    )
        result.evidence[part] = (held, total)
    for name, t in truth.items():
        got = predicted[name]
        for fact in SINGLE:
            if getattr(t, fact) != got[fact]:
                result.misses.append(
                    {
                        "document": name,
                        "split": t.split,
                        "fact": fact,
                        "truth": getattr(t, fact),
                        "got": got[fact],
                        "evidence": _evidence_of(got, fact),
                    }
                )
        for harm in sorted(t.harms ^ set(got["harms"])):
            result.misses.append(
                {
                    "document": name,
                    "split": t.split,
                    "fact": "harms",
                    "truth": harm if harm in t.harms else "",
                    "got": harm if harm in got["harms"] else "",
                    "evidence": _evidence_of(got, f"harm:{harm}"),
                }
            )
    return result


def _pr(s: metrics.ClassScore) -> tuple[str, str]:
    p = metrics.percent(s.precision) if s.tp + s.fp else "-"
    r = metrics.percent(s.recall) if s.tp + s.fn else "-"
    return p, r


def report(result: Result, parts: tuple[str, ...] = PARTS) -> str:
    """The figures as plain-text tables, then every miss."""
    from library.case_facts import AGE_BANDS, HARMS, OUTCOMES

    docs = {p: sum(1 for t in result.truth.values() if p == "all" or t.split == p) for p in PARTS}
    out = [
        f"Case facts on the labelled set: {docs['all']} documents ({docs['dev']} dev, "
        f"{docs['heldout']} heldout), read back from a real index.",
        "",
    ]
    rows = []
    for p in parts:
        for fact in SINGLE:
            right, total = result.accuracy[p][fact]
            rows.append([fact, p, f"{right}/{total}", metrics.percent(right / total)])
        a = metrics.averages(result.harms[p])
        rows.append(
            [
                "harms (micro P/R)",
                p,
                "-",
                f"{metrics.percent(a.micro_precision)} / {metrics.percent(a.micro_recall)}",
            ]
        )
        held, total = result.evidence[p]
        rows.append(
            [
                "evidence holds the truth's sentence",
                p,
                f"{held}/{total}",
                metrics.percent(held / total if total else 0),
            ]
        )
    out += [metrics.table(["fact", "part", "right", "accuracy"], rows), ""]
    for fact, vocabulary in (("age_band", AGE_BANDS), ("outcome", OUTCOMES)):
        heads = [fact]
        for p in parts:
            heads += [f"{p} P", f"{p} R"]
        heads.append("docs")
        scores = {p: {s.label: s for s in result.values[p][fact]} for p in parts}
        vrows = []
        for value in vocabulary:
            row: list[Any] = [value]
            for p in parts:
                row += list(_pr(scores[p].get(value, metrics.ClassScore(value))))
            s_all = scores[parts[-1]].get(value, metrics.ClassScore(value))
            row.append(s_all.tp + s_all.fn)
            vrows.append(row)
        out += [metrics.table(heads, vrows), ""]
    heads = ["harm"]
    for p in parts:
        heads += [f"{p} P", f"{p} R"]
    heads.append("docs")
    by = {p: {s.label: s for s in result.harms[p]} for p in parts}
    hrows = []
    for harm in HARMS:
        row = [harm]
        for p in parts:
            row += list(_pr(by[p][harm]))
        row.append(by[parts[-1]][harm].tp + by[parts[-1]][harm].fn)
        hrows.append(row)
    out += [metrics.table(heads, hrows), ""]
    shown = [m for m in result.misses if "all" in parts or m["split"] in parts]
    out.append(f"misses: {len(shown)}")
    for m in shown:
        ev = f' ("{m["evidence"][0][:110]}")' if m["evidence"] else ""
        out.append(
            f"  [{m['split']}] {m['document']} {m['fact']}: truth {m['truth'] or '-'}, "
            f"got {m['got'] or '-'}{ev}"
        )
    other = [m for m in result.other_evidence if "all" in parts or m["split"] in parts]
    out += ["", f"right, with another sentence than the truth's as evidence: {len(other)}"]
    for m in other:
        ev = f'"{m["given"][0][:110]}"' if m["given"] else "(none)"
        out.append(f"  [{m['split']}] {m['document']} {m['fact']}: {ev}")
    return "\n".join(out)


def to_json(result: Result) -> dict[str, Any]:
    def scores(items: list[metrics.ClassScore]) -> dict[str, Any]:
        return {
            s.label: {
                "tp": s.tp,
                "fp": s.fp,
                "fn": s.fn,
                "precision": round(s.precision, 4) if s.tp + s.fp else None,
                "recall": round(s.recall, 4) if s.tp + s.fn else None,
            }
            for s in items
        }

    return {
        "documents": {
            p: sum(1 for t in result.truth.values() if p == "all" or t.split == p) for p in PARTS
        },
        "parts": {
            p: {
                "accuracy": {
                    f: round(r / t, 4) if t else None for f, (r, t) in result.accuracy[p].items()
                },
                "values": {f: scores(v) for f, v in result.values[p].items()},
                "harms": scores(result.harms[p]),
                "harms_averages": metrics.averages(result.harms[p]).to_dict(),
                "evidence": {"held": result.evidence[p][0], "facts": result.evidence[p][1]},
            }
            for p in PARTS
        },
        "misses": result.misses,
        "other_evidence": result.other_evidence,
        "predicted": {
            n: {k: v[k] for k in ("case", "age_band", "outcome", "harms")}
            for n, v in sorted(result.predicted.items())
        },
    }


def _below(result: Result, floor: float) -> str | None:
    low = {f: r / t for f, (r, t) in result.accuracy["dev"].items() if t and r / t < floor}
    return f"on dev: {low}" if low else None


COMMAND = SetCommand(
    name="facts",
    description=__doc__.splitlines()[0],
    splits=SPLITS,
    parts=PARTS,
    floor_help="exit 1 when the dev accuracy of age_band or outcome is below this (0-1)",
    evaluate=evaluate,
    as_json=to_json,
    as_text=report,
    below=_below,
)
main = COMMAND.main
