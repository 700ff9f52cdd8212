"""The Flask application factory: nothing happens at import time."""

from __future__ import annotations

import os
import secrets
from pathlib import Path

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

from kb.analytics import Analytics
from kb.config import Settings
from kb.presentation import install as install_presentation
from kb.sessions import RevokedSessions
from kb.site_settings import SITE_FILE, load_site_settings
from kb.snapshot import LiveBuild
from kb.throttle import LoginThrottle

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


def create_app(settings: Settings | None = None, **config) -> Flask:
    """Build the app for ``settings`` (articles, index, database, users); ``config`` overrides Flask config."""
    settings = settings or Settings.from_env()
    app = Flask(
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
        SESSION_COOKIE_SECURE=os.environ.get("KB_SECURE_COOKIES") == "1",
    )
    app.config.update(config)
    proxies = int(os.environ.get("KB_TRUSTED_PROXIES", "0"))
    if proxies:
        # behind nginx/a load balancer: take the client address from X-Forwarded-For (login throttling needs it)
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies)
    app.json.ensure_ascii = False
    app.extensions["kb"] = LiveBuild(settings.index_dir)  # the build only: articles/ is never read here
    app.extensions["kb.analytics"] = Analytics(settings.analytics_db, settings.retention_days)
    # security state shares the analytics file; tables are created once here, not per request
    app.extensions["kb.login_throttle"] = LoginThrottle(settings.analytics_db)
    app.extensions["kb.revoked_sessions"] = RevokedSessions(settings.analytics_db)

    from indexer import marked_parts
    from kb.web import agent, api, csrf, editor, errors, public
    from kb.web.knowledge import release_snapshot

    app.extensions["kb.site"] = load_site_settings(app.config.get("KB_SITE_FILE") or SITE_FILE)
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
