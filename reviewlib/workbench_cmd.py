"""``reviewlib concordance`` and ``reviewlib collocates``: the corpus workbench
(library.concordance, library.collocates) on the command line. ``--json`` prints what the
site's /concordance.json and /collocates.json answer; ``--csv`` every line or collocate read."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from typing import Any

import click

from library.errors import QueryError
from library.models import SearchRequest
from reviewlib.options import document_filter_options, setting_option, sources, split_values


def _filters(f: Callable[..., Any]) -> Callable[..., Any]:
    """The search's filter options (``reviewlib search`` has the same)."""
    for option in reversed(
        [
            document_filter_options,
            click.option("--page", type=click.IntRange(1), default=1, show_default=True),
            setting_option("--max-occurrences", "WORKBENCH_MAX_OCCURRENCES"),
            click.option("--json", "as_json", is_flag=True, help="The site's JSON answer."),
            click.option("--csv", "as_csv", is_flag=True, help="Every row read, as CSV."),
            click.option("--paths", is_flag=True, help="Full file paths in JSON and CSV."),
            setting_option("--budget", "SEARCH_BUDGET_SECONDS"),
        ]
    ):
        f = option(f)
    return f


def _request(query: tuple[str, ...], kw: dict[str, Any]) -> SearchRequest:
    return SearchRequest(
        q=" ".join(query),
        themes=split_values(kw["theme"]),
        review_types=split_values(kw["review_type"]),
        kinds=split_values(kw["kind"]),
        partnerships=split_values(kw["partnership"]),
        sources=sources(kw["source"]),
        year_from=kw["year_from"],
        year_to=kw["year_to"],
    )


def _run(ctx: click.Context, budget: float, work: Callable[[Any, Any], Any]) -> Any:
    from library.budget import budget_from_setting
    from library.search import Library

    lib = Library(ctx.obj["data_dir"], budget=budget_from_setting(budget))
    try:
        with lib.searcher() as s:
            return work(s, lib.deadline())
    except QueryError as exc:
        raise click.UsageError(f"{exc}\n{exc.hint}") from None
    finally:
        lib.close()


def _check_formats(kw: dict[str, Any]) -> None:
    if kw["as_json"] and kw["as_csv"]:
        raise click.UsageError("Choose --json or --csv, not both.")


@click.command()
@click.argument("query", nargs=-1, required=True)
@_filters
@click.option(
    "--sort",
    type=click.Choice(["document", "left", "right"]),
    default="document",
    show_default=True,
    help="Document and page order, or by the words left or right of the match.",
)
@setting_option("--per-page", "CONCORDANCE_PER_PAGE")
@setting_option("--width", "CONCORDANCE_WIDTH")
@click.option("--document", default=None, help="Only the lines of this document (its id).")
@click.pass_context
def concordance(
    ctx: click.Context,
    query: tuple[str, ...],
    sort: str,
    per_page: int,
    width: int,
    document: str | None,
    **kw: Any,
) -> None:
    """Every occurrence of QUERY's words, with its page and context (keyword in context).

    Words are matched as search matches them (stems; "quoted phrases" exactly), in the
    documents the search with the same filters finds.
    """
    from library.api import ADD_DOCUMENTS_HINT, EMPTY_LIBRARY
    from library.concordance import (
        ConcordanceRequest,
        concordance_csv,
        concordance_json,
    )
    from library.concordance import concordance as run

    _check_formats(kw)
    req = ConcordanceRequest(
        _request(query, kw),
        sort=sort,
        page=kw["page"],
        per_page=per_page,
        width=width,
        max_lines=kw["max_occurrences"],
        document=document,
    )
    # text and JSON show one page: read only up to it where the index counts the rest
    page_only = not kw["as_csv"]
    c = _run(ctx, kw["budget"], lambda s, deadline: run(s, req, deadline, page_only=page_only))
    if kw["as_json"]:
        out = concordance_json(c, expose_paths=kw["paths"])
        click.echo(json.dumps(out, indent=2, ensure_ascii=False))
        return
    if kw["as_csv"]:
        sys.stdout.write(concordance_csv(c, expose_paths=kw["paths"]))
        return
    if c.library_empty:
        click.echo(f"{EMPTY_LIBRARY}\n{ADD_DOCUMENTS_HINT}")
        return
    click.echo(
        f"{c.total} occurrence(s) in {c.documents} matching document(s); "
        f"page {req.page} of {c.page_count}."
    )
    if c.notice:
        click.echo(c.notice)
    for line in c.lines:
        where = f"{line.document.id} p.{line.page}"
        click.echo(f"{where}: {line.left:>{width}}[{line.match}]{line.right}")


@click.command()
@click.argument("query", nargs=-1, required=True)
@_filters
@click.option(
    "--window", type=click.IntRange(1, 10), default=5, show_default=True, help="Words each side."
)
@click.option(
    "--min-count",
    type=click.IntRange(1, 1000),
    default=3,
    show_default=True,
    help="Leave out words seen fewer times beside the term.",
)
@click.option(
    "--stopwords", is_flag=True, help="List function words and numbers too (left out by default)."
)
@click.option("--per-page", type=click.IntRange(1, 1000), default=50, show_default=True)
@click.pass_context
def collocates(
    ctx: click.Context,
    query: tuple[str, ...],
    window: int,
    min_count: int,
    stopwords: bool,
    per_page: int,
    **kw: Any,
) -> None:
    """The words found within --window words of QUERY, ranked by log-likelihood (Dunning).

    Shows how often each stands beside the term and how often it occurs in the library.
    """
    from library.api import ADD_DOCUMENTS_HINT, EMPTY_LIBRARY
    from library.collocates import (
        MEASURE,
        CollocatesRequest,
        collocates_csv,
        collocates_json,
    )
    from library.collocates import collocates as run

    _check_formats(kw)
    req = CollocatesRequest(
        _request(query, kw),
        window=window,
        min_count=min_count,
        stopwords=stopwords,
        page=kw["page"],
        per_page=per_page,
        max_occurrences=kw["max_occurrences"],
    )
    c = _run(ctx, kw["budget"], lambda s, deadline: run(s, req, deadline))
    if kw["as_json"]:
        click.echo(json.dumps(collocates_json(c), indent=2, ensure_ascii=False))
        return
    if kw["as_csv"]:
        sys.stdout.write(collocates_csv(c))
        return
    if c.library_empty:
        click.echo(f"{EMPTY_LIBRARY}\n{ADD_DOCUMENTS_HINT}")
        return
    click.echo(
        f"{c.occurrences} occurrence(s) in {c.documents} document(s); {c.window_tokens} words "
        f"within {window} of them; {c.total} collocate(s) seen at least {min_count} times, "
        f"by {MEASURE}."
    )
    if c.notice:
        click.echo(c.notice)
    if c.collocates:
        click.echo(f"{'rank':>4}  {'word':24} {'together':>8} {'in library':>10} {'LL':>9}")
    first = (req.page - 1) * req.per_page + 1
    for n, x in enumerate(c.collocates, first):
        click.echo(
            f"{n:>4}  {x.word:24} {x.cooccurrences:>8} {x.frequency:>10} {x.log_likelihood:>9.2f}"
        )
