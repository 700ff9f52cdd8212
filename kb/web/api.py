"""The public JSON API: the same results as the search page, public articles only."""

from __future__ import annotations

from flask import Blueprint, jsonify, request, url_for

from kb.web.knowledge import analytics, knowledge_base, log_search, public_article

bp = Blueprint("api", __name__, url_prefix="/api")


def hit_json(hit, categories, article_endpoint: str = "public.article") -> dict:
    category = categories.get(hit.category)
    return {
        "id": hit.id,
        "title": hit.title,
        "category": hit.category,
        "category_label": category.label if category else hit.category,
        "audience": hit.audience,
        "score": hit.score,
        "snippet": hit.snippet.text,
        "snippet_highlights": hit.snippet.spans,
        "title_highlights": hit.title_snippet.spans,
        "short_answer": hit.short_answer,
        "updated": hit.updated,
        "url": url_for(article_endpoint, article_id=hit.id),
        # What an agent pastes to a customer: the public page; internal articles have only the console one.
        "share_url": url_for("public.article" if hit.audience == "public" else article_endpoint, article_id=hit.id),
    }


def suggestion_json(suggestion, article_endpoint: str = "public.article") -> dict:
    return {
        "id": suggestion.id,
        "text": suggestion.text,
        "title": suggestion.title,
        "category": suggestion.category,
        "audience": suggestion.audience,
        "url": url_for(article_endpoint, article_id=suggestion.id),
    }


def search_json(audiences, surface: str, article_endpoint: str):
    """Shared by the public and agent APIs. ``typing=1`` marks instant-search keystrokes (not logged)."""
    kb = knowledge_base()
    q = request.args.get("q", "")[:200]
    category = request.args.get("category") or None
    try:
        limit = max(1, min(50, int(request.args.get("limit", 10))))
    except ValueError:
        limit = 10
    if category is not None and category not in kb.corpus.categories:
        return jsonify({"error": f"unknown category '{category}'"}), 400
    response = kb.search(q, limit=limit, category=category, audiences=audiences)
    if request.args.get("from") == "web" and surface == "api":
        surface = "public"  # the site's own instant search, not a third-party API client
    search_id = None if request.args.get("typing") == "1" else log_search(response, surface, category)
    plan = response.plan
    data = {
        "query": q,
        "search_id": search_id,
        "layout_fixed": plan.layout_fixed,
        "interpreted_as": plan.text if plan.layout_fixed or plan.initials else None,
        "did_you_mean": plan.did_you_mean,
        "initials": plan.initials,
        "category": category,
        "total": response.total,
        "category_counts": response.category_counts,
        "category_labels": {key: c.label for key, c in kb.corpus.categories.items()},
        "category_order": list(kb.corpus.categories),  # JSON objects come back with sorted keys
        "results": [hit_json(h, kb.corpus.categories, article_endpoint) for h in response.hits],
    }
    if not response.hits and "public" in audiences:
        data["popular"] = [
            {"id": a.id, "title": a.title, "url": url_for("public.article", article_id=a.id)}
            for a in kb.popular(analytics())
        ]
    if request.args.get("suggest") == "1":
        data["suggestions"] = [
            suggestion_json(s, article_endpoint) for s in kb.suggest(q, limit=6, audiences=audiences)
        ]
    return jsonify(data)


@bp.get("/search")
def search():
    return search_json(("public",), "api", "public.article")


@bp.get("/suggest")
def suggest():
    kb = knowledge_base()
    q = request.args.get("q", "")[:200]
    return jsonify({"query": q, "suggestions": [suggestion_json(s) for s in kb.suggest(q)]})


@bp.get("/articles/<article_id>")
def article(article_id: str):
    kb = knowledge_base()
    found = public_article(kb, article_id)
    return jsonify(
        {
            "id": found.id,
            "title": found.title,
            "category": found.category,
            "questions": found.questions,
            "tags": found.tags,
            "updated": found.updated.isoformat() if found.updated else None,
            "short_answer": found.short_answer,
            "html": found.html,
            "related": [r for r in found.related if kb.corpus.get(r) and kb.corpus.get(r).is_public],
        }
    )
