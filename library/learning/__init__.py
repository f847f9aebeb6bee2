"""Learning items: the findings, recommendations, learning points, reflective questions, good
practice and action-plan rows of a review, read from its pages.

A review announces its learning with headings ("4. Findings", "Key learning", "Questions for
the Partnership to consider", "Recommendations for health partners", the boxes of a 7-minute
briefing) and with labels ("Finding 1:", "Recommendation 3", "R3", "Learning point 2",
"L2 -", "Lesson 1"). :mod:`library.sections` finds the headings and cuts the text into units
that know whether they open a block (a list item, a numbered paragraph, a new paragraph); this
package reads that outline (vocab.py: the words; read.py: the reading; model.py: the item):

* a heading names the kind of item its blocks are (:func:`heading_kind`); an agency sub-heading
  ("For health services") or an unnumbered sub-heading keeps the kind of the heading above;
* a label heading ("Finding 2: Fathers and male carers", "Recommendation 6") or a numbered
  heading under a findings or learning heading ("6.2 Risk outside the home") is one item, its
  title and the text under it; the paragraphs before the first of them only introduce them;
* otherwise each block (list item, numbered entry, paragraph) under such a heading is one item,
  its number the printed label ("1.", "R4", "6.1") when it has one;
* each row of an action table (a table whose header names an action, a lead and a timescale)
  is one ``action`` item, numbered by its row reference;
* an item running over a page break is one item, on the page where it starts.

Documents that are not reviews or made from one (guidance, protocols, leaflets, newsletters,
inspection and annual reports: :data:`NO_ITEMS_KINDS`) have no items, whatever their headings
say. Pure functions over page text; no pdfminer here.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from library.learning.model import LearningItem, item_themes, with_themes
from library.learning.read import extract
from library.learning.vocab import (
    KIND_LABELS,
    KIND_NAMES,
    KINDS,
    MIN_WORDS,
    NO_ITEMS_KINDS,
    heading_kind,
)

if TYPE_CHECKING:
    from library.taxonomy import Taxonomy

__all__ = [
    "KINDS",
    "KIND_LABELS",
    "KIND_NAMES",
    "MIN_WORDS",
    "NO_ITEMS_KINDS",
    "LearningItem",
    "document_items",
    "extract",
    "heading_kind",
    "item_themes",
    "with_themes",
]


def document_items(
    pages: Sequence[str], document_kind: str, taxonomy: Taxonomy
) -> list[dict[str, Any]]:
    """A document's learning items with their themes, as stored on its index entry."""
    return [it.to_dict() for it in with_themes(taxonomy, extract(pages, document_kind))]
