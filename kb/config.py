"""Where the application finds its articles, index and analytics database."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path


@dataclass
class Settings:
    articles_dir: Path = Path("articles")
    index_dir: Path = Path("var/index")
    analytics_db: Path = Path("var/analytics.sqlite3")
    secret_key: str = field(default_factory=lambda: os.environ.get("KB_SECRET_KEY", "dev-only-change-me"))

    @classmethod
    def from_env(cls, **overrides) -> Settings:
        """Defaults, then KB_ARTICLES / KB_INDEX / KB_DB from the environment, then explicit overrides."""
        values = {
            "articles_dir": Path(os.environ.get("KB_ARTICLES", "articles")),
            "index_dir": Path(os.environ.get("KB_INDEX", "var/index")),
            "analytics_db": Path(os.environ.get("KB_DB", "var/analytics.sqlite3")),
        }
        values.update({k: Path(v) if k != "secret_key" else v for k, v in overrides.items() if v is not None})
        return cls(**values)
