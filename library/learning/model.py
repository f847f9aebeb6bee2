"""A learning item and the themes its text evidences (library.learning)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from library.taxonomy import Taxonomy


@dataclass(frozen=True)
class LearningItem:
    """One learning item: its kind (:data:`KINDS`), its number as printed ("" when none), its
    text, the page it starts on, the heading it stands under and the themes it evidences."""

    kind: str
    number: str
    text: str
    page: int
    section: str = ""
    themes: tuple[str, ...] = field(default_factory=tuple)

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["themes"] = list(self.themes)
        return d

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> LearningItem:
        return cls(
            kind=str(data.get("kind", "")),
            number=str(data.get("number", "")),
            text=str(data.get("text", "")),
            page=int(data.get("page", 0) or 0),
            section=str(data.get("section", "")),
            themes=tuple(data.get("themes") or ()),
        )


def item_themes(taxonomy: Taxonomy, text: str) -> tuple[str, ...]:
    """The themes an item's text evidences: the themes the tagger counts a mention of in it
    (negations and weak phrases without their context left out), in taxonomy order."""
    from library.tagger import collect  # the tagger imports sections, as this module does

    found = collect(taxonomy, [text]).found
    return tuple(t.id for t in taxonomy.themes if t.id in found)


def with_themes(taxonomy: Taxonomy, items: Iterable[LearningItem]) -> list[LearningItem]:
    """The items with the themes each one's text evidences."""
    return [
        LearningItem(
            it.kind, it.number, it.text, it.page, it.section, item_themes(taxonomy, it.text)
        )
        for it in items
    ]
