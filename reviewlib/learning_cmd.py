"""``reviewlib learning``: findings, recommendations, questions and other learning items across
the library (library.learning_query); ``--json`` prints what the site's /learning.json answers."""

from __future__ import annotations

import json

import click


@click.command()
@click.argument("query", required=False, default="")
@click.option(
    "--kind",
    "kinds",
    multiple=True,
    metavar="KIND",
    help="finding, learning-point, recommendation, question, good-practice or action (repeatable).",
)
@click.option("--theme", "themes_", multiple=True, metavar="ID", help="Items evidencing a theme.")
@click.option("--document", "documents", multiple=True, metavar="ID", help="Items of a document.")
@click.option("--limit", type=click.IntRange(min=1), default=None, help="At most this many.")
@click.option("--json", "as_json", is_flag=True, help="Print the items as JSON.")
@click.option("--csv", "as_csv", is_flag=True, help="Print the items as CSV.")
@click.option("--paths", is_flag=True, help="Show documents' full paths (JSON/CSV).")
@click.pass_context
def learning(
    ctx: click.Context,
    query: str,
    kinds: tuple[str, ...],
    themes_: tuple[str, ...],
    documents: tuple[str, ...],
    limit: int | None,
    as_json: bool,
    as_csv: bool,
    paths: bool,
) -> None:
    """Findings, recommendations, questions and other learning items, across the library.

    QUERY keeps the items whose text has every word (a quoted phrase as printed)."""
    from library.api import ADD_DOCUMENTS_HINT, EMPTY_LIBRARY, learning_csv, learning_json
    from library.learning import KIND_NAMES
    from library.learning_query import LearningRequest, check_request, find
    from library.search import Library

    if as_json and as_csv:
        raise click.UsageError("choose one of --json and --csv")
    req = LearningRequest(query, list(kinds), list(themes_), list(documents), limit)
    with Library(ctx.obj["data_dir"]).searcher() as s:
        check_request(req, {t.id for t in s.lib.taxonomy.themes})
        answer = find(s, req)
    if as_json:
        click.echo(
            json.dumps(learning_json(answer, expose_paths=paths), indent=2, ensure_ascii=False)
        )
        return
    if as_csv:
        click.echo(learning_csv(answer, expose_paths=paths), nl=False)
        return
    if answer.library_empty:
        click.echo(f"{EMPTY_LIBRARY}\n{ADD_DOCUMENTS_HINT}")
        return
    click.echo(f"{answer.total} item{'' if answer.total == 1 else 's'}")
    for h in answer.hits:
        it, doc = h.item, h.document
        label = KIND_NAMES.get(it.kind, it.kind)
        number = f" {it.number}" if it.number else ""
        click.echo(
            f"\n{label}{number} · {doc.title} · p. {it.page}"
            + (f" · {it.section}" if it.section else "")
        )
        click.echo(f"  {it.text}")
        if it.themes:
            click.echo(f"  themes: {', '.join(it.themes)}")
