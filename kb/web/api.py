"""The public JSON API: the same results as the search page, public articles only."""

from __future__ import annotations

from flask import Blueprint, jsonify, request, url_for

from indexer import PUBLIC, Audiences
from kb.complete import complete_last_word
from kb.results import search_body
from kb.web.errors import json_error
from kb.web.knowledge import knowledge_base, log_search, popular, public_article, query_arg, run_search

bp = Blueprint("api", __name__, url_prefix="/api")


def suggestion_json(suggestion, article_endpoint: str = "public.article") -> dict:
    return {
        "id": suggestion.id,
        "text": suggestion.text,
        "title": suggestion.title,
        "category": suggestion.category,
        "audience": suggestion.audience,
        "url": url_for(article_endpoint, article_id=suggestion.id),
    }


def search_json(audiences: Audiences, surface: str, article_endpoint: str):
    """Shared by the public and agent APIs. ``typing=1`` marks instant-search keystrokes (not logged)."""
    kb = knowledge_base()
    q = query_arg()
    category = request.args.get("category") or None
    try:
        limit = max(1, min(50, int(request.args.get("limit", 10))))
    except ValueError:
        limit = 10
    try:  # "더 보기": the next results of the same search
        offset = max(0, min(500, int(request.args.get("offset", 0))))
    except ValueError:
        offset = 0
    if category is not None and category not in kb.categories:
        return json_error(400, f"unknown category '{category}'")
    want_suggestions = request.args.get("suggest") == "1"
    prefix = request.args.get("prefix") == "1"  # instant search while the last word is being typed
    suggestions = kb.suggest(q, limit=20, audiences=audiences) if want_suggestions or prefix else []
    text = complete_last_word(q, (t for s in suggestions for t in (s.text, s.title))) if prefix else q
    response = run_search(text, limit=offset + limit, category=category, audiences=audiences, endpoint=article_endpoint)
    response.results = response.results[offset:]
    if request.args.get("from") == "web" and surface == "api":
        surface = "public"  # the site's own instant search, not a third-party API client
    search_id = None if request.args.get("typing") == "1" else log_search(response, surface, category)
    data = {"search_id": search_id, **search_body(kb, response, category)}
    if prefix:  # what was typed stays the query; 카드 분 searched as 카드 분실 says so
        data.update(query=q, completed_as=text if text != q else None)
    if offset:
        data["offset"] = offset
    if not response.results and "public" in audiences:
        data["popular"] = [
            {"id": a.id, "title": a.title, "url": url_for("public.article", article_id=a.id)} for a in popular()
        ]
    if want_suggestions:
        data["suggestions"] = [suggestion_json(s, article_endpoint) for s in suggestions[:6]]
    return jsonify(data)


@bp.get("/search")
def search():
    return search_json(PUBLIC, "api", "public.article")


@bp.get("/suggest")
def suggest():
    q = query_arg()
    return jsonify({"query": q, "suggestions": [suggestion_json(s) for s in knowledge_base().suggest(q)]})


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
            "related": [r.id for r in kb.related(found)],
        }
    )
