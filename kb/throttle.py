"""Login throttling: repeated wrong passwords from one client slow that client down.

Counted per (account name, client address), so a stranger cannot lock a real agent out
from elsewhere, and per client across names, so one client cannot spray guesses over many
accounts. Each attempt is counted before the password is checked, in one SQLite
transaction, so parallel guesses cannot slip past the limit. Rows live only for the
window; the table sits next to the analytics and is shared by every gunicorn worker.
"""

from __future__ import annotations

import sqlite3
import time
from pathlib import Path

MAX_FAILURES = 5  # per account name and client
MAX_CLIENT_FAILURES = 20  # per client, over all names
WINDOW_SECONDS = 15 * 60


class LoginThrottle:
    def __init__(self, path: str | Path, max_failures: int = MAX_FAILURES, window: int = WINDOW_SECONDS):
        self.path = Path(path)
        self.max_failures = max_failures
        self.max_client_failures = max(MAX_CLIENT_FAILURES, max_failures)
        self.window = window
        with self._connect() as db:
            db.execute("CREATE TABLE IF NOT EXISTS login_attempts (name TEXT NOT NULL, client TEXT NOT NULL, at REAL)")
            db.execute("CREATE INDEX IF NOT EXISTS login_attempts_key ON login_attempts(client, name, at)")

    def _connect(self) -> sqlite3.Connection:
        return sqlite3.connect(self.path, timeout=5, isolation_level=None)

    def attempt(self, name: str, client: str, now: float | None = None) -> int:
        """Count one attempt; return 0 if it may go ahead, else the seconds to wait (nothing counted)."""
        now = now or time.time()
        db = self._connect()
        try:
            db.execute("BEGIN IMMEDIATE")
            db.execute("DELETE FROM login_attempts WHERE at < ?", (now - self.window,))
            mine = db.execute(
                "SELECT at FROM login_attempts WHERE client = ? AND name = ? ORDER BY at DESC LIMIT ?",
                (client, name, self.max_failures),
            ).fetchall()
            everything = db.execute(
                "SELECT at FROM login_attempts WHERE client = ? ORDER BY at DESC LIMIT ?",
                (client, self.max_client_failures),
            ).fetchall()
            for rows, limit in ((mine, self.max_failures), (everything, self.max_client_failures)):
                if len(rows) >= limit:
                    db.execute("COMMIT")
                    return max(1, int(rows[-1][0] + self.window - now) + 1)
            db.execute("INSERT INTO login_attempts (name, client, at) VALUES (?, ?, ?)", (name, client, now))
            db.execute("COMMIT")
            return 0
        except BaseException:
            db.execute("ROLLBACK") if db.in_transaction else None
            raise
        finally:
            db.close()

    def succeeded(self, name: str, client: str) -> None:
        """A right password: this client's attempts on this name no longer count."""
        with self._connect() as db:
            db.execute("DELETE FROM login_attempts WHERE client = ? AND name = ?", (client, name))
