"""Progress of a long ingest on the terminal: files, pages, rate and ETA.

On a terminal it redraws one line; elsewhere (CI, a log file) it prints a line every few
seconds so a long run still shows it is alive.
"""

from __future__ import annotations

import shutil
import sys
import time
from typing import TextIO


def _fmt_seconds(s: float) -> str:
    s = int(max(0, s))
    if s >= 3600:
        return f"{s // 3600}h{s % 3600 // 60:02d}m"
    if s >= 60:
        return f"{s // 60}m{s % 60:02d}s"
    return f"{s}s"


class Progress:
    def __init__(
        self,
        total_files: int,
        total_bytes: int,
        *,
        stream: TextIO | None = None,
        enabled: bool = True,
        interval: float = 5.0,
    ) -> None:
        self.total_files = total_files
        self.total_bytes = max(1, total_bytes)
        self.stream = stream or sys.stderr
        self.enabled = enabled and total_files > 0
        self.tty = self.enabled and self.stream.isatty()
        self.interval = interval if not self.tty else 0.1
        self.files = 0
        self.pages = 0
        self.bytes = 0
        self.failed = 0
        self.started = time.monotonic()
        self._last = 0.0
        self.current = ""

    def advance(self, *, nbytes: int, pages: int, ok: bool, name: str = "") -> None:
        self.files += 1
        self.bytes += nbytes
        self.pages += pages
        self.failed += 0 if ok else 1
        self.current = name
        self._draw()

    def line(self) -> str:
        elapsed = time.monotonic() - self.started
        rate = self.pages / elapsed if elapsed > 0 else 0.0
        frac = self.bytes / self.total_bytes
        eta = elapsed * (1 - frac) / frac if frac > 0 else 0.0
        width = 20
        filled = int(width * min(1.0, self.files / max(1, self.total_files)))
        bar = "#" * filled + "-" * (width - filled)
        fail = f"  {self.failed} failed" if self.failed else ""
        return (
            f"[{bar}] {self.files}/{self.total_files} files  {self.pages:,} pages  "
            f"{rate:.1f} pages/s  ETA {_fmt_seconds(eta)}{fail}"
        )

    def _draw(self, force: bool = False) -> None:
        if not self.enabled:
            return
        now = time.monotonic()
        if not force and now - self._last < self.interval and self.files < self.total_files:
            return
        self._last = now
        text = self.line()
        if text == getattr(self, "_shown", None) and not self.tty:
            return  # the closing call would print the final line twice
        self._shown = text
        if self.tty:
            cols = shutil.get_terminal_size((100, 20)).columns
            tail = f"  {self.current}" if self.current else ""
            self.stream.write("\r" + (text + tail)[: cols - 1].ljust(cols - 1))
        else:
            self.stream.write(text + "\n")
        self.stream.flush()

    def finish(self) -> None:
        if not self.enabled:
            return
        self._draw(force=True)
        if self.tty:
            self.stream.write("\n")
            self.stream.flush()
