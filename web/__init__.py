"""The web site: a Flask app over library/ (``flask --app web run`` finds ``create_app``)."""

from __future__ import annotations

from web.app import create_app

__all__ = ["create_app"]
