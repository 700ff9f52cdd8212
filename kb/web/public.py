"""Public pages: home, search, article (with feedback), category. Internal articles never appear here."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, session, url_for

from indexer import PUBLIC
from kb.presentation import popular_first
from kb.site_settings import SiteSettings
from kb.snapshot import DEFAULT_POPULAR
from kb.web.knowledge import (
    analytics,
    knowledge_base,
    live_build,
    log_search,
    popular,
    public_article,
    query_arg,
    run_search,
)
from kb.web.votes import first_vote, too_many_votes

bp = Blueprint("public", __name__)

RESULTS_PER_PAGE = 20
MAX_PAGE = 25
POPULAR_WINDOW = 500  # the most opened articles looked at when ordering a category page
VOTES_REMEMBERED = 40  # the session cookie stays small: the oldest votes are forgotten first


def site_settings() -> SiteSettings:
    return current_app.extensions["kb.site"]


def int_arg(name: str) -> int | None:
    try:
        return int(request.args[name])
    except (KeyError, ValueError):
        return None


@bp.get("/")
def home():
    kb = knowledge_base()
    counts = {key: len(kb.in_category(key)) for key in kb.categories}
    return render_template("home.html", categories=kb.categories.values(), counts=counts, popular=popular())


@bp.get("/search")
def search():
    kb = knowledge_base()
    q = query_arg()
    category = request.args.get("category") or None
    if category not in kb.categories:
        category = None
    page = max(1, min(MAX_PAGE, int_arg("page") or 1))
    offset = (page - 1) * RESULTS_PER_PAGE
    response = search_id = None
    if q.strip():
        response = run_search(q, limit=offset + RESULTS_PER_PAGE, category=category, audiences=PUBLIC)
        response.results = response.results[offset:]
        # later pages are the same search, not a new one: they carry its id for click analytics
        search_id = log_search(response, "public", category) if page == 1 else int_arg("sid")
    return render_template(
        "search.html",
        q=q,
        category=category,
        response=response,
        search_id=search_id,
        search_category=category,
        page=page,
        offset=offset,
        categories=kb.categories,
        popular=popular(),
    )


@bp.get("/articles/<article_id>")
def article(article_id: str):
    kb = knowledge_base()
    found = public_article(kb, article_id)
    if "r" in request.args or "sid" in request.args:
        analytics().log_click(article_id=found.id, search_id=int_arg("sid"), rank=int_arg("r"))
    return render_template(
        "article.html",
        article=found,
        related=kb.related(found),
        category=kb.categories.get(found.category),
        vote=_vote_cast(found.id),
    )


def _vote_cast(article_id: str) -> dict | None:
    """This visitor's vote on the article, remembered in their session: {"helpful", "commented", "id"}."""
    vote = session.get("votes", {}).get(article_id)
    if not vote:
        return None
    helpful, vote_id, commented = vote
    return {"helpful": helpful, "id": vote_id, "commented": commented}


def _remember_vote(article_id: str, helpful: str, vote_id: int | None, commented: bool) -> None:
    votes = dict(session.get("votes", {}))
    votes.pop(article_id, None)
    votes[article_id] = [helpful, vote_id, commented]
    session["votes"] = dict(list(votes.items())[-VOTES_REMEMBERED:])


@bp.post("/articles/<article_id>/feedback")
def feedback(article_id: str):
    """'도움이 되었나요?': one yes/no vote per visitor, then optionally one comment; works without JavaScript.

    A second vote from the same session is not recorded again (the page no longer offers it);
    a comment sent after "아니요" joins the vote it explains.
    """
    kb = knowledge_base()
    found = public_article(kb, article_id)
    helpful = request.form.get("helpful")
    comment = (request.form.get("comment") or "").strip()
    previous = _vote_cast(found.id)
    if helpful not in ("yes", "no") and not (helpful is None and comment and previous):
        abort(400, description="helpful must be 'yes' or 'no'")
    comment_saved = False
    if previous is None:
        if too_many_votes():
            message = "의견이 너무 많이 접수되었습니다. 잠시 뒤에 다시 보내 주세요."
            if request.accept_mimetypes.best == "application/json":
                return {"ok": False, "error": message}, 429
            return render_template("error.html", title="잠시 뒤에 다시 시도해 주세요", message=message), 429
        recorded = first_vote(found.id)  # the server remembers too: a forgotten cookie list cannot vote twice
        vote_id = (
            analytics().log_vote(article_id=found.id, helpful=helpful == "yes", comment=comment) if recorded else None
        )
        previous = {"helpful": helpful, "id": vote_id, "commented": bool(comment) and vote_id is not None}
        comment_saved = previous["commented"]
    elif comment and not previous["commented"] and previous["id"] is not None:
        comment_saved = analytics().add_vote_comment(vote_id=previous["id"], article_id=found.id, comment=comment)
        previous["commented"] = previous["commented"] or comment_saved
    _remember_vote(found.id, previous["helpful"], previous["id"], previous["commented"])
    if request.accept_mimetypes.best == "application/json":
        return {
            "ok": True,
            "helpful": previous["helpful"],
            "commented": previous["commented"],
            "comment_saved": comment_saved,
        }
    flash(site_settings().strings.get("vote_thanks", "의견을 보내 주셔서 감사합니다."), "feedback")
    return redirect(url_for("public.article", article_id=found.id) + "#feedback", code=303)


@bp.get("/categories/<key>")
def category(key: str):
    kb = knowledge_base()
    found = kb.categories.get(key)
    if found is None:
        abort(404)
    # most opened lately first, then the usual questions (analytics counts clicks over all categories)
    popular_ids = [*analytics().popular_articles(limit=POPULAR_WINDOW), *DEFAULT_POPULAR]
    articles = popular_first(kb.in_category(key), popular_ids)
    return render_template("category.html", category=found, articles=articles, categories=kb.categories)


@bp.get("/favicon.ico")
def favicon():
    """Browsers ask for /favicon.ico whatever the page says; answer with the one icon (no 404s in logs)."""
    return redirect(url_for("static", filename="favicon.svg"), code=301)


@bp.get("/healthz")
def healthz():
    """Which build answers; ``fallback`` is true while a damaged live build is bypassed."""
    return live_build().status()
