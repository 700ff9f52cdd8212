"""What the web app serves from: the checked corpus and the search engine, kept in step.

When ``kb index`` switches in a new build, the next request reloads the articles too,
so pages and search results never disagree. A corpus that stopped validating is not
loaded: the last good one keeps serving.
"""

from __future__ import annotations

import threading

from flask import current_app

from indexer import SearchEngine, read_meta
from kb.articles import CorpusError
from kb.config import Settings
from kb.corpus import Corpus, load_corpus
from kb.indexing import open_engine

POPULAR_IDS = (
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

    def popular(self, limit: int = 8):
        articles = [self.corpus.get(i) for i in POPULAR_IDS]
        return [a for a in articles if a is not None and a.is_public][:limit]


def knowledge_base() -> KnowledgeBase:
    kb: KnowledgeBase = current_app.extensions["kb"]
    kb.refresh()
    return kb
