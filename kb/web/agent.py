"""The agent console: login, search over public and internal articles, keyboard-first."""

from __future__ import annotations

import functools
import time

from flask import Blueprint, abort, current_app, redirect, render_template, request, session, url_for

from kb.throttle import LoginThrottle
from kb.users import load_users, verify
from kb.web.api import search_json
from kb.web.knowledge import analytics, knowledge_base, log_search
from kb.web.public import int_arg

bp = Blueprint("agent", __name__, url_prefix="/agent")

BOTH = ("public", "internal")
SESSION_HOURS = 12


def current_user() -> str | None:
    user, since = session.get("user"), session.get("since", 0)
    if user and time.time() - since < SESSION_HOURS * 3600:
        return user
    return None


def login_required(view):
    @functools.wraps(view)
    def wrapped(*args, **kwargs):
        if current_user() is None:
            if request.path.startswith("/agent/api/"):
                return {"error": "login required"}, 401
            return redirect(url_for("agent.login", next=request.full_path if request.args else request.path))
        return view(*args, **kwargs)

    return wrapped


def _safe_next(target: str | None) -> str:
    """Only same-site paths: never redirect a fresh login to another host."""
    if target and target.startswith("/agent") and not target.startswith("//"):
        return target
    return url_for("agent.console")


@bp.route("/login", methods=["GET", "POST"])
def login():
    error = None
    if request.method == "POST":
        name = request.form.get("username", "").strip().lower()[:64]
        settings = current_app.config["KB_SETTINGS"]
        throttle = LoginThrottle(settings.analytics_db)
        wait = throttle.locked_for(name)
        if wait:
            error = f"로그인 시도가 너무 많습니다. {wait // 60 + 1}분 뒤에 다시 시도해 주세요."
            page = render_template("agent/login.html", error=error, next=request.values.get("next", ""))
            return page, 429
        if verify(load_users(settings.users_file), name, request.form.get("password", "")):
            throttle.succeeded(name)
            token = session.get("csrf_token")
            session.clear()  # a new session on login: no fixation
            if token:
                session["csrf_token"] = token
            session.update(user=name, since=time.time())
            return redirect(_safe_next(request.form.get("next")), code=303)
        throttle.failed(name)
        error = "아이디 또는 비밀번호가 올바르지 않습니다."
    return render_template("agent/login.html", error=error, next=request.values.get("next", "")), (
        401 if error else 200
    )


@bp.post("/logout")
def logout():
    session.clear()
    return redirect(url_for("agent.login"), code=303)


@bp.get("/")
@login_required
def console():
    kb = knowledge_base()
    q = request.args.get("q", "")[:200]
    response = kb.engine.search(q, limit=20, audiences=BOTH) if q.strip() else None
    search_id = log_search(response, "agent", None) if response else None
    return render_template(
        "agent/console.html",
        q=q,
        response=response,
        search_id=search_id,
        categories=kb.corpus.categories,
        user=current_user(),
    )


@bp.get("/articles/<article_id>")
@login_required
def article(article_id: str):
    kb = knowledge_base()
    found = kb.corpus.get(article_id)
    if found is None:
        abort(404)
    if "r" in request.args or "sid" in request.args:
        analytics().log_click(article_id=found.id, search_id=int_arg("sid"), rank=int_arg("r"))
    related = [r for r in (kb.corpus.get(i) for i in found.related) if r is not None]
    return render_template(
        "agent/article.html",
        article=found,
        related=related,
        category=kb.corpus.categories.get(found.category),
        user=current_user(),
    )


@bp.get("/api/search")
@login_required
def api_search():
    return search_json(BOTH, "agent", "agent.article")
