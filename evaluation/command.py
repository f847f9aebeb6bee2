"""One command shape for the labelled sets rendered and ingested into a work folder
(themes, learning items, sections, case facts): ``--json``, ``--split``, ``--work``,
``--floor``; exit 2 when the set cannot be evaluated, 1 when a floor is not met."""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Generic, TypeVar

R = TypeVar("R")


@dataclass(frozen=True)
class SetCommand(Generic[R]):
    """``python -m evaluation NAME``: how to evaluate the set and show its figures."""

    name: str
    description: str
    splits: Sequence[str]  # the parts --split may choose
    parts: Sequence[str]  # the parts the text report shows by default
    floor_help: str  # what --floor holds, for --help
    evaluate: Callable[[Path], R]  # render and ingest into the work folder, then score
    as_json: Callable[[R], Any]
    as_text: Callable[[R, Sequence[str]], str]
    below: Callable[[R, float], str | None]  # why the figures are below a floor, or None

    def main(self, argv: list[str] | None = None) -> int:
        ap = argparse.ArgumentParser(
            prog=f"python -m evaluation {self.name}", description=self.description
        )
        ap.add_argument("--json", action="store_true", help="print the figures as JSON")
        ap.add_argument(
            "--split", choices=self.splits, help="print only this part (tune on dev only)"
        )
        ap.add_argument(
            "--work", type=Path, help="render and index here, and reuse it (default: a temp folder)"
        )
        ap.add_argument("--floor", type=float, help=self.floor_help)
        args = ap.parse_args(argv)
        with tempfile.TemporaryDirectory(prefix=f"eval-{self.name}-") as tmp:
            try:
                result = self.evaluate(args.work or Path(tmp))
            except (RuntimeError, ValueError) as exc:
                print(f"evaluation failed: {exc}", file=sys.stderr)
                return 2
        if args.json:
            print(json.dumps(self.as_json(result), indent=2, ensure_ascii=False))
        else:
            print(self.as_text(result, (args.split,) if args.split else self.parts))
        if args.floor is not None:
            why = self.below(result, args.floor)
            if why:
                print(f"below {args.floor}: {why}", file=sys.stderr)
                return 1
        return 0
