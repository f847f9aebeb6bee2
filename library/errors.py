"""Domain exceptions: every error this project raises on purpose is a :class:`ReviewLibError`.
The CLI and the web app translate them at their edges.

The others join it where they are raised: ``indexer.discover.RefusedError`` (an entry ingest
will not read), ``indexer.ocr.OcrLanguageError`` and ``OcrFailed``,
``indexer.harvest.fetch.FetchError`` (a request that gave no usable answer) and
``web.params.ParameterError`` (a ``QueryError``). An error about a file carries it as
``path`` (and ``line``), so no caller parses the message.
"""

from __future__ import annotations

import os


class ReviewLibError(Exception):
    """Base class of every error this project raises on purpose."""

    #: what the user can do about it, shown by the CLI and the web app
    hint: str = ""

    def __init__(
        self,
        message: str,
        hint: str | None = None,
        *,
        path: str | os.PathLike[str] | None = None,
        line: int | None = None,
    ) -> None:
        super().__init__(message)
        if hint is not None:
            self.hint = hint
        #: the file the error is about, when there is one (and the line in it)
        self.path = path
        self.line = line


class IndexMissingError(ReviewLibError):
    hint = "Build it first: reviewlib ingest corpus (or make run)."


class IndexLockedError(ReviewLibError):
    hint = "Another ingest is running on this data directory; wait for it or use --wait."


class QueryError(ReviewLibError):
    """A user query that cannot be searched (malformed, too long, unknown field)."""

    hint = "Check the query syntax on the help page, or put the words in plain form."


class SearchTimeoutError(ReviewLibError):
    """A search that could not be answered within its time budget (library.budget)."""

    hint = "Try fewer words, fewer wildcards or a filter, or try again in a moment."


class NotFoundError(ReviewLibError):
    """An unknown document, case, page or theme id."""


class TaxonomyError(ReviewLibError):
    hint = "Fix the theme taxonomy file; every theme needs an id, a label and phrases."


class DataDirError(ReviewLibError):
    """The data directory cannot be used: a file, not writable, or impossible to create.

    The message says what to do in the same line (library.config.data_dir_error)."""


class CatalogueError(ReviewLibError, ValueError):
    """A catalogue.csv that cannot be read (bad header, bad encoding, a path outside its folder).

    ``path`` is the catalogue, ``line`` the line at fault (None: the whole file), ``reason``
    what is wrong; the message is ``<path>[:<line>]: <reason>``.
    """

    hint = "Fix the catalogue.csv: UTF-8, a 'file' column, paths inside its folder."

    def __init__(
        self, path: str | os.PathLike[str], reason: str, *, line: int | None = None
    ) -> None:
        where = f"{os.fspath(path)}:{line}" if line else os.fspath(path)
        super().__init__(f"{where}: {reason}", path=path, line=line)
        self.reason = reason


class FileTooLargeError(ReviewLibError):
    """A file found longer than the limit while it was read (``library.files.sha256_of``)."""
