"""What the CLI prints for people (not JSON): a snippet in the terminal, a document's case
facts and the evidence of its chosen themes."""

from __future__ import annotations

import html
import re
from typing import Any

_MARK = re.compile(r"<mark>(.*?)</mark>", re.S)


def facts_line(d: Any) -> str:
    """ "Under 1 · Death · harms: sudi": the facts the text (or the catalogue) states."""
    from library.case_facts import AGE_BANDS, OUTCOMES

    parts = []
    if d.age_band != "unknown":
        parts.append(f"age {AGE_BANDS.get(d.age_band, d.age_band)}")
    if d.outcome != "unknown":
        parts.append(OUTCOMES.get(d.outcome, d.outcome))
    if d.harms:
        parts.append("harms: " + ", ".join(d.harms))
    return " · ".join(parts)


def terminal_snippet(snippet_html: str, colour: bool) -> str:
    text = _MARK.sub(
        lambda m: f"\x1b[1;33m{m.group(1)}\x1b[0m" if colour else f"[{m.group(1)}]", snippet_html
    )
    text = re.sub(r"<[^>]+>", "", text)
    return " ".join(html.unescape(text).split())


def evidence_lines(doc: Any, themes: list[str]) -> list[str]:
    """Why ``doc`` carries each of ``themes``: its strength and strongest sentence."""
    from library.api import chosen_theme_evidence

    lines = []
    for t in chosen_theme_evidence(doc, themes):
        score = f", evidence {t['score']:g}" if isinstance(t["score"], int | float) else ""
        line = f"   {t['id']}: {t['strength']}{score}"
        if t["source"] == "catalogue":
            line += " (added by the catalogue)"
        if t["snippet"]:
            line += f"; p.{t['snippet']['page']}: {t['snippet']['text']}"
        lines.append(line + "\n")
    return lines
