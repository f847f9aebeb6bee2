"""A time budget for one search: past it, the search answers with what it has and says so.

One request must not hold a web worker for long. The stages of a search that only add to an
answer (spelling suggestions, the matching pages and their snippets, the web page's count
without filters) look at the deadline and are left out once it has passed; the stage that
makes the answer (matching the documents) stops with :class:`SearchTimeoutError` instead,
which the site answers with a 503 and the CLI with a one-line error.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable

from library import settings
from library.errors import SearchTimeoutError

#: Seconds one search may take, by default (the site's SEARCH_BUDGET_SECONDS, the CLI's
#: --budget). A plain search takes milliseconds; a few seconds leave room for a busy machine.
DEFAULT_SEARCH_BUDGET: float = settings.default("SEARCH_BUDGET_SECONDS")

#: How the stages a search can leave out are named to a user.
STAGES = {
    "suggestion": "the spelling suggestion",
    "pages": "the matching pages",
    "snippets": "some snippets",
    "unfiltered_total": "the count without filters",
    "section_facet": "the section counts",
}


class Deadline:
    """The end of one search's budget (``seconds=None``: no end), and the stages it cut."""

    def __init__(
        self, seconds: float | None, *, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self._clock = clock
        self.seconds = seconds
        self.at = None if seconds is None else clock() + seconds
        self.skipped: list[str] = []

    def expired(self) -> bool:
        return self.at is not None and self._clock() >= self.at

    def check(self, stage: str) -> None:
        """Raise SearchTimeoutError if the budget is spent (for a stage the answer needs)."""
        if self.expired():
            raise SearchTimeoutError(
                f"The search took longer than its time budget of {self.seconds:g} s "
                f"and was stopped while {stage}."
            )

    def skip(self, stage: str) -> bool:
        """True (and ``stage`` noted as left out) if the budget is spent: for stages that only
        add to an answer."""
        if not self.expired():
            return False
        if stage not in self.skipped:
            self.skipped.append(stage)
        return True


def budget_from_setting(value: float | str | None) -> float | None:
    """A budget from a setting: seconds > 0, or None (no limit) for 0, empty or None."""
    if value is None or value == "":
        return None
    seconds = float(value)
    return seconds if seconds > 0 else None


def skipped_notice(skipped: Iterable[str]) -> str | None:
    """What a user is told when a search ran out of time and left ``skipped`` out."""
    parts = [STAGES.get(s, s) for s in skipped]
    if not parts:
        return None
    return f"The search ran out of time and left out {', '.join(parts)}."
