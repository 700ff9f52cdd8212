"""The agent console: login, search over public and internal articles, keyboard-first."""

from __future__ import annotations

import functools
import secrets
import time

from flask import Blueprint, abort, current_app, g, redirect, render_template, request, session, url_for

from indexer import EVERYONE
from kb.sessions import RevokedSessions
from kb.throttle import LoginThrottle
from kb.users import UserError, load_roles, load_users, verify
from kb.web.api import search_json
from kb.web.csrf import csrf_token
from kb.web.errors import json_error
from kb.web.knowledge import analytics, knowledge_base, log_search, popular, query_arg, run_search
from kb.web.public import int_arg

bp = Blueprint("agent", __name__, url_prefix="/agent")

SESSION_HOURS = 12
# Names this browser has logged in to: the account-wide login limit spares them (kb/throttle.py).
KNOWN_NAMES = "known_names"
KNOWN_NAMES_KEPT = 5
RECENT_KEPT = 8


def _settings():
    return current_app.config["KB_SETTINGS"]


def _users() -> dict[str, str]:
    try:
        return load_users(_settings().users_file, _settings().users)
    except UserError:
        current_app.logger.exception("agent accounts cannot be read")
        return {}


def _revoked() -> RevokedSessions:
    return current_app.extensions["kb.revoked_sessions"]


def _throttle() -> LoginThrottle:
    return current_app.extensions["kb.login_throttle"]


def current_user() -> str | None:
    """The logged-in agent, if the session is fresh, not logged out, and the account still exists.

    Checked once per request (the result is kept on ``g``): it reads the accounts file and the
    security state, and refuses the session when its revocation cannot be checked.
    """
    if "agent_user" not in g:
        user, since, sid = session.get("user"), session.get("since", 0), session.get("sid")
        fresh = bool(user and sid and time.time() - since < SESSION_HOURS * 3600)
        g.agent_user = user if fresh and user in _users() and not _revoked().is_revoked(sid, since) else None
    return g.agent_user


def current_roles() -> frozenset[str]:
    """The logged-in account's roles (agent, editor); empty when nobody is logged in."""
    if "agent_roles" not in g:
        user = current_user()
        try:
            roles = load_roles(_settings().users_file, _settings().users) if user else {}
            g.agent_roles = roles.get(user, frozenset())
        except UserError:
            g.agent_roles = frozenset()
    return g.agent_roles


def role_required(role: str):
    """Login first; then the account must hold ``role`` (an agent cannot open editor pages, and back)."""

    def decorator(view):
        @functools.wraps(view)
        def wrapped(*args, **kwargs):
            if current_user() is None:
                if "/api/" in request.path:
                    return json_error(401, "login required")
                return redirect(url_for("agent.login", next=request.full_path if request.args else request.path))
            if role not in current_roles():
                if "/api/" in request.path:
                    return json_error(403, f"the '{role}' role is required")
                message = (
                    "이 계정에는 편집자 권한이 없습니다." if role == "editor" else "이 계정에는 상담원 권한이 없습니다."
                )
                return render_template("error.html", title="권한이 없습니다", message=message), 403
            return view(*args, **kwargs)

        return wrapped

    return decorator


login_required = role_required("agent")


def _safe_next(target: str | None) -> str:
    """Only console paths on this site: never another host, never a header split by CR/LF or other controls."""
    if (
        target
        and target.startswith(("/agent", "/editor"))
        and len(target) <= 2000
        and "\\" not in target
        and target.isprintable()
        and not any(ch.isspace() for ch in target)
    ):
        return target
    if "agent" not in current_roles() and "editor" in current_roles():
        return url_for("editor.home")
    return url_for("agent.console")


@bp.route("/login", methods=["GET", "POST"])
def login():
    error, status = None, 200
    if request.method == "POST":
        name = request.form.get("username", "").strip().lower()[:64]
        throttle = _throttle()
        client = request.remote_addr or "unknown"
        known = session.get(KNOWN_NAMES, [])
        wait = throttle.attempt(name, client, known=name in known)
        if wait:
            error, status = f"로그인 시도가 너무 많습니다. {wait // 60 + 1}분 뒤에 다시 시도해 주세요.", 429
        elif verify(_users(), name, request.form.get("password", "")):
            throttle.succeeded(name, client)
            _new_session(known=[name, *(k for k in known if k != name)][:KNOWN_NAMES_KEPT])
            session.update(user=name, since=time.time(), sid=secrets.token_urlsafe(16))
            g.pop("agent_user", None)
            g.pop("agent_roles", None)
            return redirect(_safe_next(request.form.get("next")), code=303)
        else:
            error, status = "아이디 또는 비밀번호가 올바르지 않습니다.", 401
    page = render_template("agent/login.html", error=error, next=request.values.get("next", ""))
    return page, status


def _new_session(known: list[str]) -> None:
    """A fresh session (no fixation) with a fresh CSRF token; only the names this browser logged in to stay."""
    session.clear()
    session[KNOWN_NAMES] = known
    csrf_token()


@bp.post("/logout")
def logout():
    sid, since = session.get("sid"), session.get("since", 0)
    if sid:
        _revoked().revoke(sid, until=since + SESSION_HOURS * 3600)
    _new_session(known=session.get(KNOWN_NAMES, []))
    return redirect(url_for("agent.login"), code=303)


@bp.get("/")
@login_required
def console():
    kb = knowledge_base()
    q = query_arg()
    response = run_search(q, limit=20, audiences=EVERYONE, endpoint="agent.article") if q.strip() else None
    search_id = log_search(response, "agent", None) if response else None
    # before the first search: what this agent opened lately, and what customers open most
    recent = [a for a in (kb.visible(i, EVERYONE) for i in session.get("recent", [])) if a is not None]
    return render_template(
        "agent/console.html",
        q=q,
        response=response,
        search_id=search_id,
        categories=kb.categories,
        user=current_user(),
        recent=recent,
        popular=popular() if response is None else [],
    )


def _remember_opened(article_id: str) -> None:
    """The agent's recently opened articles (newest first), kept in their session."""
    recent = [i for i in session.get("recent", []) if i != article_id]
    session["recent"] = [article_id, *recent][:RECENT_KEPT]


@bp.get("/articles/<article_id>")
@login_required
def article(article_id: str):
    kb = knowledge_base()
    found = kb.visible(article_id, EVERYONE)
    if found is None:
        abort(404)
    if "r" in request.args or "sid" in request.args:
        analytics().log_click(article_id=found.id, search_id=int_arg("sid"), rank=int_arg("r"))
    _remember_opened(found.id)
    return render_template(
        "agent/article.html",
        article=found,
        related=kb.related(found, EVERYONE),
        category=kb.categories.get(found.category),
        user=current_user(),
    )


@bp.get("/api/search")
@login_required
def api_search():
    return search_json(EVERYONE, "agent", "agent.article")
