"""Command-line options made from the settings table (library.settings): one default, range
and help per setting, shared by every command."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import click

from library.settings import BY_NAME
from library.source import SOURCES

_RANGES: dict[type, Any] = {int: click.IntRange, float: click.FloatRange}


def default(name: str) -> Any:
    """The default of setting ``name``."""
    return BY_NAME[name].default


def setting_option(flag: str, name: str, **extra: Any) -> Callable[[Any], Any]:
    """The option ``flag`` for setting ``name``: its default, range and help from the table,
    and for ``serve`` its REVIEWLIB_* variable; ``extra`` overrides any of them."""
    s = BY_NAME[name]
    kw: dict[str, Any] = {"default": s.default, "help": s.help, "show_default": True}
    if s.kind in _RANGES:
        kw["type"] = _RANGES[s.kind](s.minimum, s.maximum)
    if s.scope == "serve":
        kw.update(envvar=s.env, show_envvar=True)
    return click.option(flag, **{**kw, **extra})


def split_values(values: tuple[str, ...]) -> list[str]:
    """An option's values, repeated or comma-separated: ``("a,b", "c")`` -> ``["a", "b", "c"]``."""
    return [v.strip() for item in values for v in item.split(",") if v.strip()]


def source_option() -> Callable[[Any], Any]:
    """``--source published|sample`` (repeat for either): published documents or fictional
    samples only (library.source), for every command that takes the search's filters."""
    return click.option(
        "--source",
        "source",
        multiple=True,
        type=click.Choice(list(SOURCES), case_sensitive=False),
        help="published (real documents only) or sample (the fictional samples).",
    )


def sources(values: tuple[str, ...]) -> list[str]:
    """The ``--source`` values as the library's ids (click keeps the case they were typed in)."""
    return [v.lower() for v in values]


def document_filter_options(f: Callable[..., Any]) -> Callable[..., Any]:
    """The search's document filters (--theme, --type, --kind, --partnership, --source,
    --year-from, --year-to), one list for every command that takes them beside its own
    options (the concordance, collocates, counts, terms); ``workbench_cmd._request`` reads
    them into a SearchRequest."""
    for option in reversed(
        [
            click.option("--theme", multiple=True, help="Theme id (documents must have all)."),
            click.option(
                "--type", "--review-type", "review_type", multiple=True, help="Review type id."
            ),
            click.option(
                "--kind", "--document-kind", "kind", multiple=True, help="Document kind id."
            ),
            click.option("--partnership", multiple=True, help="Partnership, e.g. Barnet."),
            source_option(),
            click.option("--year-from", type=int, default=None),
            click.option("--year-to", type=int, default=None),
        ]
    ):
        f = option(f)
    return f
