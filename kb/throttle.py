"""Login throttling and rate limits, counted in the security state store (shared by every worker).

Wrong passwords are counted three ways:
- per (account name, client address): 5 in 15 minutes lock that name for that client;
- per client over all names: 20 in 15 minutes, so one client cannot spray guesses over many accounts;
- per account name over all clients: 10 in one minute, so guesses spread over many addresses are slowed
  too. That lock is short (it lifts a minute after the burst) and it spares a browser that has logged in
  to that name before (``known=True``), so a stranger cannot lock a real agent out.
Each attempt is counted before the password is checked, in one transaction, so parallel guesses cannot
slip past a limit. Rows live only for their window. Fails closed: when the store cannot be used, the
login is asked to wait.
"""

from __future__ import annotations

import logging
import time

from kb.state import StateStore

LOG = logging.getLogger("kb.throttle")

MAX_FAILURES = 5  # per account name and client
MAX_CLIENT_FAILURES = 20  # per client, over all names
WINDOW_SECONDS = 15 * 60
MAX_NAME_FAILURES = 10  # per account name, over all clients ...
NAME_WINDOW_SECONDS = 60  # ... within this short window
UNAVAILABLE_WAIT = 30  # seconds a login waits when the store cannot count it


class LoginThrottle:
    def __init__(
        self,
        store: StateStore,
        max_failures: int = MAX_FAILURES,
        window: int = WINDOW_SECONDS,
        max_name_failures: int = MAX_NAME_FAILURES,
        name_window: int = NAME_WINDOW_SECONDS,
    ):
        self.store = store
        self.max_failures = max_failures
        self.max_client_failures = max(MAX_CLIENT_FAILURES, max_failures)
        self.window = window
        self.max_name_failures = max_name_failures
        self.name_window = name_window

    def attempt(self, name: str, client: str, now: float | None = None, known: bool = False) -> int:
        """Count one attempt; return 0 if it may go ahead, else the seconds to wait (nothing counted).

        ``known``: this browser logged in to ``name`` before, so the account-wide limit does not apply.
        """
        now = now or time.time()
        try:
            db = self.store.ready()
            with db.transaction():
                db.lock_for_write("login_attempts")
                db.execute("DELETE FROM login_attempts WHERE at < ?", (now - self.window,))
                limits = [
                    ("client = ? AND name = ?", (client, name), self.max_failures, self.window),
                    ("client = ?", (client,), self.max_client_failures, self.window),
                ]
                if not known:
                    limits.append(
                        (
                            "name = ? AND at >= ?",
                            (name, now - self.name_window),
                            self.max_name_failures,
                            self.name_window,
                        )
                    )
                for where, params, limit, window in limits:
                    rows = db.execute(
                        f"SELECT at FROM login_attempts WHERE {where} ORDER BY at DESC LIMIT ?", (*params, limit)
                    ).fetchall()
                    if len(rows) >= limit:
                        return max(1, int(rows[-1][0] + window - now) + 1)
                db.execute("INSERT INTO login_attempts (name, client, at) VALUES (?, ?, ?)", (name, client, now))
            return 0
        except self.store.errors as error:
            self.store.db.forget()
            LOG.error("cannot count a login attempt, asking the client to wait: %s", error)
            return UNAVAILABLE_WAIT

    def succeeded(self, name: str, client: str) -> None:
        """A right password: this client's attempts on this name no longer count."""
        try:
            self.store.ready().execute("DELETE FROM login_attempts WHERE client = ? AND name = ?", (client, name))
        except self.store.errors as error:
            self.store.db.forget()
            LOG.error("cannot clear login attempts: %s", error)


class RateLimit:
    """At most ``limit`` events of one kind per key within ``window`` seconds (votes per client, say)."""

    def __init__(self, store: StateStore, kind: str, limit: int, window: int):
        self.store, self.kind, self.limit, self.window = store, kind, limit, window

    def hit(self, key: str, now: float | None = None) -> int:
        """Count one event; 0 if allowed, else the seconds to wait. Fails closed (waits) without a store."""
        now = now or time.time()
        try:
            db = self.store.ready()
            with db.transaction():
                db.lock_for_write("rate_events")
                db.execute("DELETE FROM rate_events WHERE kind = ? AND at < ?", (self.kind, now - self.window))
                rows = db.execute(
                    "SELECT at FROM rate_events WHERE kind = ? AND key = ? ORDER BY at DESC LIMIT ?",
                    (self.kind, key, self.limit),
                ).fetchall()
                if len(rows) >= self.limit:
                    return max(1, int(rows[-1][0] + self.window - now) + 1)
                db.execute("INSERT INTO rate_events (kind, key, at) VALUES (?, ?, ?)", (self.kind, key, now))
            return 0
        except self.store.errors as error:
            self.store.db.forget()
            LOG.error("cannot count %s, refusing: %s", self.kind, error)
            return UNAVAILABLE_WAIT
