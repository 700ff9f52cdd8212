"""Flask's side of the snapshot: one snapshot per request, taken on first use and released at its end."""

from __future__ import annotations

from flask import abort, current_app, g, request, url_for

from indexer import MAX_QUERY_CHARS, PUBLIC, Audiences
from kb.analytics import Analytics
from kb.articles import Article
from kb.results import Links, Results
from kb.results import search as search_results
from kb.snapshot import LiveBuild, Snapshot


def live_build() -> LiveBuild:
    return current_app.extensions["kb"]


def knowledge_base() -> Snapshot:
    """This request's snapshot: every page, result and suggestion of a request comes from one build."""
    if "kb_snapshot" not in g:
        g.kb_snapshot = live_build().acquire()
    return g.kb_snapshot


def release_snapshot(_error=None) -> None:
    snapshot = g.pop("kb_snapshot", None)
    if snapshot is not None:
        live_build().release(snapshot)


def query_arg() -> str:
    """The ``q`` parameter, cut at the one query-length limit."""
    return request.args.get("q", "")[:MAX_QUERY_CHARS]


def links(endpoint: str = "public.article") -> Links:
    return Links(
        article=lambda i: url_for(endpoint, article_id=i),
        public=lambda i: url_for("public.article", article_id=i),
    )


def run_search(
    text: str,
    *,
    limit: int,
    audiences: Audiences,
    category: str | None = None,
    endpoint: str = "public.article",
    autocorrect: bool | None = None,
) -> Results:
    """Search this request's snapshot; if its build turns out damaged, once more on the fallback.

    ``autocorrect`` defaults to the request's wish: ``exact=1`` (the "…(으)로 검색하기" link)
    searches exactly what was typed."""
    if autocorrect is None:
        autocorrect = request.args.get("exact") != "1"
    try:
        return search_results(
            knowledge_base(),
            text,
            limit=limit,
            audiences=audiences,
            category=category,
            links=links(endpoint),
            autocorrect=autocorrect,
        )
    except Exception:
        fallback = live_build().recover(g.kb_snapshot)
        if fallback is None:
            raise
        release_snapshot()
        g.kb_snapshot = fallback
        return search_results(
            fallback,
            text,
            limit=limit,
            audiences=audiences,
            category=category,
            links=links(endpoint),
            autocorrect=autocorrect,
        )


def public_article(kb: Snapshot, article_id: str) -> Article:
    """The article if customers may see it; 404 otherwise (internal articles look like missing ones)."""
    found = kb.visible(article_id, PUBLIC)
    if found is None:
        abort(404)
    return found


def analytics() -> Analytics:
    return current_app.extensions["kb.analytics"]


def popular(limit: int = 8) -> list[Article]:
    return knowledge_base().popular(analytics().popular_articles(limit=limit), limit=limit)


def log_search(response: Results, surface: str, category: str | None) -> int | None:
    """Record a finished search (not each keystroke of instant search); returns the search id."""
    plan = response.plan
    if not plan.original.strip():
        return None
    return analytics().log_search(
        query=plan.original,
        normalized=plan.text,
        surface=surface,
        total=response.total,
        top_ids=[r["id"] for r in response.results],
        category=category,
        layout_fixed=plan.layout_fixed,
        did_you_mean=plan.did_you_mean,
    )
