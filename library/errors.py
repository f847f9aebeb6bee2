"""Domain exceptions. The CLI and the web app translate these at their edges."""

from __future__ import annotations


class ReviewLibError(Exception):
    """Base class of every error this project raises on purpose."""

    #: what the user can do about it, shown by the CLI and the web app
    hint: str = ""

    def __init__(self, message: str, hint: str | None = None) -> None:
        super().__init__(message)
        if hint is not None:
            self.hint = hint


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
