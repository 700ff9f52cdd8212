"""Search analytics in SQLite: searches, clicks and helpful votes, for the editors' insights.

No personal data: no IP address, no user agent, no account name; only what was asked,
what was found, what was opened and whether it helped. Rows older than the retention
period are deleted (on open, and then once a day at most).
"""

from __future__ import annotations

import json
import sqlite3
import threading
import time
from pathlib import Path

from indexer import MAX_QUERY_CHARS

SCHEMA = """
CREATE TABLE IF NOT EXISTS searches (
    id INTEGER PRIMARY KEY,
    at REAL NOT NULL,
    surface TEXT NOT NULL,          -- 'public' | 'agent' | 'api'
    query TEXT NOT NULL,
    normalized TEXT NOT NULL,
    category TEXT,
    total INTEGER NOT NULL,
    top_ids TEXT NOT NULL,          -- JSON list of the first result ids
    layout_fixed INTEGER NOT NULL DEFAULT 0,
    did_you_mean TEXT
);
CREATE INDEX IF NOT EXISTS searches_at ON searches(at);
CREATE INDEX IF NOT EXISTS searches_zero ON searches(total) WHERE total = 0;
CREATE TABLE IF NOT EXISTS clicks (
    id INTEGER PRIMARY KEY,
    at REAL NOT NULL,
    search_id INTEGER REFERENCES searches(id) ON DELETE SET NULL,
    article_id TEXT NOT NULL,
    rank INTEGER
);
CREATE INDEX IF NOT EXISTS clicks_at ON clicks(at);
CREATE TABLE IF NOT EXISTS votes (
    id INTEGER PRIMARY KEY,
    at REAL NOT NULL,
    article_id TEXT NOT NULL,
    helpful INTEGER NOT NULL,
    comment TEXT
);
CREATE INDEX IF NOT EXISTS votes_at ON votes(at);
"""

DAY = 86_400
CLICK_WINDOW = 3600  # a click more than an hour after its search is not a click on that search
MAX_QUERY = MAX_QUERY_CHARS
MAX_COMMENT = 1000


class Analytics:
    def __init__(self, path: str | Path, retention_days: int = 90):
        self.path = Path(path)
        self.retention_days = retention_days
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._local = threading.local()
        self._last_purge = 0.0
        with self._connect() as db:
            db.executescript(SCHEMA)
        self.purge()

    def _connect(self) -> sqlite3.Connection:
        """One connection per thread (gunicorn threads, Flask dev server); WAL for concurrent readers."""
        db = getattr(self._local, "db", None)
        if db is None:
            db = sqlite3.connect(self.path, timeout=5, isolation_level=None)
            db.execute("PRAGMA journal_mode=WAL")
            db.execute("PRAGMA synchronous=NORMAL")
            db.execute("PRAGMA foreign_keys=ON")
            self._local.db = db
        return db

    def log_search(
        self,
        *,
        query: str,
        normalized: str,
        surface: str,
        total: int,
        top_ids: list[str],
        category: str | None = None,
        layout_fixed: bool = False,
        did_you_mean: str | None = None,
    ) -> int:
        """Record one search; returns its id so a later click can point back to it."""
        self._maybe_purge()
        cursor = self._connect().execute(
            "INSERT INTO searches"
            " (at, surface, query, normalized, category, total, top_ids, layout_fixed, did_you_mean)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                time.time(),
                surface,
                query[:MAX_QUERY],
                normalized[:MAX_QUERY],
                category,
                total,
                json.dumps(top_ids[:10]),
                int(layout_fixed),
                did_you_mean,
            ),
        )
        return int(cursor.lastrowid)

    def log_click(self, *, article_id: str, search_id: int | None, rank: int | None = None) -> bool:
        """Record a result click; only clicks that follow a real, recent search count.

        A bare ``?r=1`` link anyone can type would otherwise let them reorder the home
        page's popular questions. Returns whether the click was recorded.
        """
        if search_id is None:
            return False
        db = self._connect()
        found = db.execute("SELECT at FROM searches WHERE id = ?", (search_id,)).fetchone()
        if found is None or time.time() - found[0] > CLICK_WINDOW:
            return False
        db.execute(
            "INSERT INTO clicks (at, search_id, article_id, rank) VALUES (?, ?, ?, ?)",
            (time.time(), search_id, article_id, rank),
        )
        return True

    def log_vote(self, *, article_id: str, helpful: bool, comment: str | None = None) -> int | None:
        """Record a vote; returns its id, so a comment written after the vote can join it."""
        comment = (comment or "").strip()[:MAX_COMMENT] or None
        cursor = self._connect().execute(
            "INSERT INTO votes (at, article_id, helpful, comment) VALUES (?, ?, ?, ?)",
            (time.time(), article_id, int(helpful), comment),
        )
        return cursor.lastrowid

    def add_vote_comment(self, *, vote_id: int, article_id: str, comment: str) -> bool:
        """The comment asked for after "아니요": joins the vote it explains (once; never overwritten)."""
        comment = (comment or "").strip()[:MAX_COMMENT]
        if not comment:
            return False
        cursor = self._connect().execute(
            "UPDATE votes SET comment = ? WHERE id = ? AND article_id = ? AND comment IS NULL",
            (comment, vote_id, article_id),
        )
        return cursor.rowcount == 1

    def purge(self, now: float | None = None) -> int:
        """Delete rows older than the retention period; returns how many went."""
        cutoff = (now or time.time()) - self.retention_days * DAY
        db = self._connect()
        removed = 0
        for table in ("clicks", "votes", "searches"):
            removed += db.execute(f"DELETE FROM {table} WHERE at < ?", (cutoff,)).rowcount
        self._last_purge = time.time()
        return removed

    def _maybe_purge(self) -> None:
        if time.time() - self._last_purge > DAY:
            self.purge()

    def counts(self) -> dict[str, int]:
        db = self._connect()
        return {t: db.execute(f"SELECT COUNT(*) FROM {t}").fetchone()[0] for t in ("searches", "clicks", "votes")}

    def popular_articles(self, days: int = 30, limit: int = 8) -> list[str]:
        """Most-opened articles lately: the home page's 'popular questions' once there is traffic."""
        rows = self._connect().execute(
            "SELECT article_id, COUNT(*) AS n FROM clicks WHERE at >= ? GROUP BY article_id ORDER BY n DESC LIMIT ?",
            (time.time() - days * DAY, limit),
        )
        return [row[0] for row in rows]
