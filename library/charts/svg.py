"""The pieces every chart is drawn with: escaping, the accessible SVG root, readable ticks,
label truncation and the colour scale.

Pure functions over the standard library: the markup they return is SVG 1.1 text that the
site inlines and the command could write to a file. Styling is by presentation attributes
(``fill``, ``font-size``), never ``style=`` or ``<style>``: the site's Content-Security-Policy
(``style-src 'self'``) refuses inline styles, and attributes also survive a standalone file.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Sequence
from html import escape

FONT = '"Helvetica Neue", Helvetica, Arial, sans-serif'
TEXT = "#0b0c0c"
SECONDARY_TEXT = "#505a5f"
AXIS = "#505a5f"
GRID = "#dddcdb"
BAR = "#1d70b8"  # the site's brand blue: 4.9:1 against white (non-text contrast needs 3:1)
BAR_SECOND = "#003078"
EMPTY_CELL = "#f3f2f1"

#: viridis (Smith and van der Walt, matplotlib), light to dark: perceptually uniform, readable
#: by the commonest colour-vision deficiencies and in greyscale (its lightness only falls)
VIRIDIS = (
    "#fde725",
    "#b5de2b",
    "#6ece58",
    "#35b779",
    "#1f9e89",
    "#26828e",
    "#31688e",
    "#3e4989",
    "#482878",
    "#440154",
)

#: average advance of a character of the sans-serif font, as a share of its size: an estimate
#: (no font metrics on the server) that errs wide so that text does not run into its neighbour
CHAR_WIDTH = 0.56
#: the same for cutting a long name: Helvetica's lower case runs near 0.5 of its size, and a
#: name cut too soon loses more than one that runs a little into the margin
CUT_WIDTH = 0.5

_ID = re.compile(r"[^A-Za-z0-9_-]+")


def attr(value: object) -> str:
    """``value`` escaped for a double-quoted attribute."""
    return escape(str(value), quote=True)


def text(value: object) -> str:
    """``value`` escaped as element text: ``<script>`` stays text."""
    return escape(str(value), quote=False)


def safe_id(value: str) -> str:
    """An element id made of letters, digits, ``-`` and ``_`` (ids are given by callers)."""
    cleaned = _ID.sub("-", value).strip("-")
    return cleaned if cleaned and cleaned[0].isalpha() else f"chart-{cleaned or 'x'}"


def el(tag: str, attrs: dict[str, object] | None = None, *children: str) -> str:
    """One element: attributes escaped, children already markup (use :func:`text`)."""
    parts = "".join(
        f' {name.rstrip("_").replace("_", "-")}="{attr(v)}"'
        for name, v in (attrs or {}).items()
        if v is not None
    )
    if not children:
        return f"<{tag}{parts}/>"
    return f"<{tag}{parts}>{''.join(children)}</{tag}>"


def tip(value: str) -> str:
    """A ``<title>`` child: the browser's tooltip for the element it is in."""
    return el("title", None, text(value))


def label(
    x: float, y: float, value: str, size: float = 13, anchor: str = "start", **attrs: object
) -> str:
    """A text element in the chart's font size and colour."""
    base: dict[str, object] = {
        "x": fmt(x),
        "y": fmt(y),
        "font-size": fmt(size),
        "text-anchor": anchor,
        "fill": TEXT,
    }
    base.update(attrs)
    return el("text", base, text(value))


def fmt(number: float) -> str:
    """A coordinate with at most one decimal, no trailing zero."""
    rounded = round(float(number), 1)
    return str(int(rounded)) if rounded == int(rounded) else str(rounded)


def text_width(value: str, size: float) -> float:
    """The estimated width of ``value`` at ``size``."""
    return len(value) * size * CHAR_WIDTH


def truncate(value: str, width: float, size: float) -> str:
    """``value`` cut (with an ellipsis) to fit ``width`` at ``size``; the caller puts the full
    text in a ``<title>``."""
    fits = max(1, int(width / (size * CUT_WIDTH)))
    if len(value) <= fits:
        return value
    return value[: max(1, fits - 1)].rstrip() + "…"


def nice_ticks(top: float, most: int = 5, whole: bool = True) -> list[float]:
    """Ticks from 0 to at least ``top`` at a step of 1, 2 or 5 x 10^k, at most ``most`` + 1
    of them; ``whole`` keeps the step at 1 or more (counts have no half documents)."""
    if top <= 0:
        return [0.0, 1.0]
    raw = top / most
    power = 10 ** math.floor(math.log10(raw))
    step = next(m * power for m in (1, 2, 5, 10) if m * power >= raw)
    if whole:
        step = max(1.0, step)
    count = math.ceil(top / step - 1e-9)
    return [round(i * step, 10) for i in range(count + 1)]


def number(value: float, kind: str = "count") -> str:
    """A value as the chart prints it: counts whole, shares in per cent, rates to one decimal."""
    if kind == "percent":
        return f"{value:.0f}%" if value >= 10 or value == 0 else f"{value:.1f}%"
    if kind == "rate":
        return f"{value:.1f}" if value < 100 else f"{value:,.0f}"
    return f"{value:,.0f}"


def _rgb(colour: str) -> tuple[int, int, int]:
    return int(colour[1:3], 16), int(colour[3:5], 16), int(colour[5:7], 16)


def scale_colour(share: float, palette: Sequence[str] = VIRIDIS) -> str:
    """The colour at ``share`` (0-1) along ``palette``, interpolated between its stops."""
    share = min(1.0, max(0.0, share))
    pos = share * (len(palette) - 1)
    i = min(int(pos), len(palette) - 2)
    t = pos - i
    a, b = _rgb(palette[i]), _rgb(palette[i + 1])
    mixed = (round(a[k] + (b[k] - a[k]) * t) for k in range(3))
    return "#" + "".join(f"{c:02x}" for c in mixed)


def luminance(colour: str) -> float:
    """WCAG relative luminance of ``#rrggbb``."""

    def channel(c: int) -> float:
        s = c / 255
        return s / 12.92 if s <= 0.03928 else ((s + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(c) for c in _rgb(colour))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def ink_on(colour: str) -> str:
    """Black or white, whichever contrasts more with ``colour`` (text inside a cell)."""
    lum = luminance(colour)
    on_black = (lum + 0.05) / 0.05
    on_white = 1.05 / (lum + 0.05)
    return TEXT if on_black >= on_white else "#ffffff"


def svg(
    chart_id: str,
    width: float,
    height: float,
    title: str,
    desc: str,
    body: Iterable[str],
    kind: str,
    state: str = "",
) -> str:
    """The SVG root: ``role="img"`` named by its ``<title>`` and described by its ``<desc>``
    (a screen reader reads these once, not the marks inside), a ``viewBox`` so that it scales
    down to any width, and the natural size as ``width``/``height`` (the page's CSS caps it at
    the column's width, keeping the ratio)."""
    cid = safe_id(chart_id)
    return el(
        "svg",
        {
            "xmlns": "http://www.w3.org/2000/svg",
            "class": f"chart__svg chart__svg--{kind}" + (f" chart__svg--{state}" if state else ""),
            "id": cid,
            "role": "img",
            "aria-labelledby": f"{cid}-title {cid}-desc",
            "viewBox": f"0 0 {fmt(width)} {fmt(height)}",
            "width": fmt(width),
            "height": fmt(height),
            "font-family": FONT,
            "data-chart": kind,
        },
        el("title", {"id": f"{cid}-title"}, text(title)),
        el("desc", {"id": f"{cid}-desc"}, text(desc)),
        *body,
    )


def empty(chart_id: str, title: str, message: str, kind: str, width: float = 560) -> str:
    """The chart of nothing: a framed box that says so, never an empty or broken image."""
    height = 120.0
    body = [
        el(
            "rect",
            {
                "x": 1,
                "y": 1,
                "width": fmt(width - 2),
                "height": fmt(height - 2),
                "fill": "#ffffff",
                "stroke": GRID,
                "stroke-width": 2,
                "stroke-dasharray": "6 4",
            },
        ),
        label(width / 2, height / 2 + 5, message, size=16, anchor="middle", fill=SECONDARY_TEXT),
    ]
    return svg(chart_id, width, height, title, message, body, kind, state="empty")
