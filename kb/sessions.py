"""Server-side revocation for the signed session cookies of the agent console.

A Flask session lives in the cookie, so logging out cannot delete it from a copy someone
kept. Each login gets a random id; logout records it in the security state store until it
would have expired anyway, and every request checks it. Fails closed: a session whose
revocation cannot be checked (store unreadable, locked, or newer than the session) is refused.
"""

from __future__ import annotations

import logging
import time

from kb.state import StateStore

LOG = logging.getLogger("kb.sessions")


class RevokedSessions:
    def __init__(self, store: StateStore):
        self.store = store

    def revoke(self, sid: str, until: float) -> bool:
        """Remember a logged-out session id; False (and logged) when the store cannot be written."""
        try:
            db = self.store.ready()
            with db.transaction():
                db.execute("DELETE FROM revoked_sessions WHERE until < ?", (time.time(),))
                db.execute(
                    "INSERT INTO revoked_sessions (sid, until) VALUES (?, ?)"
                    " ON CONFLICT (sid) DO UPDATE SET until = excluded.until",
                    (sid, until),
                )
            return True
        except self.store.errors as error:
            self.store.db.forget()
            LOG.error("cannot record a logout: the copied session cookie stays valid until it expires: %s", error)
            return False

    def is_revoked(self, sid: str, since: float) -> bool:
        """True if the session was logged out, began before the store did, or the store cannot be read."""
        try:
            if since < self.store.created():
                return True
            found = self.store.ready().execute("SELECT 1 FROM revoked_sessions WHERE sid = ?", (sid,)).fetchone()
        except self.store.errors as error:
            self.store.db.forget()
            LOG.error("cannot check session revocation, refusing the session: %s", error)
            return True
        return found is not None
