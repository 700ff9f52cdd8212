"""The Flask application factory: nothing happens at import time."""

from __future__ import annotations

from pathlib import Path

from flask import Flask

from kb.config import Settings
from kb.web.knowledge import KnowledgeBase

SITE_DIR = Path(__file__).resolve().parents[2] / "site"


def create_app(settings: Settings | None = None, **config) -> Flask:
    """Build the app for ``settings`` (articles, index, database); ``config`` overrides Flask config."""
    settings = settings or Settings.from_env()
    app = Flask(
        __name__,
        template_folder=str(SITE_DIR / "templates"),
        static_folder=str(SITE_DIR / "static"),
        static_url_path="/static",
    )
    app.config.update(SECRET_KEY=settings.secret_key, JSON_AS_ASCII=False, KB_SETTINGS=settings)
    app.config.update(config)
    app.json.ensure_ascii = False
    app.extensions["kb"] = KnowledgeBase(settings)

    from kb.web import api, public

    app.register_blueprint(public.bp)
    app.register_blueprint(api.bp)
    return app
