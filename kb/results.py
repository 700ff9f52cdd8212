"""The one shape of a search result, built here and nowhere else.

The engine answers with ids, scores and highlight spans; this module joins them with the
snapshot's articles into the result dict that the JSON API, ``kb search --json``, the
templates and the instant-search JS all render. Add keys only additively.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from indexer import Audiences, Hit, QueryPlan, SearchResponse
from kb.highlights import mark_distinguishing
from kb.snapshot import Snapshot

RESULT_KEYS = (
    "id",
    "title",
    "category",
    "category_label",
    "audience",
    "score",
    "snippet",
    "snippet_highlights",
    "title_highlights",
    "short_answer",
    "updated",
    "url",
    "share_url",
)


@dataclass(frozen=True)
class Links:
    """Where results point: ``article`` opens one on the current face, ``public`` is the customers' page."""

    article: Callable[[str], str]
    public: Callable[[str], str]


# Without Flask (the CLI): the site's paths.
PUBLIC_PATHS = Links(article=lambda i: f"/articles/{i}", public=lambda i: f"/articles/{i}")
AGENT_PATHS = Links(article=lambda i: f"/agent/articles/{i}", public=lambda i: f"/articles/{i}")


@dataclass
class Results:
    """A finished search: what the query was read as, and the result dicts."""

    plan: QueryPlan
    results: list[dict] = field(default_factory=list)
    total: int = 0
    category_counts: dict[str, int] = field(default_factory=dict)

    @property
    def query(self) -> str:
        return self.plan.original


def search(
    snapshot: Snapshot,
    text: str,
    *,
    limit: int,
    audiences: Audiences,
    links: Links,
    category: str | None = None,
    autocorrect: bool = True,
) -> Results:
    response: SearchResponse = snapshot.search(
        text, limit=limit, category=category, audiences=audiences, autocorrect=autocorrect
    )
    rows = [row for row in (result_dict(snapshot, hit, links) for hit in response.hits) if row is not None]
    mark_distinguishing(rows, snapshot)  # not 카드 in every result: what tells it apart
    return Results(response.plan, rows, response.total, response.category_counts)


def result_dict(snapshot: Snapshot, hit: Hit, links: Links) -> dict | None:
    article = snapshot.get(hit.id)
    if article is None:  # cannot happen within one build; never show a hit without its article
        return None
    category = snapshot.categories.get(article.category)
    return {
        "id": article.id,
        "title": article.title,
        "category": article.category,
        "category_label": category.label if category else article.category,
        "audience": article.audience,
        "score": hit.score,
        "snippet": hit.snippet.text,
        "snippet_highlights": hit.snippet.spans,
        "title_highlights": hit.title_highlights,
        "short_answer": article.short_answer,
        "updated": article.updated.isoformat() if article.updated else "",
        "url": links.article(article.id),
        # What an agent pastes to a customer: the public page; internal articles have only the console one.
        "share_url": links.public(article.id) if article.is_public else links.article(article.id),
    }


def search_body(snapshot: Snapshot, results: Results, category: str | None = None) -> dict:
    """The JSON body shared by /api/search, /agent/api/search and ``kb search --json``."""
    plan = results.plan
    return {
        "query": plan.original,
        "layout_fixed": plan.layout_fixed,
        "interpreted_as": plan.text if plan.layout_fixed or plan.initials or plan.autocorrected_from else None,
        "did_you_mean": plan.did_you_mean,
        # a near-certain correction was searched instead (결재 → 결제): what was typed, to offer it
        "autocorrected_from": plan.autocorrected_from,
        "initials": plan.initials,
        "category": category,
        "total": results.total,
        "category_counts": results.category_counts,
        "category_labels": {key: c.label for key, c in snapshot.categories.items()},
        "category_order": list(snapshot.categories),  # JSON objects come back with sorted keys
        "results": results.results,
    }
