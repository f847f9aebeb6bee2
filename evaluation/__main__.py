"""``python -m evaluation SET`` runs one evaluation set and prints its figures.

python -m evaluation metadata            # title, case, partnership, type, kind, date
python -m evaluation metadata --json     # the same as JSON
python -m evaluation themes              # theme tags: precision and recall per theme
python -m evaluation themes --json       # the same as JSON
python -m evaluation spelling            # did you mean: respellings, false corrections
python -m evaluation learning            # learning items: precision and recall per kind
python -m evaluation facts               # case facts: age band, outcome, harms (issue 12)
python -m evaluation sections            # section paths where learning items start
python -m evaluation similar             # similar reviews: do they share a labelled theme?
python -m evaluation all                 # every set (``make eval``)
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable

from evaluation.facts import run as facts_run
from evaluation.learning import run as learning_run
from evaluation.metadata import run as metadata_run
from evaluation.sections import run as sections_run
from evaluation.similar import run as similar_run
from evaluation.spelling import run as spelling_run
from evaluation.themes import run as themes_run

#: set name -> its command's main(argv) -> exit code
SETS: dict[str, Callable[[list[str]], int]] = {
    "metadata": metadata_run.main,
    "themes": themes_run.main,
    "spelling": spelling_run.main,
    "learning": learning_run.main,
    "facts": facts_run.main,
    "sections": sections_run.main,
    "similar": similar_run.main,
}


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    ap = argparse.ArgumentParser(prog="python -m evaluation", description=__doc__.splitlines()[0])
    ap.add_argument("set", choices=[*SETS, "all"], help="the evaluation set to run")
    args, rest = ap.parse_known_args(argv)
    if args.set == "all":
        return max(SETS[name](rest) for name in SETS)
    return SETS[args.set](rest)


if __name__ == "__main__":
    sys.exit(main())
