"""``reviewlib search --format csv|ris|bibtex``: every matching document as a file on standard
output, byte for byte what the site's ``/search.csv``, ``/search.ris`` and ``/search.bib``
send for the same search and SITE_URL (library.export)."""

from __future__ import annotations

import sys
from typing import Any

import click

from library import export, settings
from library.errors import QueryError
from library.models import SearchRequest


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
