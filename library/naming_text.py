"""Text normalisation shared by the naming parsers: straight quotes, plain hyphens, one space.

Stdlib only; see :mod:`library.naming`.
"""

from __future__ import annotations

import re

__all__ = ["normalise_text"]

_QUOTES = str.maketrans(
    {
        "\u2018": "'",
        "\u2019": "'",
        "\u201a": "'",
        "\u201b": "'",
        "\u2032": "'",
        "`": "'",
        "\u201c": '"',
        "\u201d": '"',
        "\u201e": '"',
        "\u2033": '"',
        "\u00a0": " ",
        "\u2013": "-",
        "\u2014": "-",
        "\u2012": "-",
        "\u2212": "-",
    }
)


def normalise_text(text: str) -> str:
    """Straighten curly quotes, turn en/em dashes into hyphens and collapse whitespace."""
    return re.sub(r"\s+", " ", text.translate(_QUOTES)).strip()
