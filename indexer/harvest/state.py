"""``dest/.harvest-state.json``: what the harvester knows about each URL and each stored file.

Validators (ETag / Last-Modified) per URL make re-runs conditional, content hashes per file
detect duplicates, and partial downloads are remembered so they can resume. The file is
written atomically; an unreadable one is set aside and the run starts afresh.
"""

from __future__ import annotations

import contextlib
import datetime as _dt
import json
import os
from pathlib import Path

from indexer.harvest.results import HarvestReport
from library.files import atomic_write

__all__ = ["STATE_NAME", "HarvestState"]

STATE_NAME = ".harvest-state.json"


class HarvestState:
    """``dest/.harvest-state.json``: what is known about each URL and each stored file."""

    def __init__(self, dest: Path, report: HarvestReport) -> None:
        self.path = dest / STATE_NAME
        self.data: dict[str, dict] = {"version": 1, "urls": {}, "files": {}, "partials": {}}
        if self.path.is_file():
            try:
                loaded = json.loads(self.path.read_text(encoding="utf-8"))
                if not isinstance(loaded, dict) or loaded.get("version") != 1:
                    raise ValueError("unknown state format")
                for key in ("urls", "files", "partials"):
                    self.data[key] = dict(loaded.get(key) or {})
            except (OSError, ValueError) as exc:
                backup = self.path.with_name(
                    f"{STATE_NAME}.bad-{int(_dt.datetime.now().timestamp())}"
                )
                with contextlib.suppress(OSError):
                    os.replace(self.path, backup)
                report.errors.append(
                    f"state file unreadable ({exc}); kept as {backup.name}, starting afresh"
                )

    @property
    def urls(self) -> dict[str, dict]:
        return self.data["urls"]

    @property
    def files(self) -> dict[str, dict]:
        return self.data["files"]

    @property
    def partials(self) -> dict[str, dict]:
        return self.data["partials"]

    def file_with_sha(self, sha: str) -> str | None:
        for rel, info in self.files.items():
            if info.get("sha256") == sha:
                return rel
        return None

    def save(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with atomic_write(
            self.path, "w", encoding="utf-8", prefix=".harvest-state-", suffix=".tmp"
        ) as fh:
            json.dump(self.data, fh, indent=1, sort_keys=True)
