"""``reviewlib search --format csv|ris|bibtex``: every matching document as a file on standard
output, byte for byte what the site's ``/search.csv``, ``/search.ris`` and ``/search.bib``
send for the same search and SITE_URL (library.export)."""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import Any

import click

from library import export, settings
from library.errors import QueryError
from library.models import SearchRequest
from reviewlib.options import setting_option


def export_options(command: Callable[..., Any]) -> Callable[..., Any]:
    """The options of ``reviewlib search`` that choose an export: --format, --rows,
    --max-documents, --site-url."""
    for option in reversed(
        [
            click.option(
                "--format",
                "export_format",
                type=click.Choice(["text", "json", "csv", "ris", "bibtex"]),
                default="text",
                help="Output: text, json (= --json), or every matching document (not one "
                "page) as csv, ris or bibtex: the bytes the site's /search.csv, .ris and "
                ".bib send.",
            ),
            click.option(
                "--rows",
                type=click.Choice(["documents", "hits"]),
                default="documents",
                help="--format csv: one row per document, or per matching page with its snippet.",
            ),
            setting_option("--max-documents", "EXPORT_MAX_DOCUMENTS"),
            setting_option(
                "--site-url",
                "SITE_URL",
                envvar="REVIEWLIB_SITE_URL",
                show_envvar=True,
                show_default=False,
            ),
        ]
    ):
        command = option(command)
    return command


def default_site_url() -> str:
    """Where ``reviewlib serve`` listens (HOST and PORT), when SITE_URL is not set."""
    host = settings.default("HOST")
    port = settings.default("PORT")
    return f"http://{host}:{port}"


def print_export(
    lib: Any, req: SearchRequest, fmt: str, *, rows: str, cap: int, site_url: str
) -> None:
    """Write the export to stdout (bytes: CRLF line ends kept); a notice (a cap reached)
    goes to stderr, so the file stays clean."""
    base = (site_url or "").strip().rstrip("/") or default_site_url()
    try:
        with lib.searcher() as s:
            ex = export.export(s, req, fmt, base=base, rows=rows, cap=cap)
    except QueryError as exc:
        raise click.UsageError(f"{exc}\n{exc.hint}") from None
    out = sys.stdout.buffer if hasattr(sys.stdout, "buffer") else None
    data = ex.text.encode("utf-8")
    if out is not None:
        sys.stdout.flush()
        out.write(data)
        out.flush()
    else:  # a captured stream without bytes (click's test runner)
        click.echo(ex.text, nl=False)
    if ex.notice:
        click.echo(ex.notice, err=True)
