"""Server-side revocation for the signed session cookies of the agent console.

A Flask session lives in the cookie, so logging out cannot delete it from a copy someone
kept. Each login gets a random id; logout records it here until it would have expired
anyway, and every request checks it.
"""

from __future__ import annotations

import sqlite3
import time
from pathlib import Path


class RevokedSessions:
    def __init__(self, path: str | Path):
        self.path = Path(path)
        with self._connect() as db:
            db.execute("CREATE TABLE IF NOT EXISTS revoked_sessions (sid TEXT PRIMARY KEY, until REAL NOT NULL)")

    def _connect(self) -> sqlite3.Connection:
        return sqlite3.connect(self.path, timeout=5)

    def revoke(self, sid: str, until: float) -> None:
        with self._connect() as db:
            db.execute("DELETE FROM revoked_sessions WHERE until < ?", (time.time(),))
            db.execute("INSERT OR REPLACE INTO revoked_sessions (sid, until) VALUES (?, ?)", (sid, until))

    def is_revoked(self, sid: str) -> bool:
        with self._connect() as db:
            return db.execute("SELECT 1 FROM revoked_sessions WHERE sid = ?", (sid,)).fetchone() is not None
