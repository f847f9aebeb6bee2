"""``python -m evaluation spelling``: how well "did you mean" respells field words, and how
often it "corrects" what it must not (acronyms, words of the library, names).

The labelled set (``cases.csv``, fictional queries written for the project) is asked of the
real speller over a real index of the shipped demo corpus (``corpus/``, ingested into a temp
folder unless ``--data`` names a data folder that holds it). A misspelling is right when the
suggestion is exactly the expected query; a query that must not be corrected is right when
there is no suggestion. Parts: ``dev`` (the speller was tuned on it) and ``held-out`` (written
with it before the speller changed, never tuned on). See docs/spelling.md.
"""

from __future__ import annotations

import argparse
import csv
import json
import sys
import tempfile
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from evaluation import metrics

HERE = Path(__file__).resolve().parent
CASES = HERE / "cases.csv"
CORPUS = HERE.parent.parent / "corpus"
SPLITS = ("dev", "held-out")
#: the kinds of query that must come back with no suggestion
KEEP_KINDS = ("acronym", "correct word", "name")


@dataclass
class Case:
    split: str
    query: str
    expected: str  # "" when nothing must be suggested
    kind: str


@dataclass
class Outcome:
    case: Case
    got: str | None

    @property
    def right(self) -> bool:
        return (self.got or "") == self.case.expected


@dataclass
class Figures:
    outcomes: list[Outcome] = field(default_factory=list)

    def _misspelt(self) -> list[Outcome]:
        return [o for o in self.outcomes if o.case.expected]

    def _kept(self) -> list[Outcome]:
        return [o for o in self.outcomes if not o.case.expected]

    @property
    def accuracy(self) -> float:
        """Misspellings respelt exactly as expected."""
        got = self._misspelt()
        return sum(o.right for o in got) / len(got) if got else 0.0

    @property
    def wrong(self) -> int:
        """Misspellings given a wrong suggestion (worse than none)."""
        return sum(1 for o in self._misspelt() if o.got and not o.right)

    @property
    def false_corrections(self) -> float:
        """Share of the queries that must be kept that got a suggestion."""
        kept = self._kept()
        return sum(1 for o in kept if o.got) / len(kept) if kept else 0.0

    @property
    def acronyms_corrected(self) -> int:
        return sum(1 for o in self._kept() if o.case.kind == "acronym" and o.got)

    def to_dict(self) -> dict[str, Any]:
        return {
            "misspellings": len(self._misspelt()),
            "accuracy": round(self.accuracy, 4),
            "wrong_suggestions": self.wrong,
            "kept": len(self._kept()),
            "false_correction_rate": round(self.false_corrections, 4),
            "acronyms_corrected": self.acronyms_corrected,
            "misses": [
                {"query": o.case.query, "expected": o.case.expected, "got": o.got}
                for o in self.outcomes
                if not o.right
            ],
        }


def load_cases(path: Path = CASES) -> list[Case]:
    with path.open(encoding="utf-8", newline="") as fh:
        cases = [Case(r["split"], r["query"], r["expected"], r["kind"]) for r in csv.DictReader(fh)]
    for c in cases:
        if c.split not in SPLITS:
            raise ValueError(f"{path}: unknown split {c.split!r}")
        if not c.expected and c.kind not in KEEP_KINDS:
            raise ValueError(f"{path}: {c.query!r} has no correction but is a {c.kind!r}")
    return cases


def ingest_corpus(data: Path) -> Path:
    """The demo corpus ingested into ``data`` (the real pipeline)."""
    from indexer.pipeline import IngestOptions, ingest

    report = ingest([CORPUS], data, options=IngestOptions(progress=False, timeout=1800.0))
    if report.failed:
        raise RuntimeError(report.summary())
    return data


def evaluate(data: Path, cases: list[Case] | None = None) -> dict[str, Figures]:
    """Figures of the whole set ("all") and of each split, asked of the library in ``data``."""
    from library.search import Library

    cases = load_cases() if cases is None else cases
    result: dict[str, Figures] = defaultdict(Figures)
    lib = Library(data)
    try:
        with lib.searcher() as s:
            for case in cases:
                outcome = Outcome(case, s.suggest(case.query))
                result["all"].outcomes.append(outcome)
                result[case.split].outcomes.append(outcome)
    finally:
        lib.close()
    return dict(result)


def per_kind(figures: Figures) -> list[list[Any]]:
    """Rows of a table: each kind of query, how many, how many right."""
    by_kind: dict[str, list[Outcome]] = defaultdict(list)
    for o in figures.outcomes:
        by_kind[o.case.kind].append(o)
    rows = []
    for kind in sorted(by_kind, key=lambda k: (k in KEEP_KINDS, k)):
        got = by_kind[kind]
        right = sum(o.right for o in got)
        what = "kept as typed" if kind in KEEP_KINDS else "respelt as expected"
        rows.append([kind, what, f"{right}/{len(got)}", metrics.percent(right / len(got))])
    return rows


def report(result: dict[str, Figures]) -> str:
    parts = ["all", *(s for s in SPLITS if s in result)]
    rows = [
        ["misspellings respelt as expected"]
        + [f"{metrics.percent(result[p].accuracy)} ({len(result[p]._misspelt())})" for p in parts],
        ["misspellings given a wrong suggestion"] + [str(result[p].wrong) for p in parts],
        ["false corrections (acronyms, words, names)"]
        + [
            f"{metrics.percent(result[p].false_corrections)} ({len(result[p]._kept())})"
            for p in parts
        ],
        ["acronyms corrected"] + [str(result[p].acronyms_corrected) for p in parts],
    ]
    out = [metrics.table(["measure", *parts], rows), ""]
    out.append(metrics.table(["kind", "right when", "right", "share"], per_kind(result["all"])))
    misses = [o for o in result["all"].outcomes if not o.right]
    out += ["", f"misses: {len(misses)}"]
    out += [
        f"  [{o.case.split}] {o.case.query!r}: expected {o.case.expected or None!r}, got {o.got!r}"
        for o in misses
    ]
    return "\n".join(out)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(
        prog="python -m evaluation spelling", description=__doc__.splitlines()[0]
    )
    ap.add_argument("--json", action="store_true", help="print the figures as JSON")
    ap.add_argument("--data", type=Path, help="a data folder holding corpus/ already ingested")
    ap.add_argument("--split", choices=SPLITS, help="only this part of the set (tuning: dev)")
    args = ap.parse_args(argv)
    cases = [c for c in load_cases() if not args.split or c.split == args.split]
    if args.data:
        result = evaluate(args.data, cases)
    else:
        with tempfile.TemporaryDirectory(prefix="eval-spelling-") as tmp:
            result = evaluate(ingest_corpus(Path(tmp) / "var"), cases)
    if args.json:
        print(json.dumps({k: v.to_dict() for k, v in result.items()}, indent=2))
    else:
        print(report(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
