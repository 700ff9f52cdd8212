"""What the web app serves from: the checked corpus and the search engine, kept in step.

When ``kb index`` switches in a new build, the next request reloads the articles too,
so pages and search results never disagree. A corpus that stopped validating is not
loaded: the last good one keeps serving.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Sequence

from flask import abort, current_app

from indexer import SearchEngine, SearchResponse, content_hash, live_path, read_meta
from kb.analytics import Analytics
from kb.articles import CorpusError
from kb.config import Settings
from kb.corpus import Corpus, load_corpus
from kb.indexing import open_engine, to_index_doc

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
    """Articles and engine, served together; every result is checked against the articles."""

    def __init__(self, settings: Settings):
        self.settings = settings
        self.corpus: Corpus = load_corpus(settings.articles_dir)
        self.engine: SearchEngine = open_engine(self.corpus, settings.index_dir)
        self._build = live_path(settings.index_dir)
        self._hash = read_meta(settings.index_dir).get("content_hash")
        self._lock = threading.Lock()
        self.index_matches_articles = self._check_index()

    def _check_index(self) -> bool:
        """An index built from other articles still serves, but say so loudly (kb index fixes it)."""
        matches = content_hash([to_index_doc(a) for a in self.corpus.articles]) == self._hash
        if not matches:
            logging.getLogger("kb").warning(
                "the index in %s was not built from the articles in %s: run `kb index`",
                self.settings.index_dir,
                self.settings.articles_dir,
            )
        return matches

    def refresh(self) -> None:
        """After a new build is switched in, reload the articles it was built from."""
        build = live_path(self.settings.index_dir)  # a readlink per request; meta.json only on a switch
        if build == self._build:
            return
        with self._lock:
            if build == self._build:
                return
            self._build = build  # tried once per build, not on every request
            self._hash = read_meta(self.settings.index_dir).get("content_hash")
            try:
                corpus = load_corpus(self.settings.articles_dir)
            except CorpusError:
                logging.getLogger("kb").warning("articles do not validate; still serving the last good ones")
                self.index_matches_articles = False
                return
            self.corpus, self.engine = corpus, open_engine(corpus, self.settings.index_dir)
            self.index_matches_articles = self._check_index()

    def visible_to(self, audiences: Sequence[str]) -> Callable[[str], bool]:
        corpus = self.corpus

        def visible(article_id: str) -> bool:
            article = corpus.get(article_id)
            return article is not None and article.audience in audiences

        return visible

    def search(self, text: str, *, limit: int, audiences: Sequence[str], category: str | None = None):
        return self.engine.search(
            text, limit=limit, category=category, audiences=audiences, visible=self.visible_to(audiences)
        )

    def suggest(self, text: str, *, limit: int = 8, audiences: Sequence[str] = ("public",)):
        visible = self.visible_to(audiences)
        return [s for s in self.engine.suggest(text, limit=limit, audiences=audiences) if visible(s.id)]

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
