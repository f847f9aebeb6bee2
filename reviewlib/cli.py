"""The ``reviewlib`` command: a thin shell over library/, indexer/ and web/."""

from __future__ import annotations

import json
import os
import re
import sys
from pathlib import Path
from typing import Any

import click

from library.config import DATA_ENV, resolve_data_dir
from library.errors import IndexMissingError, QueryError, ReviewLibError
from library.paths import display_path

EXIT_FAILED_FILES = 3


def _fail(exc: ReviewLibError) -> None:
    msg = str(exc)
    if exc.hint:
        msg += f"\n{exc.hint}"
    raise click.ClickException(msg)


class _Group(click.Group):
    """Turns domain errors into a one-line message and exit code 1, never a traceback."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except ReviewLibError as exc:
            _fail(exc)
        except OSError as exc:
            # the system refused something (disk full, permissions) the library did not foresee
            where = f": {display_path(exc.filename)}" if exc.filename else ""
            raise click.ClickException(f"{exc.strerror or exc}{where}") from None


@click.group(cls=_Group)
@click.option(
    "--data-dir",
    # checked by the library (library.config.DataDir), which says what is wrong in one line,
    # the same for --data-dir and $REVIEWLIB_DATA
    type=click.Path(path_type=Path),
    default=None,
    help=f"Where the index, cache and reports live (default ${DATA_ENV} or ./var).",
)
@click.version_option(package_name="case-review-library")
@click.pass_context
def main(ctx: click.Context, data_dir: Path | None) -> None:
    """Case Review Library: search inside every page of published case reviews."""
    ctx.ensure_object(dict)
    ctx.obj["data_dir"] = resolve_data_dir(data_dir)


def _data_dir(ctx: click.Context) -> Path:
    return ctx.obj["data_dir"]


@main.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option(
    "--workers",
    type=click.IntRange(1, 64),
    default=None,
    help="Extraction processes (default: all cores).",
)
@click.option(
    "--timeout",
    type=click.FloatRange(1, 3600),
    default=90.0,
    show_default=True,
    help="Seconds allowed per file.",
)
@click.option(
    "--memory-mb",
    type=click.IntRange(128, 65536),
    default=1024,
    show_default=True,
    help="Memory cap per extraction worker.",
)
@click.option(
    "--max-file-mb",
    type=click.IntRange(1, 10000),
    default=300,
    show_default=True,
    help="Larger files are reported as too-large.",
)
@click.option("--wait", is_flag=True, help="Wait for another running ingest instead of refusing.")
@click.option(
    "--strict",
    is_flag=True,
    help=f"Exit with code {EXIT_FAILED_FILES} if any file could not be indexed.",
)
@click.option(
    "--no-prune", is_flag=True, help="Keep documents whose files have gone from these folders."
)
@click.option(
    "--taxonomy",
    metavar="FILE|builtin",
    default=None,
    help="Theme taxonomy TOML to use from now on (remembered in the data directory); "
    "'builtin' goes back to the built-in one. Default: the one in use.",
)
@click.option(
    "--no-ocr",
    is_flag=True,
    help="Do not read scanned pages with OCR (text OCR read before is kept).",
)
@click.option(
    "--ocr-lang",
    default=None,
    metavar="LANGS",
    help="Tesseract languages of the scans, e.g. eng or eng+fra (default: eng).",
)
@click.option("--quiet", "-q", is_flag=True, help="No progress bar.")
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
@click.pass_context
def ingest(
    ctx: click.Context,
    paths: tuple[Path, ...],
    workers: int | None,
    timeout: float,
    memory_mb: int,
    max_file_mb: int,
    wait: bool,
    strict: bool,
    no_prune: bool,
    taxonomy: str | None,
    no_ocr: bool,
    ocr_lang: str | None,
    quiet: bool,
    as_json: bool,
) -> None:
    """Extract, tag and index the PDFs in PATHS (files or folders).

    Pages without a text layer (scans) are read with Tesseract OCR when it is installed.
    """
    from indexer.pipeline import IngestOptions
    from indexer.pipeline import ingest as run_ingest

    opts = IngestOptions(
        workers=workers,
        timeout=timeout,
        memory_mb=memory_mb,
        max_file_mb=max_file_mb,
        wait=wait,
        progress=not quiet and not as_json,
        prune=not no_prune,
        taxonomy_path=taxonomy,
        ocr=not no_ocr,
        ocr_lang=ocr_lang,
    )
    log = None if quiet or as_json else (lambda m: click.echo(m, err=True))
    report = run_ingest(list(paths), _data_dir(ctx), options=opts, log=log)
    if as_json:
        click.echo(json.dumps(report.to_dict(), indent=2, ensure_ascii=False))
    else:
        click.echo(report.summary())
    if strict and report.failed:
        sys.exit(EXIT_FAILED_FILES)


@main.command()
@click.option("--quiet", "-q", is_flag=True)
@click.pass_context
def rebuild(ctx: click.Context, quiet: bool) -> None:
    """Recreate the index from the extraction cache (no PDF is read again)."""
    from indexer.pipeline import IngestOptions
    from indexer.pipeline import rebuild as run_rebuild

    report = run_rebuild(_data_dir(ctx), options=IngestOptions(progress=not quiet))
    click.echo(
        f"Rebuilt the index: {report.documents_in_index} documents in {report.seconds:.1f} s."
    )


def _split(values: tuple[str, ...]) -> list[str]:
    return [v.strip() for item in values for v in item.split(",") if v.strip()]


_MARK = re.compile(r"<mark>(.*?)</mark>", re.S)


def _terminal_snippet(snippet_html: str, colour: bool) -> str:
    import html as _html

    text = _MARK.sub(
        lambda m: f"\x1b[1;33m{m.group(1)}\x1b[0m" if colour else f"[{m.group(1)}]", snippet_html
    )
    text = re.sub(r"<[^>]+>", "", text)
    return " ".join(_html.unescape(text).split())


@main.command()
@click.argument("query", nargs=-1)
@click.option(
    "--theme", multiple=True, help="Theme id (repeat or comma-separate; documents must have all)."
)
@click.option(
    "--type", "review_type", multiple=True, help="Review type id, e.g. scr, cspr, learning-review."
)
@click.option(
    "--kind", multiple=True, help="Document kind id, e.g. executive-summary, 7-minute-briefing."
)
@click.option("--partnership", multiple=True, help="Partnership, e.g. Barnet.")
@click.option("--year-from", type=int, default=None)
@click.option("--year-to", type=int, default=None)
@click.option(
    "--sort",
    type=click.Choice(["relevance", "date", "date-asc"]),
    default="relevance",
    show_default=True,
)
@click.option("--page", type=click.IntRange(1, 1000), default=1, show_default=True)
@click.option("--per-page", type=click.IntRange(1, 100), default=10, show_default=True)
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
@click.option(
    "--budget",
    type=click.FloatRange(min=0),
    default=None,
    help="Seconds the search may take before it answers with what it has (default 3; 0: no limit).",
)
@click.pass_context
def search(
    ctx: click.Context,
    query: tuple[str, ...],
    theme: tuple[str, ...],
    review_type: tuple[str, ...],
    kind: tuple[str, ...],
    partnership: tuple[str, ...],
    year_from: int | None,
    year_to: int | None,
    sort: str,
    page: int,
    per_page: int,
    as_json: bool,
    budget: float | None,
) -> None:
    """Search inside every page. QUERY uses the syntax of the help page."""
    from library.api import result_to_json
    from library.budget import DEFAULT_SEARCH_BUDGET, budget_from_setting, skipped_notice
    from library.models import SearchRequest
    from library.search import Library

    req = SearchRequest(
        q=" ".join(query),
        themes=_split(theme),
        review_types=_split(review_type),
        kinds=_split(kind),
        partnerships=_split(partnership),
        year_from=year_from,
        year_to=year_to,
        sort=sort,
        page=page,
        per_page=per_page,
    )
    lib = Library(
        _data_dir(ctx),
        budget=budget_from_setting(DEFAULT_SEARCH_BUDGET if budget is None else budget),
    )
    try:
        with lib.searcher() as s:
            res = s.search(req)
    except QueryError as exc:
        raise click.UsageError(f"{exc}\n{exc.hint}") from None
    if as_json:
        click.echo(json.dumps(result_to_json(res), indent=2, ensure_ascii=False))
        return
    if res.library_empty:
        from library.api import ADD_DOCUMENTS_HINT, EMPTY_LIBRARY

        click.echo(f"{EMPTY_LIBRARY}\n{ADD_DOCUMENTS_HINT}")
        return
    colour = sys.stdout.isatty() and not os.environ.get("NO_COLOR")
    shown = (
        f"{(page - 1) * per_page + 1}-{(page - 1) * per_page + len(res.hits)}" if res.hits else "0"
    )
    click.echo(f"{res.total} document(s) match; showing {shown} ({res.elapsed_ms:.0f} ms).")
    if res.skipped:
        click.echo(skipped_notice(res.skipped))
    if res.suggestion:
        click.echo(f"Did you mean: {res.suggestion}")
    for n, hit in enumerate(res.hits, start=(page - 1) * per_page + 1):
        d = hit.document
        meta = " · ".join(
            x for x in (d.case, d.partnership, d.review_type, d.document_kind, d.date) if x
        )
        click.echo(f"\n{n}. {d.title}  [{d.id}]")
        click.echo(f"   {meta}")
        if d.themes:
            click.echo(f"   themes: {', '.join(d.themes)}")
        if hit.pages:
            click.echo(f"   pages: {', '.join(map(str, hit.pages))}")
        for h in hit.hits:
            ocr = " (text from OCR)" if d.page_ocr(h.page)[0] else ""
            click.echo(f"   p.{h.page}{ocr}: {_terminal_snippet(h.snippet, colour)}")
    facet = res.facets.get("theme") or []
    if facet:
        click.echo("\nThemes: " + ", ".join(f"{v.value} ({v.count})" for v in facet[:12]))


@main.command()
@click.option("--json", "as_json", is_flag=True)
@click.option(
    "--taxonomy",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    default=None,
    help="Preview another taxonomy file (changes nothing; ingest --taxonomy chooses one).",
)
@click.pass_context
def themes(ctx: click.Context, as_json: bool, taxonomy: Path | None) -> None:
    """List the learning themes in use, with document counts when an index exists."""
    from library.config import DataDir
    from library.search import Library
    from library.taxonomy import Taxonomy
    from library.taxonomy_choice import data_taxonomy

    tax = Taxonomy.load(taxonomy) if taxonomy else data_taxonomy(DataDir(_data_dir(ctx))).taxonomy
    counts: dict[str, int] = {}
    documents = 0
    try:
        with Library(_data_dir(ctx), taxonomy=tax).searcher() as s:
            counts = s.theme_counts()
            documents = s.stats()["documents"]
    except IndexMissingError:
        pass
    rows = [
        {
            "id": t.id,
            "label": t.label,
            "group": t.group,
            "description": t.description,
            "documents": counts.get(t.id, 0),
        }
        for t in tax.themes
    ]
    if as_json:
        click.echo(json.dumps(rows, indent=2, ensure_ascii=False))
        return
    group = None
    for r in rows:
        if r["group"] != group:
            group = r["group"]
            click.echo(f"\n{group}")
        click.echo(f"  {r['id']:34} {r['documents']:5}  {r['label']}")
    if not documents:
        from library.api import ADD_DOCUMENTS_HINT, EMPTY_LIBRARY

        click.echo(f"\n{EMPTY_LIBRARY}\n{ADD_DOCUMENTS_HINT}")


@main.command()
@click.option(
    "--check", is_flag=True, help="Compare the index with the files, the catalogue and the cache."
)
@click.option("--json", "as_json", is_flag=True)
@click.pass_context
def status(ctx: click.Context, check: bool, as_json: bool) -> None:
    """What the library holds, and (with --check) any drift from the files and the cache."""
    from indexer.status import library_status

    info = library_status(_data_dir(ctx), check=check)
    if as_json:
        click.echo(json.dumps(info, indent=2, ensure_ascii=False))
    else:
        for line in info["lines"]:
            click.echo(line)
    if check and info.get("problems"):
        sys.exit(1)


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", type=click.IntRange(1, 65535), default=5000, show_default=True)
@click.option("--workers", type=click.IntRange(1, 64), default=2, show_default=True)
@click.option(
    "--threads",
    type=click.IntRange(1, 64),
    default=8,  # web.serve.DEFAULT_THREADS (not imported here: flask loads only for serve)
    show_default=True,
    help="Threads per worker: each slow client holds one.",
)
@click.option("--dev", is_flag=True, help="Flask's development server (reloads, debugger off).")
@click.pass_context
def serve(ctx: click.Context, host: str, port: int, workers: int, threads: int, dev: bool) -> None:
    """Serve the site (gunicorn: worker processes of several threads)."""
    from web.serve import run_server

    run_server(_data_dir(ctx), host=host, port=port, workers=workers, threads=threads, dev=dev)


def _register_optional() -> None:
    try:
        from reviewlib.harvest_cmd import harvest
    except ImportError:
        return
    main.add_command(harvest)


_register_optional()

if __name__ == "__main__":
    main()
