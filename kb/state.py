"""The app's security state (revoked sessions, login attempts, votes already cast), apart from the search log.

Security state fails closed: when it cannot be read, a session is refused and a login waits, rather
than trusting what cannot be checked. It must therefore not share a file with the search log, which
fails open and which an operator may delete or make read-only to stop logging.

Deleting this store cannot bring a logged-out session back either: the store remembers when it was
created, and a session that started before that is refused (its revocation may have been lost).
SQLite by default (``KB_STATE_DB``); ``KB_STATE_URL=postgresql://…`` when several servers share it.
"""

from __future__ import annotations

import threading
import time
from pathlib import Path

from kb.db import Database, open_database

MIGRATIONS = [
    (
        "CREATE TABLE IF NOT EXISTS state_meta (key TEXT PRIMARY KEY, value {real} NOT NULL)",
        "CREATE TABLE IF NOT EXISTS revoked_sessions (sid TEXT PRIMARY KEY, until {real} NOT NULL)",
        "CREATE TABLE IF NOT EXISTS login_attempts (name TEXT NOT NULL, client TEXT NOT NULL, at {real} NOT NULL)",
        "CREATE INDEX IF NOT EXISTS login_attempts_key ON login_attempts(client, name, at)",
        "CREATE INDEX IF NOT EXISTS login_attempts_name ON login_attempts(name, at)",
        """CREATE TABLE IF NOT EXISTS votes_cast (
            visitor TEXT NOT NULL, article_id TEXT NOT NULL, at {real} NOT NULL, PRIMARY KEY (visitor, article_id)
        )""",
        "CREATE INDEX IF NOT EXISTS votes_cast_at ON votes_cast(at)",
        "CREATE TABLE IF NOT EXISTS rate_events (kind TEXT NOT NULL, key TEXT NOT NULL, at {real} NOT NULL)",
        "CREATE INDEX IF NOT EXISTS rate_events_key ON rate_events(kind, key, at)",
    ),
]

TIMEOUT_MS = 1000  # security state waits a little longer than the log before it refuses


class StateStore:
    """The database of security state, migrated on first use (a broken store raises: callers fail closed)."""

    def __init__(self, url: str | Path | Database):
        self.db = url if isinstance(url, Database) else open_database(url, timeout_ms=TIMEOUT_MS)
        self.errors = self.db.errors
        self._lock = threading.Lock()
        self._created: float | None = None
        self._file_id = None

    def ready(self) -> Database:
        """The database with its tables; raises ``self.errors`` when it cannot be used."""
        if self._created is None or self.db.file_id() != self._file_id:
            with self._lock:
                self.db.migrate("state", MIGRATIONS)
                with self.db.transaction():
                    self.db.lock_for_write("state_meta")
                    row = self.db.execute("SELECT value FROM state_meta WHERE key = 'created'").fetchone()
                    if row is None:
                        row = (time.time(),)
                        self.db.execute("INSERT INTO state_meta (key, value) VALUES ('created', ?)", row)
                self._created, self._file_id = row[0], self.db.file_id()
        return self.db

    def created(self) -> float:
        """When this store began: sessions older than this cannot be checked against it."""
        self.ready()
        assert self._created is not None
        return self._created


VOTE_MEMORY_DAYS = 30  # a visitor's vote on an article is remembered this long


class VotesCast:
    """One helpful/not-helpful vote per visitor per article: the server remembers who already voted where.

    A visitor is a random id kept in the session cookie, stored here only as a hash, never in the search log.
    """

    def __init__(self, store: StateStore):
        self.store = store

    def first(self, visitor: str, article_id: str, now: float | None = None) -> bool:
        """Record the vote; True if it is this visitor's first on this article (raises when the store fails)."""
        now = now or time.time()
        db = self.store.ready()
        with db.transaction():
            db.execute("DELETE FROM votes_cast WHERE at < ?", (now - VOTE_MEMORY_DAYS * 86_400,))
            inserted = db.execute(
                "INSERT INTO votes_cast (visitor, article_id, at) VALUES (?, ?, ?)"
                " ON CONFLICT (visitor, article_id) DO NOTHING",
                (visitor, article_id, now),
            ).rowcount
        return inserted == 1
