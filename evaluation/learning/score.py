"""Scoring of learning items against the labelled truth (no pipeline here: see run.py)."""

from __future__ import annotations

import re
import tomllib
import unicodedata
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from evaluation import metrics

HERE = Path(__file__).resolve().parent
DOCS = HERE / "docs"
SPLITS = ("dev", "heldout")
PARTS = ("all", *SPLITS)
KINDS = ("finding", "learning-point", "recommendation", "question", "good-practice", "action")


def normalise(text: str) -> str:
    """NFKC, whitespace runs collapsed to one space (the README's rule for locating ``starts``)."""
    return " ".join(unicodedata.normalize("NFKC", text or "").split())


@dataclass
class TruthDoc:
    name: str
    split: str
    model: str
    items: list[dict[str, str]]


def load_truth(docs: Path = DOCS) -> dict[str, TruthDoc]:
    out: dict[str, TruthDoc] = {}
    for path in sorted(docs.glob("*.truth.toml")):
        data = tomllib.loads(path.read_text(encoding="utf-8"))
        name = path.name[: -len(".truth.toml")]
        split = data.get("split", "")
        if split not in SPLITS:
            raise ValueError(f"{path}: split must be one of {SPLITS}")
        out[name] = TruthDoc(name, split, data.get("model", ""), list(data.get("item", [])))
    if not out:
        raise ValueError(f"no truth in {docs}")
    return out


def locate(pages: Sequence[str], starts: str) -> int:
    """The page (1-based) where ``starts`` occurs in the normalised page texts; 0 if nowhere.
    A quote may run over a page break: pages are joined with a space and the offset mapped
    back."""
    joined, bounds, pos = [], [], 0
    for p in pages:
        t = normalise(p)
        joined.append(t)
        bounds.append(pos)
        pos += len(t) + 1
    text = " ".join(joined)
    at = text.find(normalise(starts))
    if at < 0:
        return 0
    page = 0
    for i, b in enumerate(bounds):
        if b <= at:
            page = i + 1
    return page


def _num(number: str) -> str:
    """Numbers compared as the README allows: a leading R/L prefix stripped, case folded."""
    n = (number or "").strip().rstrip(".")
    return re.sub(r"^[RrLl](?=\d)", "", n).casefold()


@dataclass
class DocScore:
    name: str
    split: str
    matched: list[tuple[str, str, int]] = field(default_factory=list)
    missed: list[tuple[str, str, int, str]] = field(default_factory=list)  # + starts
    extra: list[tuple[str, str, int, str]] = field(default_factory=list)  # + text


def score_document(
    truth: TruthDoc, pages: Sequence[str], predicted: Sequence[Mapping[str, Any]]
) -> DocScore:
    """Multiset match on (kind, number, page)."""
    want: list[tuple[tuple[str, str, int], str]] = []
    for it in truth.items:
        page = locate(pages, it["starts"])
        if page == 0:
            raise ValueError(f"{truth.name}: starts not found: {it['starts']!r}")
        want.append(((it["kind"], _num(it["number"]), page), it["starts"]))
    have = [((p["kind"], _num(p["number"]), int(p["page"])), p.get("text", "")) for p in predicted]
    left = Counter(k for k, _ in have)
    out = DocScore(truth.name, truth.split)
    for key, starts in want:
        if left[key] > 0:
            left[key] -= 1
            out.matched.append(key)
        else:
            out.missed.append((*key, starts))
    for key, text in have:
        if left[key] > 0:
            left[key] -= 1
            out.extra.append((*key, text[:80]))
    return out


@dataclass
class Figures:
    per_kind: dict[str, dict[str, metrics.ClassScore]]  # part -> kind -> score
    overall: dict[str, metrics.ClassScore]
    documents: dict[str, int]

    def to_dict(self) -> dict[str, Any]:
        def cs(s: metrics.ClassScore) -> dict[str, Any]:
            return {
                "tp": s.tp,
                "fp": s.fp,
                "fn": s.fn,
                "precision": round(s.precision, 4),
                "recall": round(s.recall, 4),
            }

        return {
            "documents": self.documents,
            "parts": {
                part: {
                    "overall": cs(self.overall[part]),
                    "kinds": {k: cs(v) for k, v in self.per_kind[part].items()},
                }
                for part in PARTS
            },
        }


def figures(scores: Sequence[DocScore]) -> Figures:
    per_kind = {p: {k: metrics.ClassScore(k) for k in KINDS} for p in PARTS}
    overall = {p: metrics.ClassScore("overall") for p in PARTS}
    docs = {p: 0 for p in PARTS}
    for s in scores:
        for part in ("all", s.split):
            docs[part] += 1
            for kind, *_ in s.matched:
                per_kind[part].setdefault(kind, metrics.ClassScore(kind)).tp += 1
                overall[part].tp += 1
            for kind, *_ in s.missed:
                per_kind[part].setdefault(kind, metrics.ClassScore(kind)).fn += 1
                overall[part].fn += 1
            for kind, *_ in s.extra:
                per_kind[part].setdefault(kind, metrics.ClassScore(kind)).fp += 1
                overall[part].fp += 1
    return Figures(per_kind, overall, docs)
