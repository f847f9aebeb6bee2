"""Similar reviews measured on the labelled theme set (``python -m evaluation similar``): the
real pipeline over 70 fictional documents rendered as PDFs; a similar review is relevant when it
shares one of the document's labelled central themes. Floor: hit@1 0.8 for the shipped score
(measured 0.871; the text alone and the themes alone 0.829 each), and the combination at least
as good as either alone."""

from __future__ import annotations

from pathlib import Path

import pytest
from helpers import run_evaluation

FLOOR = 0.8

pytestmark = pytest.mark.slow


def test_similar_reviews_share_a_labelled_theme(tmp_path: Path) -> None:
    figures, text = run_evaluation("similar", tmp_path / "work", FLOOR)
    shipped = figures["shipped"]
    assert shipped["documents"] == 70
    assert shipped["hit_at_1"] >= FLOOR
    assert shipped["precision_at_3"] >= 0.7
    for alone in ("text only", "themes only"):
        assert shipped["hit_at_1"] >= figures[alone]["hit_at_1"], alone
    assert "hit@1" in text and "shipped" in text
