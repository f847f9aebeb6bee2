"""``python -m evaluation similar``: are a document's similar reviews about what it is about?

No reader has labelled "which review is nearest to which"; the nearest thing the project has is
the labelled theme set (evaluation/themes: 70 fictional documents, each with the central themes
a careful reader gives it). It is rendered into PDFs and ingested by the real pipeline; for
each document, its similar reviews (library/similar.py, other cases only) are judged relevant
when they share at least one of its *labelled* central themes (the truth, not the tagger's
tags). Printed: hit@1 (the first shares one), precision@3 (of the first three listed), and how
many documents got no similar review at all, for the score as shipped (text 0.6, themes 0.4),
the text alone and the tagged themes alone. The weights were not tuned on this set.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from evaluation.command import SetCommand
from evaluation.samples import render_and_ingest
from evaluation.themes.run import DOCS, load_truth

#: the variants compared: name -> the text's share of the score
VARIANTS = {"shipped": 0.6, "text only": 1.0, "themes only": 0.0}
PARTS = ("all",)


@dataclass
class VariantScore:
    documents: int = 0
    hits_at_1: int = 0
    listed_top3: int = 0
    relevant_top3: int = 0
    empty: int = 0
    misses: list[dict[str, Any]] = field(default_factory=list)

    @property
    def hit_at_1(self) -> float:
        listed = self.documents - self.empty
        return self.hits_at_1 / listed if listed else 0.0

    @property
    def precision_at_3(self) -> float:
        return self.relevant_top3 / self.listed_top3 if self.listed_top3 else 0.0


def evaluate(work: Path) -> dict[str, VariantScore]:
    from library.search import Library
    from library.similar import similar_reviews
    from library.taxonomy import Taxonomy

    truth = load_truth(known={t.id for t in Taxonomy.load().themes})
    written = render_and_ingest(DOCS, work)
    by_path = {p.resolve(): name for name, p in written.items()}
    out = {name: VariantScore() for name in VARIANTS}
    lib = Library(work / "var", budget=None)
    try:
        with lib.searcher() as s:
            names = {
                rec.id: by_path[Path(rec.path).resolve()]
                for rec in s.documents().values()
                if Path(rec.path).resolve() in by_path
            }
            if len(names) < len(truth):
                raise RuntimeError(f"only {len(names)} of {len(truth)} documents were indexed")
            for doc_id, name in sorted(names.items()):
                central = truth[name].central
                for variant, weight in VARIANTS.items():
                    score = out[variant]
                    score.documents += 1
                    found = similar_reviews(s.state, doc_id, count=3, text_weight=weight)
                    if not found:
                        score.empty += 1
                        continue
                    relevant = [bool(central & truth[names[r.document.id]].central) for r in found]
                    score.hits_at_1 += relevant[0]
                    score.listed_top3 += len(relevant)
                    score.relevant_top3 += sum(relevant)
                    if not relevant[0]:
                        score.misses.append(
                            {"document": name, "first": names[found[0].document.id]}
                        )
    finally:
        lib.close()
    return out


def as_json(result: dict[str, VariantScore]) -> dict[str, Any]:
    return {
        name: {
            "documents": v.documents,
            "hit_at_1": round(v.hit_at_1, 3),
            "precision_at_3": round(v.precision_at_3, 3),
            "no_similar": v.empty,
            "misses_at_1": v.misses,
        }
        for name, v in result.items()
    }


def as_text(result: dict[str, VariantScore], parts: Any = PARTS) -> str:
    lines = [
        "Similar reviews on the labelled theme set: relevant = shares a labelled central theme",
        f"{'score':<12} {'documents':>9} {'hit@1':>6} {'P@3':>6} {'none listed':>11}",
    ]
    for name, v in result.items():
        lines.append(
            f"{name:<12} {v.documents:>9} {v.hit_at_1:>6.3f} {v.precision_at_3:>6.3f} {v.empty:>11}"
        )
    return "\n".join(lines)


def below(result: dict[str, VariantScore], floor: float) -> str | None:
    hit = result["shipped"].hit_at_1
    return f"hit@1 of the shipped score is {hit:.3f}" if hit < floor else None


COMMAND = SetCommand(
    name="similar",
    description=__doc__.splitlines()[0],
    splits=(),
    parts=PARTS,
    floor_help="fail (exit 1) when the shipped score's hit@1 is below this",
    evaluate=evaluate,
    as_json=as_json,
    as_text=as_text,
    below=below,
)


def main(argv: list[str] | None = None) -> int:
    return COMMAND.main(argv)
