"""``python -m bench --only workbench`` (bench/workbench.py) runs as ``make bench`` runs it, on a
tiny index made here, and its table and JSON hold a row per kind of request beside the search.
Figures are not checked (speed belongs in docs/benchmarks.md), only that every request ran
and answered what the library answers."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from helpers import INGEST_OPTS, make_pdf

from indexer.pipeline import ingest

ROOT = Path(__file__).resolve().parent.parent

PAGES = [
    "Professional curiosity was missing: nobody asked about the bruising on the baby's arm. "
    "Supervision of the social worker was irregular and neglect was not named.",
    "The review found disguised compliance: the parents agreed to every plan and changed "
    "nothing. Neglect continued; supervision did not test the plan. Bruising again.",
]


@pytest.fixture(scope="module")
def work(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("bench-workbench")
    src = root / "src"
    for i in range(3):
        make_pdf(src / f"review-{i}.pdf", PAGES, title=f"Review {i}")
    (src / "catalogue.csv").write_text(
        "file,title,partnership,review_type,date\n"
        + "".join(
            f"review-{i}.pdf,Review {i},{p},scr,{y}-05\n"
            for i, (p, y) in enumerate((("Barnet", 2018), ("Brent", 2021), ("Brent", 2022)))
        ),
        encoding="utf-8",
    )
    report = ingest([src], root / "work" / "data-1x", options=INGEST_OPTS)
    assert not report.failed, report.summary()
    return root / "work"


def test_the_workbench_section_runs_and_reports(work: Path, tmp_path: Path) -> None:
    from bench.workbench import KINDS, QUERIES

    out = tmp_path / "wb.json"
    cmd = [sys.executable, "-m", "bench", "--work", str(work), "--only", "workbench"]
    res = subprocess.run(
        [*cmd, "--reps", "1", "--out", str(out)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert res.returncode == 0, res.stderr[-2000:]
    data = json.loads(out.read_text())
    scale = data["workbench"]["scales"]["1"]
    assert set(scale["kinds"]) == set(KINDS) and scale["missing_kinds"] == []
    for kind in KINDS:
        assert scale["kinds"][kind]["n"] == len(QUERIES)  # one round of every query
    assert scale["pages"] == 6
    # the warm-up answers are the library's: the filtered query leaves 2018 out
    answers = scale["answers"]
    assert answers["bruising"]["search"]["total"] == 3
    assert answers["bruising"]["concordance"]["total"] == 6
    assert answers["neglect"]["search"]["total"] == 2  # year_from 2019
    assert answers["neglect"]["counts_year"]["rows"] == 2
    assert answers["neglect"]["counts_partnership"]["rows"] == 1
    assert answers['"disguised compliance"']["concordance"]["total"] == 3
    table = res.stdout
    for label in ("concordance, first page of lines", "collocates", "counts by theme"):
        assert f"Workbench {label}" in table
    assert "of search" in table
