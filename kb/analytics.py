"""The search log: searches, clicks and helpful votes, for the editors' insights.

No personal data: no IP address, no user agent, no account name; only what was asked (with card,
phone, resident and account numbers and e-mail addresses masked, kb/privacy.py), what was found,
what was opened and whether it helped. Rows older than the retention period are deleted (on open,
and then once a day at most).

The log never breaks search (it fails open): a database that is read-only, locked, deleted or
unreachable makes a search go unlogged, not fail or wait. The first failure is logged once; after
it the log rests for ``RETRY_SECONDS`` (no busy-timeout wait on every request) and then tries again.
It lives in SQLite by default (``KB_DB``), or in PostgreSQL (``KB_LOG_URL=postgresql://…``) when
several servers share one log.
"""

from __future__ import annotations

import json
import logging
import threading
import time
from pathlib import Path

from indexer import MAX_QUERY_CHARS
from kb.db import Database, open_database
from kb.privacy import mask_personal_data

LOG = logging.getLogger("kb.analytics")

# Table and column names are read by the editors' insights (kb/insights.py): change them only with a migration.
MIGRATIONS = [
    (
        """CREATE TABLE IF NOT EXISTS searches (
            id {id},
            at {real} NOT NULL,
            surface TEXT NOT NULL,          -- 'public' | 'agent' | 'api'
            query TEXT NOT NULL,
            normalized TEXT NOT NULL,
            category TEXT,
            total INTEGER NOT NULL,
            top_ids TEXT NOT NULL,          -- JSON list of the first result ids
            layout_fixed INTEGER NOT NULL DEFAULT 0,
            did_you_mean TEXT
        )""",
        "CREATE INDEX IF NOT EXISTS searches_at ON searches(at)",
        "CREATE INDEX IF NOT EXISTS searches_zero ON searches(total) WHERE total = 0",
        """CREATE TABLE IF NOT EXISTS clicks (
            id {id},
            at {real} NOT NULL,
            search_id BIGINT REFERENCES searches(id) ON DELETE SET NULL,
            article_id TEXT NOT NULL,
            rank INTEGER
        )""",
        "CREATE INDEX IF NOT EXISTS clicks_at ON clicks(at)",
        """CREATE TABLE IF NOT EXISTS votes (
            id {id},
            at {real} NOT NULL,
            article_id TEXT NOT NULL,
            helpful INTEGER NOT NULL,
            comment TEXT
        )""",
        "CREATE INDEX IF NOT EXISTS votes_at ON votes(at)",
    ),
    (  # security state moved to its own store (kb/state.py): older log files drop their copies
        "DROP TABLE IF EXISTS revoked_sessions",
        "DROP TABLE IF EXISTS login_attempts",
    ),
]

DAY = 86_400
CLICK_WINDOW = 3600  # a click more than an hour after its search is not a click on that search
MAX_QUERY = MAX_QUERY_CHARS
MAX_COMMENT = 1000
RETRY_SECONDS = 10  # after a failure, the log rests this long before trying the database again
TIMEOUT_MS = 200  # a busy log is given up on after this: a search never waits longer for its log line


class Analytics:
    """Writes and reads the search log; every method fails open (returns None / False / empty)."""

    def __init__(self, url: str | Path | Database, retention_days: int = 90):
        self.db = url if isinstance(url, Database) else open_database(url, timeout_ms=TIMEOUT_MS)
        self.retention_days = retention_days
        self._lock = threading.Lock()
        self._ready: object = False  # once migrated: the storage's file_id() (None for PostgreSQL)
        self._resting_until = 0.0
        self._failing = False
        self._last_purge = 0.0
        self._available()  # create the tables now if possible; a broken database is retried later

    # -- failing open ---------------------------------------------------------------------------------

    def _available(self) -> bool:
        """Whether to try the database now: tables made, and not resting after a failure."""
        if time.monotonic() < self._resting_until:
            return False
        if self._ready != self.db.file_id():  # first use, or the SQLite file was deleted or replaced
            with self._lock:
                try:
                    self.db.migrate("analytics", MIGRATIONS)
                except self.db.errors as error:
                    self._failed(error)
                    return False
                self._ready = self.db.file_id()
        return True

    def _failed(self, error: BaseException) -> None:
        self.db.forget()
        self._ready = False
        self._resting_until = time.monotonic() + RETRY_SECONDS
        if not self._failing:
            self._failing = True
            LOG.warning("search log unavailable, searches are answered but not logged: %s", error)

    def _succeeded(self) -> None:
        if self._failing:
            self._failing = False
            LOG.warning("search log available again")

    def _run(self, work, default):
        if not self._available():
            return default
        try:
            result = work(self.db)
        except self.db.errors as error:
            self._failed(error)
            return default
        self._succeeded()
        return result

    # -- writing --------------------------------------------------------------------------------------

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
    ) -> int | None:
        """Record one search; returns its id so a later click can point back to it (None if not logged)."""
        self._maybe_purge()
        row = (
            time.time(),
            surface,
            mask_personal_data(query[:MAX_QUERY]),
            mask_personal_data(normalized[:MAX_QUERY]),
            category,
            total,
            json.dumps(top_ids[:10]),
            int(layout_fixed),
            mask_personal_data(did_you_mean),
        )

        def insert(db: Database) -> int:
            cursor = db.execute(
                "INSERT INTO searches"
                " (at, surface, query, normalized, category, total, top_ids, layout_fixed, did_you_mean)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
                row,
            )
            return int(cursor.fetchone()[0])

        return self._run(insert, None)

    def log_click(self, *, article_id: str, search_id: int | None, rank: int | None = None) -> bool:
        """Record a result click; only clicks that follow a real, recent search count.

        A bare ``?r=1`` link anyone can type would otherwise let them reorder the home
        page's popular questions. Returns whether the click was recorded.
        """
        if search_id is None or not -(2**62) < search_id < 2**62:
            return False

        def insert(db: Database) -> bool:
            found = db.execute("SELECT at FROM searches WHERE id = ?", (search_id,)).fetchone()
            if found is None or time.time() - found[0] > CLICK_WINDOW:
                return False
            db.execute(
                "INSERT INTO clicks (at, search_id, article_id, rank) VALUES (?, ?, ?, ?)",
                (time.time(), search_id, article_id, rank),
            )
            return True

        return self._run(insert, False)

    def log_vote(self, *, article_id: str, helpful: bool, comment: str | None = None) -> int | None:
        """Record a vote (the comment masked like a query); returns its id, so a comment written after the
        vote can join it (None when the log is unavailable)."""
        comment = mask_personal_data((comment or "").strip()[:MAX_COMMENT]) or None

        def insert(db: Database) -> int:
            cursor = db.execute(
                "INSERT INTO votes (at, article_id, helpful, comment) VALUES (?, ?, ?, ?) RETURNING id",
                (time.time(), article_id, int(helpful), comment),
            )
            return int(cursor.fetchone()[0])

        return self._run(insert, None)

    def add_vote_comment(self, *, vote_id: int, article_id: str, comment: str) -> bool:
        """The comment asked for after "아니요": joins the vote it explains (once; never overwritten; masked)."""
        comment = mask_personal_data((comment or "").strip()[:MAX_COMMENT])
        if not comment or not -(2**62) < vote_id < 2**62:
            return False

        def update(db: Database) -> bool:
            cursor = db.execute(
                "UPDATE votes SET comment = ? WHERE id = ? AND article_id = ? AND comment IS NULL",
                (comment, vote_id, article_id),
            )
            return cursor.rowcount == 1

        return self._run(update, False)

    def purge(self, now: float | None = None) -> int:
        """Delete rows older than the retention period; returns how many went."""
        cutoff = (now or time.time()) - self.retention_days * DAY

        def delete(db: Database) -> int:
            with db.transaction():
                return sum(
                    db.execute(f"DELETE FROM {table} WHERE at < ?", (cutoff,)).rowcount
                    for table in ("clicks", "votes", "searches")
                )

        self._last_purge = time.time()
        return self._run(delete, 0)

    def _maybe_purge(self) -> None:
        if time.time() - self._last_purge > DAY:
            self.purge()

    # -- reading --------------------------------------------------------------------------------------

    def counts(self) -> dict[str, int]:
        def count(db: Database) -> dict[str, int]:
            return {t: db.execute(f"SELECT COUNT(*) FROM {t}").fetchone()[0] for t in ("searches", "clicks", "votes")}

        return self._run(count, {})

    def popular_articles(self, days: int = 30, limit: int = 8) -> list[str]:
        """Most-opened articles lately: the home page's 'popular questions' once there is traffic."""

        def popular(db: Database) -> list[str]:
            rows = db.execute(
                "SELECT article_id, COUNT(*) AS n FROM clicks WHERE at >= ?"
                " GROUP BY article_id ORDER BY n DESC, article_id LIMIT ?",
                (time.time() - days * DAY, limit),
            )
            return [row[0] for row in rows]

        return self._run(popular, [])

    def close(self) -> None:
        self.db.close()
