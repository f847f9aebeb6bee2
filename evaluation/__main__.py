"""``python -m evaluation SET`` runs one evaluation set and prints its figures.

python -m evaluation themes              # theme tags: precision and recall per theme
python -m evaluation themes --json       # the same as JSON
python -m evaluation all                 # every set (``make eval``)
"""

from __future__ import annotations

import argparse
import importlib
import sys

#: set name -> the module whose main(argv) -> exit code runs it (imported when asked for)
SETS: dict[str, str] = {"themes": "evaluation.themes.run"}


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    ap = argparse.ArgumentParser(prog="python -m evaluation", description=__doc__.splitlines()[0])
    ap.add_argument("set", choices=[*SETS, "all"], help="the evaluation set to run")
    args, rest = ap.parse_known_args(argv)
    names = list(SETS) if args.set == "all" else [args.set]
    return max(importlib.import_module(SETS[name]).main(rest) for name in names)


if __name__ == "__main__":
    sys.exit(main())
