"""Login throttling: after repeated wrong passwords an account name is locked for a while.

Stored in SQLite next to the analytics, so every gunicorn worker sees the same counts.
Only failures inside the window are kept; a successful login clears them.
"""

from __future__ import annotations

import sqlite3
import time
from pathlib import Path

MAX_FAILURES = 5
WINDOW_SECONDS = 15 * 60


class LoginThrottle:
    def __init__(self, path: str | Path, max_failures: int = MAX_FAILURES, window: int = WINDOW_SECONDS):
        self.path = Path(path)
        self.max_failures = max_failures
        self.window = window
        with self._connect() as db:
            db.execute("CREATE TABLE IF NOT EXISTS login_failures (name TEXT NOT NULL, at REAL NOT NULL)")
            db.execute("CREATE INDEX IF NOT EXISTS login_failures_name ON login_failures(name, at)")

    def _connect(self) -> sqlite3.Connection:
        return sqlite3.connect(self.path, timeout=5)

    def locked_for(self, name: str, now: float | None = None) -> int:
        """Seconds until ``name`` may try again (0 if it may try now)."""
        now = now or time.time()
        with self._connect() as db:
            db.execute("DELETE FROM login_failures WHERE at < ?", (now - self.window,))
            rows = db.execute(
                "SELECT at FROM login_failures WHERE name = ? ORDER BY at DESC LIMIT ?", (name, self.max_failures)
            ).fetchall()
        if len(rows) < self.max_failures:
            return 0
        return max(0, int(rows[-1][0] + self.window - now) + 1)

    def failed(self, name: str, now: float | None = None) -> None:
        with self._connect() as db:
            db.execute("INSERT INTO login_failures (name, at) VALUES (?, ?)", (name, now or time.time()))

    def succeeded(self, name: str) -> None:
        with self._connect() as db:
            db.execute("DELETE FROM login_failures WHERE name = ?", (name,))
