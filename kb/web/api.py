"""The public JSON API: the same results as the search page, public articles only."""

from __future__ import annotations

from flask import Blueprint, abort, jsonify, request, url_for

from kb.web.knowledge import knowledge_base

bp = Blueprint("api", __name__, url_prefix="/api")


def hit_json(hit, categories) -> dict:
    category = categories.get(hit.category)
    return {
        "id": hit.id,
        "title": hit.title,
        "category": hit.category,
        "category_label": category.label if category else hit.category,
        "score": hit.score,
        "snippet": hit.snippet.text,
        "snippet_highlights": hit.snippet.spans,
        "title_highlights": hit.title_snippet.spans,
        "short_answer": hit.short_answer,
        "updated": hit.updated,
        "url": url_for("public.article", article_id=hit.id),
    }


def plan_json(plan) -> dict:
    return {
        "layout_fixed": plan.layout_fixed,
        "interpreted_as": plan.text if plan.layout_fixed else None,
        "did_you_mean": plan.did_you_mean,
    }


@bp.get("/search")
def search():
    kb = knowledge_base()
    q = request.args.get("q", "")[:200]
    category = request.args.get("category") or None
    try:
        limit = max(1, min(50, int(request.args.get("limit", 10))))
    except ValueError:
        limit = 10
    if category is not None and category not in kb.corpus.categories:
        return jsonify({"error": f"unknown category '{category}'"}), 400
    response = kb.engine.search(q, limit=limit, category=category, audiences=("public",))
    return jsonify(
        {
            "query": q,
            **plan_json(response.plan),
            "total": response.total,
            "category_counts": response.category_counts,
            "results": [hit_json(h, kb.corpus.categories) for h in response.hits],
        }
    )


@bp.get("/articles/<article_id>")
def article(article_id: str):
    kb = knowledge_base()
    found = kb.corpus.get(article_id)
    if found is None or not found.is_public:
        abort(404)
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
            "related": [r for r in found.related if (kb.corpus.get(r) and kb.corpus.get(r).is_public)],
        }
    )
