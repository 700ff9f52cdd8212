"""Public pages: home, search, article, category. Internal articles never appear here."""

from __future__ import annotations

from flask import Blueprint, abort, render_template, request

from kb.web.knowledge import knowledge_base

bp = Blueprint("public", __name__)

PUBLIC = ("public",)


@bp.get("/")
def home():
    kb = knowledge_base()
    counts = {key: len(kb.corpus.in_category(key)) for key in kb.corpus.categories}
    return render_template("home.html", categories=kb.corpus.categories.values(), counts=counts, popular=kb.popular())


@bp.get("/search")
def search():
    kb = knowledge_base()
    q = request.args.get("q", "")[:200]
    category = request.args.get("category") or None
    if category not in kb.corpus.categories:
        category = None
    response = kb.engine.search(q, limit=20, category=category, audiences=PUBLIC) if q.strip() else None
    return render_template(
        "search.html", q=q, category=category, response=response, categories=kb.corpus.categories, popular=kb.popular()
    )


@bp.get("/articles/<article_id>")
def article(article_id: str):
    kb = knowledge_base()
    found = kb.corpus.get(article_id)
    if found is None or not found.is_public:
        abort(404)
    related = [r for r in (kb.corpus.get(i) for i in found.related) if r is not None and r.is_public]
    return render_template(
        "article.html", article=found, related=related, category=kb.corpus.categories.get(found.category)
    )


@bp.get("/categories/<key>")
def category(key: str):
    kb = knowledge_base()
    found = kb.corpus.categories.get(key)
    if found is None:
        abort(404)
    return render_template(
        "category.html", category=found, articles=kb.corpus.in_category(key), categories=kb.corpus.categories
    )


@bp.app_errorhandler(404)
def not_found(error):
    return render_template("404.html"), 404
