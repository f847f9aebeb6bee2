"""A small library for the handout tests: two generated PDFs with a catalogue, ingested into a
real index. Page 2 of Child H carries the passages the tests quote: a sentence broken across
lines, a word hyphenated at a line end and a curly apostrophe."""

from __future__ import annotations

from pathlib import Path

from helpers import filler_pages, make_pdf

from indexer.pipeline import IngestOptions, ingest

CHILD_H = "learning-review-child-h"
CHILD_K = "rapid-review-child-k"
TITLE_H = "Learning Review Child H"
TITLE_K = "Rapid Review Child K"
#: on page 2 of Child H, each on lines of its own (make_pdf wraps a line at 85 characters)
PAGE2_LINES = [
    "The mother\u2019s partner was not known to the health visi-",
    "tor, who did not ask who else lived in the home or who looked",
    "after the baby when the mother was at work in the evenings.",
]
UNSEEN_MAN = "The practitioners never met the partner and did not record his name."
BRUISE = "A small bruise on the baby's ear was seen by the GP at eleven weeks."

CATALOGUE = (
    "file,title,case,partnership,review_type,document_kind,date,licence\n"
    f"{CHILD_H}.pdf,{TITLE_H},Child H,Northfield,lcspr,overview-report,2023-05-10,"
    "Fictional sample (project)\n"
    f"{CHILD_K}.pdf,{TITLE_K},Child K,Southmoor,rapid-review,overview-report,2021,"
    "Fictional sample (project)\n"
)


def build(root: Path) -> Path:
    """Write and ingest the two documents under ``root``; the data directory."""
    src = root / "src"
    h = filler_pages(3, seed="child h")
    h[1] = "\n".join([*PAGE2_LINES, UNSEEN_MAN, h[1]])
    h[2] = BRUISE + "\n" + h[2]
    make_pdf(src / f"{CHILD_H}.pdf", h, title=TITLE_H)
    k = filler_pages(2, seed="child k")
    k[0] = "The partner of the mother was not seen by any agency.\n" + k[0]
    make_pdf(src / f"{CHILD_K}.pdf", k, title=TITLE_K)
    (src / "catalogue.csv").write_text(CATALOGUE, encoding="utf-8")
    data = root / "var"
    report = ingest([src], data, options=IngestOptions(progress=False, workers=1))
    assert report.counts() == {"ok": 2}, report.summary()
    return data
