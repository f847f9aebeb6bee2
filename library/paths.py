"""File paths as the library stores and shows them.

On Linux a file name is bytes: it need not be valid UTF-8 (Python then holds the bad bytes as
lone surrogates, ``'caf\\udce9.pdf'``) and it may hold control characters (a newline). Neither
can go into the index, a JSON report or a web page as it is, so a path is kept twice when it
has to be: a display form, valid and printable (``caf\\xe9.pdf``: bytes that are not UTF-8
and control characters shown as ``\\xNN`` escapes), and the exact bytes, hex-encoded, to open
the file with. For every ordinary name the two are the same and only the display form is kept.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

# C0 and C1 control characters, and DEL: they would break a report line or a terminal
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")


def display_path(path: str | os.PathLike[str]) -> str:
    """``path`` as valid, printable text (itself for every ordinary name)."""
    text = os.fspath(path)
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        # the bytes the name really has, each one that is not UTF-8 as \xNN
        text = os.fsencode(text).decode("utf-8", "backslashreplace")
    return _CONTROL.sub(lambda m: f"\\x{ord(m.group()):02x}", text)


def stored_path(path: str | os.PathLike[str]) -> tuple[str, str]:
    """``(display form, exact bytes as hex)``; the hex is empty when the two are the same."""
    text = os.fspath(path)
    shown = display_path(text)
    return shown, ("" if shown == text else os.fsencode(text).hex())


def restored_path(shown: str, exact_hex: str = "") -> Path:
    """The path to open, from what :func:`stored_path` returned."""
    return Path(os.fsdecode(bytes.fromhex(exact_hex))) if exact_hex else Path(shown)
