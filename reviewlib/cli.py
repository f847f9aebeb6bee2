"""The ``reviewlib`` command: a thin shell over library/, indexer/ and web/."""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import click

from library.config import DATA_ENV, resolve_data_dir
from library.errors import IndexMissingError, QueryError, ReviewLibError
from library.paths import display_path
from library.settings import BY_NAME
from reviewlib.export_cmd import export_options
from reviewlib.options import default, setting_option, split_values
from reviewlib.output import evidence_lines, facts_line, terminal_snippet

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
@setting_option("--workers", "INGEST_WORKERS", show_default=False)
@setting_option("--timeout", "TIMEOUT")
@setting_option("--memory-mb", "MEMORY_MB")
@setting_option("--max-file-mb", "MAX_FILE_MB")
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
    default=None,  # not given: OCR_LANG, and no error where Tesseract is missing
    metavar="LANGS",
    help=f"{BY_NAME['OCR_LANG'].help} Default: {default('OCR_LANG')}.",
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


def _vocabulary(values: tuple[str, ...], known: Mapping[str, str], option: str) -> list[str]:
    """The ids given to ``option`` (repeated or comma-separated), each one of ``known``."""
    ids = [v.lower() for v in split_values(values)]
    for value in ids:
        if value not in known:
            raise click.UsageError(
                f"There is no {option[2:].replace('-', ' ')} {value!r}; use one of: "
                + ", ".join(known)
            )
    return ids


@main.command()
@click.argument("query", nargs=-1)
@click.option(
    "--theme", multiple=True, help="Theme id (repeat or comma-separate; documents must have all)."
)
@click.option(
    "--type",
    "--review-type",
    "review_type",
    multiple=True,
    help="Review type id, e.g. scr, cspr, learning-review.",
)
@click.option(
    "--kind",
    "--document-kind",
    "kind",
    multiple=True,
    help="Document kind id, e.g. executive-summary, 7-minute-briefing.",
)
@click.option("--partnership", multiple=True, help="Partnership, e.g. Barnet.")
@click.option(
    "--include-mentioned",
    is_flag=True,
    help="Themes only mentioned count too (--theme, theme: and the theme counts); "
    "by default only central themes do.",
)
@click.option(
    "--age-band",
    multiple=True,
    help="The child's age band: under-1, 1-5, 6-10, 11-15, 16-17 or unknown (repeat: any of them).",
)
@click.option(
    "--outcome",
    multiple=True,
    help="The outcome for the child: death, serious-harm or unknown (repeat: any of them).",
)
@click.option(
    "--section",
    multiple=True,
    help="Only pages in sections of this kind (repeat or comma-separate for any of them): "
    "summary, introduction, background, chronology, analysis, findings, learning, "
    "good-practice, recommendations, questions, action-plan, conclusion, appendix, contents, "
    "other.",
)
@click.option("--year-from", type=int, default=None)
@click.option("--year-to", type=int, default=None)
@click.option(
    "--sort",
    type=click.Choice(["relevance", "date", "date-asc"]),
    default="relevance",
    show_default=True,
)
@click.option("--page", type=click.IntRange(1, default("MAX_PAGE")), default=1, show_default=True)
@setting_option("--per-page", "PER_PAGE", help=None)
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
@click.option(
    "--paths",
    is_flag=True,
    help="Full file paths in the JSON (by default only file names, as the site shows).",
)
@setting_option("--budget", "SEARCH_BUDGET_SECONDS")
@export_options
@click.pass_context
def search(
    ctx: click.Context,
    query: tuple[str, ...],
    theme: tuple[str, ...],
    review_type: tuple[str, ...],
    kind: tuple[str, ...],
    partnership: tuple[str, ...],
    include_mentioned: bool,
    age_band: tuple[str, ...],
    outcome: tuple[str, ...],
    section: tuple[str, ...],
    year_from: int | None,
    year_to: int | None,
    sort: str,
    page: int,
    per_page: int,
    as_json: bool,
    paths: bool,
    budget: float,
    export_format: str,
    rows: str,
    max_documents: int,
    site_url: str,
) -> None:
    """Search inside every page. QUERY uses the syntax of the help page."""
    from library.api import result_to_json
    from library.budget import budget_from_setting, skipped_notice
    from library.case_facts import AGE_BANDS, OUTCOMES
    from library.models import SearchRequest
    from library.search import Library

    req = SearchRequest(
        q=" ".join(query),
        themes=split_values(theme),
        review_types=split_values(review_type),
        kinds=split_values(kind),
        partnerships=split_values(partnership),
        age_bands=_vocabulary(age_band, AGE_BANDS, "--age-band"),
        outcomes=_vocabulary(outcome, OUTCOMES, "--outcome"),
        sections=split_values(section),
        year_from=year_from,
        year_to=year_to,
        sort=sort,
        page=page,
        per_page=per_page,
        include_mentioned=include_mentioned,
    )
    lib = Library(
        _data_dir(ctx),
        budget=budget_from_setting(budget),
    )
    if export_format in ("csv", "ris", "bibtex"):
        from reviewlib.export_cmd import print_export

        print_export(lib, req, export_format, rows=rows, cap=max_documents, site_url=site_url)
        return
    as_json = as_json or export_format == "json"
    try:
        with lib.searcher() as s:
            res = s.search(req)
            labels = s.facet_labels()["theme"]
    except QueryError as exc:
        raise click.UsageError(f"{exc}\n{exc.hint}") from None
    if as_json:
        # the shape of the site's /search.json
        out = result_to_json(res, expose_paths=paths, theme_labels=labels)
        click.echo(json.dumps(out, indent=2, ensure_ascii=False))
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
    if res.ordered_by == "strength":
        click.echo("Strongest evidence of " + ", ".join(res.themes) + " first.")
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
        if include_mentioned and d.themes_mentioned:
            click.echo(f"   mentions: {', '.join(d.themes_mentioned)}")
        click.echo("".join(evidence_lines(d, res.themes)), nl=False)
        facts = facts_line(d)
        if facts:
            click.echo(f"   case: {facts}")
        if hit.pages:
            click.echo(f"   pages: {', '.join(map(str, hit.pages))}")
        for h in hit.hits:
            ocr = " (text from OCR)" if d.page_ocr(h.page)[0] else ""
            where = f" \u00b7 {h.section}" if h.section else ""
            click.echo(f"   p.{h.page}{where}{ocr}: {terminal_snippet(h.snippet, colour)}")
    facet = res.facets.get("theme") or []
    if facet:
        click.echo("\nThemes: " + ", ".join(f"{v.value} ({v.count})" for v in facet[:12]))
    for name, label in (("age_band", "Child's age"), ("outcome", "Outcome")):
        values = res.facets.get(name) or []
        if any(v.value != "unknown" for v in values):
            click.echo(f"{label}: " + ", ".join(f"{v.value} ({v.count})" for v in values))
    facet = [v for v in res.facets.get("section") or [] if v.count]
    if facet:
        click.echo("Sections: " + ", ".join(f"{v.value} ({v.count})" for v in facet))


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
    from library.api import ADD_DOCUMENTS_HINT, EMPTY_LIBRARY, themes_json
    from library.config import DataDir
    from library.search import Library
    from library.taxonomy import Taxonomy
    from library.taxonomy_choice import data_taxonomy

    tax = Taxonomy.load(taxonomy) if taxonomy else data_taxonomy(DataDir(_data_dir(ctx))).taxonomy
    counts: dict[str, int] = {}
    mentioned: dict[str, int] = {}
    documents = 0
    try:
        with Library(_data_dir(ctx), taxonomy=tax).searcher() as s:
            counts = s.theme_counts()
            mentioned = s.theme_counts(mentioned=True)
            documents = s.stats()["documents"]
    except IndexMissingError:
        pass
    out = themes_json(tax, counts, documents, mentioned)  # the site's /themes.json
    if as_json:
        click.echo(json.dumps(out, indent=2, ensure_ascii=False))
        return
    click.echo(f"  {'':34} {'about':>5} {'named':>5}  (documents about the theme; more naming it)")
    group = None
    for r in out["themes"]:
        if r["group"] != group:
            group = r["group"]
            click.echo(f"\n{group}")
        click.echo(f"  {r['id']:34} {r['documents']:5} {r['documents_mentioned']:5}  {r['label']}")
    if not documents:
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

    st = library_status(_data_dir(ctx), check=check)
    if as_json:
        click.echo(json.dumps(st.to_dict(), indent=2, ensure_ascii=False))
    else:
        click.echo("\n".join(_status_lines(st)))
    if check and st.problems:
        sys.exit(1)


def _status_lines(st: Any) -> list[str]:
    """``reviewlib status`` as text (``st``: an ``indexer.status.LibraryStatus``)."""
    from library.schema import SCHEMA_VERSION

    schema = f"schema v{st.schema_version}"
    if not st.schema_current:
        schema += f", code expects v{SCHEMA_VERSION}"
    lines = [
        f"Data directory: {st.data_dir}",
        f"Index: {st.index} ({schema})",
        f"Documents: {st.documents}  pages: {st.pages:,}  cases: {st.cases}  "
        f"cache entries: {st.cache_entries}",
        *st.taxonomy.describe(),
    ]
    if st.last_ingest is not None:
        li = st.last_ingest
        lines.append(
            f"Last ingest: {li.get('started')} ({li.get('seconds')} s) {li.get('statuses')}"
        )
    if st.checked and st.problems:
        lines.append(f"{len(st.problems)} problem(s):")
        lines.extend(f"  {p['problem']:15} {p['doc']} {p['detail']}" for p in st.problems)
    elif st.checked:
        lines.append("Check: index, files, catalogue and cache agree.")
    return lines


@main.command()
@setting_option("--host", "HOST")
@setting_option("--port", "PORT")
@setting_option("--workers", "WORKERS")
@setting_option("--threads", "THREADS")
@click.option("--dev", is_flag=True, help="Flask's development server (reloads, debugger off).")
@click.pass_context
def serve(ctx: click.Context, host: str, port: int, workers: int, threads: int, dev: bool) -> None:
    """Serve the site (gunicorn: worker processes of several threads).

    Every setting of the site can be given as a REVIEWLIB_<NAME> environment variable, e.g.
    REVIEWLIB_PER_PAGE=20 (docs/settings.md).
    """
    from web.serve import run_server

    run_server(_data_dir(ctx), host=host, port=port, workers=workers, threads=threads, dev=dev)


def _register_optional() -> None:
    try:
        from reviewlib.harvest_cmd import harvest
    except ImportError:
        return
    main.add_command(harvest)


def _register_workbench() -> None:
    # the corpus workbench's commands live in their own module (reviewlib/workbench_cmd.py)
    from reviewlib.workbench_cmd import collocates, concordance

    main.add_command(concordance)
    main.add_command(collocates)
    # and the learning items' (reviewlib/learning_cmd.py)
    from reviewlib.learning_cmd import learning

    main.add_command(learning)


_register_optional()
_register_workbench()

if __name__ == "__main__":
    main()
