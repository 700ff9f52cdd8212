"""'도움이 되었나요?' on the server: one vote per visitor per article, and a rate limit per client.

The page remembers a visitor's votes in the session cookie (to show the vote instead of the buttons);
the server keeps its own record, because a cookie can be dropped or its list trimmed. A visitor is a
random id in the session (the CSRF token already needs a session). Its keyed hash, and a keyed hash
of the client address, live only in the security state store, never in the search log. A client that
drops its cookie to vote again meets the per-address limit instead.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import secrets

from flask import current_app, request, session

LOG = logging.getLogger("kb.votes")
VISITOR = "visitor"


def _keyed(value: str) -> str:
    key = current_app.config["SECRET_KEY"].encode()
    return hmac.new(key, value.encode(), hashlib.sha256).hexdigest()[:32]


def too_many_votes() -> bool:
    """Count one vote from this client address; True when it sent too many lately (or cannot be counted)."""
    return current_app.extensions["kb.vote_limit"].hit(_keyed(request.remote_addr or "unknown")) > 0


def first_vote(article_id: str) -> bool:
    """True, and remembered, if this visitor has not voted on this article before."""
    visitor = session.setdefault(VISITOR, secrets.token_urlsafe(16))
    state = current_app.extensions["kb.votes_cast"]
    try:
        return state.first(_keyed(visitor), article_id)
    except state.store.errors as error:
        state.store.db.forget()
        LOG.error("cannot check earlier votes, vote not recorded: %s", error)
        return False
