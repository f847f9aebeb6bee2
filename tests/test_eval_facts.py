"""The case facts measured on the labelled set of issue 12 (evaluation/learning): real PDFs
rendered from its fictional documents, the real pipeline (extraction in workers, running
headers stripped, metadata, facts, index; no catalogue), read back from the index by the
command that prints the figures (``python -m evaluation facts``). Floors: 0.9 accuracy of
``age_band`` and ``outcome`` on the dev part (the rules were tuned on it), and a looser floor on
the held-out part (10 documents: one miss costs 10 points) that still catches a collapse."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from helpers import run_evaluation

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # evaluation/ is not installed (it is not shipped)

from evaluation.facts import run  # noqa: E402

FLOOR = 0.9
HELDOUT_FLOOR = 0.8
#: harms are measured too; their floor is lower (categories are stated in many ways)
HARMS_FLOOR = 0.8

pytestmark = pytest.mark.slow


def test_the_set_is_labelled_in_both_parts() -> None:
    truth = run.load_truth()
    assert len(truth) == 35
    assert {t.split for t in truth.values()} == {"dev", "heldout"}
    for part in ("dev", "heldout"):
        bands = {t.age_band for t in truth.values() if t.split == part}
        assert {"under-1", "1-5", "6-10", "11-15", "16-17", "unknown"} <= bands
        outcomes = {t.outcome for t in truth.values() if t.split == part}
        assert outcomes == {"death", "serious-harm", "unknown"}


@pytest.fixture(scope="module")
def figures(tmp_path_factory: pytest.TempPathFactory) -> tuple[dict, str]:
    """The command, run as a user runs it: JSON, then the text report with the floor (the
    second run reuses the work folder: rebuilt from the extraction cache)."""
    work = tmp_path_factory.mktemp("eval-facts")
    data, text = run_evaluation("facts", work, FLOOR)
    return data, text


def test_age_band_and_outcome_hold_the_floors(figures: tuple[dict, str]) -> None:
    data, _ = figures
    dev, heldout = data["parts"]["dev"], data["parts"]["heldout"]
    print(f"\ndev: {dev['accuracy']}; heldout: {heldout['accuracy']}")
    assert data["documents"] == {"all": 35, "dev": 25, "heldout": 10}
    for fact in ("age_band", "outcome"):
        assert dev["accuracy"][fact] >= FLOOR, (fact, dev["accuracy"])
        assert heldout["accuracy"][fact] >= HELDOUT_FLOOR, (fact, heldout["accuracy"])
        # "unknown" is a value like the others: a guess where the text says nothing costs
        # its precision
        unknown = dev["values"][fact]["unknown"]
        assert unknown["precision"] is not None and unknown["precision"] >= FLOOR
        assert unknown["recall"] is not None and unknown["recall"] >= FLOOR


def test_harms_and_evidence(figures: tuple[dict, str]) -> None:
    data, _ = figures
    dev = data["parts"]["dev"]
    assert dev["harms_averages"]["micro_precision"] >= FLOOR
    assert dev["harms_averages"]["micro_recall"] >= HARMS_FLOOR
    # the sentence given as evidence is the one the truth quotes for most facts found
    held, facts = dev["evidence"]["held"], dev["evidence"]["facts"]
    assert facts >= 40 and held / facts >= 0.8


def test_the_report_lists_every_value_part_and_miss(figures: tuple[dict, str]) -> None:
    data, text = figures
    for value in ("under-1", "16-17", "serious-harm", "sudi", "exploitation"):
        assert value in text
    for part in ("dev", "heldout", "all"):
        assert f" {part} " in text
    assert f"misses: {len(data['misses'])}" in text
    for miss in data["misses"]:
        assert miss["document"] in text
