"""``reviewlib cases``: every case of the library with its review type, date, partnership,
documents in reading order and themes (library.cases). ``--json`` prints what the site's
/cases.json answers, without the site's links."""

from __future__ import annotations

import json

import click

from library.cases import CASE_SORTS


@click.command()
@click.option("--theme", default="", metavar="ID", help="Cases with this theme central.")
@click.option("--type", "--review-type", "review_type", default="", help="Review type id.")
@click.option("--partnership", default="", help="Partnership, e.g. Barnet.")
@click.option("--sort", type=click.Choice(list(CASE_SORTS)), default="date", show_default=True)
@click.option("--json", "as_json", is_flag=True, help="The site's /cases.json answer.")
@click.pass_context
def cases(
    ctx: click.Context, theme: str, review_type: str, partnership: str, sort: str, as_json: bool
) -> None:
    """Every case: a case review's report, summary, briefings and action plan as one."""
    from library import naming
    from library.api import ADD_DOCUMENTS_HINT, EMPTY_LIBRARY, empty_library_json
    from library.cases import cases_json
    from library.search import Library

    theme, review_type = theme.strip().lower(), review_type.strip().lower()
    if review_type and review_type not in naming.REVIEW_TYPES:
        raise click.UsageError(
            f"unknown review type {review_type!r}: use one of {', '.join(naming.REVIEW_TYPES)}"
        )
    with Library(ctx.obj["data_dir"]).searcher() as s:
        if theme and theme not in {t.id for t in s.lib.taxonomy.themes}:
            raise click.UsageError(f"unknown theme {theme!r}: `reviewlib themes` lists them")
        docs = list(s.documents().values())
        out = cases_json(
            docs,
            theme_labels=s.facet_labels()["theme"],
            type_labels=naming.REVIEW_TYPES,
            sort=sort,
            theme=theme,
            review_type=review_type,
            partnership=partnership.strip()[:100],
        )
    out.update(empty_library_json(not docs))
    if as_json:
        click.echo(json.dumps(out, indent=2, ensure_ascii=False))
        return
    if not docs:
        click.echo(f"{EMPTY_LIBRARY}\n{ADD_DOCUMENTS_HINT}")
        return
    click.echo(f"{out['total']} case(s).")
    for c in out["cases"]:
        meta = " · ".join(x for x in (c["partnership"], c["review_type"], c["date"]) if x)
        click.echo(f"\n{c['case']}  [{c['id']}]\n   {meta}")
        for d in c["documents"]:
            click.echo(f"   - {d['title']} ({d['document_kind']})  [{d['id']}]")
        if c["themes"]:
            click.echo("   themes: " + ", ".join(t["id"] for t in c["themes"]))
