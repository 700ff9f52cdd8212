"""The Flask application factory: nothing happens at import time."""

from __future__ import annotations

import os
import secrets
from pathlib import Path

from flask import Flask, has_request_context
from werkzeug.middleware.proxy_fix import ProxyFix

from kb.analytics import Analytics
from kb.config import Settings
from kb.presentation import install as install_presentation
from kb.sessions import RevokedSessions
from kb.site_settings import SITE_FILE, load_site_settings
from kb.snapshot import LiveBuild, warm_up
from kb.state import StateStore, VotesCast
from kb.throttle import LoginThrottle, RateLimit

SITE_DIR = Path(__file__).resolve().parents[2] / "site"


def _secret_key(settings: Settings) -> str:
    """KB_SECRET_KEY, else a key generated once and kept next to the database (shared by all workers).

    Several gunicorn workers may start at once: the key is written to a temporary file and
    hard-linked into place, which succeeds for exactly one of them; all then read the same key.
    """
    if settings.secret_key:
        return settings.secret_key
    path = settings.analytics_db.parent / "secret_key"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        temp = path.with_name(f".secret_key.{os.getpid()}.{secrets.token_hex(4)}")
        fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            out.write(secrets.token_hex(32))
        try:
            os.link(temp, path)
        except FileExistsError:
            pass
        finally:
            temp.unlink()
    key = path.read_text(encoding="utf-8").strip()
    if len(key) < 32:
        raise RuntimeError(f"{path} holds no usable secret key: delete it or set KB_SECRET_KEY")
    return key


CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
)


def _security_headers(response):
    """Defence in depth on top of autoescaping and sanitized article HTML."""
    response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("Referrer-Policy", "same-origin")
    response.headers.setdefault("X-Frame-Options", "DENY")
    return response


VOTES_PER_CLIENT = 10  # helpful/not-helpful votes one client address may send ...
VOTE_WINDOW_SECONDS = 60  # ... per minute


class KnowledgeBaseFlask(Flask):
    """Absolute links (canonical, copy link) start with the configured base URL, never the request's Host header."""

    def url_for(self, endpoint: str, *, _external: bool | None = None, _scheme: str | None = None, **values) -> str:
        path = super().url_for(endpoint, _external=False, **values)
        external = _external if _external is not None else not has_request_context()
        return self.config["KB_BASE_URL"] + path if external else path


def create_app(settings: Settings | None = None, **config) -> Flask:
    """Build the app for ``settings`` (articles, index, database, users); ``config`` overrides Flask config."""
    settings = settings or Settings.from_env()
    app = KnowledgeBaseFlask(
        __name__,
        template_folder=str(SITE_DIR / "templates"),
        static_folder=str(SITE_DIR / "static"),
        static_url_path="/static",
    )
    app.config.update(
        SECRET_KEY=_secret_key(settings),
        KB_SETTINGS=settings,
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SEND_FILE_MAX_AGE_DEFAULT=3600,
        SESSION_COOKIE_SECURE=settings.secure_cookies,
        KB_BASE_URL=settings.base_url.rstrip("/"),
    )
    app.config.update(config)
    proxies = settings.trusted_proxies
    if proxies:
        # behind nginx/a load balancer: take the client address from X-Forwarded-For (login throttling needs it)
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies)
    app.json.ensure_ascii = False
    app.extensions["kb"] = LiveBuild(settings.index_dir)  # the build only: articles/ is never read here
    warm_up()  # Kiwi's model loads on first use: pay it before the first customer, not during their search
    # The search log fails open (a search is answered even when it cannot be logged); the security
    # state fails closed and lives in its own store, so losing the log never revives a session.
    app.extensions["kb.analytics"] = Analytics(settings.search_log_url, settings.retention_days)
    state = StateStore(settings.state_store_url)
    app.extensions["kb.login_throttle"] = LoginThrottle(state)
    app.extensions["kb.revoked_sessions"] = RevokedSessions(state)
    app.extensions["kb.votes_cast"] = VotesCast(state)
    app.extensions["kb.vote_limit"] = RateLimit(state, "vote", VOTES_PER_CLIENT, VOTE_WINDOW_SECONDS)

    from indexer import marked_parts
    from kb.web import agent, api, csrf, editor, errors, public
    from kb.web.knowledge import release_snapshot

    app.extensions["kb.site"] = load_site_settings(app.config.get("SITE_SETTINGS_FILE") or SITE_FILE)
    install_presentation(app.jinja_env, app.extensions["kb.site"])
    app.jinja_env.globals["marked_parts"] = marked_parts
    app.teardown_request(release_snapshot)
    csrf.init_app(app)
    errors.init_app(app)
    app.after_request(_security_headers)
    app.register_blueprint(public.bp)
    app.register_blueprint(api.bp)
    app.register_blueprint(agent.bp)
    app.register_blueprint(editor.bp)
    return app
