"""What the web app serves from: the checked corpus and the search engine, kept in step.

When ``kb index`` switches in a new build, the next request reloads the articles too,
so pages and search results never disagree. A corpus that stopped validating is not
loaded: the last good one keeps serving.
"""

from __future__ import annotations

import threading

from flask import abort, current_app

from indexer import SearchEngine, SearchResponse, read_meta
from kb.analytics import Analytics
from kb.articles import CorpusError
from kb.config import Settings
from kb.corpus import Corpus, load_corpus
from kb.indexing import open_engine

# Until analytics has traffic, the home page shows these (the questions every card company gets most).
DEFAULT_POPULAR = (
    "lost-report",
    "pay-declined",
    "cc-phone-hours",
    "pts-cash-out",
    "cancel-purchase",
    "inst-change",
    "ben-annual-fee",
    "cancel-refund-timing",
)


class KnowledgeBase:
    def __init__(self, settings: Settings):
        self.settings = settings
        self.corpus: Corpus = load_corpus(settings.articles_dir)
        self.engine: SearchEngine = open_engine(self.corpus, settings.index_dir)
        self._hash = read_meta(settings.index_dir).get("content_hash")
        self._lock = threading.Lock()

    def refresh(self) -> None:
        digest = read_meta(self.settings.index_dir).get("content_hash")
        if digest == self._hash:
            return
        with self._lock:
            if digest == self._hash:
                return
            try:
                corpus = load_corpus(self.settings.articles_dir)
            except CorpusError:
                return
            self.corpus, self.engine, self._hash = corpus, open_engine(corpus, self.settings.index_dir), digest

    def popular(self, analytics: Analytics | None = None, limit: int = 8):
        ids = list(analytics.popular_articles(limit=limit)) if analytics else []
        ids += [i for i in DEFAULT_POPULAR if i not in ids]
        articles = [self.corpus.get(i) for i in ids]
        return [a for a in articles if a is not None and a.is_public][:limit]


def knowledge_base() -> KnowledgeBase:
    kb: KnowledgeBase = current_app.extensions["kb"]
    kb.refresh()
    return kb


def public_article(kb: KnowledgeBase, article_id: str):
    """The article if customers may see it; 404 otherwise (internal articles look like missing ones)."""
    found = kb.corpus.get(article_id)
    if found is None or not found.is_public:
        abort(404)
    return found


def analytics() -> Analytics:
    return current_app.extensions["kb.analytics"]


def log_search(response: SearchResponse, surface: str, category: str | None) -> int | None:
    """Record a finished search (not each keystroke of instant search); returns the search id."""
    plan = response.plan
    if not plan.original.strip():
        return None
    return analytics().log_search(
        query=plan.original,
        normalized=plan.text,
        surface=surface,
        total=response.total,
        top_ids=[h.id for h in response.hits],
        category=category,
        layout_fixed=plan.layout_fixed,
        did_you_mean=plan.did_you_mean,
    )
