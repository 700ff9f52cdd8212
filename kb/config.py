"""Where the application finds its articles, index, analytics database and agent accounts."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from kb.corpus import MAX_ARTICLE_BYTES

PATH_SETTINGS = {
    "articles_dir": ("KB_ARTICLES", "articles"),
    "index_dir": ("KB_INDEX", "var/index"),
    "analytics_db": ("KB_DB", "var/analytics.sqlite3"),
    "users_file": ("KB_USERS_FILE", "var/users.json"),
}


@dataclass
class Settings:
    articles_dir: Path = Path("articles")
    index_dir: Path = Path("var/index")
    analytics_db: Path = Path("var/analytics.sqlite3")
    users_file: Path = Path("var/users.json")
    retention_days: int = 90
    max_article_bytes: int = MAX_ARTICLE_BYTES  # kb check and kb index refuse bigger article files
    secret_key: str = field(default_factory=lambda: os.environ.get("KB_SECRET_KEY", ""))

    @classmethod
    def from_env(cls, **overrides) -> Settings:
        """Defaults, then KB_* environment variables, then explicit (non-None) overrides."""
        values: dict = {name: Path(os.environ.get(env, default)) for name, (env, default) in PATH_SETTINGS.items()}
        values["retention_days"] = int(os.environ.get("KB_RETENTION_DAYS", "90"))
        values["max_article_bytes"] = int(os.environ.get("KB_MAX_ARTICLE_BYTES", MAX_ARTICLE_BYTES))
        for name, value in overrides.items():
            if value is not None:
                values[name] = Path(value) if name in PATH_SETTINGS else value
        return cls(**values)
