"""``reviewlib counts``: counts and trends (library.counts) on the command line. ``--json``
prints what the site's /analysis.json answers; ``--csv`` every row."""

from __future__ import annotations

import json
import sys
from dataclasses import replace
from typing import Any

import click

from reviewlib.options import document_filter_options, setting_option
from reviewlib.workbench_cmd import _check_formats, _request, _run

BY_CHOICES = ("year", "partnership", "type", "kind", "theme")


def _table(c: Any) -> list[str]:
    """The rows as aligned text: the group, then the measures."""
    head = " x ".join(c.request.by)
    width = max([len(head)] + [len(" / ".join(r.label)) for r in c.rows])
    lines = [
        f"{head:<{width}}  {'matching':>8} {'of':>6} {'share':>6} {'mentions':>8} {'per 10k':>8}"
    ]
    for r in c.rows:
        share = "-" if r.share is None else f"{r.share:.0%}"
        per = "-" if r.per_10k_words is None else f"{r.per_10k_words:.2f}"
        lines.append(
            f"{' / '.join(r.label):<{width}}  {r.documents:>8} {r.documents_total:>6} "
            f"{share:>6} {r.mentions:>8} {per:>8}"
        )
    return lines


def _check_svg(kw: dict[str, Any], by: tuple[str, ...]) -> None:
    """Refuse, before counting, an SVG no chart can fill or that would share stdout."""
    if not kw["svg_path"]:
        return
    if len(by) == 2 and "year" not in by:
        raise click.UsageError(
            "--svg draws a chart by one grouping, or by a grouping and year; "
            f"--by {by[0]} --by {by[1]} is a table only."
        )
    if kw["svg_path"] == "-" and (kw["as_json"] or kw["as_csv"]):
        raise click.UsageError("--svg - writes to standard output: leave out --json and --csv.")


def _write_svg(c: Any, path: str) -> None:
    """The chart of the counts ``c`` (library.charts, the site's choice of chart) to ``path``."""
    from pathlib import Path

    from library.charts import chart_for_rows
    from library.counts import GROUPS, row_json

    by = c.request.by
    title = " by ".join(GROUPS[b].lower() for b in by).capitalize()
    svg = chart_for_rows(
        by,
        [row_json(r) for r in c.rows],
        title=f"{title}: documents matching “{c.request.search.q}”",
        chart_id="chart-" + "-".join(by),
    )
    assert svg is not None  # _check_svg refused the groupings without a chart
    if path == "-":
        click.echo(svg)
        return
    try:
        Path(path).write_text(svg + "\n", encoding="utf-8")
    except OSError as exc:
        raise click.ClickException(f"cannot write the chart to {path}: {exc.strerror}") from None
    click.echo(f"Chart written to {path}.", err=True)


@click.command()
@click.argument("query", nargs=-1, required=True)
@click.option(
    "--by",
    "by",
    multiple=True,
    type=click.Choice(BY_CHOICES),
    help="Group by this (default year); give it twice for a cross-table, e.g. --by theme "
    "--by year.",
)
@document_filter_options
@click.option(
    "--include-mentioned",
    is_flag=True,
    help="Themes only mentioned count too (the theme filter, theme: and --by theme).",
)
@click.option("--age-band", multiple=True, help="The child's age band (repeat: any of them).")
@click.option("--outcome", multiple=True, help="The outcome for the child (repeat: any of them).")
@click.option("--json", "as_json", is_flag=True, help="The site's JSON answer (/analysis.json).")
@click.option("--csv", "as_csv", is_flag=True, help="Every row, as CSV.")
@click.option(
    "--svg",
    "svg_path",
    type=click.Path(dir_okay=False, allow_dash=True),
    default=None,
    help="Also write the table's chart (as on /analysis) to this SVG file; - for standard "
    "output instead of the table.",
)
@setting_option("--budget", "SEARCH_BUDGET_SECONDS")
@click.pass_context
def counts(ctx: click.Context, query: tuple[str, ...], by: tuple[str, ...], **kw: Any) -> None:
    """How many documents match QUERY and how often they mention its words, per year,
    partnership, review type, document kind or theme (two --by: a cross-table).

    For each group: the matching documents, the group's documents within the same filters,
    the share, the mentions (words counted as search matches them) and mentions per 10,000
    words. Definitions: docs/workbench.md, "Counts and trends".
    """
    from library.api import ADD_DOCUMENTS_HINT, EMPTY_LIBRARY
    from library.case_facts import AGE_BANDS, OUTCOMES
    from library.counts import CountsRequest, counts_csv, counts_json
    from library.counts import counts as run
    from reviewlib.cli import _vocabulary

    _check_formats(kw)
    by = tuple(dict.fromkeys(by)) or ("year",)
    _check_svg(kw, by)
    search = replace(
        _request(query, kw),
        age_bands=_vocabulary(kw["age_band"], AGE_BANDS, "--age-band"),
        outcomes=_vocabulary(kw["outcome"], OUTCOMES, "--outcome"),
        include_mentioned=kw["include_mentioned"],
    )
    req = CountsRequest(search, by=by)
    c = _run(ctx, kw["budget"], lambda s, deadline: run(s, req, deadline))
    if kw["svg_path"]:
        _write_svg(c, kw["svg_path"])
        if kw["svg_path"] == "-":
            return
    if kw["as_json"]:
        click.echo(json.dumps(counts_json(c), indent=2, ensure_ascii=False))
        return
    if kw["as_csv"]:
        sys.stdout.write(counts_csv(c))
        return
    if c.library_empty:
        click.echo(f"{EMPTY_LIBRARY}\n{ADD_DOCUMENTS_HINT}")
        return
    click.echo(f"{c.documents} of {c.documents_total} document(s) match; {c.mentions} mention(s).")
    if c.notice:
        click.echo(c.notice)
    for line in _table(c):
        click.echo(line)
