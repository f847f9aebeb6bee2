"""``reviewlib terms FILE``: the batch-terms matrix (library.batch_terms) on the command line.
``--json`` prints what the site's /terms.json answers for the same list and parameters;
``--csv`` the documents matrix (every row) or, with ``--matrix groups``, the groups matrix."""

from __future__ import annotations

import json
import sys
from dataclasses import replace
from typing import Any

import click

from reviewlib.options import document_filter_options, setting_option
from reviewlib.workbench_cmd import _check_formats, _request, _run


def _read(path: str) -> bytes:
    if path == "-":
        return sys.stdin.buffer.read()
    try:
        with open(path, "rb") as f:
            return f.read()
    except OSError as exc:
        raise click.UsageError(f"Cannot read {path}: {exc.strerror or exc}") from None


def _cell(n: int, width: int) -> str:
    return f"{n:>{width}}" if n else f"{'.':>{width}}"


def _text(m: Any) -> list[str]:
    """The matrix as aligned text: one column per term (numbered; the key above), dots for
    zeros."""
    terms = m.terms
    lines = [f"{m.documents} document(s) within the filters; {len(terms)} term(s)."]
    if m.notice:
        lines.append(m.notice)
    lines.append("")
    lines.append(f"{'#':>3}  {'term':30} {'kind':18} {'mentions':>8} {'documents':>9}")
    for n, t in enumerate(terms, 1):
        lines.append(
            f"{n:>3}  {t.label[:30]:30} {t.kind:18} {m.mentions[n - 1]:>8} {m.with_term[n - 1]:>9}"
        )
    width = max(4, *(len(str(x)) + 1 for x in m.mentions)) if terms else 4
    ids = max([8] + [len(r.document.id) for r in m.rows])
    if m.rows:
        lines.append("")
        lines.append(
            f"{'document':{ids}} " + "".join(f"{n:>{width}}" for n in range(1, len(terms) + 1))
        )
        for r in m.rows:
            lines.append(f"{r.document.id:{ids}} " + "".join(_cell(x, width) for x in r.counts))
        if m.page_count > 1:
            lines.append(f"(page {m.request.page} of {m.page_count}: --page N for more)")
    if m.groups:
        lines.append("")
        lines.append(f"By {m.request.by}: documents with the term / mentions per 10,000 words")
        for g in m.groups:
            cells = ", ".join(
                f"{n}: {c.documents}/{'-' if c.per_10k_words is None else c.per_10k_words}"
                for n, c in enumerate(g.cells, 1)
            )
            lines.append(f"  {g.label} ({g.documents_total} documents): {cells}")
    return lines


@click.command()
@click.argument("file", metavar="FILE")
@click.option(
    "--by",
    type=click.Choice(["year", "partnership", "type", "kind", "theme"]),
    default=None,
    help="Also the groups x terms matrix, grouped by this.",
)
@click.option(
    "--query", "-q", default="", help="Only the documents a search for this matches (optional)."
)
@document_filter_options
@click.option(
    "--include-mentioned",
    is_flag=True,
    help="Themes only mentioned count too (the theme filter and --by theme).",
)
@click.option(
    "--hide-zero", is_flag=True, help="Leave out documents where no term occurs (rows only)."
)
@click.option("--page", type=click.IntRange(1), default=1, show_default=True)
@click.option("--per-page", type=click.IntRange(1, 1000), default=100, show_default=True)
@click.option(
    "--matrix",
    type=click.Choice(["documents", "groups"]),
    default="documents",
    show_default=True,
    help="Which matrix --csv prints (groups needs --by).",
)
@setting_option("--max-terms", "BATCH_TERMS_MAX_TERMS")
@click.option("--json", "as_json", is_flag=True, help="The site's JSON answer (/terms.json).")
@click.option("--csv", "as_csv", is_flag=True, help="A whole matrix as CSV (every row).")
@click.option("--paths", is_flag=True, help="Full file paths in JSON and CSV.")
@setting_option("--budget", "SEARCH_BUDGET_SECONDS")
@click.pass_context
def terms(ctx: click.Context, file: str, by: str | None, **kw: Any) -> None:
    """Count a list of terms and phrases (FILE, one a line; - reads standard input) in every
    document within the filters: a documents x terms matrix, and with --by a groups x terms
    matrix.

    One word is matched by its stem (as search), a "quoted word" and several words as printed
    (a phrase); lines starting with # are comments. Definitions: docs/workbench.md, "Batch
    terms".
    """
    from library import settings
    from library.api import ADD_DOCUMENTS_HINT, EMPTY_LIBRARY
    from library.batch_terms import TermsRequest, documents_csv, groups_csv, terms_json
    from library.batch_terms import batch_terms as run
    from library.term_list import decode_terms, parse_terms

    _check_formats(kw)
    if kw["matrix"] == "groups" and by is None:
        raise click.UsageError("--matrix groups needs --by (year, partnership, type, kind, theme).")
    source = "Standard input" if file == "-" else f"The file {file}"
    text = decode_terms(_read(file), source=source)
    term_list = parse_terms(
        text,
        max_terms=kw["max_terms"],
        max_line_chars=settings.default("BATCH_TERMS_MAX_LINE_CHARS"),
    )
    search = replace(_request((kw["query"],), kw), include_mentioned=kw["include_mentioned"])
    req = TermsRequest(
        search,
        term_list,
        by=by,
        hide_zero=kw["hide_zero"],
        page=kw["page"],
        per_page=kw["per_page"],
    )
    m = _run(ctx, kw["budget"], lambda s, deadline: run(s, req, deadline))
    if kw["as_json"]:
        click.echo(
            json.dumps(terms_json(m, expose_paths=kw["paths"]), indent=2, ensure_ascii=False)
        )
        return
    if kw["as_csv"]:
        if kw["matrix"] == "groups":
            sys.stdout.write(groups_csv(m))
        else:
            sys.stdout.write(documents_csv(m, expose_paths=kw["paths"]))
        return
    if m.library_empty:
        click.echo(f"{EMPTY_LIBRARY}\n{ADD_DOCUMENTS_HINT}")
        return
    for s in term_list.skipped:
        click.echo(f"Line {s.line} skipped ({s.reason}): {s.text}", err=True)
    for g in term_list.merged:
        click.echo(f"Line {g.line} counted with {g.into!r}: {g.text}", err=True)
    for line in _text(m):
        click.echo(line)
