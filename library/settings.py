"""Every setting of the project, once: its name, default, type, bounds and what it does.

The CLI takes its options' defaults from here, ``indexer.pipeline.IngestOptions`` its limits,
the web app its configuration (``web.config``), and ``docs/settings.md`` is this table
(``python -m library.settings`` prints it; ``tests/test_settings.py`` checks the file).

The settings of the site (scopes ``search`` and ``site``) are read from ``REVIEWLIB_<NAME>``
environment variables by the app factory, as Flask's ``config.from_prefixed_env`` does, and
those of ``reviewlib serve`` (scope ``serve``) by its options; an ingest's limits are options
of ``reviewlib ingest`` only, so that a run is described by its command line.
"""

from __future__ import annotations

import sys
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from library.errors import ReviewLibError

ENV_PREFIX = "REVIEWLIB_"
#: where each scope's settings are read from, for the table in docs/settings.md
SCOPES = {
    "ingest": "`reviewlib ingest` options",
    "harvest": "`reviewlib harvest` options",
    "search": "the site (environment) and `reviewlib search`",
    "site": "the site (environment)",
    "serve": "`reviewlib serve` (option or environment)",
}
_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off"}


class SettingsError(ReviewLibError):
    """A setting given a value it cannot take (one line naming the variable and the range)."""

    hint = "See docs/settings.md for every setting, its type and its range."


@dataclass(frozen=True)
class Setting:
    """One setting. ``kind`` is int, float, bool, str or Path; ``optional``: None is allowed
    (an empty environment variable gives None)."""

    name: str
    default: Any
    kind: type
    scope: str
    help: str
    cli: str = ""  # the command-line option that sets it
    minimum: float | None = None
    maximum: float | None = None
    optional: bool = False
    env_name: str = ""  # default: REVIEWLIB_<name>; none for ingest and harvest settings

    @property
    def env(self) -> str:
        """The environment variable that sets it ("" when none does)."""
        if self.env_name:
            return self.env_name
        return "" if self.scope in ("ingest", "harvest") else ENV_PREFIX + self.name

    def parse(self, raw: str, source: str = "") -> Any:
        """``raw`` (an environment variable's text) as this setting's value, checked."""
        where = source or self.env or self.name
        text = raw.strip()
        if self.optional and text.lower() in ("", "none"):
            return None
        try:
            value = _convert(self.kind, text)
        except ValueError:
            raise SettingsError(
                f"{where} must be {self.describe_type()}, not {raw[:40]!r}."
            ) from None
        return self.check(value, where)

    def check(self, value: Any, where: str = "") -> Any:
        """``value`` if it is within the bounds, else SettingsError."""
        if value is None and self.optional:
            return None
        low, high = self.minimum, self.maximum
        if (low is not None and value < low) or (high is not None and value > high):
            raise SettingsError(
                f"{where or self.name} must be {self.describe_type()}, not {value!r}."
            )
        return value

    def describe_type(self) -> str:
        names = {int: "a whole number", float: "a number", bool: "true or false", Path: "a path"}
        text = names.get(self.kind, "text")
        if self.minimum is not None and self.maximum is not None:
            text += f" from {self.minimum:g} to {self.maximum:g}"
        elif self.minimum is not None:
            text += f" of at least {self.minimum:g}"
        return text + (" (or empty: none)" if self.optional else "")


def _convert(kind: type, text: str) -> Any:
    if kind is bool:
        if text.lower() in _TRUE:
            return True
        if text.lower() in _FALSE:
            return False
        raise ValueError(text)
    if kind is int and not text.lstrip("-").isdigit():
        raise ValueError(text)
    if kind is float:
        value = float(text)
        if value != value or value in (float("inf"), float("-inf")):
            raise ValueError(text)
        return value
    return kind(text)


CSP = (
    "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
    "frame-ancestors 'none'; base-uri 'none'; form-action 'self'"
)

SETTINGS: tuple[Setting, ...] = (
    # ---- ingest: the limits of one run ----------------------------------------------------
    Setting(
        "INGEST_WORKERS",
        None,
        int,
        "ingest",
        "Extraction processes (default: every core).",
        cli="--workers",
        minimum=1,
        maximum=64,
        optional=True,
    ),
    Setting(
        "TIMEOUT",
        90.0,
        float,
        "ingest",
        "Seconds one file may take to extract, and each page OCR reads.",
        cli="--timeout",
        minimum=1,
        maximum=3600,
    ),
    Setting(
        "MEMORY_MB",
        1024,
        int,
        "ingest",
        "Memory cap of each extraction worker (MB).",
        cli="--memory-mb",
        minimum=128,
        maximum=65536,
    ),
    Setting(
        "MAX_FILE_MB",
        300,
        int,
        "ingest",
        "Larger files are reported as too-large without being read (MB).",
        cli="--max-file-mb",
        minimum=1,
        maximum=10000,
    ),
    Setting(
        "OCR",
        True,
        bool,
        "ingest",
        "Read pages without a text layer with Tesseract, when it is installed.",
        cli="--no-ocr",
    ),
    Setting(
        "OCR_LANG",
        "eng",
        str,
        "ingest",
        "Tesseract languages of the scans, e.g. eng or eng+fra.",
        cli="--ocr-lang",
    ),
    # ---- harvest: fetching from partnership sites -------------------------------------------
    Setting(
        "HARVEST_RATE_LIMIT",
        1.0,
        float,
        "harvest",
        "Seconds between requests to the same host.",
        cli="harvest --rate-limit",
        minimum=0,
    ),
    Setting(
        "HARVEST_TIMEOUT",
        30.0,
        float,
        "harvest",
        "Seconds to wait for a connection or for the next bytes of an answer.",
        cli="harvest --timeout",
        minimum=1,
    ),
    Setting(
        "HARVEST_DEADLINE",
        300.0,
        float,
        "harvest",
        "Seconds one download (page or document, redirects included) may take in all.",
        cli="harvest --deadline",
        minimum=1,
    ),
    Setting(
        "HARVEST_MAX_MB",
        200,
        int,
        "harvest",
        "Larger downloads are refused (MB).",
        minimum=1,
    ),
    Setting(
        "HARVEST_USER_AGENT",
        "CaseReviewLibrary-harvester/0.1 (+https://example.invalid/case-review-library)",
        str,
        "harvest",
        "The User-Agent header of every request.",
        cli="harvest --user-agent",
    ),
    # ---- search: what one search may cost and show ------------------------------------------
    Setting(
        "SEARCH_BUDGET_SECONDS",
        3.0,
        float,
        "search",
        "Seconds a search may take before it answers with what it has (0: no limit).",
        cli="search --budget",
        minimum=0,
    ),
    Setting(
        "PER_PAGE",
        10,
        int,
        "search",
        "Documents per result page (at most MAX_PER_PAGE).",
        cli="search --per-page",
        minimum=1,
        maximum=100,
    ),
    Setting(
        "MAX_PER_PAGE",
        100,
        int,
        "search",
        "The most documents per page a request may ask for (the library refuses more).",
        minimum=1,
        maximum=100,
    ),
    Setting(
        "MAX_PAGE",
        1000,
        int,
        "search",
        "The last result page a request may ask for (the library refuses more).",
        minimum=1,
        maximum=1000,
    ),
    Setting(
        "YEAR_MIN",
        1900,
        int,
        "search",
        "The earliest year a year filter may name.",
        minimum=1000,
        maximum=9999,
    ),
    Setting(
        "YEAR_MAX",
        2100,
        int,
        "search",
        "The latest year a year filter may name.",
        minimum=1000,
        maximum=9999,
    ),
    Setting(
        "SNIPPETS",
        3,
        int,
        "search",
        "Highlighted page snippets shown per result.",
        minimum=0,
        maximum=20,
    ),
    # ---- exports and citations (docs/web.md) -----------------------------------------------
    Setting(
        "EXPORT_MAX_DOCUMENTS",
        1000,
        int,
        "search",
        "Documents one export of a search (CSV, RIS, BibTeX) holds at most: past it, the "
        "first ones in the search's order, and the export says so.",
        cli="search --max-documents",
        minimum=1,
        maximum=100000,
    ),
    Setting(
        "SITE_URL",
        "",
        str,
        "search",
        "The site's public address (e.g. https://reviews.example.org) in references, "
        "exports and quotes; empty: the address a request came to, and for the CLI "
        "http://HOST:PORT.",
        cli="search --site-url",
    ),
    # ---- workbench: concordance and collocates (docs/workbench.md) -------------------------
    Setting(
        "WORKBENCH_MAX_OCCURRENCES",
        5000,
        int,
        "search",
        "Occurrences of a query one concordance or collocates request reads at most "
        "(past it, the answer says it is partial; collocates --max-occurrences too).",
        cli="concordance --max-occurrences",
        minimum=100,
        maximum=200000,
    ),
    Setting(
        "CONCORDANCE_PER_PAGE",
        50,
        int,
        "search",
        "Concordance lines per page.",
        cli="concordance --per-page",
        minimum=1,
        maximum=1000,
    ),
    Setting(
        "CONCORDANCE_WIDTH",
        60,
        int,
        "search",
        "Characters of context on each side of a concordance line.",
        cli="concordance --width",
        minimum=10,
        maximum=300,
    ),
    # ---- batch terms (docs/workbench.md "Batch terms") -------------------------------------
    Setting(
        "BATCH_TERMS_MAX_TERMS",
        200,
        int,
        "search",
        "Terms and phrases one batch-terms list may hold (past it the list is refused).",
        minimum=1,
        maximum=2000,
    ),
    Setting(
        "BATCH_TERMS_MAX_LINE_CHARS",
        200,
        int,
        "search",
        "Characters one line of a batch-terms list may hold (past it the list is refused).",
        minimum=10,
        maximum=2000,
    ),
    Setting(
        "BATCH_TERMS_MAX_UPLOAD_BYTES",
        65536,
        int,
        "site",
        "Bytes of a term list the /terms page accepts as an upload or a pasted list.",
        minimum=1024,
        maximum=500000,
    ),
    # ---- following and similar reviews (docs/feeds.md, docs/similar.md) -------------------
    Setting(
        "FEED_ENTRIES",
        50,
        int,
        "site",
        "Documents in an Atom feed (/search.atom, /themes/<id>.atom, /new.atom) and on "
        "What's new, the most recently added first.",
        minimum=1,
        maximum=100,
    ),
    Setting(
        "SIMILAR_COUNT",
        5,
        int,
        "site",
        "Similar reviews listed on a document page (other cases only; 0: none).",
        minimum=0,
        maximum=20,
    ),
    Setting(
        "SIMILAR_TERMS",
        40,
        int,
        "site",
        "Distinctive terms of a document compared with the library to find similar reviews "
        "(each costs one posting-list read).",
        minimum=5,
        maximum=200,
    ),
    Setting(
        "SIMILAR_CANDIDATES",
        200,
        int,
        "site",
        "Documents sharing those terms or a theme that are scored in full for similar "
        "reviews (the best by shared terms first).",
        minimum=10,
        maximum=5000,
    ),
    # ---- site -----------------------------------------------------------------------------
    Setting(
        "DATA_DIR",
        Path("var"),
        Path,
        "site",
        "Where `reviewlib ingest` wrote the index (the site only reads it).",
        cli="--data-dir",
        env_name="REVIEWLIB_DATA",
    ),
    Setting(
        "FACET_VISIBLE",
        8,
        int,
        "site",
        "Theme facet values shown before 'show more'.",
        minimum=1,
        maximum=100,
    ),
    Setting(
        "REUSE_SEARCHER",
        True,
        bool,
        "site",
        "Keep each thread's searcher between requests (false: close it after each).",
    ),
    Setting(
        "TAXONOMY_PATH",
        None,
        Path,
        "site",
        "A taxonomy file shown instead of the one the index was tagged with "
        "(development; empty: the index's).",
        optional=True,
    ),
    Setting(
        "CONTENT_SECURITY_POLICY",
        CSP,
        str,
        "site",
        "The Content-Security-Policy header of every response.",
    ),
    Setting(
        "EXPOSE_FILE_PATHS",
        False,
        bool,
        "site",
        "Show each document's full path on the server in JSON (false: its file name only).",
    ),
    Setting(
        "SEND_FILE_MAX_AGE_DEFAULT",
        3600,
        int,
        "site",
        "Seconds browsers may keep static files and documents (Cache-Control max-age).",
        minimum=0,
    ),
    # ---- handouts: collections sent to the server (docs/web.md, "Collections") -------------
    Setting(
        "HANDOUT_MAX_ITEMS",
        50,
        int,
        "site",
        "Passages one handout holds (those past it are left out, and the handout says so).",
        minimum=1,
        maximum=500,
    ),
    Setting(
        "HANDOUT_MAX_QUOTE_CHARS",
        2000,
        int,
        "site",
        "Characters of one quote on a handout (a longer one is left out with its reason).",
        minimum=50,
        maximum=20000,
    ),
    Setting(
        "HANDOUT_MAX_NOTES_CHARS",
        4000,
        int,
        "site",
        "Characters of a handout's notes (cut beyond).",
        minimum=0,
        maximum=50000,
    ),
    # ---- serve: the server (gunicorn) -------------------------------------------------------
    Setting("HOST", "127.0.0.1", str, "serve", "Address to listen on.", cli="serve --host"),
    Setting(
        "PORT",
        5000,
        int,
        "serve",
        "Port to listen on.",
        cli="serve --port",
        minimum=1,
        maximum=65535,
    ),
    Setting(
        "WORKERS",
        2,
        int,
        "serve",
        "gunicorn worker processes.",
        cli="serve --workers",
        minimum=1,
        maximum=64,
    ),
    Setting(
        "THREADS",
        8,
        int,
        "serve",
        "Threads per worker process: each slow client holds one.",
        cli="serve --threads",
        minimum=1,
        maximum=64,
    ),
)
BY_NAME: dict[str, Setting] = {s.name: s for s in SETTINGS}


def default(name: str) -> Any:
    """The default of setting ``name``."""
    return BY_NAME[name].default


def defaults(*scopes: str) -> dict[str, Any]:
    """Every setting's default, of the given scopes (default: all)."""
    return {s.name: s.default for s in SETTINGS if not scopes or s.scope in scopes}


def from_environ(environ: Mapping[str, str], *scopes: str) -> dict[str, Any]:
    """The settings of ``scopes`` set in ``environ`` (``REVIEWLIB_<NAME>``), parsed and checked."""
    found: dict[str, Any] = {}
    for s in SETTINGS:
        raw = environ.get(s.env) if s.env and s.scope in scopes else None
        if raw is None or (raw.strip() == "" and not s.optional):
            continue  # unset; an empty variable is unset too, unless empty means "none"
        found[s.name] = s.parse(raw)
    return found


def check_together(values: Mapping[str, Any]) -> None:
    """The rules between settings: a default page size within the largest, years in order."""
    merged = {**defaults(), **values}
    if merged["PER_PAGE"] > merged["MAX_PER_PAGE"]:
        raise SettingsError(
            f"PER_PAGE ({merged['PER_PAGE']}) is more than MAX_PER_PAGE ({merged['MAX_PER_PAGE']})."
        )
    if merged["YEAR_MIN"] > merged["YEAR_MAX"]:
        raise SettingsError(
            f"YEAR_MIN ({merged['YEAR_MIN']}) is after YEAR_MAX ({merged['YEAR_MAX']})."
        )


def markdown() -> str:
    """The table of docs/settings.md."""
    rows = [
        "| setting | default | type | set by | what it does |",
        "|---|---|---|---|---|",
    ]
    for s in SETTINGS:
        shown = "none" if s.default is None else str(s.default)
        if s.kind is bool:
            shown = "true" if s.default else "false"
        how = [f"`{s.env}`"] if s.env else []
        how += [f"`{s.cli}`"] if s.cli else []
        rows.append(
            f"| `{s.name}` | `{shown}` | {s.describe_type()} | {', '.join(how) or '—'} | {s.help} |"
        )
    return "\n".join(rows) + "\n"


if __name__ == "__main__":
    sys.stdout.write(markdown())
