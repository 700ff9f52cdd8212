"""Every setting of the application, each with its one default and its one ``KB_*`` environment variable.

``Settings.from_env`` is the only place that reads ``KB_*`` variables: everything else is handed a
``Settings``. A default is written once, on its field; the environment and then explicit overrides
(command-line options) replace it.
"""

from __future__ import annotations

import dataclasses
import os
from dataclasses import dataclass, field
from pathlib import Path

from kb.corpus import MAX_ARTICLE_BYTES


def setting(env: str, default, help: str = ""):
    """A field read from ``env`` by ``Settings.from_env``; the default is used when the variable is unset."""
    return field(default=default, metadata={"env": env, "help": help})


def _parse(text: str, default, env: str):
    """The environment's text as the default's type; a bad value names its variable."""
    if isinstance(default, bool):
        if text.strip().lower() in ("1", "true", "yes", "on"):
            return True
        if text.strip().lower() in ("0", "false", "no", "off", ""):
            return False
        raise ValueError(f"{env}={text!r}: expected 1/0, true/false, yes/no or on/off")
    if isinstance(default, int):
        try:
            return int(text)
        except ValueError:
            raise ValueError(f"{env}={text!r}: expected a whole number") from None
    if isinstance(default, Path):
        return Path(text)
    return text


@dataclass
class Settings:
    articles_dir: Path = setting("KB_ARTICLES", Path("articles"), "the Markdown articles")
    index_dir: Path = setting("KB_INDEX", Path("var/index"), "the search index builds")
    analytics_db: Path = setting("KB_DB", Path("var/analytics.sqlite3"), "the search log when KB_LOG_URL is unset")
    log_url: str = setting("KB_LOG_URL", "", "search log database: empty = SQLite at KB_DB, or postgresql://…")
    state_db: Path = setting("KB_STATE_DB", Path("var/state.sqlite3"), "security state when KB_STATE_URL is unset")
    state_url: str = setting("KB_STATE_URL", "", "security state: empty = SQLite at KB_STATE_DB, or postgresql://…")
    users_file: Path = setting("KB_USERS_FILE", Path("var/users.json"), "agent accounts (hashed passwords)")
    users: str = setting("KB_USERS", "", "more accounts: name=hash;name2=hash2")
    retention_days: int = setting("KB_RETENTION_DAYS", 90, "search log rows older than this are deleted")
    max_article_bytes: int = setting("KB_MAX_ARTICLE_BYTES", MAX_ARTICLE_BYTES, "kb check and kb index refuse bigger")
    secret_key: str = setting("KB_SECRET_KEY", "", "signs sessions; empty = generated once next to KB_DB")
    secure_cookies: bool = setting("KB_SECURE_COOKIES", False, "session cookie only over HTTPS")
    trusted_proxies: int = setting("KB_TRUSTED_PROXIES", 0, "reverse proxies whose X-Forwarded-For is trusted")
    stale_days: int = setting("KB_STALE_DAYS", 365, "kb check warns about articles older than this")
    base_url: str = setting("KB_BASE_URL", "http://127.0.0.1:5000", "absolute links (canonical, copy link)")

    @classmethod
    def from_env(cls, environ=None, **overrides) -> Settings:
        """Defaults, then ``KB_*`` environment variables, then explicit (non-None) overrides."""
        environ = os.environ if environ is None else environ
        values = {}
        for spec in dataclasses.fields(cls):
            env = spec.metadata["env"]
            if env in environ:
                values[spec.name] = _parse(environ[env], spec.default, env)
            if overrides.get(spec.name) is not None:
                value = overrides[spec.name]
                values[spec.name] = Path(value) if isinstance(spec.default, Path) else value
        unknown = set(overrides) - {spec.name for spec in dataclasses.fields(cls)}
        if unknown:
            raise TypeError(f"unknown settings: {', '.join(sorted(unknown))}")
        return cls(**values)

    @property
    def search_log_url(self) -> str:
        """Where searches, clicks and votes go: ``KB_LOG_URL``, else the SQLite file ``KB_DB``."""
        return self.log_url or f"sqlite:///{self.analytics_db}"

    @property
    def state_store_url(self) -> str:
        """Where revoked sessions, login attempts and votes cast go: ``KB_STATE_URL``, else ``KB_STATE_DB``."""
        return self.state_url or f"sqlite:///{self.state_db}"


def environment_variables() -> dict[str, str]:
    """Every ``KB_*`` variable with what it sets: for the README and for tests that clear them all."""
    return {spec.metadata["env"]: spec.metadata["help"] for spec in dataclasses.fields(Settings)}
