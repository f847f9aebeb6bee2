"""``reviewlib harvest``: download published reviews from partnership listing pages."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import click

from indexer.harvest.harvester import HarvestReport
from indexer.harvest.harvester import harvest as run_harvest
from indexer.harvest.netpolicy import parse_host_pattern, parse_network
from library.config import resolve_data_dir
from reviewlib.options import setting_option


def _data_dir(ctx: click.Context) -> Path:
    obj = ctx.obj if isinstance(ctx.obj, dict) else {}
    return resolve_data_dir(obj.get("data_dir"))


def _each(parse: Callable[[str], object]) -> Callable[..., tuple[str, ...]]:
    """A click callback checking every value of a repeatable option with ``parse``."""

    def check(_ctx: click.Context, _param: click.Parameter, values: tuple[str, ...]) -> tuple:
        for value in values:
            try:
                parse(value)
            except ValueError as exc:
                raise click.BadParameter(str(exc)) from None
        return values

    return check


def _print_summary(report: HarvestReport) -> None:
    for r in report.results:
        line = f"{r.status:<18} {r.url}"
        if r.role == "listing" and r.entries is not None:
            line += f"  ({r.entries} reviews found)"
        if r.file:
            line += f"  -> {r.file}"
        if r.reason:
            line += f"  [{r.reason}]"
        click.echo(line)
    counts = ", ".join(f"{n} {status}" for status, n in report.counts().items()) or "nothing"
    click.echo(f"{len(report.results)} URLs, {report.requests} requests: {counts}")
    for err in report.errors:
        click.echo(f"warning: {err}", err=True)


@click.command("harvest")
@click.argument("urls", nargs=-1, required=True)
@click.option(
    "--dest",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Folder for downloaded files and catalogue.csv [default: <data-dir>/harvest].",
)
@click.option(
    "--partnership", default=None, help="Area name for every file (overrides the page's)."
)
@setting_option("--rate-limit", "HARVEST_RATE_LIMIT")
@setting_option("--timeout", "HARVEST_TIMEOUT")
@setting_option("--deadline", "HARVEST_DEADLINE")
@click.option(
    "--allow-host",
    "allow_hosts",
    multiple=True,
    metavar="HOST",
    callback=_each(parse_host_pattern),
    help="Also fetch from HOST (repeatable; '*.example.org' adds its subdomains). "
    "By default only the listing page's own site is fetched.",
)
@click.option(
    "--allow-private",
    is_flag=True,
    help="Also connect to private, loopback and link-local addresses (an intranet site).",
)
@click.option(
    "--allow-network",
    "allow_networks",
    multiple=True,
    metavar="CIDR",
    callback=_each(parse_network),
    help="Also connect to addresses in CIDR, e.g. 10.1.0.0/16 (repeatable).",
)
@setting_option("--user-agent", "HARVEST_USER_AGENT")
@click.option(
    "--ingest/--no-ingest",
    default=False,
    show_default=True,
    help="Index the harvest folder afterwards.",
)
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
@click.pass_context
def harvest_command(
    ctx: click.Context,
    urls: tuple[str, ...],
    dest: Path | None,
    partnership: str | None,
    rate_limit: float,
    timeout: float,
    deadline: float,
    allow_hosts: tuple[str, ...],
    allow_private: bool,
    allow_networks: tuple[str, ...],
    user_agent: str,
    ingest: bool,
    as_json: bool,
) -> None:
    """Fetch listing pages URL..., download the PDF/DOCX reviews they link, catalogue them.

    Obeys robots.txt, waits --rate-limit seconds between requests to a host, and on a
    re-run only downloads what is new or changed. Stays on each listing page's site
    (www. or not) and on public addresses; refused links are listed with their reason.
    """
    data_dir = _data_dir(ctx)
    dest = dest or data_dir / "harvest"
    bad = [u for u in urls if not u.lower().startswith(("http://", "https://"))]
    if bad:
        raise click.BadParameter(
            f"only http/https URLs can be harvested: {', '.join(bad)}", param_hint="URL"
        )
    report = run_harvest(
        list(urls),
        dest,
        rate_limit=rate_limit,
        user_agent=user_agent,
        timeout=timeout,
        deadline=deadline,
        partnership=partnership,
        allow_hosts=allow_hosts,
        allow_private=allow_private,
        allow_networks=allow_networks,
    )
    if not as_json:
        _print_summary(report)
        click.echo(f"catalogue: {dest / 'catalogue.csv'}")
    ingest_report = None
    if ingest:
        from indexer.pipeline import IngestOptions  # deferred: pdfminer is slow to import
        from indexer.pipeline import ingest as run_ingest

        # the same summary `reviewlib ingest` prints; the full report is in the data dir
        log = None if as_json else (lambda m: click.echo(m, err=True))
        opts = IngestOptions(progress=not as_json)
        ingest_report = run_ingest([dest], data_dir, options=opts, log=log)
    if as_json:
        out = report.to_dict()
        if ingest_report is not None:
            out["ingest"] = ingest_report.to_dict()
        click.echo(json.dumps(out, indent=2, default=str))
    elif ingest_report is not None:
        click.echo(ingest_report.summary())
    if report.listings and not any(r.ok for r in report.listings):
        ctx.exit(1)


harvest = harvest_command  # the name the main CLI group registers
