"""When each document first entered the library: the ``added`` stamp of its record.

A feed reader and the "What's new" page want new arrivals, not newly published reviews (a
2019 review added today is new to the library). The stamp is given once and then kept:

- a document already in the index keeps its stamp through every later ingest, whether its file
  is unchanged, touched, re-tagged (catalogue or taxonomy edits) or changed in content (the same
  document, revised), and through rebuilds (records are carried over with it);
- a document new to the index whose content the extraction cache already holds (a file moved
  or renamed, or an index from before the stamp existed, migrated by the schema's rebuild) gets
  the time that content was first cached: it is not a new arrival;
- any other document gets the time it is indexed.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from pathlib import Path

from library.models import DocumentRecord


def utc_stamp(seconds: float) -> str:
    """``seconds`` since the epoch as UTC ISO 8601 to the second ("2026-11-30T23:59:07Z")."""
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(seconds))


class AddedStamps:
    """Gives each record written by one ingest its ``added`` stamp (see the module's rules)."""

    def __init__(
        self,
        existing: Mapping[str, DocumentRecord],
        cached_file: Callable[[str], Path],
        clock: Callable[[], float] = time.time,
    ) -> None:
        """``existing``: the live index's records by id; ``cached_file``: the extraction cache
        entry of a content hash (it may not exist)."""
        self.existing = existing
        self.cached_file = cached_file
        self.clock = clock

    def stamp(self, rec: DocumentRecord) -> DocumentRecord:
        """Set ``rec.added`` and return ``rec``."""
        old = self.existing.get(rec.id)
        if old is not None and old.added:
            rec.added = old.added
        elif not rec.added:
            rec.added = utc_stamp(self._first_seen(rec.sha256))
        return rec

    def _first_seen(self, sha: str) -> float:
        now = self.clock()
        if not sha:
            return now
        try:
            cached = self.cached_file(sha).stat().st_mtime
        except OSError:
            return now
        return min(cached, now)
