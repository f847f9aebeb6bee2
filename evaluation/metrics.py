"""Scoring shared by the evaluation sets: accuracy per field, precision and recall per class,
and plain-text tables."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

Normaliser = Callable[[str], str]


def plain(value: str) -> str:
    """Exact, but blind to surrounding space."""
    return (value or "").strip()


def words(value: str) -> str:
    """Lower case, quotes and punctuation as spaces, "&" as "and": "Serious Case Review: Child
    T" and "SERIOUS CASE REVIEW - CHILD T" are the same title."""
    value = unicodedata.normalize("NFKC", value or "").casefold()
    value = value.replace("&", " and ").replace("\u2019", "'")
    value = re.sub(r"'s\b", "s", value)
    return " ".join(re.findall(r"[a-z0-9]+", value))


@dataclass
class Miss:
    item: str
    field: str
    expected: str
    got: str


@dataclass
class FieldScore:
    field: str
    right: int = 0
    total: int = 0

    @property
    def accuracy(self) -> float:
        return self.right / self.total if self.total else 0.0


@dataclass
class Score:
    """Accuracy per field over a set of items, with every miss listed."""

    fields: list[str]
    per_field: dict[str, FieldScore] = field(default_factory=dict)
    misses: list[Miss] = field(default_factory=list)
    items: int = 0

    @property
    def overall(self) -> float:
        right = sum(f.right for f in self.per_field.values())
        total = sum(f.total for f in self.per_field.values())
        return right / total if total else 0.0

    def to_dict(self) -> dict[str, Any]:
        return {
            "items": self.items,
            "accuracy": {f: round(s.accuracy, 4) for f, s in self.per_field.items()},
            "right": {f: s.right for f, s in self.per_field.items()},
            "overall": round(self.overall, 4),
            "misses": [m.__dict__ for m in self.misses],
        }


def score(
    truth: Mapping[str, Mapping[str, str]],
    predicted: Mapping[str, Mapping[str, str]],
    fields: Sequence[str],
    normalisers: Mapping[str, Normaliser] | None = None,
) -> Score:
    """Compare ``predicted[item][field]`` with ``truth[item][field]`` for every item of
    ``truth`` (a missing prediction is a miss)."""
    normalisers = normalisers or {}
    result = Score(list(fields), {f: FieldScore(f) for f in fields})
    for item, expected in truth.items():
        got = predicted.get(item, {})
        result.items += 1
        for f in fields:
            norm = normalisers.get(f, plain)
            want, have = expected.get(f, "") or "", got.get(f, "") or ""
            fs = result.per_field[f]
            fs.total += 1
            if norm(want) == norm(have):
                fs.right += 1
            else:
                result.misses.append(Miss(item, f, want, have))
    return result


@dataclass
class ClassScore:
    label: str
    tp: int = 0
    fp: int = 0
    fn: int = 0

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0


def per_class(pairs: Iterable[tuple[str, str]]) -> list[ClassScore]:
    """Precision and recall per class from (expected, predicted) pairs."""
    classes: dict[str, ClassScore] = {}
    for want, have in pairs:
        for label in (want, have):
            classes.setdefault(label, ClassScore(label))
        if want == have:
            classes[want].tp += 1
        else:
            classes[want].fn += 1
            classes[have].fp += 1
    return sorted(classes.values(), key=lambda c: c.label)


def table(headers: Sequence[str], rows: Sequence[Sequence[Any]]) -> str:
    """A plain-text table, columns padded (the first left-aligned, the others right)."""
    cells = [[str(h) for h in headers]] + [[str(c) for c in r] for r in rows]
    widths = [max(len(r[i]) for r in cells) for i in range(len(headers))]

    def line(r: Sequence[str]) -> str:
        return "  ".join(
            c.ljust(widths[i]) if i == 0 else c.rjust(widths[i]) for i, c in enumerate(r)
        )

    out = [line(cells[0]), "  ".join("-" * w for w in widths)]
    out.extend(line(r) for r in cells[1:])
    return "\n".join(out)


def percent(x: float) -> str:
    return f"{100 * x:.1f}%"


def multilabel(
    truth: Mapping[str, Iterable[str]],
    predicted: Mapping[str, Iterable[str]],
    labels: Sequence[str] | None = None,
) -> list[ClassScore]:
    """Precision and recall per label when each item carries a set of labels (themes of a
    document): a label predicted and true is a tp, predicted only a fp, true only a fn.
    Every item of ``truth`` is scored (a missing prediction predicts nothing)."""
    scores: dict[str, ClassScore] = {label: ClassScore(label) for label in labels or ()}
    for item, want_raw in truth.items():
        want, have = set(want_raw), set(predicted.get(item, ()))
        for label in want | have:
            s = scores.setdefault(label, ClassScore(label))
            if label in want and label in have:
                s.tp += 1
            elif label in have:
                s.fp += 1
            else:
                s.fn += 1
    return list(scores.values())


@dataclass
class Averages:
    """Macro and micro precision and recall over labels. A label's precision is undefined
    when it was never predicted, its recall when it is never true: macro averages leave
    those labels out (and say how many labels each average covers)."""

    macro_precision: float
    macro_recall: float
    micro_precision: float
    micro_recall: float
    precision_labels: int
    recall_labels: int

    def to_dict(self) -> dict[str, Any]:
        return {k: round(v, 4) if isinstance(v, float) else v for k, v in self.__dict__.items()}


def averages(scores: Iterable[ClassScore]) -> Averages:
    scores = list(scores)
    with_p = [s for s in scores if s.tp + s.fp]
    with_r = [s for s in scores if s.tp + s.fn]
    tp = sum(s.tp for s in scores)
    fp = sum(s.fp for s in scores)
    fn = sum(s.fn for s in scores)
    return Averages(
        macro_precision=sum(s.precision for s in with_p) / len(with_p) if with_p else 0.0,
        macro_recall=sum(s.recall for s in with_r) / len(with_r) if with_r else 0.0,
        micro_precision=tp / (tp + fp) if tp + fp else 0.0,
        micro_recall=tp / (tp + fn) if tp + fn else 0.0,
        precision_labels=len(with_p),
        recall_labels=len(with_r),
    )
